// The retrain's promotion rule (offline/logged-data.ts opeGate) on synthetic logged data with known propensities:
// a candidate closer to the true click probabilities promotes, a worse one is rejected, thin data never promotes.
import { describe, expect, it } from "vitest";
import { GATE_OPTIONS, greedyInSlate, groupByDecision, opeGate, pairAccuracy, type GateInput } from "../../offline/logged-data.js";
import { seededRandom } from "../../src/ranking/random.js";

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

interface SyntheticLog extends Omit<GateInput, "labels" | "propensities"> {
  labels: number[];
  propensities: number[];
  truth: Float64Array;
  requestIds: string[];
}

/**
 * Users x decisions x k candidates. Each candidate has a latent relevance z; the true click probability is
 * sigmoid(z - 2). The logging policy shows each slot's item with a known propensity in [0.05, 1] that favours
 * relevant items (so the logged sample is biased, which the 1/p weights undo); clicks are drawn from the truth.
 */
function syntheticLog(seed: number, users = 80, decisions = 6, k = 8): SyntheticLog {
  const random = seededRandom(seed);
  const labels: number[] = [];
  const propensities: number[] = [];
  const truth: number[] = [];
  const clusters: string[] = [];
  const requestIds: string[] = [];
  for (let u = 0; u < users; u++) {
    for (let d = 0; d < decisions; d++) {
      for (let slot = 0; slot < k; slot++) {
        const z = random() * 4 - 1;
        const q = sigmoid(z - 2);
        const p = Math.min(1, Math.max(0.05, sigmoid(z - 1)));
        labels.push(random() < q ? 1 : 0);
        propensities.push(p);
        truth.push(q);
        clusters.push(`u${u}`);
        requestIds.push(`r${u}-${d}`);
      }
    }
  }
  return { labels, propensities, truth: Float64Array.from(truth), clusters, requestIds, live: [], candidate: [] };
}

/** A model that gets the truth wrong: pushes every logit by `shift` and adds noise of scale `noise`. */
function distorted(truth: Float64Array, shift: number, noise: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  return truth.map((q) => sigmoid(Math.log(q / (1 - q)) + shift + noise * (random() * 2 - 1)));
}

