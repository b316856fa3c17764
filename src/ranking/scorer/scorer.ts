// One interface for everything that turns a feature matrix into scores. The learned ranker (an ONNX model run by
// whatever runtime the host has) and the non-model fallback both implement it.
import { FEATURE_COUNT } from "../features.js";

export interface Scores {
  /** One score per candidate, higher is better; probabilities of engagement for the learned model. */
  scores: Float32Array;
  /** The model's last hidden layer, row-major [candidates, hiddenSize], for the linear bandits; null for the fallback. */
  hidden: Float32Array | null;
  hiddenSize: number;
}

export interface Scorer {
  /** Model version, or null for the fallback. */
  readonly modelVersion: string | null;
  /** True when this is the non-model fallback scorer. */
  readonly fallback: boolean;
  score(features: Float32Array, rows: number): Promise<Scores>;
}

export function assertFeatureShape(features: Float32Array, rows: number): void {
  if (features.length !== rows * FEATURE_COUNT) {
    throw new RangeError(`features: expected ${rows} x ${FEATURE_COUNT} values, got ${features.length}`);
  }
}
