// One suite, run against every policy (the way hono runs its router common.case against each router): whatever a
// policy does, its slates must be well formed, replayable, and carry propensities that are probabilities and agree
// with the distribution of slates the policy actually produces.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createBanditState, updateBandit, type BanditState } from "../../src/ranking/bandit-state.js";
import { EpsilonGreedyPolicy } from "../../src/ranking/policies/epsilon-greedy.js";
import { GreedyPolicy } from "../../src/ranking/policies/greedy.js";
import { LinTsPolicy } from "../../src/ranking/policies/lin-ts.js";
import { LinUcbPolicy } from "../../src/ranking/policies/lin-ucb.js";
import { PopularityPolicy } from "../../src/ranking/policies/popularity.js";
import type { CandidateFacts, Policy, PolicyInput, SlateEntry } from "../../src/ranking/policies/policy.js";
import { RandomPolicy } from "../../src/ranking/policies/random.js";
import { POLICY_NAMES } from "../../src/ranking/policies/registry.js";
import { SoftmaxPolicy } from "../../src/ranking/policies/softmax.js";
import { ThompsonPolicy } from "../../src/ranking/policies/thompson.js";
import { seededRandom } from "../../src/ranking/random.js";
import { DEFAULT_SLATE_CONFIG, POLICY_ONLY_SLATE_CONFIG, SlatePolicy, slotDistributions, type SlateConfig } from "../../src/ranking/slate.js";

const HIDDEN = 4;
const CLUSTERS = 3;

interface Case {
  scores: number[];
  k: number;
  seed: number;
  withHidden: boolean;
  updates: { cluster: number; reward: number; item: number }[];
}

const caseArbitrary = (maxCandidates: number): fc.Arbitrary<Case> => fc.record({
  scores: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: maxCandidates }),
  k: fc.integer({ min: 0, max: maxCandidates }),
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  withHidden: fc.boolean(),
  updates: fc.array(fc.record({ cluster: fc.integer({ min: 0, max: CLUSTERS - 1 }), reward: fc.double({ min: -0.5, max: 2, noNaN: true }), item: fc.nat() }), { maxLength: 30 }),
});

/** A request built from a case: hidden rows and clusters derived from the seed, a bandit state trained on `updates`. */
function inputOf({ scores, k, seed, withHidden, updates }: Case): PolicyInput {
  const random = seededRandom(seed);
  const n = scores.length;
  const hidden = Float32Array.from({ length: n * HIDDEN }, () => Math.max(0, random() - 0.3));
  const clusters = Int32Array.from({ length: n }, () => Math.floor(random() * CLUSTERS));
  let bandit: BanditState = createBanditState({ clusterCount: CLUSTERS, dimension: HIDDEN });
  for (const u of updates) {
    const item = u.item % n;
    bandit = updateBandit(bandit, { cluster: u.cluster, hidden: hidden.subarray(item * HIDDEN, (item + 1) * HIDDEN), score: scores[item]!, reward: u.reward });
  }
  const candidates: CandidateFacts[] = scores.map((_, i) => ({
    ageMs: i * 86_400_000, cold: i % 3 === 0, contentVector: i % 4 === 3 ? null : Float32Array.from([1, i % 2, random()]),
    // Popularity (for the popularity policy) with ties, and missing on some candidates.
    ...(i % 5 === 4 ? {} : { popularity: (i * 7) % 5 }),
  }));
  return {
    scores: Float32Array.from(scores), hidden: withHidden ? hidden : null, hiddenSize: withHidden ? HIDDEN : 0,
    k: Math.min(k, n), random: seededRandom(seed + 1), clusters, bandit, candidates,
  };
}

function expectWellFormed(slate: SlateEntry[], input: PolicyInput): void {
  expect(slate).toHaveLength(Math.min(input.k, input.scores.length));
  expect(new Set(slate.map((e) => e.index)).size).toBe(slate.length);
  for (const entry of slate) {
    expect(Number.isInteger(entry.index) && entry.index >= 0 && entry.index < input.scores.length).toBe(true);
    expect(entry.score).toBe(input.scores[entry.index]);
    expect(Number.isFinite(entry.propensity)).toBe(true);
    expect(entry.propensity).toBeGreaterThan(0);
    expect(entry.propensity).toBeLessThanOrEqual(1);
    expect(typeof entry.explore).toBe("boolean");
    expect(entry.reason).toMatch(/^(exploit|explore:|cold-boost$|diversity$)/);
  }
}

