import { describe, expect, it } from "vitest";
import { EpsilonGreedyPolicy } from "../../src/ranking/policies/epsilon-greedy.js";
import { GreedyPolicy } from "../../src/ranking/policies/greedy.js";
import type { CandidateFacts, ItemFatigue, PolicyInput } from "../../src/ranking/policies/policy.js";
import { SoftmaxPolicy } from "../../src/ranking/policies/softmax.js";
import { seededRandom } from "../../src/ranking/random.js";
import {
  buildSlate, DEFAULT_SLATE_CONFIG, explorationSlots, parseSlateConfig, SlatePolicy, slotDistributions, type SlateConfig,
} from "../../src/ranking/slate.js";

const DAY_MS = 86_400_000;
const OFF: SlateConfig = parseSlateConfig({ explorationBudget: 0, coldBoost: 0, diversityLambda: 1 });

function facts(overrides: Partial<CandidateFacts> = {}): CandidateFacts {
  return { ageMs: 365 * DAY_MS, cold: false, contentVector: null, ...overrides };
}

function fatigue(overrides: Partial<ItemFatigue>): ItemFatigue {
  return { unengagedImpressions: 0, msSinceImpression: null, msSinceDismiss: null, consumed: false, ...overrides };
}

function input(scores: number[], k: number, candidates?: CandidateFacts[], seed = 1): PolicyInput {
  return { scores: Float32Array.from(scores), hidden: null, hiddenSize: 0, k, random: seededRandom(seed), ...(candidates === undefined ? {} : { candidates }) };
}

const indices = (slate: { index: number }[]) => slate.map((e) => e.index);

describe("parseSlateConfig", () => {
  it("fills every field from the defaults", () => {
    expect(parseSlateConfig({})).toEqual(DEFAULT_SLATE_CONFIG);
    expect(parseSlateConfig({ explorationBudget: 0.5 })).toEqual({ ...DEFAULT_SLATE_CONFIG, explorationBudget: 0.5 });
  });

  it.each([
    [null, /slate config: must be an object/],
    [[], /slate config: must be an object/],
    [{ explorationBudget: 1.5 }, /explorationBudget: must be in \[0, 1\], got 1.5/],
    [{ explorationBudget: "0.2" }, /explorationBudget: must be a finite number/],
    [{ diversityLambda: 0 }, /diversityLambda: must be in \(0, 1\], got 0/],
    [{ candidatePool: 10.5 }, /candidatePool: must be an integer/],
    [{ propensityDraws: 0 }, /propensityDraws: must be an integer in \[1, 100000\]/],
    [{ coldBoost: Number.NaN }, /coldBoost: must be a finite number/],
    [{ budget: 0.2 }, /budget: unknown field/],
  ])("rejects %j naming the field and the reason", (raw, message) => {
    expect(() => parseSlateConfig(raw)).toThrow(message);
  });
});

describe("exploration budget", () => {
  it("allows ceil(budget * k) exploratory slots, robust to rounding", () => {
    expect(explorationSlots(0.2, 10)).toBe(2);
    expect(explorationSlots(0.3, 10)).toBe(3); // 0.3 * 10 is 3.0000000000000004 in floating point
    expect(explorationSlots(0.2, 1)).toBe(1);
    expect(explorationSlots(0, 10)).toBe(0);
  });

  it("never marks more slots exploratory than the budget allows, and fills the rest greedily", () => {
    const scores = Array.from({ length: 30 }, (_, i) => 1 - i / 30);
    const config = parseSlateConfig({ explorationBudget: 0.2, diversityLambda: 1 });
    for (let seed = 0; seed < 50; seed++) {
      const slate = buildSlate(new EpsilonGreedyPolicy({ epsilon: 1 }), input(scores, 10, undefined, seed), config);
      expect(slate.filter((e) => e.explore)).toHaveLength(2); // epsilon = 1: every allowed slot explores
      expect(slate.filter((e) => e.explore).every((e) => e.reason === "explore:epsilon")).toBe(true);
      const exploited = slate.filter((e) => !e.explore).map((e) => e.index);
      expect(exploited).toEqual([...exploited].sort((a, b) => a - b)); // best remaining first
    }
  });

  it("with no budget, any policy is greedy with propensity 1", () => {
    const slate = new SlatePolicy(new SoftmaxPolicy({ temperature: 10 }), OFF).select(input([0.1, 0.9, 0.5, 0.7], 3));
    expect(slate).toEqual([
      { index: 1, score: Math.fround(0.9), propensity: 1, explore: false, reason: "exploit" },
      { index: 3, score: Math.fround(0.7), propensity: 1, explore: false, reason: "exploit" },
      { index: 2, score: Math.fround(0.5), propensity: 1, explore: false, reason: "exploit" },
    ]);
  });
});

describe("softmax rule", () => {
  it("stays greedy at a tiny temperature even after the weights of the items left underflow", () => {
    const config = parseSlateConfig({ explorationBudget: 1, diversityLambda: 1, coldBoost: 0 });
    const slate = buildSlate(new SoftmaxPolicy({ temperature: 1e-4 }), input([0.2, 0.1, 0.9], 3), config);
    // exp(-0.7 / 1e-4) is 0 in floating point: once item 2 is placed, the rest must be drawn from fresh weights.
    expect(slate.map((e) => [e.index, e.propensity])).toEqual([[2, 1], [0, 1], [1, 1]]);
  });
});

