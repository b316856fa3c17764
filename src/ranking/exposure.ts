/** Gini coefficient of non-negative exposure counts: 0 when every item is shown equally, towards 1 when a few items
 * take all impressions. G = sum_i (2i - n - 1) x_(i) / (n sum x), x sorted ascending (i from 1). */
export function gini(counts: readonly number[]): number {
  const n = counts.length;
  const total = counts.reduce((sum, x) => sum + x, 0);
  if (n === 0 || total === 0) return 0;
  const sorted = [...counts].sort((a, b) => a - b);
  return sorted.reduce((sum, x, i) => sum + (2 * (i + 1) - n - 1) * x, 0) / (n * total);
}

/** Lorenz curve points (share of items, share of exposure), from the least to the most shown, at most `points`. */
export function lorenzCurve(counts: readonly number[], points = 50): [number, number][] {
  const sorted = [...counts].sort((a, b) => a - b);
  const total = sorted.reduce((sum, x) => sum + x, 0);
  const curve: [number, number][] = [[0, 0]];
  if (sorted.length === 0 || total === 0) return [[0, 0], [1, 1]];
  let cumulative = 0;
  const step = Math.max(1, Math.floor(sorted.length / points));
  sorted.forEach((x, i) => {
    cumulative += x;
    if ((i + 1) % step === 0 || i === sorted.length - 1) curve.push([(i + 1) / sorted.length, cumulative / total]);
  });
  return curve;
}
