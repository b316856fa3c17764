// Seeded simulation of one user whose interests shift halfway, on a Bernoulli click environment: does exploring
// pay, and do the learning policies follow the shift?
//
// Environment (seed 2026): 10 interest clusters of 10 items. An item is clicked with probability rate(cluster) times
// an item factor in [0.8, 1.2]. Before round 1000 clusters 0 and 1 are the user's favourites (rates 0.5, 0.4, the
// rest 0.05-0.14); from round 1000 on, clusters 8 and 9 are (0.5, 0.4) and 0 and 1 drop to 0.05. The model was
// trained before the shift: its score is half the old click probability plus noise, so it ranks well at first and
// is stale afterwards. Each item's hidden layer is its cluster's embedding plus noise (16 units, ReLU-like).
// Each round every policy ranks all 100 items for k = 5 slots in the default slate (exploration budget 0.2: one
// exploratory slot of five), the user clicks, and every shown item updates that policy's bandit state.
import { describe, expect, it } from "vitest";
import { createBanditState, updateBandit, type BanditState } from "../../src/ranking/bandit-state.js";
import { EpsilonGreedyPolicy } from "../../src/ranking/policies/epsilon-greedy.js";
import { GreedyPolicy } from "../../src/ranking/policies/greedy.js";
import { LinTsPolicy } from "../../src/ranking/policies/lin-ts.js";
import { LinUcbPolicy } from "../../src/ranking/policies/lin-ucb.js";
import type { Policy } from "../../src/ranking/policies/policy.js";
import { SoftmaxPolicy } from "../../src/ranking/policies/softmax.js";
import { ThompsonPolicy } from "../../src/ranking/policies/thompson.js";
import { gaussian, seededRandom } from "../../src/ranking/random.js";
import { parseSlateConfig, SlatePolicy } from "../../src/ranking/slate.js";

const CLUSTERS = 10;
const PER_CLUSTER = 10;
const ITEMS = CLUSTERS * PER_CLUSTER;
const HIDDEN = 16;
const K = 5;
const ROUNDS = 2000;
const SHIFT = ROUNDS / 2;

interface World {
  clusters: Int32Array;
  factor: Float64Array;
  hidden: Float32Array;
  scores: Float32Array;
  rateBefore: number[];
  rateAfter: number[];
}

function makeWorld(seed: number): World {
  const random = seededRandom(seed);
  const rateBefore = [0.5, 0.4, 0.14, 0.12, 0.1, 0.09, 0.08, 0.07, 0.06, 0.05];
  const rateAfter = [0.05, 0.05, 0.14, 0.12, 0.1, 0.09, 0.08, 0.07, 0.4, 0.5];
  const embeddings = Array.from({ length: CLUSTERS }, () => Float64Array.from({ length: HIDDEN }, () => Math.max(0, gaussian(random))));
  const clusters = Int32Array.from({ length: ITEMS }, (_, i) => Math.floor(i / PER_CLUSTER));
  const factor = Float64Array.from({ length: ITEMS }, () => 0.8 + 0.4 * random());
  const hidden = Float32Array.from({ length: ITEMS * HIDDEN }, (_, j) => Math.max(0, embeddings[clusters[Math.floor(j / HIDDEN)]!]![j % HIDDEN]! + 0.2 * gaussian(random)));
  const scores = Float32Array.from({ length: ITEMS }, (_, i) => 0.5 * rateBefore[clusters[i]!]! * factor[i]! + 0.03 * gaussian(random));
  return { clusters, factor, hidden, scores, rateBefore, rateAfter };
}

