// Open Bandit Dataset (OBD, ZOZOTOWN; Saito et al., arXiv:2008.07146): reads the small sample in place
// (../shared/data/obd by default; its README.md has the schema) and evaluates a policy off-policy from another
// policy's logs, against the ground truth that the other half of the A/B test gives.
//
// The usual experiment (OBP's examples/obd): logs of the uniform Random policy, target = Bernoulli Thompson sampling
// (BTS) with ZOZOTOWN's production Beta prior (prior_bts.yaml), ground truth = the mean click of BTS's own logs. BTS
// ignores the user, so its action distribution over (item, position) is estimated once by Monte Carlo: per draw
// theta_i ~ Beta(alpha_i, beta_i) for every item, the top 3 in order fill positions 1..3.
//
// Rows are (round, position) pairs with the item's own propensity (OBP's convention): "nRounds" below is the row
// count, and the policy value is the expected click per shown (item, position).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { fnv1a32 } from "../src/ranking/hash.js";
import { wilsonInterval } from "../src/ranking/intervals.js";
import {
  betaTopKActionDist, crossFitSmoothedCtr, epsilonGreedyActionDist, estimateDm, estimateDr, estimateIps, estimateSnips, estimateSwitchDr,
  uniformActionDist, type ActionDist, type Estimate, type EstimatedRewards, type EstimatorName, type LoggedFeedback,
} from "../src/ranking/ope/index.js";
import { seededRandom, type Random } from "../src/ranking/random.js";

export type ObdCampaign = "all" | "men" | "women";
export type ObdPolicy = "random" | "bts";
export const OBD_CAMPAIGNS: readonly ObdCampaign[] = ["all", "men", "women"];
export const OBD_POLICIES: readonly ObdPolicy[] = ["random", "bts"];
/** Items per impression: positions 1..3 (left, centre, right), 0..2 here. */
export const OBD_POSITIONS = 3;
export const ESTIMATORS: readonly EstimatorName[] = ["ips", "snips", "dm", "dr", "switchDr"];
const SWITCH_TAU_SWEEP = [0, 1, 2, 4, 6, 8, 10, 12, 16, Infinity];

export interface ObdLog {
  campaign: ObdCampaign;
  policy: ObdPolicy;
  /** Items of the campaign (rows of item_context.csv). */
  items: number;
  n: number;
  item: Int32Array;
  /** 0-based (the file's position - 1). */
  position: Int32Array;
  click: Float64Array;
  pscore: Float64Array;
}

/** The OBD folder: dataDir/obd, or dataDir itself when it holds prior_bts.yaml. */
export function obdDir(dataDir: string): string {
  return existsSync(join(dataDir, "prior_bts.yaml")) ? dataDir : join(dataDir, "obd");
}

export function obdLogFile(dataDir: string, policy: ObdPolicy, campaign: ObdCampaign): string {
  return join(obdDir(dataDir), policy, campaign, `${campaign}.csv`);
}

/** Whether the logs of both policies (and the prior) are there for the campaign. */
export function hasObd(dataDir: string, campaign: ObdCampaign = "men"): boolean {
  return existsSync(join(obdDir(dataDir), "prior_bts.yaml")) && OBD_POLICIES.every((p) => existsSync(obdLogFile(dataDir, p, campaign)));
}

const REQUIRED_COLUMNS = ["item_id", "position", "click", "propensity_score"] as const;

/** Parses an OBD log: a header whose first column is the unnamed pandas index, then one row per impression. Only
 * item_id, position, click and propensity_score are kept (the user features and affinities are unused here). */
