// The simulated users' ground truth: who clicks what, known to the simulator (and its oracle), never to the service.
//
// Model. Implicit-feedback ALS (offline/als.ts) is fitted on the MovieLens ratings of 4 stars or more ("liked"),
// with its own dimension and seed, so it is a different model from the collaborative factors the service was given
// at ingest (ALS on every rating, dimension 16). With x_u the user's factors and y_i the item's, the probability
// that the user clicks item i when they look at it is
//     p(u, i) = sigmoid(a + b * x_u . y_i),
// and 0 for an item the user has already consumed (rated in the MovieLens history, or clicked earlier in the run).
// The two constants are calibrated over every MovieLens user (calibrate): the user's best remaining item has mean
// click probability `topRate` (default 0.12) and a typical remaining item `baseRate` (default 0.01). After the drift
// they are calibrated again, over every user drifted the way the simulation drifts them, to the same two rates: the
// new favourites are mostly items the user never rated (their old favourites were), so the old constants would
// double the best item's click probability. The drift changes what users like, not how much they click.
//
// Position bias: a shown item is looked at with probability examination(rank) (1 / log2(rank + 1), the DCG
// discount, or 1 for "none"), and clicked with probability examination(rank) * p(u, i), independently per item.
//
// Drift: from the drift round on, each simulated user's factors x_u take the direction of another MovieLens user's:
// the one least similar (cosine) to them among `drawCandidates` random others (driftTargets), rescaled to the
// user's own length (driftedFactors), so the taste changes but not how strongly the user prefers their favourites.
// Their history stays theirs, so what the service knows about them (profile, rated items) is stale afterwards.
import { fitAls } from "../als.js";
import type { MovieLens } from "../movielens.js";
import { seededRandom, type Random } from "../../src/ranking/random.js";

export interface GroundTruthOptions {
  /** Ratings at or above this count as "liked": the positives of the truth's ALS. */
  minRating: number;
  dimension: number;
  lambda: number;
  alpha: number;
  iterations: number;
  /** Mean click probability of each user's best remaining item (at rank 1), over all users. */
  topRate: number;
  /** Mean click probability of a remaining item, over all users and their remaining items. */
  baseRate: number;
  seed: number;
}

export const DEFAULT_GROUND_TRUTH_OPTIONS: Readonly<GroundTruthOptions> = Object.freeze({
  minRating: 4, dimension: 24, lambda: 5, alpha: 5, iterations: 10, topRate: 0.12, baseRate: 0.01, seed: 2026,
});

export interface GroundTruth {
  /** Catalogue order: every MovieLens movie. */
  itemIds: string[];
  itemIndex: Map<string, number>;
  dimension: number;
  /** Row-major [items, dimension]; zeros for an item nobody liked. */
  itemFactors: Float64Array;
  /** Users with at least one liked item. */
  userFactors: Map<string, Float64Array>;
  /** Catalogue indices each user rated (consumed before the simulation starts). */
  history: Map<string, Set<number>>;
  /** p = sigmoid(a + b * x . y): the constants before the drift, and from the drift round on. */
  before: Link;
  after: Link;
}

export interface Link { a: number; b: number }

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** x_u . y_i for every catalogue item. */
export function itemDots(truth: Pick<GroundTruth, "itemFactors" | "dimension">, user: ArrayLike<number>): Float64Array {
  const d = truth.dimension;
  const n = truth.itemFactors.length / d;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let t = 0; t < d; t++) dot += user[t]! * truth.itemFactors[i * d + t]!;
    out[i] = dot;
  }
  return out;
}

/** p(u, i) = sigmoid(a + b * x_u . y_i) for every catalogue item (truth.before or truth.after as the link);
 * consumption is applied by the caller. */
export function clickProbabilities(truth: Pick<GroundTruth, "itemFactors" | "dimension">, user: ArrayLike<number>, { a, b }: Link): Float64Array {
  return itemDots(truth, user).map((dot) => sigmoid(a + b * dot));
}

