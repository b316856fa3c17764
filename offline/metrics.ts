// Offline evaluation metrics. Ties are split evenly everywhere (average ranks), because the baselines tie a lot:
// every cold item has mf_dot 0, and many items share a popularity count.

/** Area under the ROC curve (Mann-Whitney U with average ranks). NaN when one class is missing. */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const ranks = averageRanks(scores);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! > 0.5) {
      positives++;
      rankSum += ranks[i]!;
    }
  }
  const negatives = labels.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean binary cross-entropy of probabilities, clipped away from 0 and 1. */
export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  const epsilon = 1e-7;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - epsilon, Math.max(epsilon, probabilities[i]!));
    sum -= labels[i]! > 0.5 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}

/** 1-based ranks in ascending score order, ties sharing their average rank. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(values.length);
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + end + 1) / 2;
    for (let i = start; i < end; i++) ranks[order[i]!] = rank;
    start = end;
  }
  return ranks;
}

/**
 * 0-based position of scores[start] among scores[start..start+count): the candidates scoring strictly higher plus
 * half of those tying with it, i.e. its expected position under a random tie-break.
 */
export function targetRank(scores: ArrayLike<number>, start: number, count: number): number {
  const target = scores[start]!;
  let higher = 0;
  let ties = 0;
  for (let i = start + 1; i < start + count; i++) {
    if (scores[i]! > target) higher++;
    else if (scores[i]! === target) ties++;
  }
  return higher + ties / 2;
}

/** Hit rate and NDCG at k for one held-out item at the given 0-based rank. */
export function hitAndNdcg(rank: number, k: number): { hit: number; ndcg: number } {
  return rank < k ? { hit: 1, ndcg: 1 / Math.log2(rank + 2) } : { hit: 0, ndcg: 0 };
}

/** Spearman's rank correlation. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ra = averageRanks(a);
  const rb = averageRanks(b);
  const mean = (ra.length + 1) / 2;
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = 0; i < ra.length; i++) {
    const da = ra[i]! - mean;
    const db = rb[i]! - mean;
    covariance += da * db;
    varianceA += da * da;
    varianceB += db * db;
  }
  return covariance / Math.sqrt(varianceA * varianceB);
}

/** Share of the k highest-scoring indices of `a` that are also among the k highest of `b`. */
export function topKOverlap(a: ArrayLike<number>, b: ArrayLike<number>, k: number): number {
  const top = (values: ArrayLike<number>): Set<number> =>
    new Set(Array.from({ length: values.length }, (_, i) => i).sort((x, y) => values[y]! - values[x]! || x - y).slice(0, k));
  const topB = top(b);
  let shared = 0;
  for (const index of top(a)) if (topB.has(index)) shared++;
  return shared / Math.min(k, a.length);
}

/** Mean of the paired differences a[i] - b[i] and its standard error: how sure a comparison on the same users is. */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>): { mean: number; standardError: number } {
  const n = a.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i]! - b[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (a[i]! - b[i]! - mean) ** 2;
  return { mean, standardError: Math.sqrt(squares / (n - 1) / n) };
}
