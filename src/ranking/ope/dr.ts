// Doubly robust (DR):
//   V_DR = (1/n) sum_i [ sum_a pi_e(a | x_i, k_i) q(x_i, a, k_i) + w_i (r_i - q(x_i, a_i, k_i)) ],
//   w_i = min(pi_e(a_i | x_i, k_i) / p_i, lambda)
// DM plus an importance-weighted correction of the model's error on the logged action: unbiased (without clipping)
// when either the propensities or the model are right, and lower variance than IPS when q is good. With all weights
// 0 it is DM, so it never returns null for want of weights.
import { clipWeights, finishEstimate, importanceWeights } from "./bootstrap.js";
import {
  modelValueAt, tableAt, validateActionDist, validateEstimatedRewards, validateEstimatorOptions, validateFeedback,
  type ActionDist, type EstimatedRewards, type Estimate, type EstimatorOptions, type LoggedFeedback,
} from "./types.js";

export interface DrInput {
  feedback: LoggedFeedback;
  actionDist: ActionDist;
  estimatedRewards: EstimatedRewards;
}

export function estimateDr({ feedback, actionDist, estimatedRewards }: DrInput, options: EstimatorOptions = {}): Estimate {
  const { clip } = validateEstimatorOptions(options);
  validateActionDist(actionDist);
  const log = validateFeedback(feedback, actionDist);
  validateEstimatedRewards(estimatedRewards, actionDist, log.n);
  const { weights, summary } = clipWeights(importanceWeights(log, actionDist), clip);
  const numerator = new Float64Array(log.n);
  for (let i = 0; i < log.n; i++) {
    const k = log.position[i]!;
    const factual = tableAt(estimatedRewards, i, log.action[i]!, k);
    numerator[i] = modelValueAt(actionDist, estimatedRewards, i, k) + weights[i]! * (log.reward[i]! - factual);
  }
  return finishEstimate("dr", { numerator, denominator: null }, options.bootstrap, "the log holds no rows", summary);
}
