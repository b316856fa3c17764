import { createBanditState, updateBandit, type BanditState, type BanditPrior } from "./src/ranking/bandit-state.js";
import { EpsilonGreedyPolicy } from "./src/ranking/policies/epsilon-greedy.js";
import { GreedyPolicy } from "./src/ranking/policies/greedy.js";
import { LinTsPolicy } from "./src/ranking/policies/lin-ts.js";
import { LinUcbPolicy } from "./src/ranking/policies/lin-ucb.js";
import type { Policy } from "./src/ranking/policies/policy.js";
import { ThompsonPolicy } from "./src/ranking/policies/thompson.js";
import { gaussian, seededRandom } from "./src/ranking/random.js";
import { parseSlateConfig, SlatePolicy } from "./src/ranking/slate.js";
let PRIOR: Partial<BanditPrior> = {};
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

/** Clicks per quarter of the run. */
function simulate(policy: Policy, world: World, seed: number): number[] {
  const random = seededRandom(seed);
  const environment = seededRandom(seed + 1);
  let bandit: BanditState = createBanditState({ clusterCount: CLUSTERS, dimension: HIDDEN, prior: PRIOR });
  const quarters = [0, 0, 0, 0];
  for (let round = 0; round < ROUNDS; round++) {
    const rates = round < SHIFT ? world.rateBefore : world.rateAfter;
    const slate = policy.select({
      scores: world.scores, hidden: world.hidden, hiddenSize: HIDDEN, k: K, random, clusters: world.clusters, bandit,
    });
    for (const { index } of slate) {
      const reward = environment() < rates[world.clusters[index]!]! * world.factor[index]! ? 1 : 0;
      quarters[Math.floor((4 * round) / ROUNDS)]! += reward;
      bandit = updateBandit(bandit, {
        cluster: world.clusters[index]!, hidden: world.hidden.subarray(index * HIDDEN, (index + 1) * HIDDEN), score: world.scores[index]!, reward,
      });
    }
  }
  return quarters;
}


const budget = Number(process.env.BUDGET ?? 0.2);
const config = parseSlateConfig({ propensityDraws: 1, explorationBudget: budget });
for (const beta of [1, 4, 9]) for (const forgetting of [0.99, 0.995, 0.999]) {
  PRIOR = { beta, forgetting };
  const out: string[] = [];
  for (const p of [new ThompsonPolicy(), new LinTsPolicy(), new LinUcbPolicy()]) {
    const sums = [0, 0, 0, 0];
    for (const seed of [2026, 1, 2]) { const q = simulate(new SlatePolicy(p, config), makeWorld(seed), 7); q.forEach((v, i) => (sums[i] += v / 3)); }
    out.push(`${p.name}: ${sums.map((v) => v.toFixed(0)).join("/")}`);
  }
  console.log(`beta=${beta} gamma=${forgetting}  ${out.join("   ")}`);
}
