// The learned ranker behind the Scorer interface. The runtime (onnxruntime-web in the Worker, onnxruntime-node
// offline) is injected as a function so this file stays free of host-specific imports.
import { FEATURE_COUNT } from "../features.js";
import { manifestMismatch, type ModelManifest } from "../manifest.js";
import { assertFeatureShape, type Scorer, type Scores } from "./scorer.js";

export type RunModel = (features: Float32Array, rows: number) => Promise<{ score: Float32Array; hidden: Float32Array }>;

export class ModelScorer implements Scorer {
  readonly fallback = false;
  readonly modelVersion: string;

  constructor(private readonly manifest: ModelManifest, private readonly runModel: RunModel) {
    // The layout is checked here as well as at load time so no code path can feed a model the wrong columns.
    const mismatch = manifestMismatch(manifest);
    if (mismatch !== null) throw new Error(`model ${manifest.version}: ${mismatch}`);
    this.modelVersion = manifest.version;
  }

  async score(features: Float32Array, rows: number): Promise<Scores> {
    assertFeatureShape(features, rows);
    if (rows === 0) return { scores: new Float32Array(0), hidden: new Float32Array(0), hiddenSize: this.manifest.hiddenSize };
    const { score, hidden } = await this.runModel(features, rows);
    if (score.length !== rows || hidden.length !== rows * this.manifest.hiddenSize) {
      throw new Error(`model ${this.modelVersion}: output shapes differ from the manifest (${score.length} scores, ${hidden.length} hidden for ${rows} rows of ${FEATURE_COUNT})`);
    }
    return { scores: score, hidden, hiddenSize: this.manifest.hiddenSize };
  }
}
