// The manifest that travels with every ranker model: what it expects and how to check the bytes are the ones
// that were exported. The Worker validates it before creating a session.
import { FEATURE_LAYOUT } from "./features.js";

export interface ModelManifest {
  version: string;
  createdAt: number;
  /** Hex sha256 of the .onnx bytes. */
  sha256: string;
  precision: "fp32" | "int8";
  opset: number;
  featureLayout: { version: string; names: string[] };
  inputs: { features: string };
  outputs: { score: string; hidden: string };
  hiddenSize: number;
  metrics: Record<string, number>;
}

/** Why this manifest cannot be served with this code's feature builder, or null when it can. */
export function manifestMismatch(manifest: ModelManifest): string | null {
  const layout = manifest.featureLayout;
  if (layout?.version !== FEATURE_LAYOUT.version) {
    return `feature layout ${String(layout?.version)} does not match the service's ${FEATURE_LAYOUT.version}`;
  }
  const expected = FEATURE_LAYOUT.names as readonly string[];
  if (layout.names.length !== expected.length || layout.names.some((name, i) => name !== expected[i])) {
    return `feature names differ from ${FEATURE_LAYOUT.version}: [${layout.names.join(", ")}]`;
  }
  if (!manifest.inputs?.features || !manifest.outputs?.score || !manifest.outputs?.hidden) {
    return "manifest does not name the features input and the score and hidden outputs";
  }
  return null;
}
