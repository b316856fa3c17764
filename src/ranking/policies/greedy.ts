import { indicesByScore, type Policy, type PolicyInput, type SlateEntry } from "./policy.js";

/** Pure exploitation: the k best scores in order. Deterministic, so every propensity is exactly 1. */
export class GreedyPolicy implements Policy {
  readonly name = "greedy";

  select({ scores, k }: PolicyInput): SlateEntry[] {
    return indicesByScore(scores).slice(0, k).map((index) => ({
      index, score: scores[index]!, propensity: 1, explore: false, reason: "exploit",
    }));
  }
}
