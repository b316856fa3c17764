import { buildSlate, POLICY_ONLY_SLATE_CONFIG } from "../slate.js";
import { checkParameter, type Policy, type PolicyInput, type SelectionPlan, type SlateEntry } from "./policy.js";

export interface SoftmaxOptions {
  /** T, on the scale of the scores (click probabilities): a score lead of T makes an item e times as likely. */
  temperature: number;
}

/** Boltzmann exploration: each slot draws free candidate i with probability
 *   p(i) = exp(score_i / T) / sum over free j of exp(score_j / T)
 * (the Plackett-Luce model, slot by slot). Small T approaches greedy, large T uniform. */
export class SoftmaxPolicy implements Policy {
  readonly name = "softmax";
  readonly temperature: number;

  constructor({ temperature = 0.05 }: Partial<SoftmaxOptions> = {}) {
    this.temperature = checkParameter(this.name, "temperature", temperature, 1e-4, 1e4);
  }

  plan({ scores }: PolicyInput): SelectionPlan {
    const exploit = Float64Array.from(scores);
    return {
      exploit, utilities: exploit, rule: { kind: "softmax", temperature: this.temperature },
      exploitReason: "exploit", exploreReason: "explore:softmax",
    };
  }

  select(input: PolicyInput): SlateEntry[] {
    return buildSlate(this, input, POLICY_ONLY_SLATE_CONFIG);
  }
}
