import { buildSlate, POLICY_ONLY_SLATE_CONFIG } from "../slate.js";
import type { Policy, PolicyInput, SelectionPlan, SlateEntry } from "./policy.js";

/** Uniform random slates, the no-knowledge baseline: each slot takes a uniformly random free candidate of the pool
 * (the epsilon rule with epsilon = 1), whatever the scores. Over a pool of m candidates every item is at every rank
 * with probability exactly 1 / m, and the slate builder reports that closed form when the exploration budget cannot
 * bind (slate.ts, exactPropensities).
 *
 * The exploit utilities are the model scores, so `explore` / `reason` still say whether a slot differs from what
 * greedy would have put there. A variant that wants a truly uniform slate must let every slot explore and see the
 * whole catalogue: params { explorationBudget: 1, candidatePool: <catalogue size or more> } — under the default
 * budget of 0.2 only ceil(0.2 k) slots are random and the rest follow the scores, and the default pool is the 100
 * best-scored candidates. */
export class RandomPolicy implements Policy {
  readonly name = "random";

  plan({ scores }: PolicyInput): SelectionPlan {
    const exploit = Float64Array.from(scores);
    return { exploit, utilities: exploit, rule: { kind: "epsilon", epsilon: 1 }, exploitReason: "exploit", exploreReason: "explore:random" };
  }

  select(input: PolicyInput): SlateEntry[] {
    return buildSlate(this, input, POLICY_ONLY_SLATE_CONFIG);
  }
}
