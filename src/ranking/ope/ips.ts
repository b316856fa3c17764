// Inverse propensity scoring (IPS, also IPW; Horvitz-Thompson):
//   V_IPS = (1/n) sum_i w_i r_i,   w_i = min(pi_e(a_i | x_i, k_i) / p_i, lambda)
// over the n (round, position) rows, with p_i the logged pscore and lambda the clipping threshold (default
// Infinity). Unbiased without clipping when pi_b covers pi_e; clipping trades bias (downward for non-negative
// rewards) for variance. A log whose weights all vanish gives null: it holds no rows the target policy could show.
import { clipWeights, finishEstimate, importanceWeights, ZERO_WEIGHT_REASON, zeroWeightEstimate } from "./bootstrap.js";
import { validateActionDist, validateEstimatorOptions, validateFeedback, type ActionDist, type Estimate, type EstimatorOptions, type LoggedFeedback } from "./types.js";

export interface IpsInput {
  feedback: LoggedFeedback;
  actionDist: ActionDist;
}

export function estimateIps({ feedback, actionDist }: IpsInput, options: EstimatorOptions = {}): Estimate {
  const { clip } = validateEstimatorOptions(options);
  validateActionDist(actionDist);
  const log = validateFeedback(feedback, actionDist);
  const { weights, summary } = clipWeights(importanceWeights(log, actionDist), clip);
  if (summary.sum === 0) return zeroWeightEstimate("ips", log.n, summary);
  const numerator = weights.map((w, i) => w * log.reward[i]!);
  return finishEstimate("ips", { numerator, denominator: null }, options.bootstrap, ZERO_WEIGHT_REASON, summary);
}
