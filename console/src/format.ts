// Number and date formatting shared by the views (fixed locale, so tests and screenshots are stable).
const locale = "en-GB";
const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });

export const formatInt = (n: number): string => integer.format(n);
export const formatNumber = (n: number, digits = 3): string =>
  Number.isFinite(n) ? new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n) : String(n);
export const formatPercent = (x: number | null, digits = 1): string => (x === null || !Number.isFinite(x) ? "–" : `${(x * 100).toFixed(digits)}%`);
export const formatInterval = ([low, high]: [number, number]): string => `${formatPercent(low)} – ${formatPercent(high)}`;

export function formatTime(ms: number | null): string {
  if (ms === null) return "–";
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

/** A bucket label short enough for a chart axis: date and time to the minute, UTC. */
export function formatBucket(ms: number, bucketMs: number): string {
  const iso = new Date(ms).toISOString();
  if (bucketMs >= 86_400_000) return iso.slice(0, 10);
  return `${iso.slice(5, 10)} ${iso.slice(11, bucketMs < 60_000 ? 19 : 16)}`;
}
