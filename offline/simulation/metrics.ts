// Slate and exposure metrics of the simulation, pure functions over catalogue indices.
import { cosine, examination, type PositionBias } from "./ground-truth.js";

/** Gini coefficient of non-negative counts (e.g. impressions per catalogue item, zeros included): 0 when every
 * item has the same share, (n - 1) / n when one item has everything. With x sorted ascending,
 *   G = 2 * sum_i i * x_i / (n * sum_i x_i) - (n + 1) / n   (i from 1).
 * 0 for no items or an all-zero vector. */
export function gini(counts: ArrayLike<number>): number {
  const sorted = Array.from(counts).sort((a, b) => a - b);
  const n = sorted.length;
  const total = sorted.reduce((s, x) => s + x, 0);
  if (n === 0 || total === 0) return 0;
  if (sorted[0]! < 0) throw new RangeError("gini: counts must be non-negative");
  let weighted = 0;
  sorted.forEach((x, i) => (weighted += (i + 1) * x));
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/** The Lorenz curve of the counts at `points` evenly spaced shares of items (0 and 1 included): the share of all
 * impressions that go to the least exposed x share of items, linearly interpolated between items. */
export function lorenzCurve(counts: ArrayLike<number>, points = 101): { x: number; y: number }[] {
  const sorted = Array.from(counts).sort((a, b) => a - b);
  const n = sorted.length;
  const total = sorted.reduce((s, x) => s + x, 0);
  const cumulative = new Float64Array(n + 1);
  sorted.forEach((x, i) => (cumulative[i + 1] = cumulative[i]! + x));
  return Array.from({ length: points }, (_, p) => {
    const x = p / (points - 1);
    if (n === 0 || total === 0) return { x, y: x };
    const position = x * n;
    const below = Math.min(n - 1, Math.floor(position));
    const y = (cumulative[below]! + (position - below) * sorted[below]!) / total;
    return { x, y };
  });
}

/** Share of the catalogue shown at least once. */
export function coverage(shown: Iterable<number>, catalogueSize: number): number {
  if (catalogueSize <= 0) return 0;
  return new Set(shown).size / catalogueSize;
}

/** Intra-list diversity: 1 - the mean cosine over the slate's pairs of item vectors (genre indicators here; an item
 * without any genre is similar to nothing). null for a slate of fewer than two items. */
export function intraListDiversity(slate: readonly number[], vectors: readonly ArrayLike<number>[]): number | null {
  if (slate.length < 2) return null;
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < slate.length; i++) {
    for (let j = i + 1; j < slate.length; j++) {
      sum += cosine(vectors[slate[i]!]!, vectors[slate[j]!]!);
      pairs++;
    }
  }
  return 1 - sum / pairs;
}

/** Item popularity for novelty: the share of users who rated it, add-one smoothed, (count + 1) / (users + 1), so an
 * item nobody rated has a finite novelty. */
export function popularityShares(ratingCounts: ArrayLike<number>, userCount: number): Float64Array {
  return Float64Array.from(ratingCounts, (c) => (c + 1) / (userCount + 1));
}

/** Mean self-information -log2 popularity of the slate's items (higher: less popular, more novel); null if empty. */
export function novelty(slate: readonly number[], popularity: ArrayLike<number>): number | null {
  if (slate.length === 0) return null;
  return slate.reduce((s, i) => s - Math.log2(popularity[i]!), 0) / slate.length;
}

/** Expected clicks of a slate under the position-based model: sum over ranks r of examination(r) * p(item at r). */
export function expectedClicks(probabilities: readonly number[], bias: PositionBias): number {
  return probabilities.reduce((s, p, r) => s + examination(r + 1, bias) * p, 0);
}

/** The oracle's slate: the k items with the highest true click probability among those available (`available(i)`),
 * best first (ties: lower index). Since examination falls with rank, this order maximises expected clicks. */
export function oracleSlate(probabilities: ArrayLike<number>, available: (i: number) => boolean, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < probabilities.length; i++) {
    if (!available(i)) continue;
    const p = probabilities[i]!;
    if (top.length === k && !(p > probabilities[top[k - 1]!]!)) continue;
    let at = top.length < k ? top.length : k - 1;
    if (top.length < k) top.push(i);
    while (at > 0 && p > probabilities[top[at - 1]!]!) {
      top[at] = top[at - 1]!;
      at--;
    }
    top[at] = i;
  }
  return top;
}

/** Regret of one request: the oracle slate's expected clicks minus the served slate's (never negative when the
 * oracle sees every item the service could show). Slots the service left empty earn nothing. */
export function slateRegret(served: readonly number[], oracle: readonly number[], bias: PositionBias): number {
  return expectedClicks(oracle, bias) - expectedClicks(served, bias);
}
