import { ApiError } from "../errors.js";

/** The catalogue's configured vector dimensions (wrangler.toml vars). */
export function dimensions(env: Env): { content: number; collab: number } {
  return { content: Number(env.CONTENT_DIMENSION), collab: Number(env.COLLAB_DIMENSION) };
}

export function checkDimension(list: string, index: number, field: string, vector: readonly number[] | undefined, expected: number): void {
  if (vector !== undefined && vector.length !== expected) {
    const path = `${list}[${index}].${field}`;
    const message = `has ${vector.length} values; the catalogue's dimension is ${expected}`;
    throw new ApiError("INVALID_REQUEST", `${path}: ${message}`, [{ index, field: path, message }]);
  }
}
