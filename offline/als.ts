// Implicit-feedback alternating least squares (Hu, Koren & Volinsky 2008): the collaborative factors behind the
// mf_dot feature. Every observed (user, item) pair is a preference of 1 with confidence 1 + alpha; every other pair
// is a preference of 0 with confidence 1. So user . item estimates whether the user interacts with the item at all
// (what the ranker predicts), not how many stars they would give it.
//
// Each half step is a closed-form ridge solve per user (or item). The unobserved pairs are never enumerated: with
// confidence 1 they contribute Y^T Y, computed once per half step, and each row adds only its observed pairs
// (the "Y^T Y trick"), so a sweep costs O(observed * k^2 + rows * k^3). There is no learning rate to tune and the
// result depends only on the interactions, the options and the seeded initialisation.
import { gaussian, type Random } from "../src/ranking/random.js";

/** One observed interaction. The rating, where there is one, plays no part: any interaction is a positive. */
export interface Interaction { userId: string; itemId: string }

export interface AlsOptions {
  dimension: number;
  /** L2 penalty on every factor vector (plain, not scaled by the row's count). */
  lambda: number;
  /** Confidence of an observed pair is 1 + alpha (repeated pairs add alpha each); unobserved pairs have 1. */
  alpha: number;
  iterations: number;
  random: Random;
}

export interface AlsModel {
  users: Map<string, Float32Array>;
  items: Map<string, Float32Array>;
}

/** Row-compressed observed pairs: for row r, columns[starts[r]..starts[r+1]) with their confidence minus one. */
interface Sparse { starts: Int32Array; columns: Int32Array; extra: Float64Array }

function compress(rows: Int32Array, columns: Int32Array, extra: Float64Array, rowCount: number): Sparse {
  const starts = new Int32Array(rowCount + 1);
  for (const r of rows) starts[r + 1]!++;
  for (let r = 0; r < rowCount; r++) starts[r + 1]! += starts[r]!;
  const fill = starts.slice(0, rowCount);
  const outColumns = new Int32Array(rows.length);
  const outExtra = new Float64Array(rows.length);
  for (let n = 0; n < rows.length; n++) {
    const at = fill[rows[n]!]!++;
    outColumns[at] = columns[n]!;
    outExtra[at] = extra[n]!;
  }
  return { starts, columns: outColumns, extra: outExtra };
}

/** Solves A x = b in place for a symmetric positive definite A (k x k, row-major) by Cholesky; x is written to b. */
function solveSpd(a: Float64Array, b: Float64Array, k: number): void {
  for (let j = 0; j < k; j++) {
    let diagonal = a[j * k + j]!;
    for (let p = 0; p < j; p++) diagonal -= a[j * k + p]! ** 2;
    const l = Math.sqrt(diagonal);
    a[j * k + j] = l;
    for (let i = j + 1; i < k; i++) {
      let sum = a[i * k + j]!;
      for (let p = 0; p < j; p++) sum -= a[i * k + p]! * a[j * k + p]!;
      a[i * k + j] = sum / l;
    }
  }
  for (let i = 0; i < k; i++) {
    let sum = b[i]!;
    for (let p = 0; p < i; p++) sum -= a[i * k + p]! * b[p]!;
    b[i] = sum / a[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let sum = b[i]!;
    for (let p = i + 1; p < k; p++) sum -= a[p * k + i]! * b[p]!;
    b[i] = sum / a[i * k + i]!;
  }
}

/** Lower triangle of F^T F for the fixed side's factors F (rows x k). */
function gram(fixed: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let base = 0; base < fixed.length; base += k) {
    for (let i = 0; i < k; i++) {
      const fi = fixed[base + i]!;
      for (let j = 0; j <= i; j++) out[i * k + j]! += fi * fixed[base + j]!;
    }
  }
  return out;
}

/**
 * Re-fits every row's factors given the other side's fixed factors:
 * (F^T F + F_r^T (C_r - I) F_r + lambda I) x_r = F_r^T C_r p_r, with p_r = 1 on the row's observed columns.
 */
