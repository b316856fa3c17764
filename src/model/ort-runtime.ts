// onnxruntime-web inside workerd. workerd forbids compiling WebAssembly from bytes at run time, and ORT always
// ends in WebAssembly.instantiate(bytes); so the .wasm is imported as a precompiled module (wrangler rule
// CompiledWasm), ORT is handed a marker object as its "binary", and the one instantiate call carrying the marker
// is answered with the precompiled module. ORT copies the "binary" before instantiating, so the marker is
// recognised by its bytes, not its identity. Measured in shared/notes/edge-onnx.md.
import * as ort from "onnxruntime-web/wasm";
import ortWasmModule from "onnxruntime-web/ort-wasm-simd-threaded.wasm";
import type { RunModel } from "../ranking/scorer/model-scorer.js";
import type { ModelManifest } from "../ranking/manifest.js";

// "serendip-ort-precompiled" in ASCII: no real wasm module starts like this (they start with "\0asm").
const WASM_MARKER = new TextEncoder().encode("serendip-ort-precompiled");

function isMarker(source: unknown): boolean {
  const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : ArrayBuffer.isView(source) ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength) : null;
  return bytes !== null && bytes.length === WASM_MARKER.length && bytes.every((b, i) => b === WASM_MARKER[i]);
}
let configured = false;

function configureOrt(): void {
  if (configured) return;
  configured = true;
  const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (...args: unknown[]) => Promise<unknown>;
  (WebAssembly as { instantiate: unknown }).instantiate = async (source: unknown, imports?: WebAssembly.Imports) => {
    if (isMarker(source)) {
      const instance = await WebAssembly.instantiate(ortWasmModule, imports);
      return { instance, module: ortWasmModule };
    }
    return instantiate(source, imports);
  };
  ort.env.wasm.wasmBinary = WASM_MARKER;
  // One thread: the only build shipped is SIMD+threads, and with one thread no Web Workers are started (workerd has none).
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = "error";
}

/** Creates an ORT session for the model bytes and returns the RunModel the ModelScorer needs. Throws when ORT
 * cannot parse the bytes. */
export async function createOrtRunModel(bytes: Uint8Array, manifest: ModelManifest): Promise<RunModel> {
  configureOrt();
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
  const missing = [manifest.inputs.features, manifest.outputs.score, manifest.outputs.hidden]
    .filter((name) => !session.inputNames.includes(name) && !session.outputNames.includes(name));
  if (missing.length > 0) throw new Error(`the model has no tensor named ${missing.join(", ")} (manifest and graph disagree)`);
  const featureCount = manifest.featureLayout.names.length;
  return async (features, rows) => {
    const input = new ort.Tensor("float32", features, [rows, featureCount]);
    const output = await session.run({ [manifest.inputs.features]: input }, [manifest.outputs.score, manifest.outputs.hidden]);
    const score = output[manifest.outputs.score]!.data as Float32Array;
    const hidden = output[manifest.outputs.hidden]!.data as Float32Array;
    input.dispose();
    return { score, hidden };
  };
}
