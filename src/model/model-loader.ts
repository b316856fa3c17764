// Checks model bytes against their manifest before any session is created: a corrupt, truncated, foreign or
// mismatched model is refused with a reason, and the caller serves the fallback scorer instead.
import { FEATURE_COUNT } from "../ranking/features.js";
import { manifestMismatch, type ModelManifest } from "../ranking/manifest.js";
import { ModelScorer } from "../ranking/scorer/model-scorer.js";
import { createOrtRunModel } from "./ort-runtime.js";

export type LoadResult = { ok: true; scorer: ModelScorer } | { ok: false; reason: string };

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function loadModel(bytes: Uint8Array, manifest: ModelManifest): Promise<LoadResult> {
  if (bytes.length === 0) return { ok: false, reason: "model bytes are empty" };
  const actual = await sha256Hex(bytes);
  if (actual !== manifest.sha256) return { ok: false, reason: `sha256 ${actual} does not match the manifest's ${manifest.sha256}` };
  const mismatch = manifestMismatch(manifest);
  if (mismatch !== null) return { ok: false, reason: mismatch };
  try {
    const scorer = new ModelScorer(manifest, await createOrtRunModel(bytes, manifest));
    // One probe row proves the graph runs and its outputs have the shapes the manifest promises.
    const probe = await scorer.score(new Float32Array(FEATURE_COUNT), 1);
    if (!Number.isFinite(probe.scores[0])) return { ok: false, reason: "the model's score for a zero row is not finite" };
    return { ok: true, scorer };
  } catch (error) {
    return { ok: false, reason: `onnxruntime refused the model: ${(error as Error).message}` };
  }
}