function solveSide(pairs: Sparse, fixed: Float64Array, out: Float64Array, k: number, lambda: number): void {
  const shared = gram(fixed, k);
  const a = new Float64Array(k * k);
  const b = new Float64Array(k);
  const rowCount = pairs.starts.length - 1;
  for (let r = 0; r < rowCount; r++) {
    a.set(shared);
    b.fill(0);
    for (let n = pairs.starts[r]!; n < pairs.starts[r + 1]!; n++) {
      const base = pairs.columns[n]! * k;
      const extra = pairs.extra[n]!;
      const confidence = 1 + extra;
      for (let i = 0; i < k; i++) {
        const fi = fixed[base + i]!;
        b[i]! += confidence * fi;
        const scaled = extra * fi;
        for (let j = 0; j <= i; j++) a[i * k + j]! += scaled * fixed[base + j]!;
      }
    }
    // Only the lower triangle is read by the solver; the ridge term keeps A positive definite.
    for (let i = 0; i < k; i++) a[i * k + i]! += lambda;
    solveSpd(a, b, k);
    out.set(b, r * k);
  }
}

export function fitAls(interactions: readonly Interaction[], options: AlsOptions): AlsModel {
  const { dimension: k, lambda, alpha, iterations, random } = options;
  if (!(lambda > 0) || !(alpha >= 0)) throw new RangeError("fitAls: lambda must be > 0 and alpha >= 0");
  // Ids are indexed in order of first appearance, so the same interactions in the same order give the same model.
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const pairIndex = new Map<number, number>();
  const userOf: number[] = [];
  const itemOf: number[] = [];
  const extra: number[] = [];
  for (const { userId, itemId } of interactions) {
    if (!userIndex.has(userId)) userIndex.set(userId, userIndex.size);
    if (!itemIndex.has(itemId)) itemIndex.set(itemId, itemIndex.size);
    const u = userIndex.get(userId)!;
    const i = itemIndex.get(itemId)!;
    const key = u * 0x200000 + i;
    const seen = pairIndex.get(key);
    if (seen !== undefined) {
      extra[seen]! += alpha;
      continue;
    }
    pairIndex.set(key, userOf.length);
    userOf.push(u);
    itemOf.push(i);
    extra.push(alpha);
  }
  const users = Int32Array.from(userOf);
  const items = Int32Array.from(itemOf);
  const weights = Float64Array.from(extra);
  const byUser = compress(users, items, weights, userIndex.size);
  const byItem = compress(items, users, weights, itemIndex.size);
  const userFactors = new Float64Array(userIndex.size * k);
  const itemFactors = new Float64Array(itemIndex.size * k);
  const scale = 0.1 / Math.sqrt(k);
  for (let i = 0; i < itemFactors.length; i++) itemFactors[i] = gaussian(random) * scale;
  for (let iteration = 0; iteration < iterations; iteration++) {
    solveSide(byUser, itemFactors, userFactors, k, lambda);
    solveSide(byItem, userFactors, itemFactors, k, lambda);
  }
  const unpack = (index: Map<string, number>, factors: Float64Array): Map<string, Float32Array> =>
    new Map([...index].map(([id, row]) => [id, Float32Array.from(factors.subarray(row * k, (row + 1) * k))]));
  return { users: unpack(userIndex, userFactors), items: unpack(itemIndex, itemFactors) };
}

/** user . item, or 0 when either is unknown (what the mf_dot feature computes). */
export function alsScore(model: AlsModel, userId: string, itemId: string): number {
  const user = model.users.get(userId);
  const item = model.items.get(itemId);
  if (user === undefined || item === undefined) return 0;
  let sum = 0;
  for (let i = 0; i < user.length; i++) sum += user[i]! * item[i]!;
  return sum;
}

/**
 * Mean over users of recall@k of their held-out items, ranking every item the model knows that the user had not
 * interacted with in `known`: how well the factors alone retrieve what each user did next.
 */
export function alsRecall(
  model: AlsModel, known: ReadonlyMap<string, readonly Interaction[]>, heldOut: ReadonlyMap<string, readonly Interaction[]>, k: number,
): number {
  const itemIds = [...model.items.keys()];
  let total = 0;
  let users = 0;
  for (const [userId, future] of heldOut) {
    const user = model.users.get(userId);
    const exclude = new Set((known.get(userId) ?? []).map((interaction) => interaction.itemId));
    const targets = new Set(future.map((interaction) => interaction.itemId).filter((itemId) => !exclude.has(itemId)));
    if (user === undefined || targets.size === 0) continue;
    const scored = itemIds.filter((itemId) => !exclude.has(itemId)).map((itemId) => ({ itemId, score: alsScore(model, userId, itemId) }));
    scored.sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1));
    const hits = scored.slice(0, k).filter(({ itemId }) => targets.has(itemId)).length;
    total += hits / Math.min(k, targets.size);
    users++;
  }
  return users === 0 ? 0 : total / users;
}
