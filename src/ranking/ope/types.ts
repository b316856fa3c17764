// Off-policy evaluation (OPE): shared types and input validation for the estimators in this folder (one file per
// estimator, after Open Bandit Pipeline's obp/ope). Pure TypeScript, no I/O.
//
// Logs follow OBP's slate convention: every row is one (round, position) pair of a logged slate, with its own
// action (the item shown there), reward (click) and pscore, the behaviour policy's marginal probability of showing
// that action at that position, p_i = pi_b(a_i | x_i, k_i). A target policy is given as an action distribution
// pi_e(a | x_i, k) over rounds x actions x positions, where "rounds" are the rows of the log; a distribution with a
// single round is context-free and applies to every row (OBP would repeat it n times). Estimated rewards of a reward
// model q(x_i, a, k) use the same shape.

/** Logged bandit feedback, one entry per (round, position) row. */
export interface LoggedFeedback {
  /** Action (item index, 0-based) shown at the row's position. */
  action: ArrayLike<number>;
  /** Observed reward (e.g. click 0/1); any finite number. */
  reward: ArrayLike<number>;
  /** Behaviour policy's probability of the row's action at the row's position, in (0, 1]. */
  pscore: ArrayLike<number>;
  /** Position (slot) index, 0-based; omitted: every row is position 0 (non-slate logs). */
  position?: ArrayLike<number>;
}

/** A rounds x actions x positions table (row-major: index (r * actions + a) * positions + k). rounds is the log's
 * row count, or 1 for a table that is the same for every row. */
export interface RoundActionPositionTable {
  rounds: number;
  actions: number;
  positions: number;
  values: Float64Array;
}

/** pi_e(a | x_r, k): for every round r and position k the probabilities over actions sum to 1. */
export type ActionDist = RoundActionPositionTable;
/** q(x_r, a, k): a reward model's expected reward for every round, action and position. */
export type EstimatedRewards = RoundActionPositionTable;

export type EstimatorName = "ips" | "snips" | "dm" | "dr" | "switchDr";

export interface BootstrapOptions {
  /** Number of resamples of the rows (with replacement). */
  resamples: number;
  /** Seed of the resampling. Every estimator seeded alike draws the same resamples (common random numbers). */
  seed: number;
  /** Coverage of the percentile interval; default 0.95. */
  level?: number;
  /** Called now and then with the resamples done so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface EstimatorOptions {
  /** Importance weights above this are clipped to it (IPS, SNIPS, DR); default Infinity (no clipping). */
  clip?: number;
  /** A percentile bootstrap interval; omitted: no interval. */
  bootstrap?: BootstrapOptions;
}

export interface ConfidenceInterval {
  low: number;
  high: number;
  level: number;
  /** Resamples that gave a value (a resample whose weights sum to 0 gives none for SNIPS). */
  resamples: number;
  skipped: number;
}

/** How the importance weights w_i = pi_e(a_i | x_i, k_i) / p_i looked (after clipping, where there was any). */
export interface WeightSummary {
  /** Clipping threshold (IPS, SNIPS, DR) or switch threshold tau (Switch-DR); Infinity when none. */
  threshold: number;
  /** Rows whose raw weight exceeded the threshold: clipped (IPS, SNIPS, DR) or switched to the model (Switch-DR). */
  clipped: number;
  /** Sum, mean and maximum of the weights the estimator used. */
  sum: number;
  mean: number;
  max: number;
  /** Largest raw (unclipped) weight. */
  rawMax: number;
}

export interface Estimate {
  estimator: EstimatorName;
  /** The estimated policy value, or null (with reason) when the data cannot give one. Never NaN. */
  value: number | null;
  reason?: string;
  interval: ConfidenceInterval | null;
  /** Rows of the log used. */
  n: number;
  weights?: WeightSummary;
}

/** Per-row terms of an estimator of the form value = sum_i numerator_i / sum_i denominator_i (denominator null:
 * 1 per row, a plain mean). Every estimator here has that form, which is what the bootstrap resamples. */