/** Clicks in each round. */
function simulate(policy: Policy, world: World, seed: number): Int32Array {
  const random = seededRandom(seed);
  const environment = seededRandom(seed + 1);
  let bandit: BanditState = createBanditState({ clusterCount: CLUSTERS, dimension: HIDDEN });
  const clicks = new Int32Array(ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    const rates = round < SHIFT ? world.rateBefore : world.rateAfter;
    const slate = policy.select({
      scores: world.scores, hidden: world.hidden, hiddenSize: HIDDEN, k: K, random, clusters: world.clusters, bandit,
    });
    for (const { index } of slate) {
      const reward = environment() < rates[world.clusters[index]!]! * world.factor[index]! ? 1 : 0;
      clicks[round]! += reward;
      bandit = updateBandit(bandit, {
        cluster: world.clusters[index]!, hidden: world.hidden.subarray(index * HIDDEN, (index + 1) * HIDDEN), score: world.scores[index]!, reward,
      });
    }
  }
  return clicks;
}

/** Mean clicks per round over rounds [from, to). */
const rate = (clicks: Int32Array, from: number, to: number) => clicks.subarray(from, to).reduce((s, c) => s + c, 0) / (to - from);

describe("simulated user with an interest shift (seed 2026)", () => {
  // Propensities are not used here: one Monte Carlo draw keeps the 12,000 requests fast.
  const config = parseSlateConfig({ propensityDraws: 1 });
  const policies: Policy[] = [
    new GreedyPolicy(), new EpsilonGreedyPolicy(), new SoftmaxPolicy(), new ThompsonPolicy(), new LinUcbPolicy(), new LinTsPolicy(),
  ];
  const world = makeWorld(2026);
  const results = new Map(policies.map((policy) => [policy.name, simulate(new SlatePolicy(policy, config), world, 7)]));
  const total = (name: string) => rate(results.get(name)!, 0, ROUNDS) * ROUNDS;
  const quarter = (name: string, q: number) => rate(results.get(name)!, (q * ROUNDS) / 4, ((q + 1) * ROUNDS) / 4);
  /** The 20 rounds right after the shift: the stale state's worst. */
  const afterShift = (name: string) => rate(results.get(name)!, SHIFT, SHIFT + 20);
  /** Rounds after the shift until 50 rounds in a row earn 80% of the last quarter's rate. */
  const recoveryRounds = (name: string) => {
    const clicks = results.get(name)!;
    const target = 0.8 * quarter(name, 3);
    for (let r = SHIFT; r + 50 <= ROUNDS; r++) if (rate(clicks, r, r + 50) >= target) return r - SHIFT;
    return Infinity;
  };

  it("prints clicks per round (whole run, each quarter, 20 rounds after the shift) and rounds to recover", () => {
    const row = (name: string) => [total(name) / ROUNDS, ...[0, 1, 2, 3].map((q) => quarter(name, q)), afterShift(name)]
      .map((v) => v.toFixed(2).padStart(6)).join(" ");
    console.log(["policy          mean     Q1     Q2     Q3     Q4  shift+20  recovery",
      ...policies.map((p) => `${p.name.padEnd(14)} ${row(p.name)}  ${String(recoveryRounds(p.name)).padStart(8)}`)].join("\n"));
  });

  it.each(["thompson", "lin-ts"])("%s earns at least 15 percent more than greedy and epsilon-greedy over the run", (name) => {
    expect(total(name)).toBeGreaterThan(1.15 * total("greedy"));
    expect(total(name)).toBeGreaterThan(1.15 * total("epsilon-greedy"));
  });

  it.each(["thompson", "lin-ts"])("%s recovers from the shift: within 250 rounds, to a last quarter above the quarter after the shift and 1.5 times its first 20 rounds", (name) => {
    expect(recoveryRounds(name)).toBeLessThan(250);
    expect(quarter(name, 3)).toBeGreaterThan(quarter(name, 2));
    expect(quarter(name, 3)).toBeGreaterThan(1.5 * afterShift(name));
  });

  it("greedy and epsilon-greedy, which ignore the user's state, do not recover", () => {
    for (const name of ["greedy", "epsilon-greedy"]) expect(quarter(name, 3)).toBeLessThan(0.5 * quarter(name, 1));
  });
});
