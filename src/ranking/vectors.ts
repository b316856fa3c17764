// Small dense-vector helpers shared by the feature builder, the profile builder and the trainer.

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`dot: vector lengths differ (${a.length} vs ${b.length})`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** Cosine similarity; 0 when either vector is missing or zero. */
export function cosine(a: ArrayLike<number> | null, b: ArrayLike<number> | null): number {
  if (a === null || b === null) return 0;
  const denominator = norm(a) * norm(b);
  return denominator === 0 ? 0 : dot(a, b) / denominator;
}

/** Mean of equally long vectors, or null for none. */
export function meanVector(vectors: readonly ArrayLike<number>[]): Float32Array | null {
  if (vectors.length === 0) return null;
  const out = new Float32Array(vectors[0]!.length);
  for (const v of vectors) for (let i = 0; i < out.length; i++) out[i]! += v[i]! / vectors.length;
  return out;
}

// Vectors are stored as base64 of little-endian float32: a third of the size of JSON text and exact.
export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function decodeBase64(encoded: string): Uint8Array {
  const binary = atob(encoded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function encodeVector(vector: Float32Array): string {
  return encodeBase64(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
}

export function decodeVector(encoded: string): Float32Array {
  return new Float32Array(decodeBase64(encoded).buffer);
}

/** A seeded Gaussian random projection matrix [inputDimension x outputDimension], scaled so dot products are
 * preserved in expectation (Johnson-Lindenstrauss): cosines of the projected vectors approximate the originals. */
export function randomProjection(inputDimension: number, outputDimension: number, random: () => number): Float32Array {
  const matrix = new Float32Array(inputDimension * outputDimension);
  const scale = 1 / Math.sqrt(outputDimension);
  for (let i = 0; i < matrix.length; i += 2) {
    // Box-Muller gives two independent normals per pair of uniforms.
    const u = 1 - random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u)) * scale;
    matrix[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < matrix.length) matrix[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return matrix;
}

export function project(vector: ArrayLike<number>, matrix: Float32Array, outputDimension: number): Float32Array {
  const out = new Float32Array(outputDimension);
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i]!;
    if (x === 0) continue;
    const row = i * outputDimension;
    for (let o = 0; o < outputDimension; o++) out[o]! += x * matrix[row + o]!;
  }
  return out;
}