export function parseObdLog(text: string, items: number, source = "log"): Omit<ObdLog, "campaign" | "policy"> {
  const lines = text.split("\n").filter((line) => line.length > 0);
  const header = (lines[0] ?? "").replace(/\r$/, "").split(",");
  if (header[0] !== "") throw new Error(`${source}: expected an unnamed index as the first column, got "${header[0]}"`);
  const index = Object.fromEntries(REQUIRED_COLUMNS.map((name) => {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`${source}: no column "${name}" in the header`);
    return [name, at];
  })) as Record<(typeof REQUIRED_COLUMNS)[number], number>;
  const n = lines.length - 1;
  const item = new Int32Array(n);
  const position = new Int32Array(n);
  const click = new Float64Array(n);
  const pscore = new Float64Array(n);
  for (let row = 0; row < n; row++) {
    const fields = lines[row + 1]!.split(",");
    const where = `${source} row ${row + 1}`;
    const i = Number(fields[index.item_id]);
    const k = Number(fields[index.position]);
    const c = Number(fields[index.click]);
    const p = Number(fields[index.propensity_score]);
    if (!Number.isInteger(i) || i < 0 || i >= items) throw new Error(`${where}: item_id ${fields[index.item_id]} is not in 0..${items - 1}`);
    if (!Number.isInteger(k) || k < 1 || k > OBD_POSITIONS) throw new Error(`${where}: position ${fields[index.position]} is not in 1..${OBD_POSITIONS}`);
    if (c !== 0 && c !== 1) throw new Error(`${where}: click ${fields[index.click]} is not 0 or 1`);
    if (!(p > 0 && p <= 1)) throw new Error(`${where}: propensity_score ${fields[index.propensity_score]} is not in (0, 1]`);
    item[row] = i;
    position[row] = k - 1;
    click[row] = c;
    pscore[row] = p;
  }
  return { items, n, item, position, click, pscore };
}

/** Number of items of the campaign: the rows of its item_context.csv. */
export function readObdItemCount(dataDir: string, policy: ObdPolicy, campaign: ObdCampaign): number {
  const file = join(obdDir(dataDir), policy, campaign, "item_context.csv");
  if (!existsSync(file)) throw new Error(`OBD item context not found: ${file}`);
  return readFileSync(file, "utf8").split("\n").filter((line) => line.trim().length > 0).length - 1;
}

export function readObdLog(dataDir: string, policy: ObdPolicy, campaign: ObdCampaign): ObdLog {
  const file = obdLogFile(dataDir, policy, campaign);
  if (!existsSync(file)) {
    const hint = campaign === "all" ? " (the sample here lacks the 'all' logs; use men or women)" : "";
    throw new Error(`OBD log not found: ${file}${hint}`);
  }
  const items = readObdItemCount(dataDir, policy, campaign);
  return { campaign, policy, ...parseObdLog(readFileSync(file, "utf8"), items, file) };
}

export interface BetaPrior { alpha: number[]; beta: number[] }

/** ZOZOTOWN's production BTS prior for a campaign (prior_bts.yaml: campaign -> { alpha: [...], beta: [...] }). */
export function parseBtsPrior(text: string, campaign: ObdCampaign, source = "prior_bts.yaml"): BetaPrior {
  const document = parseYaml(text) as unknown;
  const entry = (document as Record<string, unknown> | null)?.[campaign] as Record<string, unknown> | undefined;
  if (entry === undefined) throw new Error(`${source}: no campaign "${campaign}"`);
  const list = (name: "alpha" | "beta"): number[] => {
    const values = entry[name];
    if (!Array.isArray(values) || values.some((v) => typeof v !== "number" || !(v > 0))) throw new Error(`${source}: ${campaign}.${name} is not a list of positive numbers`);
    return values as number[];
  };
  const prior = { alpha: list("alpha"), beta: list("beta") };
  if (prior.alpha.length !== prior.beta.length) throw new Error(`${source}: ${campaign} has ${prior.alpha.length} alphas and ${prior.beta.length} betas`);
  return prior;
}

export function readBtsPrior(dataDir: string, campaign: ObdCampaign): BetaPrior {
  const file = join(obdDir(dataDir), "prior_bts.yaml");
  if (!existsSync(file)) throw new Error(`OBD BTS prior not found: ${file}`);
  return parseBtsPrior(readFileSync(file, "utf8"), campaign, file);
}

export interface ObdEvaluationOptions {
  dataDir: string;
  campaign: ObdCampaign;
  /** Policy whose logs are used. */
  behavior: ObdPolicy;
  /** Policy evaluated; its own logs give the ground truth. */
  evaluate: ObdPolicy;
  /** Monte Carlo slates for each Thompson action distribution (OBP's n_sim defaults to 100,000). */
  draws: number;
  seed: number;
  /** Bootstrap resamples of every interval. */
  resamples: number;
  level: number;
  /** Weight clipping of IPS, SNIPS and DR (Infinity: none). */
  clip: number;
  /** Switch-DR's threshold tau (Infinity: plain DR). */
  switchTau: number;
  /** Cross-fitting folds of the reward model (1: fitted in-sample). */
  folds: number;
  /** Epsilon of the epsilon-greedy comparison policy. */
  epsilon: number;
  progress?: (stage: string, done: number, total: number) => void;
}

