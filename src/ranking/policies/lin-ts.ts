import { sampleWeights } from "../bandit-state.js";
import { buildSlate, POLICY_ONLY_SLATE_CONFIG } from "../slate.js";
import { neuralLinearRequest, scoresOnlyPlan } from "./neural-linear.js";
import { checkParameter, type Policy, type PolicyInput, type Random, type SelectionPlan, type SlateEntry } from "./policy.js";

export interface LinTsOptions {
  /** v: scale of the posterior draw, the assumed noise standard deviation of a reward. */
  scale: number;
}

/** Linear Thompson sampling on the NeuralLinear model (neural-linear.ts): once per request
 *   w~ ~ N(w_hat, v^2 A^-1),   u_i = score_i + x_i . w~,
 * each slot taking the best free candidate. A slot whose item differs from the posterior-mean choice is
 * "explore:lin-ts". Without a hidden layer it ranks by score ("exploit:no-hidden"). */
export class LinTsPolicy implements Policy {
  readonly name = "lin-ts";
  readonly scale: number;

  constructor({ scale = 0.3 }: Partial<LinTsOptions> = {}) {
    this.scale = checkParameter(this.name, "scale", scale, 0, 1e4);
  }

  plan(input: PolicyInput): SelectionPlan {
    const linear = neuralLinearRequest(input);
    if (linear === null) return scoresOnlyPlan(input.scores, "explore:lin-ts");
    const { posterior, contexts, exploit } = linear;
    const d = posterior.dimension;
    const { scores } = input;
    const utilities = (random: Random) => {
      const weights = sampleWeights(posterior, random, this.scale);
      const drawn = new Float64Array(scores.length);
      for (let i = 0; i < drawn.length; i++) {
        let sum = scores[i]!;
        for (let j = 0; j < d; j++) sum += contexts[i * d + j]! * weights[j]!;
        drawn[i] = sum;
      }
      return drawn;
    };
    return { exploit, utilities, rule: { kind: "argmax" }, exploitReason: "exploit", exploreReason: "explore:lin-ts" };
  }

  select(input: PolicyInput): SlateEntry[] {
    return buildSlate(this, input, POLICY_ONLY_SLATE_CONFIG);
  }
}