/** Fixed seeds keep the suite reproducible; each property still covers many generated cases. */
const PROPERTY_RUNS = { seed: 20261203 };

/** The contract. `makePolicy` gives a fresh policy; every check runs on the policy alone (its own `select`) and
 * wrapped in the default slate rules (budget, cold boost, diversity). */
function describePolicyContract(name: string, makePolicy: () => Policy): void {
  const variants: [string, SlateConfig, () => Policy][] = [
    ["alone", POLICY_ONLY_SLATE_CONFIG, makePolicy],
    ["in the default slate", DEFAULT_SLATE_CONFIG, () => new SlatePolicy(makePolicy(), DEFAULT_SLATE_CONFIG)],
  ];
  describe.each(variants)(`${name} policy contract (%s)`, (_, config, make) => {
    it("is named", () => {
      expect(make().name).toBe(name);
    });

    it("returns min(k, n) distinct candidates with finite propensities in (0, 1], for any scores and state", () => {
      fc.assert(fc.property(caseArbitrary(12), (c) => {
        const input = inputOf(c);
        expectWellFormed(make().select(input), input);
      }), { ...PROPERTY_RUNS, numRuns: 60 });
    });

    it("replays: the same request stream gives the same slate and propensities", () => {
      const c: Case = { scores: [0.3, 0.1, 0.25, 0.2, 0.05, 0.15], k: 3, seed: 7, withHidden: true, updates: [{ cluster: 1, reward: 1, item: 2 }] };
      expect(make().select(inputOf(c))).toEqual(make().select(inputOf(c)));
    });

    it("handles empty requests and k larger than the candidates", () => {
      const empty = inputOf({ scores: [0.5], k: 0, seed: 1, withHidden: true, updates: [] });
      expect(make().select(empty)).toEqual([]);
      expect(make().select({ ...empty, scores: new Float32Array(0), hidden: new Float32Array(0), clusters: new Int32Array(0), candidates: [] })).toEqual([]);
      const short = inputOf({ scores: [0.5, 0.2], k: 2, seed: 1, withHidden: true, updates: [] });
      expect(make().select({ ...short, k: 5 })).toHaveLength(2);
    });

    it("works without hidden features, clusters, state or candidate facts", () => {
      const input: PolicyInput = { scores: Float32Array.from([0.2, 0.9, 0.4]), hidden: null, hiddenSize: 0, k: 2, random: seededRandom(3) };
      expectWellFormed(make().select(input), input);
    });

    it("rejects non-finite scores", () => {
      const input: PolicyInput = { scores: Float32Array.from([0.2, NaN]), hidden: null, hiddenSize: 0, k: 1, random: seededRandom(3) };
      expect(() => make().select(input)).toThrow(/scores\[1\]/);
    });

    it("gives each slot a distribution that sums to 1, and propensities that match it", () => {
      // Reference rows from 8000 draws and propensities from 4096: standard errors of at most 0.0056 and 0.0078,
      // so 0.05 is 5 combined standard errors.
      const precise = { ...config, propensityDraws: 4096 };
      fc.assert(fc.property(caseArbitrary(5), (c) => {
        const input = inputOf({ ...c, k: Math.max(1, c.k) });
        const rows = slotDistributions(makePolicy(), input, precise, 8000, seededRandom(c.seed + 2));
        for (const row of rows) expect(row.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 9);
        const slate = new SlatePolicy(makePolicy(), precise).select(input);
        slate.forEach((entry, rank) => expect(Math.abs(entry.propensity - rows[rank]![entry.index]!)).toBeLessThan(0.05));
      }), { ...PROPERTY_RUNS, numRuns: 15 });
    });
  });
}

const CONTRACTED = ["greedy", "epsilon-greedy", "softmax", "thompson", "lin-ucb", "lin-ts", "random", "popularity"];

it("covers every policy a variant can name", () => {
  expect([...POLICY_NAMES].sort()).toEqual([...CONTRACTED].sort());
});

describePolicyContract("greedy", () => new GreedyPolicy());
describePolicyContract("epsilon-greedy", () => new EpsilonGreedyPolicy({ epsilon: 0.2 }));
describePolicyContract("softmax", () => new SoftmaxPolicy({ temperature: 0.2 }));
describePolicyContract("thompson", () => new ThompsonPolicy());
describePolicyContract("lin-ucb", () => new LinUcbPolicy());
describePolicyContract("lin-ts", () => new LinTsPolicy());
describePolicyContract("random", () => new RandomPolicy());
describePolicyContract("popularity", () => new PopularityPolicy());
