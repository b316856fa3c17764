// Runs an exported ranker in onnxruntime-node, behind the same RunModel function type the Worker's scorer takes.
// Optimisation stays at "basic": at "extended"/"all" ORT rewrites the int8 weight-only MatMuls into MatMulNBits,
// which no longer matches exact dequantisation (~2e-3 off) nor what onnxruntime-web computes at the edge.
import * as ort from "onnxruntime-node";
import { FEATURE_COUNT } from "../src/ranking/features.js";
import type { RunModel } from "../src/ranking/scorer/model-scorer.js";
import { HIDDEN_OUTPUT, INPUT_NAME, SCORE_OUTPUT } from "./onnx-export.js";

export async function onnxRunModel(bytes: Uint8Array, featureCount: number = FEATURE_COUNT): Promise<RunModel> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "basic", intraOpNumThreads: 1 });
  return async (features, rows) => {
    const input = new ort.Tensor("float32", features, [rows, featureCount]);
    const result = await session.run({ [INPUT_NAME]: input });
    const score = result[SCORE_OUTPUT];
    const hidden = result[HIDDEN_OUTPUT];
    if (score === undefined || hidden === undefined) throw new Error(`model did not return ${SCORE_OUTPUT} and ${HIDDEN_OUTPUT}`);
    return { score: score.data as Float32Array, hidden: hidden.data as Float32Array };
  };
}
