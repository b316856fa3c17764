import { buildSlate, POLICY_ONLY_SLATE_CONFIG } from "../slate.js";
import { checkParameter, type Policy, type PolicyInput, type SelectionPlan, type SlateEntry } from "./policy.js";

export interface EpsilonGreedyOptions {
  /** Probability that a slot takes a uniformly random free candidate instead of the best one. */
  epsilon: number;
}

/** Epsilon-greedy on the model scores: each slot, with probability epsilon a uniformly random free candidate,
 * otherwise the best-scored one. At the first slot, among n candidates with g the best,
 *   p(i) = epsilon / n + (1 - epsilon) [i = g],
 * so every candidate has at least epsilon / n. */
export class EpsilonGreedyPolicy implements Policy {
  readonly name = "epsilon-greedy";
  readonly epsilon: number;

  constructor({ epsilon = 0.1 }: Partial<EpsilonGreedyOptions> = {}) {
    this.epsilon = checkParameter(this.name, "epsilon", epsilon, 0, 1);
  }

  plan({ scores }: PolicyInput): SelectionPlan {
    const exploit = Float64Array.from(scores);
    return {
      exploit, utilities: exploit, rule: { kind: "epsilon", epsilon: this.epsilon },
      exploitReason: "exploit", exploreReason: "explore:epsilon",
    };
  }

  select(input: PolicyInput): SlateEntry[] {
    return buildSlate(this, input, POLICY_ONLY_SLATE_CONFIG);
  }
}