export interface RowTerms {
  numerator: Float64Array;
  denominator: Float64Array | null;
}

/** Thrown for invalid inputs; the message names the argument. */
export class OpeInputError extends RangeError {
  constructor(readonly argument: string, message: string) {
    super(`ope: ${argument}: ${message}`);
    this.name = "OpeInputError";
  }
}

/** Tolerance of the check that an action distribution sums to 1 over actions. */
export const ACTION_DIST_TOLERANCE = 1e-6;

export interface ValidatedFeedback {
  n: number;
  action: Int32Array;
  reward: Float64Array;
  pscore: Float64Array;
  position: Int32Array;
}

/** Checks the logs against the action distribution's shape and returns typed copies. */
export function validateFeedback(feedback: LoggedFeedback, actionDist: ActionDist): ValidatedFeedback {
  validateTable("actionDist", actionDist);
  const n = feedback.action.length;
  if (n === 0) throw new OpeInputError("action", "the log holds no rows");
  if (feedback.reward.length !== n) throw new OpeInputError("reward", `length ${feedback.reward.length} differs from action's ${n}`);
  if (feedback.pscore.length !== n) throw new OpeInputError("pscore", `length ${feedback.pscore.length} differs from action's ${n}`);
  if (feedback.position !== undefined && feedback.position.length !== n) {
    throw new OpeInputError("position", `length ${feedback.position.length} differs from action's ${n}`);
  }
  if (actionDist.rounds !== 1 && actionDist.rounds !== n) {
    throw new OpeInputError("actionDist", `has ${actionDist.rounds} rounds; the log has ${n} rows (use 1 round for a context-free policy)`);
  }
  const action = new Int32Array(n);
  const reward = new Float64Array(n);
  const pscore = new Float64Array(n);
  const position = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = feedback.action[i]!;
    if (!Number.isInteger(a) || a < 0 || a >= actionDist.actions) {
      throw new OpeInputError("action", `action[${i}] = ${a} is not an action index in [0, ${actionDist.actions})`);
    }
    const r = feedback.reward[i]!;
    if (!Number.isFinite(r)) throw new OpeInputError("reward", `reward[${i}] = ${r} is not finite`);
    const p = feedback.pscore[i]!;
    if (!(p > 0 && p <= 1)) throw new OpeInputError("pscore", `pscore[${i}] = ${p} is outside (0, 1]`);
    const k = feedback.position === undefined ? 0 : feedback.position[i]!;
    if (!Number.isInteger(k) || k < 0 || k >= actionDist.positions) {
      throw new OpeInputError("position", `position[${i}] = ${k} is not a position index in [0, ${actionDist.positions})`);
    }
    action[i] = a;
    reward[i] = r;
    pscore[i] = p;
    position[i] = k;
  }
  return { n, action, reward, pscore, position };
}

/** Checks an action distribution: shape, finite non-negative entries, each (round, position) summing to 1. */
export function validateActionDist(actionDist: ActionDist): void {
  validateTable("actionDist", actionDist);
  const { rounds, actions, positions, values } = actionDist;
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < positions; k++) {
      let total = 0;
      for (let a = 0; a < actions; a++) {
        const v = values[(r * actions + a) * positions + k]!;
        if (!(v >= 0 && v <= 1)) throw new OpeInputError("actionDist", `entry (round ${r}, action ${a}, position ${k}) = ${v} is not a probability`);
        total += v;
      }
      if (Math.abs(total - 1) > ACTION_DIST_TOLERANCE) {
        throw new OpeInputError("actionDist", `round ${r}, position ${k} sums to ${total} over actions, not 1`);
      }
    }
  }
}

