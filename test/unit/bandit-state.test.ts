import { describe, expect, it } from "vitest";
import {
  alignBanditState, cholesky, createBanditState, DEFAULT_BANDIT_PRIOR, linearPosterior, posteriorVariance, sampleWeights,
  updateBandit, type BanditState,
} from "../../src/ranking/bandit-state.js";
import { gaussian, seededRandom } from "../../src/ranking/random.js";

describe("createBanditState", () => {
  it("starts every cluster at the prior and the linear model at A = ridge I, b = 0", () => {
    const state = createBanditState({ clusterCount: 3, dimension: 2, modelVersion: "m1", prior: { alpha: 2, beta: 1, ridge: 0.5 } });
    expect(state).toEqual({
      version: 1,
      prior: { ...DEFAULT_BANDIT_PRIOR, alpha: 2, beta: 1, ridge: 0.5 },
      clusterAlpha: [2, 2, 2],
      clusterBeta: [1, 1, 1],
      linear: { modelVersion: "m1", dimension: 2, precision: [0.5, 0, 0, 0.5], response: [0, 0] },
      observations: 0,
    });
  });

  it.each([
    [{ clusterCount: 0, dimension: 2 }, /clusterCount must be an integer/],
    [{ clusterCount: 2, dimension: 2.5 }, /dimension must be an integer/],
    [{ clusterCount: 2, dimension: 2, prior: { ridge: 0 } }, /ridge must be a positive number/],
    [{ clusterCount: 2, dimension: 2, prior: { forgetting: 1.5 } }, /forgetting must be in \(0, 1\]/],
  ])("rejects %j", (shape, message) => {
    expect(() => createBanditState(shape)).toThrow(message);
  });
});

describe("updateBandit: cluster counts", () => {
  it("adds the clamped reward as a fractional success, without forgetting", () => {
    let state = createBanditState({ clusterCount: 2, dimension: 0, prior: { alpha: 1, beta: 1, forgetting: 1 } });
    for (const reward of [1, 0, 2, -0.5, 0.25]) state = updateBandit(state, { cluster: 1, hidden: null, score: 0, reward });
    expect(state.clusterAlpha).toEqual([1, 1 + 1 + 0 + 1 + 0 + 0.25]);
    expect(state.clusterBeta).toEqual([1, 1 + 0 + 1 + 0 + 1 + 0.75]);
    expect(state.observations).toBe(5);
  });

  it("forgets: old evidence fades towards the prior, so counts stay bounded", () => {
    let state = createBanditState({ clusterCount: 2, dimension: 0, prior: { alpha: 1, beta: 1, forgetting: 0.9 } });
    for (let t = 0; t < 1000; t++) state = updateBandit(state, { cluster: 0, hidden: null, score: 0, reward: 1 });
    // Fixed point of alpha <- 0.9 alpha + 0.1 * 1 + 1: alpha = 11; beta stays at the prior; cluster 1 is untouched.
    expect(state.clusterAlpha[0]).toBeCloseTo(11, 9);
    expect(state.clusterBeta[0]).toBeCloseTo(1, 9);
    expect(state.clusterAlpha[1]).toBeCloseTo(1, 9);
    // After 100 observations elsewhere, cluster 0 is nearly back at its prior.
    for (let t = 0; t < 100; t++) state = updateBandit(state, { cluster: 1, hidden: null, score: 0, reward: 0 });
    expect(state.clusterAlpha[0]).toBeCloseTo(1, 3);
  });

  it("does not modify its input", () => {
    const state = createBanditState({ clusterCount: 2, dimension: 2 });
    const copy = structuredClone(state);
    updateBandit(state, { cluster: 0, hidden: [1, 2], score: 0.1, reward: 1 });
    expect(state).toEqual(copy);
  });

  it.each([
    [{ cluster: 2, hidden: null, score: 0, reward: 1 }, /cluster must be an integer in \[0, 1\]/],
    [{ cluster: 0, hidden: [1], score: 0, reward: 1 }, /hidden has 1 values, the linear model 2/],
    [{ cluster: 0, hidden: [1, Number.NaN], score: 0, reward: 1 }, /hidden must be finite/],
    [{ cluster: 0, hidden: null, score: 0, reward: Number.POSITIVE_INFINITY }, /reward must be finite/],
    [{ cluster: 0, hidden: null, score: Number.NaN, reward: 1 }, /score must be finite/],
  ])("rejects %j", (observation, message) => {
    expect(() => updateBandit(createBanditState({ clusterCount: 2, dimension: 2 }), observation)).toThrow(message);
  });
});

