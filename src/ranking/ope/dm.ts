// Direct method (DM):
//   V_DM = (1/n) sum_i sum_a pi_e(a | x_i, k_i) q(x_i, a, k_i)
// the reward model q's expected reward of the target policy at each logged row's context and position, averaged
// over rows. Uses no propensities: low variance, but biased by whatever q gets wrong.
import { finishEstimate } from "./bootstrap.js";
import {
  modelValueAt, validateActionDist, validateEstimatedRewards, validateEstimatorOptions, validateFeedback,
  type ActionDist, type EstimatedRewards, type Estimate, type EstimatorOptions, type LoggedFeedback,
} from "./types.js";

export interface DmInput {
  feedback: LoggedFeedback;
  actionDist: ActionDist;
  estimatedRewards: EstimatedRewards;
}

/** options.clip is ignored: DM has no weights. */
export function estimateDm({ feedback, actionDist, estimatedRewards }: DmInput, options: EstimatorOptions = {}): Estimate {
  validateEstimatorOptions(options);
  validateActionDist(actionDist);
  const log = validateFeedback(feedback, actionDist);
  validateEstimatedRewards(estimatedRewards, actionDist, log.n);
  const numerator = new Float64Array(log.n);
  for (let i = 0; i < log.n; i++) numerator[i] = modelValueAt(actionDist, estimatedRewards, i, log.position[i]!);
  return finishEstimate("dm", { numerator, denominator: null }, options.bootstrap, "the log holds no rows");
}