export type PositionBias = "log" | "none";

/** Probability that the user looks at the item at `rank` (1-based). */
export function examination(rank: number, bias: PositionBias): number {
  return bias === "none" ? 1 : 1 / Math.log2(rank + 1);
}

/** Per user: the dot products of the items still available to them (not consumed). */
export interface CalibrationUser { dots: Float64Array }

/** The intercept a for which the mean over users of sigmoid(a + b * top) is topRate (`tops`: each user's highest dot
 * product among the items available to them). The mean is increasing in a: bisection. */
export function interceptFor(tops: readonly number[], b: number, topRate: number): number {
  if (tops.length === 0) throw new RangeError("interceptFor: no user");
  const topMean = (a: number) => tops.reduce((s, t) => s + sigmoid(a + b * t), 0) / tops.length;
  // sigmoid(a + b * top) is below 1e-26 for every user at `low` and above 1 - 1e-26 at `high`.
  let low = -60 - b * Math.max(...tops);
  let high = 60 - b * Math.min(...tops);
  for (let step = 0; step < 80; step++) {
    const mid = (low + high) / 2;
    if (topMean(mid) < topRate) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** a and b such that the mean over users of sigmoid(a + b * max dot) is topRate and the mean over users of the mean
 * of sigmoid(a + b * dot) over their items is baseRate. For each b, a = interceptFor(b); with a chosen so, a larger
 * b spreads the items further below the top, so the second mean falls as b grows (bisection on log b). Throws when
 * the targets cannot be met (baseRate must be below topRate). */
export function calibrate(users: readonly CalibrationUser[], topRate: number, baseRate: number): Link {
  if (!(topRate > 0 && topRate < 1 && baseRate > 0 && baseRate < topRate)) {
    throw new RangeError(`calibrate: need 0 < baseRate < topRate < 1, got baseRate ${baseRate}, topRate ${topRate}`);
  }
  const usable = users.filter((u) => u.dots.length > 0);
  if (usable.length === 0) throw new RangeError("calibrate: no user has any item");
  const tops = usable.map((u) => u.dots.reduce((m, x) => Math.max(m, x), -Infinity));
  const baseMean = (a: number, b: number) => usable.reduce((s, u) => {
    let sum = 0;
    for (const dot of u.dots) sum += sigmoid(a + b * dot);
    return s + sum / u.dots.length;
  }, 0) / usable.length;
  let low = Math.log(1e-4);
  let high = Math.log(1e4);
  if (baseMean(interceptFor(tops, Math.exp(high), topRate), Math.exp(high)) > baseRate) throw new RangeError("calibrate: the items are too alike to reach baseRate");
  for (let step = 0; step < 60; step++) {
    const mid = (low + high) / 2;
    const b = Math.exp(mid);
    if (baseMean(interceptFor(tops, b, topRate), b) > baseRate) low = mid;
    else high = mid;
  }
  const b = Math.exp((low + high) / 2);
  return { a: interceptFor(tops, b, topRate), b };
}

/** Fits the truth on MovieLens and calibrates it over every user, before and after a drift (at most
 * `calibrationItems` remaining items per user for the base rate, to keep calibration fast). */
export function fitGroundTruth(data: MovieLens, options: GroundTruthOptions = DEFAULT_GROUND_TRUTH_OPTIONS, calibrationItems = 200): GroundTruth {
  const random = seededRandom(options.seed);
  const liked = data.ratings.filter((r) => r.rating >= options.minRating);
  const als = fitAls(liked, { dimension: options.dimension, lambda: options.lambda, alpha: options.alpha, iterations: options.iterations, random });
  const itemIds = data.movies.map((m) => m.itemId);
  const itemIndex = new Map(itemIds.map((id, i) => [id, i]));
  const d = options.dimension;
  const itemFactors = new Float64Array(itemIds.length * d);
  itemIds.forEach((id, i) => {
    const factors = als.items.get(id);
    if (factors !== undefined) itemFactors.set(factors, i * d);
  });
  const userFactors = new Map([...als.users].map(([id, f]) => [id, Float64Array.from(f)]));
  const history = new Map<string, Set<number>>();
  for (const r of data.ratings) {
    const i = itemIndex.get(r.itemId);
    if (i === undefined) continue;
    let seen = history.get(r.userId);
    if (seen === undefined) history.set(r.userId, (seen = new Set()));
    seen.add(i);
  }
  const partial = { itemFactors, dimension: d };
  /** Each user's dot products with their best remaining item and up to calibrationItems - 1 random other ones. */
  const calibrationUser = (userId: string, x: ArrayLike<number>): CalibrationUser => {
    const dots = itemDots(partial, x);
    const seen = history.get(userId) ?? new Set<number>();
    const remaining = Array.from(dots.keys()).filter((i) => !seen.has(i));
    const best = remaining.reduce((m, i) => (dots[i]! > dots[m]! ? i : m), remaining[0]!);
    const sample = [best, ...shuffled(remaining.filter((i) => i !== best), random).slice(0, calibrationItems - 1)];
    return { dots: Float64Array.from(sample, (i) => dots[i]!) };
  };
  const before = calibrate([...userFactors].map(([userId, x]) => calibrationUser(userId, x)), options.topRate, options.baseRate);
  const pool = [...userFactors.keys()];
  const targets = driftTargets(pool, pool, userFactors, seededRandom(options.seed + 1));
  const after = calibrate(pool.map((userId) => calibrationUser(userId, driftedFactors(userFactors.get(userId)!, userFactors.get(targets.get(userId)!)!))), options.topRate, options.baseRate);
  return { itemIds, itemIndex, dimension: d, itemFactors, userFactors, history, before, after };
}

/** Fisher-Yates on a copy. */
export function shuffled<T>(values: readonly T[], random: Random): T[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Cosine of two vectors; 0 when either is all zeros. */
export function cosine(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let dot = 0;
  let xx = 0;
  let yy = 0;
  for (let t = 0; t < x.length; t++) {
    dot += x[t]! * y[t]!;
    xx += x[t]! ** 2;
    yy += y[t]! ** 2;
  }
  return xx === 0 || yy === 0 ? 0 : dot / Math.sqrt(xx * yy);
}

/** How many random other users a drifting user's new taste is chosen from (the least similar of them). */
export const DRIFT_CANDIDATES = 10;

/** For each user, the id of the user whose taste replaces theirs at the drift: the least similar (cosine of their
 * factors) of `drawCandidates` others drawn at random from `pool`. Never the user themself. */
export function driftTargets(userIds: readonly string[], pool: readonly string[], factors: ReadonlyMap<string, ArrayLike<number>>, random: Random, drawCandidates = DRIFT_CANDIDATES): Map<string, string> {
  const out = new Map<string, string>();
  for (const userId of userIds) {
    const others = pool.filter((id) => id !== userId);
    if (others.length === 0) throw new RangeError("driftTargets: no other user to drift to");
    const own = factors.get(userId)!;
    let best = "";
    let bestCos = Infinity;
    for (let c = 0; c < drawCandidates; c++) {
      const other = others[Math.floor(random() * others.length)]!;
      const cos = cosine(own, factors.get(other)!);
      if (cos < bestCos) {
        bestCos = cos;
        best = other;
      }
    }
    out.set(userId, best);
  }
  return out;
}

/** The other user's factors at this user's length: their taste, this user's strength of preference. */
export function driftedFactors(own: ArrayLike<number>, other: ArrayLike<number>): Float64Array {
  const length = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0));
  const otherLength = length(other);
  const scale = otherLength === 0 ? 0 : length(own) / otherLength;
  return Float64Array.from(other, (v) => v * scale);
}