describe("updateBandit: the linear model", () => {
  it("is ridge regression of reward - score on the normalised hidden rows", () => {
    let state = createBanditState({ clusterCount: 1, dimension: 2, prior: { ridge: 2, forgetting: 1 } });
    const rows = [[3, 4], [0, 5], [1, 0]]; // normalised: (0.6, 0.8), (0, 1), (1, 0)
    const targets = [[1, 0.2], [0, 0.5], [0.5, 0.1]]; // reward, score
    rows.forEach((hidden, t) => {
      state = updateBandit(state, { cluster: null, hidden, score: targets[t]![1]!, reward: targets[t]![0]! });
    });
    // A = 2 I + sum x x^T, b = sum (reward - score) x, by hand.
    const a = [[2 + 0.36 + 0 + 1, 0.48], [0.48, 2 + 0.64 + 1]];
    const b = [0.8 * 0.6 + 0.4 * 1, 0.8 * 0.8 - 0.5];
    state.linear.precision.forEach((v, i) => expect(v).toBeCloseTo(a[Math.floor(i / 2)]![i % 2]!, 12));
    state.linear.response.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 12));
    const determinant = a[0]![0]! * a[1]![1]! - a[0]![1]! * a[1]![0]!;
    const mean = [(a[1]![1]! * b[0]! - a[0]![1]! * b[1]!) / determinant, (a[0]![0]! * b[1]! - a[1]![0]! * b[0]!) / determinant];
    const posterior = linearPosterior(state.linear);
    posterior.mean.forEach((v, i) => expect(v).toBeCloseTo(mean[i]!, 12));
    // x^T A^-1 x for x = e1 is (A^-1)_00.
    expect(posteriorVariance(posterior, Float64Array.from([1, 0]), new Float64Array(2))).toBeCloseTo(a[1]![1]! / determinant, 12);
  });

  it("samples weights from N(mean, scale^2 A^-1)", () => {
    const state = createBanditState({ clusterCount: 1, dimension: 2, prior: { ridge: 4 } });
    const posterior = linearPosterior({ ...state.linear, precision: [4, 1, 1, 2], response: [1, 1] });
    const random = seededRandom(8);
    const draws = Array.from({ length: 50_000 }, () => sampleWeights(posterior, random, 0.5));
    const mean = [0, 1].map((i) => draws.reduce((s, d) => s + d[i]!, 0) / draws.length);
    const covariance = (i: number, j: number) => draws.reduce((s, d) => s + (d[i]! - mean[i]!) * (d[j]! - mean[j]!), 0) / draws.length;
    // A^-1 = [2, -1; -1, 4] / 7; mean A^-1 b = (1, 3) / 7.
    // 50,000 draws: standard errors of at most 0.0012 on a mean and 0.0009 on a covariance.
    expect(Math.abs(mean[0]! - 1 / 7)).toBeLessThan(0.005);
    expect(Math.abs(mean[1]! - 3 / 7)).toBeLessThan(0.005);
    expect(Math.abs(covariance(0, 0) - (0.25 * 2) / 7)).toBeLessThan(0.003);
    expect(Math.abs(covariance(0, 1) - (0.25 * -1) / 7)).toBeLessThan(0.003);
    expect(Math.abs(covariance(1, 1) - (0.25 * 4) / 7)).toBeLessThan(0.003);
  });

  it.each([0.995, 1])("stays symmetric, positive definite and accurate after 100,000 updates (forgetting %s)", (forgetting) => {
    const d = 16;
    const random = seededRandom(42);
    const truth = Float64Array.from({ length: d }, () => gaussian(random) * 0.3);
    const unit = (hidden: Float64Array) => {
      const length = Math.hypot(...hidden);
      return hidden.map((v) => (length === 0 ? 0 : v / length));
    };
    // ReLU-like activations on scales 100 times apart, often zero: an ill-conditioned stream.
    const activations = () => Float64Array.from({ length: d }, (_, i) => Math.max(0, gaussian(random)) * (i < 8 ? 1 : 100));
    let state: BanditState = createBanditState({ clusterCount: 10, dimension: d, prior: { forgetting } });
    const recent: { x: Float64Array; residual: number }[] = [];
    for (let t = 0; t < 100_000; t++) {
      const hidden = activations();
      const x = unit(hidden);
      const residual = x.reduce((s, v, i) => s + v * truth[i]!, 0) + 0.1 * gaussian(random);
      state = updateBandit(state, { cluster: t % 10, hidden, score: 0.1, reward: 0.1 + residual });
      if (t >= 100_000 - 5000) recent.push({ x, residual });
    }
    const { precision, response } = state.linear;
    const { ridge } = state.prior;
    expect(precision.length).toBe(d * d);
    expect(response.length).toBe(d);
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) expect(precision[i * d + j]).toBe(precision[j * d + i]);
    // Every eigenvalue is at least the ridge: A - 0.999 ridge I still factorises.
    expect(() => cholesky(precision.map((v, i) => (i % (d + 1) === 0 ? v - 0.999 * ridge : v)), d)).not.toThrow();
    if (forgetting < 1) {
      // The trace, and with it the largest eigenvalue, stays below d ridge + 1 / (1 - forgetting).
      const trace = precision.reduce((s, v, i) => (i % (d + 1) === 0 ? s + v : s), 0);
      expect(trace).toBeLessThanOrEqual(d * ridge + 1 / (1 - forgetting) + 1e-6);
      // The running update equals the batch formula A = ridge I + sum forgetting^age x x^T over the last 5000
      // observations (older ones weigh below 0.995^5000 = 1e-11): no drift from 100,000 rank-1 updates.
      const batch = new Float64Array(d * d);
      const batchResponse = new Float64Array(d);
      recent.forEach(({ x, residual }, t) => {
        const weight = forgetting ** (recent.length - 1 - t);
        for (let i = 0; i < d; i++) {
          batchResponse[i]! += weight * residual * x[i]!;
          for (let j = 0; j < d; j++) batch[i * d + j]! += weight * x[i]! * x[j]!;
        }
      });
      for (let i = 0; i < d; i++) batch[i * (d + 1)]! += ridge;
      precision.forEach((v, i) => expect(Math.abs(v - batch[i]!)).toBeLessThan(1e-9 * (1 + Math.abs(v))));
      response.forEach((v, i) => expect(Math.abs(v - batchResponse[i]!)).toBeLessThan(1e-9 * (1 + Math.abs(v))));
    }
    // The posterior still predicts: on fresh rows, x . mean is close to x . truth (noise sd 0.1).
    const { mean } = linearPosterior(state.linear);
    let squares = 0;
    for (let t = 0; t < 1000; t++) {
      const x = unit(activations());
      squares += x.reduce((s, v, i) => s + v * (mean[i]! - truth[i]!), 0) ** 2;
    }
    expect(Math.sqrt(squares / 1000)).toBeLessThan(forgetting < 1 ? 0.05 : 0.01);
    expect(state.clusterAlpha.every(Number.isFinite) && state.clusterBeta.every(Number.isFinite)).toBe(true);
  });
});

