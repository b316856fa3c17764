// Settings shared by ingest (which fits the served collaborative factors) and the trainer (which fits the same
// factors on its training window), so both produce factors of the same kind.
export const DEFAULT_SEED = 7;
export const ALS_OPTIONS = { dimension: 16, lambda: 0.1, iterations: 10 } as const;
