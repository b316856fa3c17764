// Alternating least squares for explicit ratings: the collaborative factors behind the mf_dot feature. Each half
// step is a closed-form ridge solve per user (or item), so there is no learning rate to tune and the result depends
// only on the ratings, the options and the seeded initialisation.
import { gaussian, type Random } from "../src/ranking/random.js";

export interface ExplicitRating { userId: string; itemId: string; rating: number }

export interface AlsOptions {
  dimension: number;
  /** Ridge strength per observed rating (weighted-lambda ALS): each row's penalty grows with its rating count. */
  lambda: number;
  iterations: number;
  random: Random;
}

export interface AlsModel {
  /** Subtracted before fitting, so user . item predicts the deviation from it. */
  globalMean: number;
  users: Map<string, Float32Array>;
  items: Map<string, Float32Array>;
}

/** Row-compressed ratings: for row r, columns[starts[r]..starts[r+1]) with their values. */
interface Sparse { starts: Int32Array; columns: Int32Array; values: Float64Array }

function compress(rows: Int32Array, columns: Int32Array, values: Float64Array, rowCount: number): Sparse {
  const starts = new Int32Array(rowCount + 1);
  for (const r of rows) starts[r + 1]!++;
  for (let r = 0; r < rowCount; r++) starts[r + 1]! += starts[r]!;
  const fill = starts.slice(0, rowCount);
  const outColumns = new Int32Array(rows.length);
  const outValues = new Float64Array(rows.length);
  for (let n = 0; n < rows.length; n++) {
    const at = fill[rows[n]!]!++;
    outColumns[at] = columns[n]!;
    outValues[at] = values[n]!;
  }
  return { starts, columns: outColumns, values: outValues };
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

/** Re-fits every row's factors given the other side's fixed factors. */
function solveSide(ratings: Sparse, fixed: Float64Array, out: Float64Array, k: number, lambda: number): void {
  const a = new Float64Array(k * k);
  const b = new Float64Array(k);
  const rowCount = ratings.starts.length - 1;
  for (let r = 0; r < rowCount; r++) {
    const start = ratings.starts[r]!;
    const end = ratings.starts[r + 1]!;
    a.fill(0);
    b.fill(0);
    for (let n = start; n < end; n++) {
      const base = ratings.columns[n]! * k;
      const value = ratings.values[n]!;
      for (let i = 0; i < k; i++) {
        const fi = fixed[base + i]!;
        b[i]! += value * fi;
        for (let j = 0; j <= i; j++) a[i * k + j]! += fi * fixed[base + j]!;
      }
    }
    // Only the lower triangle is read by the solver; the ridge term keeps A positive definite.
    const ridge = lambda * Math.max(1, end - start);
    for (let i = 0; i < k; i++) a[i * k + i]! += ridge;
    solveSpd(a, b, k);
    out.set(b, r * k);
  }
}

export function fitAls(ratings: readonly ExplicitRating[], options: AlsOptions): AlsModel {
  const { dimension: k, lambda, iterations, random } = options;
  // Ids are indexed in order of first appearance, so the same ratings in the same order give the same model.
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const userOf = new Int32Array(ratings.length);
  const itemOf = new Int32Array(ratings.length);
  const residual = new Float64Array(ratings.length);
  let sum = 0;
  for (const rating of ratings) sum += rating.rating;
  const globalMean = ratings.length > 0 ? sum / ratings.length : 0;
  ratings.forEach((rating, n) => {
    if (!userIndex.has(rating.userId)) userIndex.set(rating.userId, userIndex.size);
    if (!itemIndex.has(rating.itemId)) itemIndex.set(rating.itemId, itemIndex.size);
    userOf[n] = userIndex.get(rating.userId)!;
    itemOf[n] = itemIndex.get(rating.itemId)!;
    residual[n] = rating.rating - globalMean;
  });
  const byUser = compress(userOf, itemOf, residual, userIndex.size);
  const byItem = compress(itemOf, userOf, residual, itemIndex.size);
  const userFactors = new Float64Array(userIndex.size * k);
  const itemFactors = new Float64Array(itemIndex.size * k);
  const scale = 1 / Math.sqrt(k);
  for (let i = 0; i < itemFactors.length; i++) itemFactors[i] = gaussian(random) * scale;
  for (let iteration = 0; iteration < iterations; iteration++) {
    solveSide(byUser, itemFactors, userFactors, k, lambda);
    solveSide(byItem, userFactors, itemFactors, k, lambda);
  }
  const unpack = (index: Map<string, number>, factors: Float64Array): Map<string, Float32Array> =>
    new Map([...index].map(([id, row]) => [id, Float32Array.from(factors.subarray(row * k, (row + 1) * k))]));
  return { globalMean, users: unpack(userIndex, userFactors), items: unpack(itemIndex, itemFactors) };
}

/** Root mean squared error of globalMean + user . item; pairs with an unknown user or item predict the mean. */
export function alsRmse(model: AlsModel, ratings: readonly ExplicitRating[]): number {
  let squared = 0;
  for (const { userId, itemId, rating } of ratings) {
    const user = model.users.get(userId);
    const item = model.items.get(itemId);
    let prediction = model.globalMean;
    if (user !== undefined && item !== undefined) for (let i = 0; i < user.length; i++) prediction += user[i]! * item[i]!;
    squared += (prediction - rating) ** 2;
  }
  return Math.sqrt(squared / Math.max(1, ratings.length));
}
