import { buildSlate, POLICY_ONLY_SLATE_CONFIG } from "../slate.js";
import type { Policy, PolicyInput, SelectionPlan, SlateEntry } from "./policy.js";

/** Most-popular-first, the classic non-personalised baseline: u_i = popularity_i (CandidateFacts.popularity, e.g.
 * the item's rating count), each slot takes the most popular free candidate, ignoring the model. Deterministic, so
 * every propensity is exactly 1. Ties keep candidate order; a candidate without a popularity counts as 0.
 *
 * When no candidate carries a popularity (no candidate facts, or a caller that does not fill the field) it ranks
 * by the model scores instead, with reason "exploit:no-popularity".
 *
 * The slate rules still apply around it: the pool is the `candidatePool` best-scored candidates (set it to the
 * catalogue size for a pure popularity ranking), diversity re-ranks within it, fatigue filters. */
export class PopularityPolicy implements Policy {
  readonly name = "popularity";

  plan({ scores, candidates }: PolicyInput): SelectionPlan {
    const known = candidates !== undefined && candidates.some((c) => c.popularity !== undefined && Number.isFinite(c.popularity));
    const exploit = known
      ? Float64Array.from(candidates, (c) => (c.popularity !== undefined && Number.isFinite(c.popularity) ? c.popularity : 0))
      : Float64Array.from(scores);
    return {
      exploit, utilities: exploit, rule: { kind: "argmax" },
      exploitReason: known ? "exploit" : "exploit:no-popularity", exploreReason: "explore",
    };
  }

  select(input: PolicyInput): SlateEntry[] {
    return buildSlate(this, input, POLICY_ONLY_SLATE_CONFIG);
  }
}