describe("fatigue", () => {
  const config = parseSlateConfig({ ...OFF, fatigueImpressions: 3, restMs: 2 * DAY_MS });

  it("never shows consumed items, and rests fatigued or dismissed ones for the cool-down", () => {
    const candidates = [
      facts({ fatigue: fatigue({ consumed: true }) }),
      facts({ fatigue: fatigue({ unengagedImpressions: 3, msSinceImpression: DAY_MS }) }), // fatigued, resting
      facts({ fatigue: fatigue({ msSinceDismiss: DAY_MS }) }), // dismissed, resting
      facts({ fatigue: fatigue({ unengagedImpressions: 2, msSinceImpression: 1000 }) }), // shown twice: still fine
      facts({ fatigue: fatigue({ unengagedImpressions: 5, msSinceImpression: 3 * DAY_MS }) }), // rested long enough
      facts({ fatigue: fatigue({ msSinceDismiss: 3 * DAY_MS }) }), // dismissal cooled down
      facts(),
    ];
    const slate = buildSlate(new GreedyPolicy(), input([0.9, 0.8, 0.7, 0.3, 0.2, 0.1, 0.05], 7, candidates), config);
    expect(indices(slate)).toEqual([3, 4, 5, 6]); // filtered, so the slate is shorter than k
  });

  it("filters before the policy runs: propensities are over the eligible items only", () => {
    const candidates = [facts({ fatigue: fatigue({ consumed: true }) }), facts(), facts()];
    const slate = buildSlate(new EpsilonGreedyPolicy({ epsilon: 0.5 }), input([0.9, 0.5, 0.1], 1, candidates), parseSlateConfig({ ...config, explorationBudget: 1 }));
    // Two eligible items: the best has 0.5 + 0.5 / 2, the other 0.5 / 2.
    expect(slate[0]!.propensity).toBe(slate[0]!.index === 1 ? 0.75 : 0.25);
  });
});

describe("cold boost", () => {
  const config = parseSlateConfig({ ...OFF, coldBoost: 0.1, coldMaxAgeMs: 7 * DAY_MS });

  it("lifts young cold items, says so, and reports the model's own score", () => {
    const candidates = [facts(), facts({ cold: true, ageMs: DAY_MS }), facts({ cold: true, ageMs: 30 * DAY_MS })];
    const slate = buildSlate(new GreedyPolicy(), input([0.5, 0.45, 0.48], 3, candidates), config);
    expect(slate.map((e) => [e.index, e.reason])).toEqual([[1, "cold-boost"], [0, "exploit"], [2, "exploit"]]);
    expect(slate[0]!.score).toBe(Math.fround(0.45));
  });
});

describe("diversity", () => {
  it("demotes items similar to those above them (MMR) and says so", () => {
    const vectors = [[1, 0], [0.99, 0.1], [0, 1]];
    const candidates = vectors.map((v) => facts({ contentVector: Float32Array.from(v) }));
    const scores = [0.9, 0.85, 0.7];
    expect(indices(buildSlate(new GreedyPolicy(), input(scores, 3, candidates), OFF))).toEqual([0, 1, 2]);
    // lambda 0.5: item 1 pays its cosine with item 0 (0.995), item 2 pays 0.
    const slate = buildSlate(new GreedyPolicy(), input(scores, 3, candidates), parseSlateConfig({ ...OFF, diversityLambda: 0.5 }));
    expect(slate.map((e) => [e.index, e.reason])).toEqual([[0, "exploit"], [2, "diversity"], [1, "exploit"]]);
  });

  it("treats missing content vectors as unrelated to everything", () => {
    const candidates = [facts({ contentVector: Float32Array.from([1, 0]) }), facts(), facts({ contentVector: Float32Array.from([1, 0]) })];
    const slate = buildSlate(new GreedyPolicy(), input([0.9, 0.5, 0.8], 3, candidates), parseSlateConfig({ ...OFF, diversityLambda: 0.5 }));
    expect(indices(slate)).toEqual([0, 1, 2]);
  });
});

describe("candidate pool", () => {
  it("shows only the best candidatePool candidates, which then carry all the probability", () => {
    const scores = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 0.9 : 0.1) - i / 1000);
    const config = parseSlateConfig({ explorationBudget: 1, candidatePool: 10, diversityLambda: 1 });
    const policy = new EpsilonGreedyPolicy({ epsilon: 1 });
    const pool = new Set(Array.from({ length: 10 }, (_, i) => 2 * i));
    const rows = slotDistributions(policy, input(scores, 3), config, 2000, seededRandom(4));
    for (const row of rows) row.forEach((p, i) => expect(p > 0).toBe(pool.has(i)));
    // epsilon = 1 over the 10 pooled candidates: the first slot is uniform over them, exactly.
    const slate = buildSlate(policy, input(scores, 3), config);
    expect(slate[0]!.propensity).toBeCloseTo(0.1, 12);
  });
});
