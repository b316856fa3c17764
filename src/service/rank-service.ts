// POST /v1/rank without the HTTP: gather the user's profile, live state and candidates, score them with the
// variant's model, let the variant's policy build the slate under its exploration, fatigue and diversity rules, and
// log the decision (D1) and the served items (the user's Durable Object) with the propensities it returns.
import { eq } from "drizzle-orm";
import { alignBanditState } from "../ranking/bandit-state.js";
import { assignClusters } from "../ranking/clusters.js";
import { buildFeatureMatrix, FEATURE_COUNT, FEATURE_LAYOUT } from "../ranking/features.js";
import { seededRandom } from "../ranking/random.js";
import { encodeVector, project, randomProjection } from "../ranking/vectors.js";
import type { CandidateFacts, Random } from "../ranking/policies/policy.js";
import { FallbackScorer } from "../ranking/scorer/fallback-scorer.js";
import type { Scorer, Scores } from "../ranking/scorer/scorer.js";
import type { SlatePolicy } from "../ranking/slate.js";
import { coldItem, type CatalogueItem, type RequestContext } from "../ranking/types.js";
import { ensureBundledModel, scorerFor } from "../model/model-provider.js";
import { loadCatalogue, type Catalogue } from "../storage/d1/catalogue-repository.js";
import type { Database } from "../storage/d1/database.js";
import { writeDecisionLog } from "./decision-log.js";
import { catalogueVersion, models, users } from "../storage/d1/schema/index.js";
import { toUserProfile } from "../storage/d1/row-mapping.js";
import type { UserStateObject } from "../storage/durable/user-state-object.js";

export interface RankDeps {
  db: Database;
  userState: DurableObjectNamespace<UserStateObject>;
  random: Random;
  now: number;
  requestId: string;
  clusterCount: number;
  userKey: (userId: string) => Promise<string>;
  /** Runs the logging after the response (waitUntil), or before it when the deployment asks for synchronous logs;
   * null for a preview, which is neither logged nor counted as an impression. */
  defer: ((work: Promise<unknown>) => void) | null;
}

export interface RankInput {
  userId: string;
  candidates?: string[] | undefined;
  k: number;
  context: RequestContext;
  exclude: string[];
}

export interface Variant { name: string; policy: SlatePolicy; modelVersion: string | null }

export interface RankOutput {
  requestId: string; userId: string; variant: string; policy: string; modelVersion: string | null; fallback: boolean;
  items: { itemId: string; rank: number; score: number; propensity: number; explore: boolean; reason: string; title?: string }[];
}

async function readRequestState(db: Database, userId: string, pinnedVersion: string | null) {
  const modelQuery = db.select({ version: models.version, sha256: models.sha256 }).from(models)
    .where(pinnedVersion === null ? eq(models.live, true) : eq(models.version, pinnedVersion));
  const [model, version, user] = await db.batch([
    modelQuery,
    db.select({ version: catalogueVersion.version }).from(catalogueVersion).where(eq(catalogueVersion.id, 1)),
    db.select().from(users).where(eq(users.userId, userId)),
  ]);
  return { model: model[0], catalogueVersion: version[0]?.version ?? 0, user: user[0] };
}

// Interest clusters depend only on the catalogue and the cluster count, so they are computed once per catalogue
// version held by this isolate.
const clusterCache = new WeakMap<Catalogue, { count: number; byId: Map<string, number> }>();

function catalogueClusters(catalogue: Catalogue, clusterCount: number): Map<string, number> {
  const cached = clusterCache.get(catalogue);
  if (cached?.count === clusterCount) return cached.byId;
  const vocabulary = [...new Set(catalogue.items.flatMap((item) => item.tags))].sort();
  const clusters = assignClusters(catalogue.items.map((item) => ({ tags: item.tags, contentVector: null })), { clusterCount, vocabulary });
  const byId = new Map(catalogue.items.map((item, i) => [item.itemId, clusters[i]!]));
  clusterCache.set(catalogue, { count: clusterCount, byId });
  return byId;
}

// The diversity term compares candidates' content vectors pairwise; a 32-d random projection of the 512-d encoder
// vectors keeps their cosines (Johnson-Lindenstrauss) at a sixteenth of the cost. Computed once per catalogue.
const DIVERSITY_DIMENSION = 32;
const diversityCache = new WeakMap<Catalogue, Map<string, Float32Array>>();

function diversityVectors(catalogue: Catalogue): Map<string, Float32Array> {
  let vectors = diversityCache.get(catalogue);
  if (vectors === undefined) {
    const inputDimension = catalogue.items.find((item) => item.contentVector !== null)?.contentVector?.length ?? 0;
    const matrix = randomProjection(inputDimension, DIVERSITY_DIMENSION, seededRandom(inputDimension));
    vectors = new Map(catalogue.items.flatMap((item) => item.contentVector === null ? [] : [[item.itemId, project(item.contentVector, matrix, DIVERSITY_DIMENSION)]]));
    diversityCache.set(catalogue, vectors);
  }
  return vectors;
}

