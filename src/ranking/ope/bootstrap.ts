// Shared machinery of the estimators: importance weights, the value of a ratio of per-row sums, and the seeded
// percentile bootstrap over rows.
import { seededRandom } from "../random.js";
import {
  validateBootstrapOptions, type BootstrapOptions, type ConfidenceInterval, type Estimate, type EstimatorName, type RowTerms,
  type ValidatedFeedback, type ActionDist, type WeightSummary, tableAt,
} from "./types.js";

/** Raw importance weights w_i = pi_e(a_i | x_i, k_i) / p_i. */
export function importanceWeights(log: ValidatedFeedback, actionDist: ActionDist): Float64Array {
  const w = new Float64Array(log.n);
  for (let i = 0; i < log.n; i++) w[i] = tableAt(actionDist, i, log.action[i]!, log.position[i]!) / log.pscore[i]!;
  return w;
}

/** min(w_i, clip) and how many were clipped. */
export function clipWeights(raw: Float64Array, clip: number): { weights: Float64Array; summary: WeightSummary } {
  const weights = new Float64Array(raw.length);
  let clipped = 0;
  for (let i = 0; i < raw.length; i++) {
    const w = raw[i]!;
    if (w > clip) clipped++;
    weights[i] = Math.min(w, clip);
  }
  return { weights, summary: summarizeWeights(raw, weights, clip, clipped) };
}

export function summarizeWeights(raw: Float64Array, used: Float64Array, threshold: number, clipped: number): WeightSummary {
  let sum = 0;
  let max = 0;
  let rawMax = 0;
  for (let i = 0; i < used.length; i++) {
    sum += used[i]!;
    max = Math.max(max, used[i]!);
    rawMax = Math.max(rawMax, raw[i]!);
  }
  return { threshold, clipped, sum, mean: sum / used.length, max, rawMax };
}

/** sum_i numerator_i / sum_i denominator_i over rows (denominator null: 1 per row); null when the denominator is 0. */
export function ratioValue(terms: RowTerms): number | null {
  let num = 0;
  let den = 0;
  for (let i = 0; i < terms.numerator.length; i++) {
    num += terms.numerator[i]!;
    den += terms.denominator === null ? 1 : terms.denominator[i]!;
  }
  return den === 0 ? null : num / den;
}

/** Percentile bootstrap: resample the n rows with replacement `resamples` times, recompute the ratio each time, and
 * take the (1 - level) / 2 and (1 + level) / 2 quantiles (linear interpolation, as numpy.percentile). A resample
 * whose denominator is 0 gives no value and is counted as skipped; with no value at all the interval is null. */
export function bootstrapInterval(terms: RowTerms, { resamples, seed, level = 0.95, onProgress }: BootstrapOptions): ConfidenceInterval | null {
  validateBootstrapOptions({ resamples, seed, level });
  const { numerator, denominator } = terms;
  const n = numerator.length;
  const random = seededRandom(seed);
  const values: number[] = [];
  const every = Math.max(1, Math.floor(resamples / 100));
  for (let b = 0; b < resamples; b++) {
    let num = 0;
    let den = 0;
    for (let j = 0; j < n; j++) {
      const i = Math.floor(random() * n);
      num += numerator[i]!;
      den += denominator === null ? 1 : denominator[i]!;
    }
    if (den !== 0) values.push(num / den);
    if (onProgress !== undefined && ((b + 1) % every === 0 || b + 1 === resamples)) onProgress(b + 1, resamples);
  }
  if (values.length === 0) return null;
  values.sort((x, y) => x - y);
  return { low: quantile(values, (1 - level) / 2), high: quantile(values, (1 + level) / 2), level, resamples: values.length, skipped: resamples - values.length };
}

/** Quantile q of sorted values, linearly interpolated between order statistics. */
export function quantile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** An Estimate from per-row terms: the value, or null with `nullReason` when the denominator is 0, and the interval. */
export function finishEstimate(
  estimator: EstimatorName, terms: RowTerms, bootstrap: BootstrapOptions | undefined, nullReason: string, weights?: WeightSummary,
): Estimate {
  const value = ratioValue(terms);
  const n = terms.numerator.length;
  const base = { estimator, n, ...(weights === undefined ? {} : { weights }) };
  if (value === null) return { ...base, value: null, reason: nullReason, interval: null };
  return { ...base, value, interval: bootstrap === undefined ? null : bootstrapInterval(terms, bootstrap) };
}

export const ZERO_WEIGHT_REASON =
  "the importance weights sum to 0: the target policy gives probability 0 to every logged (action, position), so the log says nothing about it";

/** The null Estimate of a weighting estimator whose weights sum to 0. */
export function zeroWeightEstimate(estimator: EstimatorName, n: number, weights: WeightSummary): Estimate {
  return { estimator, value: null, reason: ZERO_WEIGHT_REASON, interval: null, n, weights };
}
