// The retrain's int8 release checks (offline/train-pipeline.ts): inputs far outside the training range must
// saturate rather than flip sign or wrap, and the top-10 / Spearman gate thresholds.
import { describe, expect, it } from "vitest";
import { exportRanker, type DenseLayer, type RankerWeights } from "../../offline/onnx-export.js";
import { onnxRunModel } from "../../offline/onnx-session.js";
import { INT8_GATE, int8GateFailure, int8SaturationCheck, SATURATION_MULTIPLIERS } from "../../offline/train-pipeline.js";
import { FEATURE_COUNT } from "../../src/ranking/features.js";
import { seededRandom, type Random } from "../../src/ranking/random.js";
import type { RunModel } from "../../src/ranking/scorer/model-scorer.js";

function layer(inputs: number, outputs: number, random: Random, scale = 1): DenseLayer {
  return {
    weight: Float32Array.from({ length: inputs * outputs }, () => (random() * 2 - 1) * scale),
    bias: Float32Array.from({ length: outputs }, () => random() - 0.5),
    inputs, outputs,
  };
}

function rankerWeights(seed: number): RankerWeights {
  const random = seededRandom(seed);
  return { layers: [layer(FEATURE_COUNT, 32, random, 0.5), layer(32, 16, random, 0.5), layer(16, 1, random)] };
}

/** Rows like the training data's: each column in its own small range. */
function referenceRows(rows: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: rows * FEATURE_COUNT }, (_, i) => (random() * 2 - 1) * (1 + (i % FEATURE_COUNT)));
}

/** A broken int8 runtime: quantises the input to int8 with a fixed scale and lets it wrap around (two's complement)
 * instead of saturating at +-127, then runs the fp32 model. In range it matches; far out of range it flips sign. */
function wrappingRuntime(run: RunModel, scale: number): RunModel {
  return (features, rows) => {
    const wrapped = Float32Array.from(features, (x) => {
      const q = Math.round(x / scale);
      return (((((q + 128) % 256) + 256) % 256) - 128) * scale;
    });
    return run(wrapped, rows);
  };
}

describe("int8SaturationCheck", () => {
  const weights = rankerWeights(3);
  const reference = referenceRows(64, 5);

  it("passes the exported int8 graph: far out of range it saturates like fp32, never flips or wraps", async () => {
    const fp32 = await onnxRunModel(exportRanker(weights, { precision: "fp32" }));
    const int8 = await onnxRunModel(exportRanker(weights, { precision: "int8" }));
    const report = await int8SaturationCheck(fp32, int8, reference, 64);
    expect(report.probes).toBe(SATURATION_MULTIPLIERS.length * 2 * (FEATURE_COUNT + 8 + 1));
    expect(report).toMatchObject({ invalid: 0, flipped: 0, example: null });

    // And the probes do reach saturation: at 1e6 x the range most scores are pinned at 0 or 1 in both models.
    const far = Float32Array.from(reference.subarray(0, 8 * FEATURE_COUNT), (x) => x * 1e6);
    const [a, b] = [(await fp32(far, 8)).score, (await int8(far, 8)).score];
    for (let i = 0; i < 8; i++) {
      expect(Number.isFinite(b[i]!)).toBe(true);
      if (a[i]! < 0.01 || a[i]! > 0.99) expect(Math.sign(b[i]! - 0.5)).toBe(Math.sign(a[i]! - 0.5));
    }
  });

  it("catches a runtime whose int8 path wraps around instead of saturating", async () => {
    const fp32 = await onnxRunModel(exportRanker(weights, { precision: "fp32" }));
    const broken = wrappingRuntime(fp32, 0.125); // int8 range +-15.9: covers the reference rows (|x| <= 15)
    // In the training range the broken runtime agrees with fp32 ...
    const inRange = (await broken(reference.subarray(0, FEATURE_COUNT * 4), 4)).score;
    const expected = (await fp32(reference.subarray(0, FEATURE_COUNT * 4), 4)).score;
    for (let i = 0; i < 4; i++) expect(Math.abs(inRange[i]! - expected[i]!)).toBeLessThan(0.05);
    // ... and only the far-out probes expose it.
    const report = await int8SaturationCheck(fp32, broken, reference, 64);
    expect(report.flipped).toBeGreaterThan(0);
    expect(report.example).toMatch(/x/);
  });

  it("catches non-finite or out-of-range outputs", async () => {
    const fp32 = await onnxRunModel(exportRanker(weights, { precision: "fp32" }));
    const nan: RunModel = async (features, rows) => {
      const out = await fp32(features, rows);
      return { score: out.score.map((s, i) => (i % 7 === 0 ? Number.NaN : s)), hidden: out.hidden };
    };
    const report = await int8SaturationCheck(fp32, nan, reference, 64);
    expect(report.invalid).toBeGreaterThan(0);
    expect(report.example).toMatch(/NaN/);
  });
});

describe("int8GateFailure", () => {
  it("passes at the thresholds and fails below either", () => {
    const ok = { top10Overlap: INT8_GATE.minTop10Overlap, spearman: INT8_GATE.minSpearman, maxAbsDiff: 0.01, users: 10 };
    expect(int8GateFailure(ok)).toBeNull();
    expect(int8GateFailure({ ...ok, top10Overlap: 0.94 })).toMatch(/overlap/);
    expect(int8GateFailure({ ...ok, spearman: 0.98 })).toMatch(/Spearman/);
    expect(int8GateFailure({ ...ok, spearman: Number.NaN })).toMatch(/Spearman/);
  });
});
