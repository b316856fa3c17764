// Settings shared by ingest (which fits the served collaborative factors) and the trainer (which fits the same
// factors on its training window), so both produce factors of the same kind.
export const DEFAULT_SEED = 7;
// Implicit-feedback ALS (offline/als.ts). Chosen on the history -> training-label window only (recall@10 of each
// user's next ratings over the unseen catalogue; popularity scores 0.106 there): lambda 10 / alpha 2 gave 0.178,
// alpha 1 0.180, alpha 10 0.174, alpha 40 0.145; lambda 3-30 and 10-15 iterations within ±0.003; dimension 8 0.173,
// 32 no better than 16 at twice the time.
export const ALS_OPTIONS = { dimension: 16, lambda: 10, alpha: 2, iterations: 10 } as const;