/** switchTau 8: BTS's weights from the random logs (items x pi) have a gap there in both campaigns (men: up to 7.0,
 * then 9.7 and 10.7; women: up to 5.4, then 9.2 to 12.5), so 8 switches the heaviest item-positions to the model and
 * no Monte Carlo wobble moves a weight across it; 10 sat on a weight (women: item 36 at position 3, w ~ 10.0) and
 * flipped with the seed. */
export const DEFAULT_OBD_OPTIONS = {
  draws: 100_000, seed: 12345, resamples: 2000, level: 0.95, clip: Infinity, switchTau: 8, folds: 3, epsilon: 0.1,
} as const;

export interface EstimateSummary {
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  reason?: string;
  /** Rows whose weight exceeded the clip (or Switch-DR's tau); absent for DM. */
  clipped?: number;
  maxWeight?: number;
}

export type EstimateTable = Record<EstimatorName, EstimateSummary>;

export interface ObdEvaluation {
  campaign: ObdCampaign;
  behavior: ObdPolicy;
  evaluate: ObdPolicy;
  /** Mean click of the evaluated policy's own logs (on-policy). */
  groundTruth: number;
  /** 95% Wilson interval of the ground truth: it is itself a sample (clicks of nRounds rows). */
  groundTruthInterval: [number, number];
  groundTruthRounds: number;
  groundTruthClicks: number;
  /** Rows of the behaviour log, each a (round, position) pair. */
  nRounds: number;
  loggedClicks: number;
  loggedCtr: number;
  estimates: EstimateTable;
  /** |estimate - groundTruth| / groundTruth (OBP's relative-ee); null without an estimate. */
  relativeError: Record<EstimatorName, number | null>;
  /** Whether the ground truth lies inside each estimator's interval. */
  groundTruthCovered: Record<EstimatorName, boolean | null>;
  /** Estimated click rate of simple Serendip-style policies from the same logs (no ground truth for these). */
  policies: Record<string, { description: string; estimates: EstimateTable }>;
  /** The evaluated policy's action distribution, [item][position] (for the report). */
  actionDist: number[][];
  /** How far the modelled target policy is from what the evaluated policy actually showed in its own logs. The
   * production BTS was updated in batches during the week, so the prior alone is not the policy that logged the
   * ground truth; the estimates with the logged frequencies as the target show how much that matters. */
  diagnostics: {
    /** Mean over positions of the total variation distance between actionDist and the logged (item | position) frequencies. */
    targetVsLoggedTotalVariation: number;
    loggedTargetEstimates: EstimateTable;
    loggedTargetRelativeError: Record<EstimatorName, number | null>;
    /** Switch-DR's value (no interval) over a range of tau: how much the choice of tau matters. */
    switchDrByTau: { tau: number | null; value: number | null; switched: number }[];
  };
  settings: {
    draws: number; seed: number; resamples: number; level: number; clip: number | null; switchTau: number | null; folds: number; epsilon: number;
    rewardModel: string; bootstrap: string;
  };
}

const REWARD_MODEL_NOTE =
  "smoothed empirical CTR per (item, position): each cell's rate shrunk towards item rate x position factor, themselves shrunk " +
  "towards the global CTR, prior worth one click (m = 1 / CTR rows; src/ranking/ope/reward-model.ts); context-free";

/** Runs every estimator for one target policy. */
export function estimateAll(
  feedback: LoggedFeedback, actionDist: ActionDist, estimatedRewards: EstimatedRewards,
  { clip, switchTau, resamples, level, bootstrapSeed, onBootstrap }: {
    clip: number; switchTau: number; resamples: number; level: number; bootstrapSeed: number; onBootstrap?: (done: number, total: number) => void;
  },
): Record<EstimatorName, Estimate> {
  const bootstrap = (index: number) => ({
    resamples, seed: bootstrapSeed, level,
    ...(onBootstrap === undefined ? {} : { onProgress: (done: number) => onBootstrap(index * resamples + done, ESTIMATORS.length * resamples) }),
  });
  return {
    ips: estimateIps({ feedback, actionDist }, { clip, bootstrap: bootstrap(0) }),
    snips: estimateSnips({ feedback, actionDist }, { clip, bootstrap: bootstrap(1) }),
    dm: estimateDm({ feedback, actionDist, estimatedRewards }, { bootstrap: bootstrap(2) }),
    dr: estimateDr({ feedback, actionDist, estimatedRewards }, { clip, bootstrap: bootstrap(3) }),
    switchDr: estimateSwitchDr({ feedback, actionDist, estimatedRewards }, { tau: switchTau, bootstrap: bootstrap(4) }),
  };
}

