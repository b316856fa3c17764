// Reading and erasing what the service holds about one user, across D1 and the user's Durable Object.
import { cosine } from "../ranking/vectors.js";
import { currentCatalogueVersion, loadCatalogue } from "../storage/d1/catalogue-repository.js";
import type { Database } from "../storage/d1/database.js";
import { eraseUser, findUser, userActivityCounts } from "../storage/d1/user-repository.js";
import type { LiveEvent, LiveSummary, UserStateObject } from "../storage/durable/user-state-object.js";
import { clusterFromTags } from "../ranking/clusters.js";

export interface UserDeps { db: Database; userState: DurableObjectNamespace<UserStateObject>; userKey: (userId: string) => Promise<string> }

export interface UserView {
  userId: string;
  variant: string;
  profile: { ratingCount: number; ratingMean: number; attributes: Record<string, string | number | boolean>; updatedAt: number } | null;
  interests: { longTerm: { tag: string; share: number }[]; shortTerm: { itemId: string; title: string; similarity: number }[] };
  counts: { decisions: number; impressions: number; events: number; liveEvents: Record<string, number> };
  /** What the bandits learned: each interest cluster's posterior mean reward (top first), fatigue and crediting. */
  learning: {
    clusters: { cluster: number; tags: string[]; meanReward: number; observations: number }[];
    fatiguedItems: number; consumedItems: number;
    credited: { rewards: number; late: number; notInDecision: number; expiredUnrewarded: number };
  } | null;
  recentEvents: LiveEvent[];
}

const TOP = 5;

export async function describeUser(deps: UserDeps, userId: string, variant: string, clusterCount: number): Promise<UserView | null> {
  const key = await deps.userKey(userId);
  const stub = deps.userState.get(deps.userState.idFromName(key));
  const [row, counts, live] = await Promise.all([findUser(deps.db, key), userActivityCounts(deps.db, key), stub.summary()]);
  if (row === undefined && live === null && counts.decisions + counts.events === 0) return null;

  const catalogue = await loadCatalogue(deps.db, await currentCatalogueVersion(deps.db));
  let shortTerm: UserView["interests"]["shortTerm"] = [];
  if (live?.shortTermVector) {
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
    learning: live === null ? null : {
      clusters: clusterSummary(live.clusterRates, catalogue.items.flatMap((item) => item.tags), clusterCount),
      fatiguedItems: live.fatiguedItems, consumedItems: live.consumedItems, credited: live.credited,
    },
    recentEvents: live?.recentEvents ?? [],
  };
}

/** Clusters with the tags that map to them (the same vocabulary the rank service uses), best mean reward first. */
function clusterSummary(rates: LiveSummary["clusterRates"], tags: string[], clusterCount: number): NonNullable<UserView["learning"]>["clusters"] {
  const vocabulary = [...new Set(tags)].sort();
  return rates
    .map(({ cluster, alpha, beta }) => ({
      cluster,
      tags: vocabulary.filter((tag) => clusterFromTags([tag], clusterCount, vocabulary) === cluster),
      meanReward: alpha / (alpha + beta),
      observations: Math.max(0, alpha + beta - 2),
    }))
    .filter((entry) => entry.tags.length > 0)
    .sort((a, b) => b.meanReward - a.meanReward);
}

export async function eraseUserEverywhere(deps: UserDeps, userId: string): Promise<void> {
  const key = await deps.userKey(userId);
  await eraseUser(deps.db, key);
  await deps.userState.get(deps.userState.idFromName(key)).erase();
}
