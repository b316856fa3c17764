import { buildSlate, POLICY_ONLY_SLATE_CONFIG } from "../slate.js";
import type { Policy, PolicyInput, SelectionPlan, SlateEntry } from "./policy.js";

/** Pure exploitation: u_i = score_i, each slot takes the best free candidate. Deterministic, so every propensity
 * is exactly 1. */
export class GreedyPolicy implements Policy {
  readonly name = "greedy";

  plan({ scores }: PolicyInput): SelectionPlan {
    const exploit = Float64Array.from(scores);
    return { exploit, utilities: exploit, rule: { kind: "argmax" }, exploitReason: "exploit", exploreReason: "explore" };
  }

  select(input: PolicyInput): SlateEntry[] {
    return buildSlate(this, input, POLICY_ONLY_SLATE_CONFIG);
  }
}