export function summarize(estimate: Estimate): EstimateSummary {
  return {
    value: estimate.value,
    ciLow: estimate.interval?.low ?? null,
    ciHigh: estimate.interval?.high ?? null,
    ...(estimate.reason === undefined ? {} : { reason: estimate.reason }),
    ...(estimate.weights === undefined ? {} : { clipped: estimate.weights.clipped, maxWeight: estimate.weights.rawMax }),
  };
}

function mapEstimators<T>(f: (name: EstimatorName) => T): Record<EstimatorName, T> {
  return Object.fromEntries(ESTIMATORS.map((name) => [name, f(name)])) as Record<EstimatorName, T>;
}

/** Clicks and rows per item over all positions. */
export function itemCounts(log: Pick<ObdLog, "items" | "n" | "item" | "click">): { clicks: Float64Array; rows: Float64Array } {
  const clicks = new Float64Array(log.items);
  const rows = new Float64Array(log.items);
  for (let i = 0; i < log.n; i++) {
    rows[log.item[i]!]! += 1;
    clicks[log.item[i]!]! += log.click[i]!;
  }
  return { clicks, rows };
}

/** The (item | position) frequencies of a log: the context-free policy that would show what it showed. */
export function loggedActionDist(log: Pick<ObdLog, "items" | "n" | "item" | "position">): ActionDist {
  const values = new Float64Array(log.items * OBD_POSITIONS);
  const perPosition = new Float64Array(OBD_POSITIONS);
  for (let i = 0; i < log.n; i++) {
    values[log.item[i]! * OBD_POSITIONS + log.position[i]!]! += 1;
    perPosition[log.position[i]!]! += 1;
  }
  for (let a = 0; a < log.items; a++) {
    for (let k = 0; k < OBD_POSITIONS; k++) {
      // A position the log never shows: uniform, so the table stays a distribution.
      values[a * OBD_POSITIONS + k] = perPosition[k]! > 0 ? values[a * OBD_POSITIONS + k]! / perPosition[k]! : 1 / log.items;
    }
  }
  return { rounds: 1, actions: log.items, positions: OBD_POSITIONS, values };
}

/** Mean over positions of (1/2) sum_a |p(a | k) - q(a | k)| of two context-free distributions. */
export function totalVariation(p: ActionDist, q: ActionDist): number {
  let total = 0;
  for (let k = 0; k < p.positions; k++) {
    for (let a = 0; a < p.actions; a++) total += Math.abs(p.values[a * p.positions + k]! - q.values[a * q.positions + k]!) / 2;
  }
  return total / p.positions;
}

function actionDistMatrix(dist: ActionDist): number[][] {
  return Array.from({ length: dist.actions }, (_, a) => Array.from({ length: dist.positions }, (_, k) => dist.values[a * dist.positions + k]!));
}

