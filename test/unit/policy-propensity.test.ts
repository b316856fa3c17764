// Propensities against exact answers computed here, independently of the slate engine: full enumeration of the
// slot process for epsilon-greedy and softmax, and numerical integration of the posterior for the two Thompson
// samplers (closed-form CDFs on a 1-d problem).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createBanditState, updateBandit } from "../../src/ranking/bandit-state.js";
import { EpsilonGreedyPolicy } from "../../src/ranking/policies/epsilon-greedy.js";
import { LinTsPolicy } from "../../src/ranking/policies/lin-ts.js";
import type { CandidateFacts, Policy, PolicyInput } from "../../src/ranking/policies/policy.js";
import { SoftmaxPolicy } from "../../src/ranking/policies/softmax.js";
import { sampleBeta, ThompsonPolicy } from "../../src/ranking/policies/thompson.js";
import { seededRandom } from "../../src/ranking/random.js";
import { buildSlate, explorationSlots, parseSlateConfig, slotDistributions, type SlateConfig } from "../../src/ranking/slate.js";

const PROPERTY_RUNS = { seed: 20261203 };

type Rule = { kind: "epsilon"; epsilon: number } | { kind: "softmax"; temperature: number };

/** Exact per-slot distribution of the documented process (slate.ts) for a policy whose utilities are the scores:
 * every path of slot choices, with its probability. */
function enumerate(scores: number[], vectors: (number[] | null)[] | null, k: number, rule: Rule, config: SlateConfig): number[][] {
  const n = scores.length;
  const rows = Array.from({ length: k }, () => new Array<number>(n).fill(0));
  const weight = (1 - config.diversityLambda) / config.diversityLambda;
  const cos = (a: number[] | null, b: number[] | null) => {
    if (a === null || b === null) return 0;
    const dot = a.reduce((s, v, i) => s + v * b[i]!, 0);
    const norms = Math.hypot(...a) * Math.hypot(...b);
    return norms === 0 ? 0 : dot / norms;
  };
  const maxExplore = explorationSlots(config.explorationBudget, k);
  const visit = (placed: number[], explored: number, probability: number) => {
    const r = placed.length;
    if (r === k) return;
    const free = scores.map((_, i) => i).filter((i) => !placed.includes(i));
    const adjusted = (i: number) => scores[i]! - (vectors === null ? 0 : weight * Math.max(0, ...placed.map((j) => cos(vectors[i]!, vectors[j]!))));
    const exploit = free.reduce((best, i) => (adjusted(i) > adjusted(best) ? i : best));
    let choices: [number, number][];
    if (explored >= maxExplore) choices = [[exploit, 1]];
    else if (rule.kind === "epsilon") choices = free.map((i) => [i, rule.epsilon / free.length + (i === exploit ? 1 - rule.epsilon : 0)]);
    else {
      const total = free.reduce((s, i) => s + Math.exp(adjusted(i) / rule.temperature), 0);
      choices = free.map((i) => [i, Math.exp(adjusted(i) / rule.temperature) / total]);
    }
    for (const [i, p] of choices) {
      rows[r]![i]! += probability * p;
      visit([...placed, i], explored + (i === exploit ? 0 : 1), probability * p);
    }
  };
  visit([], 0, 1);
  return rows;
}

function request(scores: number[], vectors: (number[] | null)[] | null, k: number, seed: number): PolicyInput {
  const candidates: CandidateFacts[] | undefined = vectors?.map((v) => ({ ageMs: 1e12, cold: false, contentVector: v === null ? null : Float32Array.from(v) }));
  return { scores: Float32Array.from(scores), hidden: null, hiddenSize: 0, k, random: seededRandom(seed), ...(candidates === undefined ? {} : { candidates }) };
}

// Binary fractions, so the engine's float32 scores equal the doubles enumerated here.
const FOUR = [0.5, 0.375, 0.34375, 0.125];
const VECTORS = [[1, 0], [1, 0.1], [0, 1], null];
const POLICIES: [string, Policy, Rule][] = [
  ["epsilon-greedy", new EpsilonGreedyPolicy({ epsilon: 0.3 }), { kind: "epsilon", epsilon: 0.3 }],
  ["softmax", new SoftmaxPolicy({ temperature: 0.1 }), { kind: "softmax", temperature: 0.1 }],
];
const CONFIGS: [string, SlateConfig][] = [
  ["every slot may explore", parseSlateConfig({ explorationBudget: 1, diversityLambda: 1, coldBoost: 0 })],
  ["one exploratory slot, diversity 0.7", parseSlateConfig({ explorationBudget: 0.3, diversityLambda: 0.7, coldBoost: 0 })],
];

