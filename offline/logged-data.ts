// The service's own logged data for the retrain (offline/retrain.ts): the cron's snapshots, the logged impressions
// and events exported through the admin API page by page, labels, the training / evaluation split, and the
// off-policy gate that decides whether a candidate may replace the live model. No I/O beyond callService.
import { FEATURE_COUNT } from "../src/ranking/features.js";
import { stableHash32 } from "../src/ranking/hash.js";
import {
  bootstrapInterval, contextFreeTable, estimateIps, estimateSnips, type ConfidenceInterval, type Estimate, type RowTerms,
} from "../src/ranking/ope/index.js";
import { decodeVector } from "../src/ranking/vectors.js";
import type { LabelledRows } from "./dataset.js";
import { callService, type ServiceClient } from "./service-client.js";

// ---- the admin API's shapes (src/http/routes/logs.ts, models.ts) ---------------------------------------------

export const SNAPSHOT_STATUSES = ["pending", "training", "promoted", "rejected", "failed"] as const;
export type SnapshotStatus = (typeof SNAPSHOT_STATUSES)[number];

export interface Snapshot {
  cronSlot: number; fromTime: number; toTime: number; decisions: number; impressions: number; events: number;
  status: SnapshotStatus; createdAt: number;
}

export interface LoggedImpression {
  requestId: string; rank: number; userId: string; itemId: string; score: number; propensity: number; explore: boolean;
  reason: string; policy: string; variant: string; modelVersion: string | null;
  /** base64 float32 of the FEATURE_LAYOUT row the item was scored with; null on rows logged before migration 0001. */
  features: string | null;
  createdAt: number;
}

export interface LoggedEvent {
  eventId: string; userId: string; itemId: string; type: string; value: number | null; requestId: string | null;
  timestamp: number; receivedAt: number;
}

export interface ModelSummary {
  version: string; sha256: string; createdAt: number; promotedAt: number | null; live: boolean; precision: string;
  featureLayout: string; metrics: Record<string, number>;
}

export interface ModelsListing { live: ModelSummary | null; versions: ModelSummary[]; refused: { version: string; reason: string } | null }

export async function listSnapshots(client: ServiceClient): Promise<Snapshot[]> {
  return (await callService<{ snapshots: Snapshot[] }>(client, "GET", "/v1/snapshots")).snapshots;
}

export async function setSnapshotStatus(client: ServiceClient, cronSlot: number, status: SnapshotStatus): Promise<Snapshot> {
  return callService<Snapshot>(client, "POST", `/v1/snapshots/${cronSlot}/status`, { status });
}

/**
 * The snapshot to train on. Asked for one (--snapshot): that one, whatever its status (a rerun). Otherwise the
 * newest pending one, provided no newer snapshot was already handled: each retrain exports everything logged up to
 * its snapshot's toTime, so a pending snapshot older than a handled one is covered by it and left alone.
 */
export function chooseSnapshot(snapshots: readonly Snapshot[], requested?: number): { snapshot: Snapshot } | { none: string } {
  if (requested !== undefined) {
    const snapshot = snapshots.find((s) => s.cronSlot === requested);
    return snapshot === undefined ? { none: `no snapshot with cronSlot ${requested}` } : { snapshot };
  }
  const newestFirst = [...snapshots].sort((a, b) => b.cronSlot - a.cronSlot);
  const handled = newestFirst.find((s) => s.status !== "pending");
  const snapshot = newestFirst.find((s) => s.status === "pending" && (handled === undefined || s.cronSlot > handled.cronSlot));
  if (snapshot !== undefined) return { snapshot };
  if (newestFirst.length === 0) return { none: "the service has recorded no snapshot yet (the cron has not run)" };
  return { none: `no pending snapshot newer than ${handled!.cronSlot} (${handled!.status})` };
}

/** Date-based and unique: <UTC date of the cron slot>.<cronSlot>, with -2, -3, ... when that version is taken
 * (a rerun of the same snapshot). */
