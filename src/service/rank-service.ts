// POST /v1/rank without the HTTP: gather the user's profile, live state and candidates, score them with the live
// model, let the variant's policy build the slate, and log the decision with the propensities it returns.
import { eq } from "drizzle-orm";
import { buildFeatureMatrix } from "../ranking/features.js";
import type { Policy, Random } from "../ranking/policies/policy.js";
import { FallbackScorer } from "../ranking/scorer/fallback-scorer.js";
import type { Scorer, Scores } from "../ranking/scorer/scorer.js";
import { coldItem, type CatalogueItem, type RequestContext } from "../ranking/types.js";
import { ensureBundledModel, scorerFor } from "../model/model-provider.js";
import { loadCatalogue } from "../storage/d1/catalogue-repository.js";
import type { Database } from "../storage/d1/database.js";
import { logDecision } from "../storage/d1/decision-repository.js";
import { catalogueVersion, models, users } from "../storage/d1/schema/index.js";
import { toUserProfile } from "../storage/d1/user-repository.js";
import type { UserStateObject } from "../storage/durable/user-state-object.js";

export interface RankDeps {
  db: Database;
  userState: DurableObjectNamespace<UserStateObject>;
  random: Random;
  now: number;
  requestId: string;
}

export interface RankInput {
  userId: string;
  candidates?: string[] | undefined;
  k: number;
  context: RequestContext;
  exclude: string[];
}

export interface Variant { name: string; policy: Policy }

export interface RankOutput {
  requestId: string; userId: string; variant: string; policy: string; modelVersion: string | null; fallback: boolean;
  items: { itemId: string; rank: number; score: number; propensity: number; explore: boolean; reason: string }[];
}

async function readRequestState(db: Database, userId: string) {
  const [live, version, user] = await db.batch([
    db.select({ version: models.version, sha256: models.sha256 }).from(models).where(eq(models.live, true)),
    db.select({ version: catalogueVersion.version }).from(catalogueVersion).where(eq(catalogueVersion.id, 1)),
    db.select().from(users).where(eq(users.userId, userId)),
  ]);
  return { live: live[0], catalogueVersion: version[0]?.version ?? 0, user: user[0] };
}

export async function rankForUser(deps: RankDeps, input: RankInput, variant: Variant): Promise<RankOutput> {
  const { db, now } = deps;
  await ensureBundledModel(db, now);
  const state = await readRequestState(db, input.userId);
  const [catalogue, shortTermVector] = await Promise.all([
    loadCatalogue(db, state.catalogueVersion),
    deps.userState.get(deps.userState.idFromName(input.userId)).shortTermVector(),
  ]);

  const excluded = new Set(input.exclude);
  const pool: CatalogueItem[] = input.candidates === undefined
    ? catalogue.items
    : input.candidates.map((itemId) => catalogue.byId.get(itemId) ?? coldItem(itemId, now));
  const candidates = pool.filter((item) => item.active && !excluded.has(item.itemId));

  const profile = toUserProfile(input.userId, state.user);
  const features = buildFeatureMatrix(profile, { shortTermVector }, candidates, input.context, now);
  let scorer: Scorer = await scorerFor(db, state.live);
  let scores: Scores;
  try {
    scores = await scorer.score(features, candidates.length);
  } catch (error) {
    console.error(`serendip: model ${scorer.modelVersion} failed at run time, answering with the fallback scorer: ${(error as Error).message}`);
    scorer = new FallbackScorer();
    scores = await scorer.score(features, candidates.length);
  }

  const slate = variant.policy.select({ ...scores, k: Math.min(input.k, candidates.length), random: deps.random });
  const items = slate.map((entry, position) => ({
    itemId: candidates[entry.index]!.itemId, rank: position + 1, score: entry.score,
    propensity: entry.propensity, explore: entry.explore, reason: entry.reason,
  }));
  const output: RankOutput = {
    requestId: deps.requestId, userId: input.userId, variant: variant.name, policy: variant.policy.name,
    modelVersion: scorer.modelVersion, fallback: scorer.fallback, items,
  };

  await logDecision(db, {
    requestId: output.requestId, userId: input.userId, variant: output.variant, policy: output.policy,
    modelVersion: output.modelVersion, fallback: output.fallback, mode: input.candidates === undefined ? "catalogue" : "candidates",
    k: input.k, candidateCount: candidates.length, context: { ...input.context }, createdAt: now,
  }, items.map((item) => ({
    requestId: output.requestId, rank: item.rank, userId: input.userId, itemId: item.itemId, score: item.score,
    propensity: item.propensity, explore: item.explore, reason: item.reason, policy: output.policy,
    variant: output.variant, modelVersion: output.modelVersion, createdAt: now,
  })));
  return output;
}
