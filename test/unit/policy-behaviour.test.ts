// What each learning policy does with the user's state, and how it degrades without hidden features or clusters.
import { describe, expect, it } from "vitest";
import { createBanditState, updateBandit, type BanditState } from "../../src/ranking/bandit-state.js";
import { EpsilonGreedyPolicy } from "../../src/ranking/policies/epsilon-greedy.js";
import { LinTsPolicy } from "../../src/ranking/policies/lin-ts.js";
import { LinUcbPolicy } from "../../src/ranking/policies/lin-ucb.js";
import type { PolicyInput } from "../../src/ranking/policies/policy.js";
import { SoftmaxPolicy } from "../../src/ranking/policies/softmax.js";
import { ThompsonPolicy } from "../../src/ranking/policies/thompson.js";
import { seededRandom } from "../../src/ranking/random.js";

function train(state: BanditState, hidden: number[] | null, cluster: number | null, reward: number, times: number): BanditState {
  for (let t = 0; t < times; t++) state = updateBandit(state, { cluster, hidden, score: 0.3, reward });
  return state;
}

describe("degraded inputs", () => {
  const input: PolicyInput = { scores: Float32Array.from([0.2, 0.9, 0.5]), hidden: null, hiddenSize: 0, k: 3, random: seededRandom(1) };

  it.each([new LinUcbPolicy(), new LinTsPolicy()])("$name ranks by score without hidden features and says so", (policy) => {
    expect(policy.select(input).map((e) => [e.index, e.propensity, e.explore, e.reason])).toEqual([
      [1, 1, false, "exploit:no-hidden"], [2, 1, false, "exploit:no-hidden"], [0, 1, false, "exploit:no-hidden"],
    ]);
  });

  it("thompson ranks by score without cluster ids and says so", () => {
    expect(new ThompsonPolicy().select(input).map((e) => [e.index, e.reason])).toEqual([[1, "exploit:no-clusters"], [2, "exploit:no-clusters"], [0, "exploit:no-clusters"]]);
  });
});

describe("learning from the state", () => {
  // Two candidates along hidden direction 0 (well known to the user), one along direction 1 (never seen).
  const hidden = Float32Array.from([1, 0, 1, 0, 0, 1]);
  const base = (bandit: BanditState): PolicyInput => ({
    scores: Float32Array.from([0.5, 0.45, 0.4]), hidden, hiddenSize: 2, k: 3, random: seededRandom(2), clusters: [0, 0, 1], bandit,
  });
  const fresh = createBanditState({ clusterCount: 2, dimension: 2, prior: { forgetting: 1 } });

  it("lin-ucb puts the uncertain item first as exploration, deterministically", () => {
    // Direction 0 earned exactly its score: its weight is 0 and its uncertainty small; direction 1 keeps the prior's.
    const slate = new LinUcbPolicy({ alpha: 0.3 }).select(base(train(fresh, [1, 0], null, 0.3, 50)));
    expect(slate.map((e) => [e.index, e.propensity, e.explore, e.reason])).toEqual([
      [2, 1, true, "explore:ucb"], [0, 1, false, "exploit"], [1, 1, false, "exploit"],
    ]);
  });

  it("lin-ts and lin-ucb exploit what the user rewarded above the model's score", () => {
    const bandit = train(fresh, [0, 1], null, 1, 50); // direction 1 earns 1 against a score of 0.3
    for (const policy of [new LinTsPolicy(), new LinUcbPolicy()]) expect(policy.select(base(bandit))[0]).toMatchObject({ index: 2, reason: "exploit" });
  });

  it("thompson exploits the cluster the user rewards, and samples the others", () => {
    const liked = train(fresh, null, 1, 1, 30);
    expect(new ThompsonPolicy().select(base(liked))[0]).toMatchObject({ index: 2, explore: false, reason: "exploit" });
    // With no evidence the draw decides: over many requests both clusters lead, the sampled lead marked as such.
    const leads = Array.from({ length: 40 }, (_, seed) => new ThompsonPolicy().select({ ...base(fresh), random: seededRandom(seed) })[0]!);
    expect(new Set(leads.map((e) => e.index))).toEqual(new Set([0, 2]));
    expect(leads.every((e) => (e.index === 0) === !e.explore)).toBe(true);
  });
});

describe("parameters", () => {
  it.each([
    [() => new EpsilonGreedyPolicy({ epsilon: 1.5 }), /epsilon-greedy: epsilon must be a number in \[0, 1\], got 1.5/],
    [() => new SoftmaxPolicy({ temperature: 0 }), /softmax: temperature must be a number in/],
    [() => new ThompsonPolicy({ scoreWeight: Number.NaN }), /thompson: scoreWeight must be a number/],
    [() => new LinUcbPolicy({ alpha: -1 }), /lin-ucb: alpha must be a number/],
    [() => new LinTsPolicy({ scale: Number.POSITIVE_INFINITY }), /lin-ts: scale must be a number/],
  ])("rejects an out-of-range parameter, naming it (%#)", (make, message) => {
    expect(make).toThrow(message);
  });
});