export function candidateVersion(cronSlot: number, taken: ReadonlySet<string>): string {
  const base = `${new Date(cronSlot).toISOString().slice(0, 10)}.${cronSlot}`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

// ---- log export ----------------------------------------------------------------------------------------------

export const EXPORT_PAGE_LIMIT = 5_000;

export interface PageQuery { from: number; to: number; limit?: number }

/** Every row of a keyset-paged log route in [from, to): pages follow `next` (passed back as `after`) until it is
 * null. A cursor that comes back unchanged would loop forever, so it is an error. */
export async function fetchAllPages<T>(
  client: ServiceClient, path: string, { from, to, limit = EXPORT_PAGE_LIMIT }: PageQuery, onPage?: (rows: number) => void,
): Promise<T[]> {
  const rows: T[] = [];
  let after: string | null = null;
  for (;;) {
    const query = new URLSearchParams({ from: String(from), to: String(to), limit: String(limit) });
    if (after !== null) query.set("after", after);
    const page: { rows: T[]; next: string | null } = await callService(client, "GET", `${path}?${query}`);
    rows.push(...page.rows);
    onPage?.(page.rows.length);
    if (page.next === null || page.rows.length === 0) return rows;
    if (page.next === after) throw new Error(`${path}: the service returned the same cursor twice`);
    after = page.next;
  }
}

export interface ExportedLogs { impressions: LoggedImpression[]; events: LoggedEvent[] }

/**
 * Everything logged before the snapshot's toTime: impressions with createdAt < toTime, and the events received in
 * [first impression's createdAt, toTime), the only ones that can answer a logged decision (an event about a
 * decision arrives after it). That skips the rating history ingest loaded before any traffic.
 */
export async function exportLogs(
  client: ServiceClient, toTime: number, options: { limit?: number; onPage?: (kind: "impressions" | "events", rows: number) => void } = {},
): Promise<ExportedLogs> {
  const impressions = await fetchAllPages<LoggedImpression>(client, "/v1/logs/impressions", { from: 0, to: toTime, ...pick(options.limit) },
    (rows) => options.onPage?.("impressions", rows));
  let first = toTime;
  for (const impression of impressions) first = Math.min(first, impression.createdAt);
  const events = impressions.length === 0 ? [] : await fetchAllPages<LoggedEvent>(client, "/v1/logs/events", { from: first, to: toTime, ...pick(options.limit) },
    (rows) => options.onPage?.("events", rows));
  return { impressions, events };
}

const pick = (limit: number | undefined): { limit?: number } => (limit === undefined ? {} : { limit });

// ---- labels, split, rows -------------------------------------------------------------------------------------

/** A positive answer to a served item: a click, a purchase, or a rating of 4 or more. */
export function isPositiveEvent(event: Pick<LoggedEvent, "type" | "value">): boolean {
  return event.type === "click" || event.type === "purchase" || (event.type === "rating" && (event.value ?? 0) >= 4);
}

/** Label per impression: 1 when a positive event carries the impression's requestId and itemId (the user answered
 * that decision's item), else 0. Events without a requestId answer no decision. */
export function labelImpressions(impressions: readonly LoggedImpression[], events: readonly LoggedEvent[]): Uint8Array {
  const positive = new Set<string>();
  for (const event of events) if (event.requestId !== null && isPositiveEvent(event)) positive.add(`${event.requestId}\u0000${event.itemId}`);
  return Uint8Array.from(impressions, (impression) => (positive.has(`${impression.requestId}\u0000${impression.itemId}`) ? 1 : 0));
}

/** Share of users (pseudonyms) whose impressions are kept out of training and used only by the off-policy gate. */
export const OPE_HOLDOUT_SHARE = 0.3;
/** Fixed, not seeded: the same users stay held out in every retrain, so no live model was ever trained on them. */
const HOLDOUT_SALT = "serendip/retrain/ope-holdout/v1";

export function isOpeHoldoutUser(userId: string, share = OPE_HOLDOUT_SHARE): boolean {
  return stableHash32(`${HOLDOUT_SALT}\u0000${userId}`) / 2 ** 32 < share;
}

/** The logged feature row, or null when it is missing, the wrong length or not finite. */
export function loggedFeatures(impression: Pick<LoggedImpression, "features">): Float32Array | null {
  if (impression.features === null || impression.features === undefined) return null;
  let row: Float32Array;
  try {
    row = decodeVector(impression.features);
  } catch {
    return null;
  }
  return row.length === FEATURE_COUNT && row.every(Number.isFinite) ? row : null;
}

/** Labelled training rows from the chosen impressions' logged feature rows (rows without a usable one are skipped). */
export function loggedRows(impressions: readonly LoggedImpression[], labels: ArrayLike<number>, include: (index: number) => boolean): LabelledRows & { skipped: number } {
  const chosen: { row: Float32Array; label: number }[] = [];
  let skipped = 0;
  impressions.forEach((impression, i) => {
    if (!include(i)) return;
    const row = loggedFeatures(impression);
    if (row === null) skipped++;
    else chosen.push({ row, label: labels[i]! });
  });
  const features = new Float32Array(chosen.length * FEATURE_COUNT);
  chosen.forEach(({ row }, i) => features.set(row, i * FEATURE_COUNT));
  return { features, labels: Float32Array.from(chosen, ({ label }) => label), rows: chosen.length, skipped };
}

// ---- the off-policy gate -------------------------------------------------------------------------------------
//
// The rule (also written into the candidate's manifest as ope_* metrics):
//
//   Data: the logged impressions of held-out users (OPE_HOLDOUT_SHARE of pseudonyms by a fixed hash, never trained
//   on) that the live model scored (modelVersion = the live version; with no live model, the fallback's rows), with
//   their logged feature row. For impression i: click label r_i, logged propensity p_i (the probability the serving
//   policy put that item at that rank), the live model's logged score s_i, the candidate's int8 ONNX score c_i on
//   the logged features.
//
//   1. Click probabilities: SNIPS-weighted log-loss of the clicks, weights w_i = min(1 / p_i, weightClip), scores
//      clipped to [1e-4, 1 - 1e-4]: L(m) = sum_i w_i l(m_i, r_i) / sum_i w_i. Weighting by 1 / p undoes the
//      serving policy's preference for the items it ranked high, so rows it explored count for the decisions they
//      stand for. DeltaL = L(candidate) - L(live), paired on the same rows.
//   2. Ranking: log-loss rewards calibration as much as ordering (measured: a candidate trained for one epoch had
//      a lower log-loss than live and put clicked items first far less often), so the gate also compares how each
//      model orders what was shown: per logged decision with a click and a non-click, the share of (clicked,
//      not clicked) pairs the model scores in the right order (ties half); DeltaA = mean over those decisions of
//      A(candidate) - A(live). Unweighted, and biased towards live (the shown order is live's, and clicks favour
//      the top ranks), so it errs on the side of keeping live.
//   Intervals: 95% percentile bootstraps resampling users (a user's impressions are correlated), seeded, the same
//   resamples for every quantity (common random numbers).
//
//   Promote iff there are >= minImpressions rows with >= minPositives clicks and >= minDecisions decisions with a
//   pair, AND upper(DeltaL) <= margin (the candidate's click probabilities are, at 95%, not worse by more than
//   `margin` nats per weighted impression) AND lower(DeltaA) >= -rankingMargin (its ordering is not worse by more
//   than `rankingMargin` of pairs). Too little data: reject (keep live) -- the gate never promotes on no evidence.
//
//   Reported, not gating: the same loss with the Brier score; each model's greedy choice within each logged slate
//   (see greedyInSlate).

export interface GateOptions {
  /** Largest tolerated increase of the weighted log-loss (nats per weighted impression) at the interval's upper end. */
  margin: number;
  /** Largest tolerated drop of the within-slate pair accuracy at the interval's lower end. */
  rankingMargin: number;
  /** Importance weights 1 / p are clipped to this (variance control; p >= 1 / weightClip counts as is). */
  weightClip: number;
  minImpressions: number;
  minPositives: number;
  /** Decisions with at least one clicked and one unclicked item. */
  minDecisions: number;
  resamples: number;
  level: number;
  seed: number;
}

export const GATE_OPTIONS: Readonly<GateOptions> = Object.freeze({
  margin: 0.005, rankingMargin: 0.03, weightClip: 20, minImpressions: 200, minPositives: 10, minDecisions: 30, resamples: 1000,
  level: 0.95, seed: 7,
});

const PROBABILITY_FLOOR = 1e-4;

export interface GateInput {
  /** 1 for a clicked (positive) impression, else 0. */
  labels: ArrayLike<number>;
  propensities: ArrayLike<number>;
  live: ArrayLike<number>;
  candidate: ArrayLike<number>;
  /** Resampling unit per row (the user). */
  clusters: readonly string[];
  /** The logged decision (requestId) per row. */
  requestIds: readonly string[];
}

export interface PairedLoss {
  live: number;
  candidate: number;
  /** candidate - live, with its interval. */
  delta: number;
  interval: ConfidenceInterval | null;
}

export interface GateResult {
  promote: boolean;
  reason: string;
  impressions: number;
  positives: number;
  users: number;
  /** Decisions with a clicked and an unclicked item (the ranking criterion's rows). */
  rankedDecisions: number;
  /** Kish effective sample size of the weights, (sum w)^2 / sum w^2. */
  effectiveSize: number;
  clipped: number;
  logLoss: PairedLoss | null;
  brier: PairedLoss | null;
  /** Within-slate pair accuracy (higher is better). */
  ranking: PairedLoss | null;
}

function logLossTerm(score: number, label: number): number {
  const p = Math.min(1 - PROBABILITY_FLOOR, Math.max(PROBABILITY_FLOOR, score));
  return label > 0.5 ? -Math.log(p) : -Math.log(1 - p);
}

function brierTerm(score: number, label: number): number {
  return (Math.min(1, Math.max(0, score)) - (label > 0.5 ? 1 : 0)) ** 2;
}

/** Per-cluster sums of w * value and w: a ratio estimator the bootstrap can resample by cluster. */
function clusterTerms(clusters: readonly string[], weights: ArrayLike<number>, value: (i: number) => number): RowTerms {
  const index = new Map<string, number>();
  for (const cluster of clusters) if (!index.has(cluster)) index.set(cluster, index.size);
  const numerator = new Float64Array(index.size);
  const denominator = new Float64Array(index.size);
  clusters.forEach((cluster, i) => {
    const c = index.get(cluster)!;
    numerator[c]! += weights[i]! * value(i);
    denominator[c]! += weights[i]!;
  });
  return { numerator, denominator };
}

const ratio = ({ numerator, denominator }: RowTerms): number => numerator.reduce((a, b) => a + b, 0) / denominator!.reduce((a, b) => a + b, 0);

/** Share of (clicked, unclicked) pairs among `rows` that `scores` order correctly, ties counting half; null
 * without such a pair. */
export function pairAccuracy(rows: readonly number[], labels: ArrayLike<number>, scores: ArrayLike<number>): number | null {
  let pairs = 0;
  let right = 0;
  for (const i of rows) {
    if (!(labels[i]! > 0.5)) continue;
    for (const j of rows) {
      if (labels[j]! > 0.5) continue;
      pairs++;
      right += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return pairs === 0 ? null : right / pairs;
}

export function opeGate(input: GateInput, options: GateOptions = GATE_OPTIONS, onProgress?: (done: number, total: number) => void): GateResult {
  const n = input.labels.length;
  for (const [name, values] of [["propensities", input.propensities], ["live", input.live], ["candidate", input.candidate], ["clusters", input.clusters], ["requestIds", input.requestIds]] as const) {
    if (values.length !== n) throw new RangeError(`opeGate: ${name} has ${values.length} rows, labels ${n}`);
  }
  const weights = new Float64Array(n);
  let positives = 0;
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    const p = input.propensities[i]!;
    if (!(p > 0 && p <= 1)) throw new RangeError(`opeGate: propensity[${i}] = ${p} is outside (0, 1]`);
    const raw = 1 / p;
    if (raw > options.weightClip) clipped++;
    weights[i] = Math.min(raw, options.weightClip);
    if (input.labels[i]! > 0.5) positives++;
  }
  let sum = 0;
  let squares = 0;
  for (const w of weights) [sum, squares] = [sum + w, squares + w * w];
  // Decisions with a pair, their user and the two models' pair accuracies.
  const ranked: { user: string; live: number; candidate: number }[] = [];
  for (const rows of groupByDecision(input.requestIds)) {
    const live = pairAccuracy(rows, input.labels, input.live);
    const candidate = pairAccuracy(rows, input.labels, input.candidate);
    if (live !== null && candidate !== null) ranked.push({ user: input.clusters[rows[0]!]!, live, candidate });
  }
  const users = new Set(input.clusters).size;
  const base = { impressions: n, positives, users, rankedDecisions: ranked.length, effectiveSize: squares === 0 ? 0 : (sum * sum) / squares, clipped };
  if (n < options.minImpressions || positives < options.minPositives || ranked.length < options.minDecisions) {
    return {
      ...base, promote: false, logLoss: null, brier: null, ranking: null,
      reason: `not enough evidence: ${n} live-model impressions with ${positives} clicks in ${ranked.length} decisions with a click and a ` +
        `non-click, from held-out users (needs >= ${options.minImpressions}, >= ${options.minPositives}, >= ${options.minDecisions}); keeping the live model`,
    };
  }
  const bootstrap = (progress?: (done: number, total: number) => void) =>
    ({ resamples: options.resamples, seed: options.seed, level: options.level, ...(progress === undefined ? {} : { onProgress: progress }) });
  const paired = (live: RowTerms, candidate: RowTerms, progress?: (done: number, total: number) => void): PairedLoss => {
    const delta: RowTerms = { numerator: candidate.numerator.map((v, c) => v - live.numerator[c]!), denominator: live.denominator };
    return { live: ratio(live), candidate: ratio(candidate), delta: ratio(delta), interval: bootstrapInterval(delta, bootstrap(progress)) };
  };
  const lossOf = (term: (score: number, label: number) => number): PairedLoss => paired(
    clusterTerms(input.clusters, weights, (i) => term(input.live[i]!, input.labels[i]!)),
    clusterTerms(input.clusters, weights, (i) => term(input.candidate[i]!, input.labels[i]!)),
    term === logLossTerm ? onProgress : undefined,
  );
  const logLoss = lossOf(logLossTerm);
  const brier = lossOf(brierTerm);
  const rankedUsers = ranked.map((d) => d.user);
  const ones = new Float64Array(ranked.length).fill(1);
  const ranking = paired(clusterTerms(rankedUsers, ones, (d) => ranked[d]!.live), clusterTerms(rankedUsers, ones, (d) => ranked[d]!.candidate));

  const lossHigh = logLoss.interval?.high ?? Infinity;
  const rankingLow = ranking.interval?.low ?? -Infinity;
  const lossOk = lossHigh <= options.margin;
  const rankingOk = rankingLow >= -options.rankingMargin;
  const level = `${Math.round(options.level * 100)}%, by user`;
  const lossText = `weighted log-loss candidate ${logLoss.candidate.toFixed(4)} vs live ${logLoss.live.toFixed(4)}: delta ` +
    `${signed(logLoss.delta)} [${signed(logLoss.interval?.low ?? NaN)}, ${signed(lossHigh)}] (${level}) ${lossOk ? "<=" : ">"} margin ${options.margin}`;
  const rankingText = `within-slate pair accuracy candidate ${ranking.candidate.toFixed(4)} vs live ${ranking.live.toFixed(4)}: delta ` +
    `${signed(ranking.delta)} [${signed(rankingLow)}, ${signed(ranking.interval?.high ?? NaN)}] ${rankingOk ? ">=" : "<"} -${options.rankingMargin}`;
  const promote = lossOk && rankingOk;
  return {
    ...base, promote, logLoss, brier, ranking,
    reason: `${lossText}; ${rankingText}: ${promote ? "the candidate is not worse" : `the candidate may be worse (${[lossOk ? "" : "click probabilities", rankingOk ? "" : "ranking"].filter(Boolean).join(" and ")})`}`,
  };
}

const signed = (value: number): string => `${value >= 0 ? "+" : ""}${value.toFixed(4)}`;

export interface GreedyChoice {
  decisions: number;
  /** Mean click of the chosen item over decisions, unweighted. */
  direct: number;
  snips: Estimate;
  ips: Estimate;
}

/**
 * Each model's greedy choice within each logged slate: the slate's item the model scores highest. Every slate item
 * was shown, so that item's click is observed; the estimate is the click rate of the chosen items, per decision,
 * directly (unweighted) and with the chosen impression's weight 1 / p (SNIPS; IPS as the plain mean of r / p, which
 * can exceed 1). It answers "does the model put the item users click on top of what was served", not the value of
 * a policy over the whole catalogue (the logs hold feature rows only for the items that were served), and it is
 * confounded by the rank the chosen item was shown at. Reported, not gating.
 */
export function greedyInSlate(
  decisions: readonly (readonly number[])[], labels: ArrayLike<number>, propensities: ArrayLike<number>, scores: ArrayLike<number>,
  options: Pick<GateOptions, "weightClip" | "resamples" | "seed" | "level">,
): GreedyChoice | null {
  const reward: number[] = [];
  const pscore: number[] = [];
  for (const rows of decisions) {
    if (rows.length === 0) continue;
    let best = rows[0]!;
    for (const i of rows) if (scores[i]! > scores[best]!) best = i;
    reward.push(labels[best]! > 0.5 ? 1 : 0);
    pscore.push(propensities[best]!);
  }
  if (reward.length === 0) return null;
  const feedback = { action: new Int32Array(reward.length), reward, pscore };
  const actionDist = contextFreeTable([[1]]);
  const estimatorOptions = { clip: options.weightClip, bootstrap: { resamples: options.resamples, seed: options.seed, level: options.level } };
  return {
    decisions: reward.length,
    direct: reward.reduce((a, b) => a + b, 0) / reward.length,
    snips: estimateSnips({ feedback, actionDist }, estimatorOptions),
    ips: estimateIps({ feedback, actionDist }, estimatorOptions),
  };
}

/** Row indices grouped by requestId, in first-seen order. */
export function groupByDecision(requestIds: readonly string[]): number[][] {
  const groups = new Map<string, number[]>();
  requestIds.forEach((id, i) => {
    const group = groups.get(id);
    if (group === undefined) groups.set(id, [i]);
    else group.push(i);
  });
  return [...groups.values()];
}
