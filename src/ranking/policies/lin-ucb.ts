import { posteriorVariance } from "../bandit-state.js";
import { buildSlate, POLICY_ONLY_SLATE_CONFIG } from "../slate.js";
import { neuralLinearRequest, scoresOnlyPlan } from "./neural-linear.js";
import { checkParameter, type Policy, type PolicyInput, type SelectionPlan, type SlateEntry } from "./policy.js";

export interface LinUcbOptions {
  /** alpha: width of the confidence bound, in reward units per unit of posterior standard deviation. */
  alpha: number;
}

/** LinUCB on the NeuralLinear model (neural-linear.ts): optimism in the face of uncertainty,
 *   u_i = score_i + x_i . w_hat + alpha * sqrt(x_i^T A^-1 x_i),
 * each slot taking the best free candidate. Deterministic, so every propensity is 1; a slot whose item differs
 * from the posterior-mean choice is "explore:ucb". Without a hidden layer it ranks by score ("exploit:no-hidden"). */
export class LinUcbPolicy implements Policy {
  readonly name = "lin-ucb";
  readonly alpha: number;

  constructor({ alpha = 0.3 }: Partial<LinUcbOptions> = {}) {
    this.alpha = checkParameter(this.name, "alpha", alpha, 0, 1e4);
  }

  plan(input: PolicyInput): SelectionPlan {
    const linear = neuralLinearRequest(input);
    if (linear === null) return scoresOnlyPlan(input.scores, "explore:ucb");
    const { posterior, contexts, exploit } = linear;
    const d = posterior.dimension;
    const scratch = new Float64Array(d);
    const utilities = exploit.map((mean, i) => mean + this.alpha * Math.sqrt(posteriorVariance(posterior, contexts.subarray(i * d, (i + 1) * d), scratch)));
    return { exploit, utilities, rule: { kind: "argmax" }, exploitReason: "exploit", exploreReason: "explore:ucb" };
  }

  select(input: PolicyInput): SlateEntry[] {
    return buildSlate(this, input, POLICY_ONLY_SLATE_CONFIG);
  }
}