describe.each(POLICIES)("%s propensities against exact enumeration (4 candidates)", (_, policy, rule) => {
  it.each(CONFIGS)("the Monte Carlo distribution matches, k = 2 and 3 (%s)", (__, config) => {
    for (const k of [2, 3]) {
      const exact = enumerate(FOUR, VECTORS, k, rule, config);
      for (const row of exact) expect(row.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
      // 20,000 draws: standard error at most 0.0035; tolerance 0.015 is over 4 of them.
      const estimated = slotDistributions(policy, request(FOUR, VECTORS, k, 1), config, 20_000, seededRandom(2));
      exact.forEach((row, r) => row.forEach((p, i) => expect(Math.abs(estimated[r]![i]! - p)).toBeLessThan(0.015)));
    }
  });

  it.each(CONFIGS)("served propensities match: exact at the first slot, Monte Carlo within 0.02 after (%s)", (__, config) => {
    // Every slate of 4 candidates, k = 2, is served for some seed; D = 4096 gives a standard error of at most 0.0078.
    const precise = { ...config, propensityDraws: 4096 };
    const exact = enumerate(FOUR, VECTORS, 2, rule, config);
    for (let seed = 0; seed < 40; seed++) {
      const slate = buildSlate(policy, request(FOUR, VECTORS, 2, seed), precise);
      expect(slate[0]!.propensity).toBeCloseTo(exact[0]![slate[0]!.index]!, 12);
      expect(Math.abs(slate[1]!.propensity - exact[1]![slate[1]!.index]!)).toBeLessThan(0.02);
    }
  });

  it("the default D = 256 stays within 0.1 of the exact value", () => {
    const config = parseSlateConfig({ explorationBudget: 1, diversityLambda: 1, coldBoost: 0 });
    const exact = enumerate(FOUR, null, 3, rule, config);
    for (let seed = 0; seed < 40; seed++) {
      const slate = buildSlate(policy, request(FOUR, null, 3, seed), config);
      slate.forEach((entry, rank) => expect(Math.abs(entry.propensity - exact[rank]![entry.index]!)).toBeLessThan(0.1));
    }
  });
});

describe("epsilon-greedy first slot", () => {
  it("gives every candidate at least epsilon / K, whatever the scores", () => {
    fc.assert(fc.property(
      fc.array(fc.double({ min: -5, max: 5, noNaN: true }).map(Math.fround), { minLength: 1, maxLength: 8 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (scores, epsilon) => {
        const config = parseSlateConfig({ explorationBudget: 0.5 });
        const exact = enumerate(scores, null, 1, { kind: "epsilon", epsilon }, config)[0]!;
        for (const p of exact) expect(p).toBeGreaterThanOrEqual(epsilon / scores.length - 1e-12);
        const served = buildSlate(new EpsilonGreedyPolicy({ epsilon }), request(scores, null, 1, 3), config)[0]!;
        expect(served.propensity).toBeCloseTo(exact[served.index]!, 12);
        expect(served.propensity).toBeGreaterThanOrEqual(epsilon / scores.length - 1e-12);
      }), { ...PROPERTY_RUNS, numRuns: 200 });
  });
});

/** Regularised incomplete beta I_x(a, b) for integer a, b: P(Binomial(a + b - 1, x) >= a). */
function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const n = a + b - 1;
  let sum = 0;
  let coefficient = 1; // C(n, j), built up from C(n, 0)
  for (let j = 0; j <= n; j++) {
    if (j >= a) sum += coefficient * x ** j * (1 - x) ** (n - j);
    coefficient = (coefficient * (n - j)) / (j + 1);
  }
  return sum;
}

/** P(theta0 - theta1 <= t) for independent Beta(a0, b0), Beta(a1, b1): integral over y of f1(y) F0(y + t), by the
 * midpoint rule on 20,000 points (error far below the tolerances used). */
function betaDifferenceCdf(t: number, a0: number, b0: number, a1: number, b1: number): number {
  const steps = 20_000;
  let norm = 0;
  let sum = 0;
  for (let s = 0; s < steps; s++) {
    const y = (s + 0.5) / steps;
    const density = y ** (a1 - 1) * (1 - y) ** (b1 - 1);
    norm += density;
    sum += density * betaCdf(y + t, a0, b0);
  }
  return sum / norm;
}

describe("Thompson sampling over clusters against the exact posterior", () => {
  it("samples Beta(alpha, beta) with the right mean and variance", () => {
    const random = seededRandom(11);
    for (const [a, b] of [[0.5, 0.5], [1, 1], [2, 8], [30, 5]] as const) {
      const draws = Array.from({ length: 40_000 }, () => sampleBeta(random, a, b));
      const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
      const variance = draws.reduce((s, v) => s + (v - mean) ** 2, 0) / draws.length;
      // 40,000 draws: 3 standard errors are at most 0.0025 on the mean and 1.5% on the variance.
      expect(Math.abs(mean - a / (a + b))).toBeLessThan(0.005);
      expect(variance / ((a * b) / ((a + b) ** 2 * (a + b + 1)))).toBeCloseTo(1, 1);
    }
  });

  it("puts each candidate at each rank with the probability the Beta posteriors give (2 clusters, 4 candidates, k = 2)", () => {
    // Counts: cluster 0 saw 2 successes in 5, cluster 1 3 in 4 (no forgetting), so Beta(3, 4) and Beta(4, 2).
    let bandit = createBanditState({ clusterCount: 2, dimension: 0, prior: { alpha: 1, beta: 1, forgetting: 1 } });
    for (const [cluster, reward] of [[0, 1], [0, 1], [0, 0], [0, 0], [0, 0], [1, 1], [1, 1], [1, 1], [1, 0]] as const) {
      bandit = updateBandit(bandit, { cluster, hidden: null, score: 0, reward });
    }
    const scores = [0.3, 0.1, 0.25, 0.05];
    const clusters = [0, 0, 1, 1];
    // The slate is the top 2 of score_i + theta_c(i), which depends on delta = theta0 - theta1 only; it changes where
    // two candidates of different clusters swap: delta = score_j - score_i.
    const breaks = [-Infinity, ...[...new Set([0.25 - 0.3, 0.05 - 0.3, 0.25 - 0.1, 0.05 - 0.1])].sort((a, b) => a - b), Infinity];
    const exact = [new Array<number>(4).fill(0), new Array<number>(4).fill(0)];
    for (let b = 0; b + 1 < breaks.length; b++) {
      const low = breaks[b]!;
      const high = breaks[b + 1]!;
      const probability = (high === Infinity ? 1 : betaDifferenceCdf(high, 3, 4, 4, 2)) - (low === -Infinity ? 0 : betaDifferenceCdf(low, 3, 4, 4, 2));
      const delta = low === -Infinity ? high - 1 : high === Infinity ? low + 1 : (low + high) / 2;
      const order = [0, 1, 2, 3].sort((i, j) => scores[j]! + (clusters[j] === 0 ? delta : 0) - (scores[i]! + (clusters[i] === 0 ? delta : 0)));
      exact[0]![order[0]!]! += probability;
      exact[1]![order[1]!]! += probability;
    }
    const input: PolicyInput = { scores: Float32Array.from(scores), hidden: null, hiddenSize: 0, k: 2, random: seededRandom(5), clusters, bandit };
    const config = parseSlateConfig({ explorationBudget: 1, diversityLambda: 1, coldBoost: 0 });
    const estimated = slotDistributions(new ThompsonPolicy(), input, config, 20_000, seededRandom(6));
    // Standard error at most 0.0035 with 20,000 draws.
    exact.forEach((row, r) => row.forEach((p, i) => expect(Math.abs(estimated[r]![i]! - p)).toBeLessThan(0.015)));
  });
});

/** Standard normal CDF via erf (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

describe("LinTS against the exact posterior (one hidden unit)", () => {
  it("puts each candidate at each rank with the probability the Gaussian posterior gives (4 candidates, k = 2)", () => {
    // With one hidden unit the normalised feature is the sign of the activation: +1, or 0 for a zero activation.
    // Three updates on x = 1 with residual rewards; A = 1 + 3 = 4, b = sum of (reward - score).
    let bandit = createBanditState({ clusterCount: 1, dimension: 1, prior: { forgetting: 1 } });
    for (const reward of [1, 0, 1]) bandit = updateBandit(bandit, { cluster: null, hidden: [2], score: 0.2, reward });
    const mean = (1 - 0.2 + 0 - 0.2 + 1 - 0.2) / 4;
    const scale = 0.5;
    const sd = scale / Math.sqrt(4);
    const scores = [0.5, 0.35, 0.3, 0.2];
    const x = [0, 1, 0, 1];
    // u_i = score_i + x_i w; the top 2 change where w = score_j - score_i for x_i = 1, x_j = 0.
    const crossings = [0.5 - 0.35, 0.3 - 0.35, 0.5 - 0.2, 0.3 - 0.2].sort((a, b) => a - b);
    const breaks = [-Infinity, ...crossings, Infinity];
    const exact = [new Array<number>(4).fill(0), new Array<number>(4).fill(0)];
    for (let b = 0; b + 1 < breaks.length; b++) {
      const low = breaks[b]!;
      const high = breaks[b + 1]!;
      const probability = normalCdf((high - mean) / sd) - normalCdf((low - mean) / sd);
      const w = low === -Infinity ? high - 1 : high === Infinity ? low + 1 : (low + high) / 2;
      const order = [0, 1, 2, 3].sort((i, j) => scores[j]! + x[j]! * w - (scores[i]! + x[i]! * w));
      exact[0]![order[0]!]! += probability;
      exact[1]![order[1]!]! += probability;
    }
    const input: PolicyInput = {
      scores: Float32Array.from(scores), hidden: Float32Array.from([0, 3, 0, 0.5]), hiddenSize: 1, k: 2, random: seededRandom(5), bandit,
    };
    const config = parseSlateConfig({ explorationBudget: 1, diversityLambda: 1, coldBoost: 0 });
    const estimated = slotDistributions(new LinTsPolicy({ scale }), input, config, 20_000, seededRandom(6));
    exact.forEach((row, r) => row.forEach((p, i) => expect(Math.abs(estimated[r]![i]! - p)).toBeLessThan(0.015)));
  });
});