describe("opeGate", () => {
  const log = syntheticLog(1);
  const good = log.truth;
  const bad = distorted(log.truth, 1.5, 1.5, 2);

  it("promotes a candidate that predicts the clicks better than the live model", () => {
    const result = opeGate({ ...log, live: bad, candidate: good }, { ...GATE_OPTIONS, resamples: 300 });
    expect(result.promote).toBe(true);
    expect(result.logLoss!.delta).toBeLessThan(0);
    expect(result.logLoss!.interval!.high).toBeLessThanOrEqual(GATE_OPTIONS.margin);
    expect(result.brier!.delta).toBeLessThan(0);
    expect(result.users).toBe(80);
    expect(result.reason).toMatch(/not worse/);
  });

  it("rejects a candidate that predicts the clicks worse than the live model", () => {
    const result = opeGate({ ...log, live: good, candidate: bad }, { ...GATE_OPTIONS, resamples: 300 });
    expect(result.promote).toBe(false);
    expect(result.logLoss!.delta).toBeGreaterThan(0);
    expect(result.logLoss!.interval!.low).toBeGreaterThan(0);
    expect(result.reason).toMatch(/may be worse/);
  });

  it("rejects a slightly worse candidate whose whole interval lies above the margin, promotes an identical one", () => {
    const slightlyWorse = distorted(log.truth, 0.6, 0, 3);
    expect(opeGate({ ...log, live: good, candidate: slightlyWorse }, { ...GATE_OPTIONS, resamples: 300 }).promote).toBe(false);
    const same = opeGate({ ...log, live: good, candidate: good }, { ...GATE_OPTIONS, resamples: 300 });
    expect(same.promote).toBe(true);
    expect(same.logLoss!.delta).toBe(0);
  });

  it("rejects a candidate with better-calibrated probabilities that orders the slates worse", () => {
    // Live ranks perfectly but is overconfident (every logit + 2); the candidate is calibrated on average but
    // ranks by noise around the truth. Its log-loss is lower, yet it puts clicked items first less often.
    const overconfident = distorted(log.truth, 2, 0, 8);
    const random = seededRandom(9);
    const noisy = log.truth.map((q) => sigmoid(Math.log(q / (1 - q)) + 3 * (random() * 2 - 1) - 0.5));
    const flat = Float64Array.from(noisy, (q) => 0.5 * q + 0.5 * 0.2);
    const result = opeGate({ ...log, live: overconfident, candidate: flat }, { ...GATE_OPTIONS, resamples: 300 });
    expect(result.logLoss!.delta).toBeLessThan(0);
    expect(result.logLoss!.interval!.high).toBeLessThanOrEqual(GATE_OPTIONS.margin);
    expect(result.ranking!.interval!.low).toBeLessThan(-GATE_OPTIONS.rankingMargin);
    expect(result.promote).toBe(false);
    expect(result.reason).toMatch(/may be worse \(ranking\)/);
  });

  it("weights rows by 1/p: on a log biased towards relevant items the losses differ from unweighted ones", () => {
    const weighted = opeGate({ ...log, live: bad, candidate: good }, { ...GATE_OPTIONS, resamples: 50 });
    const unweighted = opeGate({ ...log, propensities: log.propensities.map(() => 1), live: bad, candidate: good }, { ...GATE_OPTIONS, resamples: 50 });
    expect(weighted.logLoss!.live).not.toBeCloseTo(unweighted.logLoss!.live, 3);
    expect(weighted.effectiveSize).toBeLessThan(unweighted.effectiveSize);
    expect(unweighted.effectiveSize).toBeCloseTo(log.labels.length, 6);
  });

  it("never promotes on too little evidence, however good the candidate looks", () => {
    const small = syntheticLog(4, 3, 2, 5);
    const result = opeGate({ ...small, live: distorted(small.truth, 2, 2, 5), candidate: small.truth });
    expect(result.promote).toBe(false);
    expect(result.logLoss).toBeNull();
    expect(result.reason).toMatch(/not enough evidence/);
  });

  it("is reproducible for a seed and clips large weights", () => {
    const options = { ...GATE_OPTIONS, resamples: 200, weightClip: 4 };
    const a = opeGate({ ...log, live: bad, candidate: good }, options);
    const b = opeGate({ ...log, live: bad, candidate: good }, options);
    expect(a.logLoss!.interval).toEqual(b.logLoss!.interval);
    expect(a.clipped).toBe(log.propensities.filter((p) => 1 / p > 4).length);
    expect(a.clipped).toBeGreaterThan(0);
  });

  it("refuses malformed input", () => {
    expect(() => opeGate({ ...log, live: bad.subarray(1), candidate: good })).toThrow(/live/);
    expect(() => opeGate({ ...log, propensities: log.propensities.map(() => 0), live: bad, candidate: good })).toThrow(/propensity/);
  });
});

describe("pairAccuracy", () => {
  it("is the share of (clicked, unclicked) pairs in the right order, ties half, null without a pair", () => {
    const labels = [1, 0, 0, 1];
    expect(pairAccuracy([0, 1, 2, 3], labels, [0.9, 0.1, 0.5, 0.3])).toBe(3 / 4);
    expect(pairAccuracy([0, 1], labels, [0.5, 0.5])).toBe(0.5);
    expect(pairAccuracy([1, 2], labels, [0, 1, 2, 3])).toBeNull();
    expect(pairAccuracy([0, 3], labels, [0, 1, 2, 3])).toBeNull();
  });
});

describe("greedyInSlate", () => {
  it("scores the model that puts the clicked item first in each logged slate higher", () => {
    const log = syntheticLog(6, 60, 5, 6);
    const decisions = groupByDecision(log.requestIds);
    expect(decisions).toHaveLength(300);
    const options = { ...GATE_OPTIONS, resamples: 100 };
    // An oracle that knows the labels picks a clicked item whenever the slate has one.
    const oracle = greedyInSlate(decisions, log.labels, log.propensities, Float64Array.from(log.labels, (l, i) => l + log.truth[i]! * 1e-3), options)!;
    const inverse = greedyInSlate(decisions, log.labels, log.propensities, log.truth.map((q) => -q), options)!;
    expect(oracle.direct).toBeGreaterThan(inverse.direct);
    expect(oracle.snips.value!).toBeGreaterThan(inverse.snips.value!);
    expect(oracle.decisions).toBe(300);
    expect(oracle.snips.interval).not.toBeNull();
  });
});
