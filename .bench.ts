import { GreedyPolicy } from "/work/main/src/ranking/policies/greedy.ts";
import { EpsilonGreedyPolicy } from "/work/main/src/ranking/policies/epsilon-greedy.ts";
import { SoftmaxPolicy } from "/work/main/src/ranking/policies/softmax.ts";
import { ThompsonPolicy } from "/work/main/src/ranking/policies/thompson.ts";
import { LinUcbPolicy } from "/work/main/src/ranking/policies/lin-ucb.ts";
import { LinTsPolicy } from "/work/main/src/ranking/policies/lin-ts.ts";
import { buildSlate, DEFAULT_SLATE_CONFIG, POLICY_ONLY_SLATE_CONFIG } from "/work/main/src/ranking/slate.ts";
import { createBanditState, updateBandit } from "/work/main/src/ranking/bandit-state.ts";
import { seededRandom, gaussian } from "/work/main/src/ranking/random.ts";

const policies = [new GreedyPolicy(), new EpsilonGreedyPolicy(), new SoftmaxPolicy(), new ThompsonPolicy(), new LinUcbPolicy(), new LinTsPolicy()];
function make(n: number, seed: number, withVectors: boolean) {
  const r = seededRandom(seed);
  const d = 16;
  const scores = Float32Array.from({ length: n }, () => r() * 0.4);
  const hidden = Float32Array.from({ length: n * d }, () => Math.max(0, gaussian(r)));
  const clusters = Int32Array.from({ length: n }, () => Math.floor(r() * 20));
  const candidates = Array.from({ length: n }, () => ({ ageMs: r() * 1e10, cold: r() < 0.1, contentVector: withVectors ? Float32Array.from({ length: Number(process.env.DIM ?? 512) }, () => gaussian(r)) : null }));
  let bandit = createBanditState({ clusterCount: 20, dimension: d });
  for (let t = 0; t < 200; t++) bandit = updateBandit(bandit, { cluster: t % 20, hidden: hidden.subarray((t % n) * d, (t % n + 1) * d), score: 0.2, reward: r() < 0.3 ? 1 : 0 });
  return { scores, hidden, hiddenSize: d, clusters, candidates, bandit, k: 10 };
}
for (const withVectors of [false, true]) for (const n of [100, 1000]) {
  const base = make(n, 1, withVectors);
  const row: string[] = [];
  for (const p of policies) {
    for (let w = 0; w < 50; w++) buildSlate(p, { ...base, random: seededRandom(w) }, DEFAULT_SLATE_CONFIG);
    const times: number[] = [];
    for (let batch = 0; batch < 15; batch++) {
      const before = process.cpuUsage();
      for (let t = 0; t < 20; t++) buildSlate(p, { ...base, random: seededRandom(1000 + batch * 20 + t) }, DEFAULT_SLATE_CONFIG);
      const used = process.cpuUsage(before);
      times.push((used.user + used.system) / 1000 / 20);
    }
    times.sort((a, b) => a - b);
    row.push(`${p.name}=${times[7]!.toFixed(2)}`);
  }
  console.log(`n=${n} vectors=${withVectors}: ${row.join("  ")}`);
}
