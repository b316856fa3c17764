// One interface for every way of turning scores into a slate. Each implementation lives in its own file and
// passes the shared contract test (test/unit/policy-contract.test.ts).
//
// A policy does not fill slots itself: it returns a SelectionPlan (what it would exploit, what it ranks by, and how
// a slot is drawn), and the slate builder (src/ranking/slate.ts) runs that plan slot by slot under the variant's
// exploration budget, diversity and fatigue rules, and computes every propensity over the whole process.
import type { BanditState } from "../bandit-state.js";

export type Random = () => number;

/** Per-candidate facts the slate builder uses (fatigue, cold boost, diversity); policies ignore them, except the
 * popularity policy, which ranks by `popularity`. */
export interface CandidateFacts {
  /** Milliseconds since the item was created. */
  ageMs: number;
  /** True when the item has no interactions yet (no collaborative vector). */
  cold: boolean;
  /** Content vector for the diversity term, or null when none is known (similarity to it is then 0). */
  contentVector: Float32Array | null;
  /** What the user already did with this item; absent for an item the user never saw. */
  fatigue?: ItemFatigue;
  /** Non-personalised popularity (e.g. the catalogue's rating count), for the popularity policy; absent: unknown. */
  popularity?: number;
}

export interface ItemFatigue {
  /** Impressions since the user last engaged with the item (reset by any click, dwell, purchase or rating). */
  unengagedImpressions: number;
  /** Milliseconds since the item was last shown to the user, or null if never. */
  msSinceImpression: number | null;
  /** Milliseconds since the user last dismissed the item, or null if never. */
  msSinceDismiss: number | null;
  /** The user already consumed the item (purchased, rated, watched): it is never shown again. */
  consumed: boolean;
}

export interface PolicyInput {
  /** Model scores, one per candidate, higher is better (the ranker's click probability, or the fallback's). */
  scores: Float32Array;
  /** The model's last hidden layer, row-major [candidates, hiddenSize]; null when the fallback scorer answered. */
  hidden: Float32Array | null;
  hiddenSize: number;
  /** Slots to fill; at most scores.length. */
  k: number;
  /** The request's stream: draws the served slate. */
  random: Random;
  /** Interest cluster per candidate (see clusters.ts), for cluster Thompson sampling; absent: no cluster is known. */
  clusters?: ArrayLike<number>;
  /** The user's bandit state (bandit-state.ts), aligned to the model that produced `hidden` (alignBanditState);
   * absent: the prior, as for a new user. */
  bandit?: BanditState;
  /** Per-candidate facts for the slate builder, in candidate order; absent: no boost, fatigue or diversity applies. */
  candidates?: readonly CandidateFacts[];
  /** A separate stream for the Monte Carlo propensity estimate; absent: one seeded from `random` after the slate is
   * drawn, so the served slate does not depend on how propensities are estimated. */
  propensityRandom?: Random;
}

export interface SlateEntry {
  /** Index of the candidate in the input. */
  index: number;
  score: number;
  /** Probability that this policy puts this candidate at this rank for this request, in (0, 1]. */
  propensity: number;
  explore: boolean;
  reason: string;
}

/** How one slot is drawn from the candidates still free, given the plan's utilities u (already diversity-adjusted). */
export type SlotRule =
  /** The free candidate with the largest u. */
  | { kind: "argmax" }
  /** With probability epsilon a uniformly random free candidate, otherwise the argmax. */
  | { kind: "epsilon"; epsilon: number }
  /** Candidate i with probability exp(u_i / T) / sum over free j of exp(u_j / T) (Plackett-Luce, slot by slot). */
  | { kind: "softmax"; temperature: number };

/** What a policy wants for one request, over the candidates it was given. */
export interface SelectionPlan {
  /** The policy's current best estimate per candidate; the exploit choice of a slot is its argmax. */
  exploit: Float64Array;
  /** What the slot rule ranks by: fixed for the request (the exploit utilities, or an optimistic bound), or drawn
   * once per request from a posterior (Thompson sampling) by calling it with the request's stream. */
  utilities: Float64Array | ((random: Random) => Float64Array);
  rule: SlotRule;
  /** `reason` of a slot that holds the exploit choice, e.g. "exploit", or "exploit:no-hidden" when degraded. */
  exploitReason: string;
  /** `reason` of a slot whose item differs from the exploit choice, e.g. "explore:epsilon". */
  exploreReason: string;
}

export interface Policy {
  readonly name: string;
  /** The policy's plan for this request; the slate builder turns it into slots and propensities. Deterministic:
   * any randomness goes through `utilities`, which the builder calls with the stream of each run it makes. */
  plan(input: PolicyInput): SelectionPlan;
  /** The policy on its own (every slot may explore; no cold boost or diversity): a slate with propensities. */
  select(input: PolicyInput): SlateEntry[];
}

/** Throws a RangeError naming the parameter unless `value` is a finite number inside [min, max]. */
export function checkParameter(policy: string, name: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${policy}: ${name} must be a number in [${min}, ${max}], got ${value}`);
  }
  return value;
}