/** Checks a reward model's table against the action distribution's shape; entries must be finite. */
export function validateEstimatedRewards(estimated: EstimatedRewards, actionDist: ActionDist, n: number): void {
  validateTable("estimatedRewards", estimated);
  if (estimated.actions !== actionDist.actions || estimated.positions !== actionDist.positions) {
    throw new OpeInputError("estimatedRewards", `is ${estimated.actions} actions x ${estimated.positions} positions; actionDist is ${actionDist.actions} x ${actionDist.positions}`);
  }
  if (estimated.rounds !== 1 && estimated.rounds !== n) {
    throw new OpeInputError("estimatedRewards", `has ${estimated.rounds} rounds; the log has ${n} rows`);
  }
  for (let i = 0; i < estimated.values.length; i++) {
    if (!Number.isFinite(estimated.values[i]!)) throw new OpeInputError("estimatedRewards", `entry ${i} = ${estimated.values[i]} is not finite`);
  }
}

function validateTable(argument: string, table: RoundActionPositionTable): void {
  const { rounds, actions, positions, values } = table;
  for (const [name, v] of [["rounds", rounds], ["actions", actions], ["positions", positions]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new OpeInputError(argument, `${name} = ${v} must be a positive integer`);
  }
  if (values.length !== rounds * actions * positions) {
    throw new OpeInputError(argument, `holds ${values.length} values, not rounds x actions x positions = ${rounds * actions * positions}`);
  }
}

export function validateEstimatorOptions(options: EstimatorOptions): { clip: number } {
  const clip = options.clip ?? Infinity;
  if (!(clip > 0)) throw new OpeInputError("clip", `${clip} must be a positive number (Infinity: no clipping)`);
  if (options.bootstrap !== undefined) validateBootstrapOptions(options.bootstrap);
  return { clip };
}

export function validateBootstrapOptions({ resamples, seed, level = 0.95 }: BootstrapOptions): void {
  if (!Number.isInteger(resamples) || resamples < 1) throw new OpeInputError("bootstrap.resamples", `${resamples} must be a positive integer`);
  if (!Number.isFinite(seed)) throw new OpeInputError("bootstrap.seed", `${seed} must be a finite number`);
  if (!(level > 0 && level < 1)) throw new OpeInputError("bootstrap.level", `${level} must be in (0, 1)`);
}

/** Value of table (rounds x actions x positions) at round r (broadcast when it has one round), action a, position k. */
export function tableAt(table: RoundActionPositionTable, r: number, a: number, k: number): number {
  const round = table.rounds === 1 ? 0 : r;
  return table.values[(round * table.actions + a) * table.positions + k]!;
}

/** sum_a pi_e(a | x_r, k) q(x_r, a, k): the model's expected reward of the target policy at row r's position. */
export function modelValueAt(actionDist: ActionDist, estimated: EstimatedRewards, r: number, k: number): number {
  let total = 0;
  for (let a = 0; a < actionDist.actions; a++) total += tableAt(actionDist, r, a, k) * tableAt(estimated, r, a, k);
  return total;
}

/** A table from nested arrays [round][action][position]. */
export function tableFromNested(nested: readonly (readonly (readonly number[])[])[]): RoundActionPositionTable {
  const rounds = nested.length;
  const actions = nested[0]?.length ?? 0;
  const positions = nested[0]?.[0]?.length ?? 0;
  const values = new Float64Array(rounds * actions * positions);
  nested.forEach((byAction, r) => {
    if (byAction.length !== actions) throw new OpeInputError("table", `round ${r} has ${byAction.length} actions, not ${actions}`);
    byAction.forEach((byPosition, a) => {
      if (byPosition.length !== positions) throw new OpeInputError("table", `round ${r}, action ${a} has ${byPosition.length} positions, not ${positions}`);
      byPosition.forEach((v, k) => { values[(r * actions + a) * positions + k] = v; });
    });
  });
  return { rounds, actions, positions, values };
}

/** A context-free (one-round) table from a matrix [action][position]. */
export function contextFreeTable(byAction: readonly (readonly number[])[]): RoundActionPositionTable {
  return tableFromNested([byAction]);
}
