// The committed model must load, match its manifest and this code's feature layout, and reproduce its golden rows.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { onnxRunModel } from "../../offline/onnx-session.js";
import { FEATURE_COUNT } from "../../src/ranking/features.js";
import { manifestMismatch, type ModelManifest } from "../../src/ranking/manifest.js";
import { ModelScorer } from "../../src/ranking/scorer/model-scorer.js";

const read = (name: string): Buffer => readFileSync(new URL(`../../models/${name}`, import.meta.url));

interface Golden { sha256: string; rows: number; tolerance: number; features: number[]; score: number[]; hidden: number[] }

describe("models/ranker.onnx", () => {
  const bytes = new Uint8Array(read("ranker.onnx"));
  const manifest = JSON.parse(read("ranker.manifest.json").toString("utf8")) as ModelManifest;
  const golden = JSON.parse(read("ranker.golden.json").toString("utf8")) as Golden;

  it("is the file its manifest describes, for this feature layout (retrain when the layout changes)", () => {
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(manifest.sha256);
    expect(manifestMismatch(manifest)).toBeNull();
    expect(manifest.precision).toBe("int8");
    expect(golden.sha256).toBe(manifest.sha256);
  });

  it("reproduces the golden rows through the Worker's ModelScorer", async () => {
    const scorer = new ModelScorer(manifest, await onnxRunModel(bytes));
    const features = Float32Array.from(golden.features);
    expect(features).toHaveLength(golden.rows * FEATURE_COUNT);
    const { scores, hidden, hiddenSize } = await scorer.score(features, golden.rows);
    expect(hiddenSize).toBe(manifest.hiddenSize);
    scores.forEach((score, i) => expect(Math.abs(score - golden.score[i]!)).toBeLessThanOrEqual(golden.tolerance));
    hidden!.forEach((value, i) => expect(Math.abs(value - golden.hidden[i]!)).toBeLessThanOrEqual(golden.tolerance));
  });
});
