// Switch doubly robust (Switch-DR; Wang, Agarwal and Dudik 2017, in OBP's form):
//   V_SwitchDR = (1/n) sum_i [ sum_a pi_e(a | x_i, k_i) q(x_i, a, k_i) + 1{w_i <= tau} w_i (r_i - q(x_i, a_i, k_i)) ],
//   w_i = pi_e(a_i | x_i, k_i) / p_i
// DR where the weight is small enough to trust, DM (the model alone) on rows whose weight exceeds tau. tau =
// Infinity is DR without clipping; tau = 0 is DM. The rows above tau are reported as weights.clipped.
import { finishEstimate, importanceWeights, summarizeWeights } from "./bootstrap.js";
import {
  modelValueAt, OpeInputError, tableAt, validateActionDist, validateEstimatedRewards, validateEstimatorOptions, validateFeedback,
  type ActionDist, type EstimatedRewards, type Estimate, type EstimatorOptions, type LoggedFeedback,
} from "./types.js";

export interface SwitchDrInput {
  feedback: LoggedFeedback;
  actionDist: ActionDist;
  estimatedRewards: EstimatedRewards;
}

export interface SwitchDrOptions extends Omit<EstimatorOptions, "clip"> {
  /** Weights above tau switch the row to the model; must be >= 0 (Infinity: plain DR). */
  tau: number;
}

export function estimateSwitchDr({ feedback, actionDist, estimatedRewards }: SwitchDrInput, options: SwitchDrOptions): Estimate {
  const { tau } = options;
  if (!(tau >= 0)) throw new OpeInputError("tau", `${tau} must be a number >= 0 (Infinity: plain DR)`);
  validateEstimatorOptions({ ...(options.bootstrap === undefined ? {} : { bootstrap: options.bootstrap }) });
  validateActionDist(actionDist);
  const log = validateFeedback(feedback, actionDist);
  validateEstimatedRewards(estimatedRewards, actionDist, log.n);
  const raw = importanceWeights(log, actionDist);
  const used = new Float64Array(log.n);
  let switched = 0;
  const numerator = new Float64Array(log.n);
  for (let i = 0; i < log.n; i++) {
    const k = log.position[i]!;
    const keep = raw[i]! <= tau;
    if (!keep) switched++;
    used[i] = keep ? raw[i]! : 0;
    const factual = tableAt(estimatedRewards, i, log.action[i]!, k);
    numerator[i] = modelValueAt(actionDist, estimatedRewards, i, k) + used[i]! * (log.reward[i]! - factual);
  }
  const summary = summarizeWeights(raw, used, tau, switched);
  return finishEstimate("switchDr", { numerator, denominator: null }, options.bootstrap, "the log holds no rows", summary);
}
