import { EpsilonGreedyPolicy } from "./src/ranking/policies/epsilon-greedy.js";
import { ThompsonPolicy } from "./src/ranking/policies/thompson.js";
import { buildSlate, DEFAULT_SLATE_CONFIG } from "./src/ranking/slate.js";
import { seededRandom, gaussian } from "./src/ranking/random.js";
for (const n of [100, 1000]) {
const r = seededRandom(3);
const scores = Float32Array.from({ length: n }, () => r() * 0.4);
const clusters = Int32Array.from({ length: n }, () => Math.floor(r() * 20));
const candidates = Array.from({ length: n }, () => ({ ageMs: 1e12, cold: false, contentVector: Float32Array.from({ length: 512 }, () => gaussian(r)) }));
for (const p of [new EpsilonGreedyPolicy(), new ThompsonPolicy()]) {
  const g = globalThis as any; g.lookups = g.sims = g.scanned = 0;
  buildSlate(p, { scores, hidden: null, hiddenSize: 0, clusters, candidates, k: 10, random: seededRandom(5) }, DEFAULT_SLATE_CONFIG);
  console.log(n, p.name, "sims", g.sims, "lookups", g.lookups, "scanned", g.scanned);
}}
