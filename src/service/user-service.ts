// Reading and erasing what the service holds about one user, across D1 and the user's Durable Object.
import { cosine } from "../ranking/vectors.js";
import { currentCatalogueVersion, loadCatalogue } from "../storage/d1/catalogue-repository.js";
import type { Database } from "../storage/d1/database.js";
import { eraseUser, findUser, userActivityCounts } from "../storage/d1/user-repository.js";
import type { LiveEvent, UserStateObject } from "../storage/durable/user-state-object.js";

export interface UserDeps { db: Database; userState: DurableObjectNamespace<UserStateObject> }

export interface UserView {
  userId: string;
  variant: string;
  profile: { ratingCount: number; ratingMean: number; attributes: Record<string, string | number | boolean>; updatedAt: number } | null;
  interests: { longTerm: { tag: string; share: number }[]; shortTerm: { itemId: string; title: string; similarity: number }[] };
  counts: { decisions: number; impressions: number; events: number; liveEvents: Record<string, number> };
  recentEvents: LiveEvent[];
}

const TOP = 5;

export async function describeUser(deps: UserDeps, userId: string, variant: string): Promise<UserView | null> {
  const stub = deps.userState.get(deps.userState.idFromName(userId));
  const [row, counts, live] = await Promise.all([findUser(deps.db, userId), userActivityCounts(deps.db, userId), stub.summary()]);
  if (row === undefined && live === null && counts.decisions + counts.events === 0) return null;

  let shortTerm: UserView["interests"]["shortTerm"] = [];
  if (live?.shortTermVector) {
    const catalogue = await loadCatalogue(deps.db, await currentCatalogueVersion(deps.db));
    shortTerm = catalogue.items
      .filter((item) => item.active && item.contentVector !== null)
      .map((item) => ({ itemId: item.itemId, title: item.title, similarity: cosine(live.shortTermVector, item.contentVector) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, TOP);
  }
  const longTerm = Object.entries(row?.tagAffinity ?? {})
    .map(([tag, share]) => ({ tag, share }))
    .sort((a, b) => b.share - a.share)
    .slice(0, TOP);
  return {
    userId,
    variant,
    profile: row === undefined ? null : { ratingCount: row.ratingCount, ratingMean: row.ratingMean, attributes: row.attributes, updatedAt: row.updatedAt },
    interests: { longTerm, shortTerm },
    counts: { ...counts, liveEvents: live?.eventCounts ?? {} },
    recentEvents: live?.recentEvents ?? [],
  };
}

export async function eraseUserEverywhere(deps: UserDeps, userId: string): Promise<void> {
  await eraseUser(deps.db, userId);
  await deps.userState.get(deps.userState.idFromName(userId)).erase();
}