describe("serialisation", () => {
  it("survives JSON and structured clone unchanged, and its size does not grow with events", () => {
    let state = createBanditState({ clusterCount: 5, dimension: 3, modelVersion: "m1" });
    const random = seededRandom(1);
    const numbers = (value: unknown): number => (typeof value === "number" ? 1 : typeof value === "object" && value !== null ? Object.values(value).reduce((s: number, v) => s + numbers(v), 0) : 0);
    const initial = numbers(state);
    for (let t = 1; t <= 2000; t++) {
      state = updateBandit(state, { cluster: t % 5, hidden: [random(), random(), random()], score: random(), reward: random() < 0.3 ? 1 : 0 });
    }
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(structuredClone(state)).toEqual(state);
    expect(numbers(state)).toBe(initial);
  });
});

describe("alignBanditState", () => {
  it("keeps the state for the same model and resets only the linear model for another", () => {
    let state = createBanditState({ clusterCount: 2, dimension: 2, modelVersion: "m1" });
    state = updateBandit(state, { cluster: 0, hidden: [1, 0], score: 0, reward: 1 });
    expect(alignBanditState(state, "m1", 2)).toBe(state);
    const moved = alignBanditState(state, "m2", 3);
    expect(moved.linear).toEqual({ modelVersion: "m2", dimension: 3, precision: [1, 0, 0, 0, 1, 0, 0, 0, 1], response: [0, 0, 0] });
    expect(moved.clusterAlpha).toEqual(state.clusterAlpha);
  });
});
