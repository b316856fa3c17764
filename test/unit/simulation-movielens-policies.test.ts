// The two baseline policies the MovieLens simulation compares against (random, popularity), beyond the shared
// contract (policy-contract.test.ts): exact propensities of the uniform slate, and popularity order and fallback,
// both alone and as the simulation's variants build them.
import { describe, expect, it } from "vitest";
import type { CandidateFacts, PolicyInput } from "../../src/ranking/policies/policy.js";
import { PopularityPolicy } from "../../src/ranking/policies/popularity.js";
import { RandomPolicy } from "../../src/ranking/policies/random.js";
import { createVariantPolicy } from "../../src/ranking/policies/registry.js";
import { seededRandom } from "../../src/ranking/random.js";
import { DEFAULT_SLATE_CONFIG, parseSlateConfig, slotDistributions } from "../../src/ranking/slate.js";
import { SIMULATION_VARIANTS } from "../../offline/simulation/variants.js";

function request(scores: number[], k: number, seed: number, facts?: Partial<CandidateFacts>[]): PolicyInput {
  const candidates = facts?.map((f) => ({ ageMs: 1e12, cold: false, contentVector: null, ...f }));
  return { scores: Float32Array.from(scores), hidden: null, hiddenSize: 0, k, random: seededRandom(seed), ...(candidates === undefined ? {} : { candidates }) };
}

const variant = (name: string) => {
  const spec = SIMULATION_VARIANTS.find((v) => v.name === name)!;
  return createVariantPolicy({ policy: spec.policy, params: spec.params });
};

describe("random policy", () => {
  const scores = [0.9, 0.1, 0.5, 0.3, 0.7, 0.2];

  it("puts every candidate at every rank with probability exactly 1 / n", () => {
    for (const policy of [new RandomPolicy(), variant("random")]) {
      const slate = policy.select(request(scores, 4, 3));
      expect(slate).toHaveLength(4);
      for (const entry of slate) expect(entry.propensity).toBe(1 / 6);
    }
    const rows = slotDistributions(new RandomPolicy(), request(scores, 3, 1), variant("random").config, 30_000, seededRandom(2));
    // Standard error at most 0.0022 per cell: 0.012 is over 5 of them.
    for (const row of rows) for (const p of row) expect(Math.abs(p - 1 / 6)).toBeLessThan(0.012);
  });

  it("ignores the scores: every candidate is served, across requests", () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 50; seed++) for (const entry of new RandomPolicy().select(request(scores, 2, seed))) seen.add(entry.index);
    expect(seen.size).toBe(6);
  });

  it("under a budget below k, only the budgeted slots are random and propensities are estimated", () => {
    const policy = createVariantPolicy({ policy: "random", params: { explorationBudget: 0.2 } });
    const slate = policy.select(request(scores, 5, 4));
    expect(slate.filter((e) => e.explore).length).toBeLessThanOrEqual(1);
    expect(slate[0]!.propensity).toBeCloseTo(1 / 6, 12);
  });
});

describe("popularity policy", () => {
  const scores = [0.9, 0.1, 0.5, 0.3];

  it("ranks by popularity, ignoring the scores, with propensity 1", () => {
    const input = request(scores, 3, 1, [{ popularity: 5 }, { popularity: 50 }, { popularity: 20 }, {}]);
    for (const policy of [new PopularityPolicy(), variant("popularity")]) {
      const slate = policy.select(input);
      expect(slate.map((e) => e.index)).toEqual([1, 2, 0]);
      expect(slate.every((e) => e.propensity === 1 && !e.explore && e.reason === "exploit")).toBe(true);
    }
  });

  it("falls back to the scores when no candidate carries a popularity", () => {
    for (const input of [request(scores, 2, 1), request(scores, 2, 1, [{}, {}, {}, {}])]) {
      const slate = new PopularityPolicy().select(input);
      expect(slate.map((e) => e.index)).toEqual([0, 2]);
      expect(slate.every((e) => e.reason === "exploit:no-popularity")).toBe(true);
    }
  });

  it("sees the whole catalogue in the simulation's variant, not the 100 best-scored", () => {
    const n = 300;
    // The most popular item has the lowest score: outside the default pool of 100.
    const input = request(Array.from({ length: n }, (_, i) => 1 - i / n), 1, 1, Array.from({ length: n }, (_, i) => ({ popularity: i })));
    expect(variant("popularity").select(input)[0]!.index).toBe(n - 1);
    expect(createVariantPolicy({ policy: "popularity", params: {} }).select(input)[0]!.index).toBe(DEFAULT_SLATE_CONFIG.candidatePool - 1);
    expect(parseSlateConfig({}).candidatePool).toBe(100);
  });
});