export function evaluateObd(options: ObdEvaluationOptions): ObdEvaluation {
  const { dataDir, campaign, behavior, evaluate, draws, seed, resamples, level, clip, switchTau, folds, epsilon, progress } = options;
  /** Independent seeded streams, so one stage's draws do not shift another's. */
  const stream = (name: string): Random => seededRandom(fnv1a32(`${seed}/${name}`));
  const bootstrapSeed = fnv1a32(`${seed}/bootstrap`);

  const log = readObdLog(dataDir, behavior, campaign);
  const truthLog = readObdLog(dataDir, evaluate, campaign);
  if (truthLog.items !== log.items) throw new Error(`OBD ${campaign}: ${behavior} has ${log.items} items, ${evaluate} ${truthLog.items}`);
  const feedback: LoggedFeedback = { action: log.item, reward: log.click, pscore: log.pscore, position: log.position };
  const estimatedRewards = crossFitSmoothedCtr({ action: log.item, reward: log.click, position: log.position }, log.items, OBD_POSITIONS, folds);

  const mcProgress = (name: string) => (progress === undefined ? {} : { onProgress: (done: number, total: number) => progress(name, done, total) });
  let target: ActionDist;
  if (evaluate === "bts") {
    const prior = readBtsPrior(dataDir, campaign);
    if (prior.alpha.length !== log.items) throw new Error(`prior_bts.yaml: ${campaign} has ${prior.alpha.length} items; the logs have ${log.items}`);
    target = betaTopKActionDist(prior.alpha, prior.beta, OBD_POSITIONS, { draws, random: stream("bts-action-dist"), ...mcProgress("BTS action distribution (Monte Carlo)") });
  } else {
    target = uniformActionDist(log.items, OBD_POSITIONS);
  }

  const settings = { clip, switchTau, resamples, level, bootstrapSeed };
  const run = (label: string, dist: ActionDist) =>
    estimateAll(feedback, dist, estimatedRewards, { ...settings, ...(progress === undefined ? {} : { onBootstrap: (d: number, t: number) => progress(`bootstrap: ${label}`, d, t) }) });
  const estimates = run(evaluate, target);

  let truthClicks = 0;
  for (let i = 0; i < truthLog.n; i++) truthClicks += truthLog.click[i]!;
  const groundTruth = truthClicks / truthLog.n;
  let loggedClicks = 0;
  for (let i = 0; i < log.n; i++) loggedClicks += log.click[i]!;

  // Comparison policies, learnt from the same logs (in-sample: optimistic for the two that exploit).
  const { clicks, rows } = itemCounts(log);
  const empiricalCtr = Array.from(clicks, (c, a) => (rows[a]! > 0 ? c / rows[a]! : 0));
  const thompson = betaTopKActionDist(
    Array.from(clicks, (c) => 1 + c), Array.from(clicks, (c, a) => 1 + rows[a]! - c), OBD_POSITIONS,
    { draws, random: stream("thompson-action-dist"), ...mcProgress("Thompson action distribution (Monte Carlo)") },
  );
  const policies: ObdEvaluation["policies"] = {};
  const comparisons: [string, string, ActionDist][] = [
    ["uniform", "uniformly random slate: pi(i | k) = 1 / items (IPS equals the logged CTR under uniform logs)", uniformActionDist(log.items, OBD_POSITIONS)],
    ["thompson", `Thompson sampling, Beta(1 + clicks_i, 1 + rows_i - clicks_i) per item from the ${behavior} logs (all positions pooled), top ${OBD_POSITIONS} of one draw per slate; ${draws} Monte Carlo slates`, thompson],
    ["epsilonGreedy", `per-slot epsilon-greedy (epsilon ${epsilon}) over each item's empirical CTR in the ${behavior} logs, ties to the lower item id; exact distribution`, epsilonGreedyActionDist(empiricalCtr, epsilon, OBD_POSITIONS)],
  ];
  for (const [name, description, dist] of comparisons) {
    const result = run(name, dist);
    policies[name] = { description, estimates: mapEstimators((e) => summarize(result[e])) };
  }

  const loggedDist = loggedActionDist(truthLog);
  const loggedTarget = run("logged target", loggedDist);
  const relativeError = (table: Record<EstimatorName, Estimate>) => mapEstimators((name) => {
    const v = table[name].value;
    return v === null || groundTruth === 0 ? null : Math.abs(v - groundTruth) / groundTruth;
  });

  const summaries = mapEstimators((name) => summarize(estimates[name]));
  return {
    campaign, behavior, evaluate,
    groundTruth,
    groundTruthInterval: wilsonInterval(truthClicks, truthLog.n),
    groundTruthRounds: truthLog.n,
    groundTruthClicks: truthClicks,
    nRounds: log.n,
    loggedClicks,
    loggedCtr: loggedClicks / log.n,
    estimates: summaries,
    relativeError: relativeError(estimates),
    groundTruthCovered: mapEstimators((name) => {
      const ci = estimates[name].interval;
      return ci === null ? null : ci.low <= groundTruth && groundTruth <= ci.high;
    }),
    policies,
    actionDist: actionDistMatrix(target),
    diagnostics: {
      targetVsLoggedTotalVariation: totalVariation(target, loggedDist),
      loggedTargetEstimates: mapEstimators((name) => summarize(loggedTarget[name])),
      loggedTargetRelativeError: relativeError(loggedTarget),
      switchDrByTau: SWITCH_TAU_SWEEP.map((tau) => {
        const e = estimateSwitchDr({ feedback, actionDist: target, estimatedRewards }, { tau });
        return { tau: Number.isFinite(tau) ? tau : null, value: e.value, switched: e.weights?.clipped ?? 0 };
      }),
    },
    settings: {
      draws, seed, resamples, level, clip: Number.isFinite(clip) ? clip : null, switchTau: Number.isFinite(switchTau) ? switchTau : null, folds, epsilon,
      rewardModel: `${REWARD_MODEL_NOTE}; ${folds > 1 ? `${folds}-fold cross-fitted (row i mod ${folds})` : "fitted in-sample"}`,
      bootstrap: `percentile, ${resamples} resamples of the rows with replacement, the same resamples for every estimator`,
    },
  };
}
