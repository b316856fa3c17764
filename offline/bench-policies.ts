// CPU cost of one request, propensities included, for every policy in the default slate: 100 and 1000 candidates,
// k = 10, 16 hidden units, 20 clusters, a trained bandit state, with or without 512-d content vectors (the diversity
// term; the Worker passes 32-d projections). Part of `npm run bench`; a measurement, not a test.
import { createBanditState, updateBandit } from "../src/ranking/bandit-state.js";
import type { CandidateFacts, PolicyInput } from "../src/ranking/policies/policy.js";
import { createVariantPolicy, POLICY_NAMES } from "../src/ranking/policies/registry.js";
import { gaussian, seededRandom } from "../src/ranking/random.js";

const HIDDEN = 16;
const CLUSTERS = 20;

function request(n: number, withVectors: boolean): Omit<PolicyInput, "random"> {
  const random = seededRandom(n);
  // Scores like a ranker's: most candidates poor, a tail of good ones.
  const scores = Float32Array.from({ length: n }, () => 1 / (1 + Math.exp(-(gaussian(random) - 2))));
  const hidden = Float32Array.from({ length: n * HIDDEN }, () => Math.max(0, gaussian(random)));
  const clusters = Int32Array.from({ length: n }, () => Math.floor(random() * CLUSTERS));
  const candidates: CandidateFacts[] = Array.from({ length: n }, () => ({
    ageMs: random() * 400 * 86_400_000, cold: random() < 0.05,
    contentVector: withVectors ? Float32Array.from({ length: 512 }, () => gaussian(random)) : null,
  }));
  let bandit = createBanditState({ clusterCount: CLUSTERS, dimension: HIDDEN });
  for (let t = 0; t < 300; t++) {
    const i = Math.floor(random() * n);
    bandit = updateBandit(bandit, { cluster: clusters[i]!, hidden: hidden.subarray(i * HIDDEN, (i + 1) * HIDDEN), score: scores[i]!, reward: random() < 0.2 ? 1 : 0 });
  }
  return { scores, hidden, hiddenSize: HIDDEN, k: 10, clusters, bandit, candidates };
}

/** Median CPU milliseconds per request over 3 batches of 6 requests, after a warm-up. */
function cost(name: string, input: Omit<PolicyInput, "random">): number {
  const policy = createVariantPolicy({ policy: name });
  for (let i = 0; i < 10; i++) policy.select({ ...input, random: seededRandom(i) });
  const batches: number[] = [];
  for (let b = 0; b < 3; b++) {
    const before = process.cpuUsage();
    for (let i = 0; i < 6; i++) policy.select({ ...input, random: seededRandom(100 + b * 6 + i) });
    const used = process.cpuUsage(before);
    batches.push((used.user + used.system) / 1000 / 6);
  }
  return batches.sort((a, b) => a - b)[1]!;
}

export function policyCosts(): { policy: string; candidates: number; contentVectors: boolean; cpuMs: number }[] {
  const cases = [[100, false], [1000, false], [100, true], [1000, true]] as const;
  const inputs = cases.map(([n, vectors]) => request(n, vectors));
  return POLICY_NAMES.flatMap((name) => inputs.map((input, i) => ({
    policy: name, candidates: cases[i]![0], contentVectors: cases[i]![1], cpuMs: Number(cost(name, input).toFixed(3)),
  })));
}
