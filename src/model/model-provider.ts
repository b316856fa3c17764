// Which scorer answers: the live model in the D1 registry, loaded once per isolate (creating an ORT session costs
// milliseconds and the first one in an isolate hundreds, so it must not happen per request), reloaded only when
// the live version changes. A model that fails its checks is refused, the reason logged, and the documented
// fallback scorer answers with "fallback": true.
import bundledBytes from "../../models/ranker.onnx";
import bundledManifest from "../../models/ranker.manifest.json";
import type { ModelManifest } from "../ranking/manifest.js";
import { FallbackScorer } from "../ranking/scorer/fallback-scorer.js";
import type { Scorer } from "../ranking/scorer/scorer.js";
import { decodeBase64, encodeBase64 } from "../ranking/vectors.js";
import type { Database } from "../storage/d1/database.js";
import { findModel, hasAnyModel, promoteModel, storeModel } from "../storage/d1/model-repository.js";
import { loadModel } from "./model-loader.js";

export const BUNDLED_MANIFEST = bundledManifest as ModelManifest;
export const BUNDLED_MODEL_BYTES = new Uint8Array(bundledBytes);
const fallbackScorer = new FallbackScorer();

// A few versions may serve side by side (A/B variants pinned to a model version); keep them all loaded.
const MAX_LOADED_MODELS = 4;
const loaded = new Map<string, Promise<Scorer>>();
let lastRefusal: { version: string; reason: string } | null = null;

export function modelRefusal(): { version: string; reason: string } | null {
  return lastRefusal;
}

let registryChecked = false;

/** Registers the model shipped in models/ as live when the registry is empty (a fresh database); checked once per
 * isolate. */
export async function ensureBundledModel(db: Database, now: number): Promise<void> {
  if (registryChecked) return;
  if (!(await hasAnyModel(db))) {
    await storeModel(db, BUNDLED_MANIFEST, encodeBase64(BUNDLED_MODEL_BYTES), now);
    await promoteModel(db, BUNDLED_MANIFEST.version, now);
  }
  registryChecked = true;
}

/** The scorer for a registry version (its sha256 identifies the bytes), or the fallback when there is none. */
export async function scorerFor(db: Database, model: { version: string; sha256: string } | undefined): Promise<Scorer> {
  if (model === undefined) return fallbackScorer;
  const key = `${model.version}:${model.sha256}`;
  let scorer = loaded.get(key);
  if (scorer === undefined) {
    if (loaded.size >= MAX_LOADED_MODELS) loaded.delete(loaded.keys().next().value!);
    scorer = loadVersion(db, model.version);
    loaded.set(key, scorer);
  }
  return scorer;
}

async function loadVersion(db: Database, version: string): Promise<Scorer> {
  const row = await findModel(db, version);
  const result = row === undefined
    ? { ok: false as const, reason: "the registry row disappeared" }
    : await loadModel(decodeBase64(row.bytes), row.manifest);
  if (result.ok) {
    lastRefusal = null;
    return result.scorer;
  }
  lastRefusal = { version, reason: result.reason };
  console.error(`serendip: model ${version} refused, serving the fallback scorer: ${result.reason}`);
  return fallbackScorer;
}
