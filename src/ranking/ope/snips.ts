// Self-normalised inverse propensity scoring (SNIPS, SNIPW):
//   V_SNIPS = sum_i w_i r_i / sum_i w_i,   w_i = min(pi_e(a_i | x_i, k_i) / p_i, lambda)
// IPS divided by the mean weight, whose expectation is 1 under full support: slightly biased, consistent, bounded
// by the reward range, and unchanged when the log is repeated. Following OBP the normalisation runs over all rows
// (every position together). A zero sum of weights gives null.
import { clipWeights, finishEstimate, importanceWeights, ZERO_WEIGHT_REASON, zeroWeightEstimate } from "./bootstrap.js";
import { validateActionDist, validateEstimatorOptions, validateFeedback, type ActionDist, type Estimate, type EstimatorOptions, type LoggedFeedback } from "./types.js";

export interface SnipsInput {
  feedback: LoggedFeedback;
  actionDist: ActionDist;
}

export function estimateSnips({ feedback, actionDist }: SnipsInput, options: EstimatorOptions = {}): Estimate {
  const { clip } = validateEstimatorOptions(options);
  validateActionDist(actionDist);
  const log = validateFeedback(feedback, actionDist);
  const { weights, summary } = clipWeights(importanceWeights(log, actionDist), clip);
  if (summary.sum === 0) return zeroWeightEstimate("snips", log.n, summary);
  const numerator = weights.map((w, i) => w * log.reward[i]!);
  return finishEstimate("snips", { numerator, denominator: weights }, options.bootstrap, ZERO_WEIGHT_REASON, summary);
}