export async function rankForUser(deps: RankDeps, input: RankInput, variant: Variant): Promise<RankOutput> {
  const { db, now } = deps;
  await ensureBundledModel(db, now);
  const userKey = await deps.userKey(input.userId);
  const stub = deps.userState.get(deps.userState.idFromName(userKey));
  // The user's Durable Object and D1 are asked at once: neither answer depends on the other.
  const [state, live] = await Promise.all([readRequestState(db, userKey, variant.modelVersion), stub.rankContext(now)]);
  const catalogue = await loadCatalogue(db, state.catalogueVersion);

  const excluded = new Set(input.exclude);
  const pool: CatalogueItem[] = input.candidates === undefined
    ? catalogue.items
    : input.candidates.map((itemId) => catalogue.byId.get(itemId) ?? coldItem(itemId, now));
  const candidates = pool.filter((item) => item.active && !excluded.has(item.itemId));

  const profile = toUserProfile(input.userId, state.user);
  // A missing hour is the request's UTC hour: training rows always carry one, so "no hour" is never a signal.
  const context: RequestContext = { hour: new Date(now).getUTCHours(), ...input.context };
  const features = buildFeatureMatrix(profile, { shortTermVector: live.shortTermVector }, candidates, context, now);
  let scorer: Scorer = await scorerFor(db, state.model);
  let scores: Scores;
  try {
    scores = await scorer.score(features, candidates.length);
  } catch (error) {
    console.error(`serendip: model ${scorer.modelVersion} failed at run time, answering with the fallback scorer: ${(error as Error).message}`);
    scorer = new FallbackScorer();
    scores = await scorer.score(features, candidates.length);
  }

  const clusterOf = catalogueClusters(catalogue, deps.clusterCount);
  const clusters = Int32Array.from(candidates, (item) => clusterOf.get(item.itemId) ?? 0);
  const projected = diversityVectors(catalogue);
  const facts: CandidateFacts[] = candidates.map((item) => {
    const fatigue = live.fatigue[item.itemId];
    return {
      ageMs: Math.max(0, now - item.createdAt), cold: item.collabVector === null, contentVector: projected.get(item.itemId) ?? null,
      popularity: item.ratingCount,
      ...(fatigue === undefined ? {} : { fatigue }),
    };
  });
  const hiddenSize = scores.hiddenSize;
  const bandit = alignBanditState(live.bandit, scorer.modelVersion, hiddenSize > 0 ? hiddenSize : live.bandit.linear.dimension);
  const slate = variant.policy.select({
    ...scores, k: Math.min(input.k, candidates.length), random: deps.random, clusters, bandit, candidates: facts,
  });

  const items = slate.map((entry, position) => ({
    itemId: candidates[entry.index]!.itemId, rank: position + 1, score: entry.score,
    propensity: entry.propensity, explore: entry.explore, reason: entry.reason,
    // A preview is for people: it names the items. A served response keeps the contract's fields.
    ...(deps.defer === null ? { title: candidates[entry.index]!.title } : {}),
  }));
  const output: RankOutput = {
    requestId: deps.requestId, userId: input.userId, variant: variant.name, policy: variant.policy.name,
    modelVersion: scorer.modelVersion, fallback: scorer.fallback, items,
  };

  const served = slate.map((entry) => ({
    itemId: candidates[entry.index]!.itemId,
    cluster: clusters[entry.index]!,
    hidden: scores.hidden === null ? null : Array.from(scores.hidden.subarray(entry.index * hiddenSize, (entry.index + 1) * hiddenSize)),
    score: entry.score,
  }));
  const log = {
    decision: {
      requestId: output.requestId, userId: userKey, variant: output.variant, policy: output.policy,
      modelVersion: output.modelVersion, fallback: output.fallback, mode: input.candidates === undefined ? "catalogue" as const : "candidates" as const,
      k: input.k, candidateCount: candidates.length, context: { ...context }, featureLayout: FEATURE_LAYOUT.version, createdAt: now,
    },
    impressions: items.map((item, position) => ({
      requestId: output.requestId, rank: item.rank, userId: userKey, itemId: item.itemId, score: item.score,
      propensity: item.propensity, explore: item.explore, reason: item.reason, policy: output.policy,
      variant: output.variant, modelVersion: output.modelVersion, createdAt: now,
      features: encodeVector(features.subarray(slate[position]!.index * FEATURE_COUNT, (slate[position]!.index + 1) * FEATURE_COUNT)),
    })),
  };
  deps.defer?.(Promise.all([
    writeDecisionLog(db, log, stub),
    stub.recordDecision(output.requestId, now, served, scorer.modelVersion, hiddenSize),
  ]));
  return output;
}
