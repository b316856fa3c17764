// Content vectors for a list of texts: cached ones from disk, the rest encoded in batches with a progress bar.
import { SingleBar, Presets } from "cli-progress";
import { EmbeddingCache, TextEncoder512 } from "./text-encoder.js";

const BATCH = 64;

export async function contentVectors(texts: readonly string[], cacheFile: string): Promise<Float32Array[]> {
  const cache = new EmbeddingCache(cacheFile);
  const missing = [...new Set(texts.filter((text) => cache.get(text) === undefined))];
  if (missing.length > 0) {
    const encoder = await TextEncoder512.load();
    const bar = new SingleBar({ format: "encoding item texts [{bar}] {value}/{total} {eta_formatted} left", clearOnComplete: false }, Presets.shades_classic);
    bar.start(missing.length, 0);
    for (let start = 0; start < missing.length; start += BATCH) {
      const batch = missing.slice(start, start + BATCH);
      const vectors = await encoder.embed(batch);
      batch.forEach((text, i) => cache.set(text, vectors[i]!));
      bar.increment(batch.length);
    }
    bar.stop();
    cache.save();
  }
  return texts.map((text) => cache.get(text)!);
}
