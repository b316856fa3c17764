import { describe, expect, it } from "vitest";
import { exportRanker, quantizePerColumn, type DenseLayer, type RankerWeights } from "../../offline/onnx-export.js";
import { onnxRunModel } from "../../offline/onnx-session.js";
import { seededRandom, type Random } from "../../src/ranking/random.js";

const INPUTS = 5;
const FIRST = 7;
const HIDDEN = 4;

function layer(inputs: number, outputs: number, random: Random): DenseLayer {
  const weight = Float32Array.from({ length: inputs * outputs }, () => random() * 2 - 1);
  const bias = Float32Array.from({ length: outputs }, () => random() - 0.5);
  return { weight, bias, inputs, outputs };
}

function smallWeights(seed: number): RankerWeights {
  const random = seededRandom(seed);
  return { layers: [layer(INPUTS, FIRST, random), layer(FIRST, HIDDEN, random), layer(HIDDEN, 1, random)] };
}

/** A plain forward pass, independent of the exporter, to check what onnxruntime computes from the exported graph. */
function forward(weights: RankerWeights, features: Float32Array, rows: number): { score: Float64Array; hidden: Float64Array } {
  const dense = (input: Float64Array, { weight, bias, inputs, outputs }: DenseLayer, relu: boolean): Float64Array => {
    const out = new Float64Array(rows * outputs);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < outputs; o++) {
        let z = bias[o]!;
        for (let i = 0; i < inputs; i++) z += input[r * inputs + i]! * weight[i * outputs + o]!;
        out[r * outputs + o] = relu ? Math.max(0, z) : z;
      }
    }
    return out;
  };
  const [first, second, last] = weights.layers;
  const hidden = dense(dense(Float64Array.from(features), first, true), second, true);
  const logits = dense(hidden, last, false);
  return { score: logits.map((z) => 1 / (1 + Math.exp(-z))), hidden };
}

function dequantized(weights: RankerWeights): RankerWeights {
  const [first, second, last] = weights.layers.map((dense) => {
    const { values, scales } = quantizePerColumn(dense);
    return { ...dense, weight: Float32Array.from(values, (value, n) => value * scales[n % dense.outputs]!) };
  });
  return { layers: [first!, second!, last!] };
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]! - b[i]!));
  return largest;
}

const ROWS = 9;
const features = Float32Array.from({ length: ROWS * INPUTS }, (_, i) => Math.sin(i * 1.7) * 3);

describe("exportRanker", () => {
  const weights = smallWeights(11);

  it("fp32: onnxruntime matches a plain forward pass and gives score [N] and hidden [N, H]", async () => {
    const run = await onnxRunModel(exportRanker(weights, { precision: "fp32" }), INPUTS);
    const { score, hidden } = await run(features, ROWS);
    const expected = forward(weights, features, ROWS);
    expect(score).toHaveLength(ROWS);
    expect(hidden).toHaveLength(ROWS * HIDDEN);
    expect(maxAbsDifference(score, expected.score)).toBeLessThan(1e-5);
    expect(maxAbsDifference(hidden, expected.hidden)).toBeLessThan(1e-5);
    expect(expected.hidden.some((value) => value === 0)).toBe(true); // the ReLU is exercised
  });

  it("runs a single row and an empty batch", async () => {
    const run = await onnxRunModel(exportRanker(weights, { precision: "fp32" }), INPUTS);
    expect((await run(features.subarray(0, INPUTS), 1)).score).toHaveLength(1);
    const empty = await run(new Float32Array(0), 0);
    expect(empty.score).toHaveLength(0);
    expect(empty.hidden).toHaveLength(0);
  });

  it("int8: onnxruntime computes exactly the dequantised weights", async () => {
    const run = await onnxRunModel(exportRanker(weights, { precision: "int8" }), INPUTS);
    const { score, hidden } = await run(features, ROWS);
    const expected = forward(dequantized(weights), features, ROWS);
    expect(maxAbsDifference(score, expected.score)).toBeLessThan(1e-5);
    expect(maxAbsDifference(hidden, expected.hidden)).toBeLessThan(1e-5);
  });

  it("int8: every weight is within half a quantisation step, and scores stay close to fp32", async () => {
    for (const dense of weights.layers) {
      const { values, scales } = quantizePerColumn(dense);
      dense.weight.forEach((weight, n) => {
        const scale = scales[n % dense.outputs]!;
        expect(Math.abs(weight - values[n]! * scale)).toBeLessThanOrEqual(scale / 2 + 1e-7);
      });
      // Symmetric: each column's largest magnitude lands on +-127 exactly.
      for (let o = 0; o < dense.outputs; o++) {
        let largest = 0;
        for (let i = 0; i < dense.inputs; i++) largest = Math.max(largest, Math.abs(values[i * dense.outputs + o]!));
        expect(largest).toBe(127);
      }
    }
    const int8 = await (await onnxRunModel(exportRanker(weights, { precision: "int8" }), INPUTS))(features, ROWS);
    const fp32 = forward(weights, features, ROWS);
    expect(maxAbsDifference(int8.score, fp32.score)).toBeLessThan(0.02);
  });

  it("int8 is smaller than fp32, and the same weights give the same bytes", () => {
    const fp32 = exportRanker(weights, { precision: "fp32" });
    const int8 = exportRanker(weights, { precision: "int8" });
    expect(exportRanker(smallWeights(11), { precision: "int8" })).toEqual(int8);
    const big = { layers: [layer(64, 64, seededRandom(1)), layer(64, 16, seededRandom(2)), layer(16, 1, seededRandom(3))] } as const;
    expect(exportRanker(big, { precision: "int8" }).length).toBeLessThan(exportRanker(big, { precision: "fp32" }).length / 2);
    expect(fp32.length).toBeGreaterThan(0);
  });

  it("gives an all-zero weight column a usable scale", () => {
    const zero: DenseLayer = { weight: new Float32Array(6), bias: new Float32Array(3), inputs: 2, outputs: 3 };
    const { values, scales } = quantizePerColumn(zero);
    expect([...values]).toEqual([0, 0, 0, 0, 0, 0]);
    expect([...scales]).toEqual([1, 1, 1]);
  });

  it("rejects weights whose shapes do not chain", () => {
    const [first, second, last] = weights.layers;
    expect(() => exportRanker({ layers: [first, last, second] }, { precision: "fp32" })).toThrow(RangeError);
  });
});
