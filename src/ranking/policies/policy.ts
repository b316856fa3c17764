// One interface for every way of turning scores into a slate. Each implementation lives in its own file and
// passes the shared contract test (test/unit/policy-contract.test.ts).

export type Random = () => number;

export interface PolicyInput {
  /** Model scores, one per candidate, higher is better. */
  scores: Float32Array;
  /** The model's last hidden layer, row-major [candidates, hiddenSize]; null when the fallback scorer answered. */
  hidden: Float32Array | null;
  hiddenSize: number;
  /** Slots to fill; at most scores.length. */
  k: number;
  random: Random;
}

export interface SlateEntry {
  /** Index of the candidate in the input. */
  index: number;
  score: number;
  /** Probability that this policy puts this candidate at this rank for this request, in (0, 1]. */
  propensity: number;
  explore: boolean;
  reason: string;
}

export interface Policy {
  readonly name: string;
  select(input: PolicyInput): SlateEntry[];
}

/** Candidate indices by descending score; ties keep input order so the result is deterministic. */
export function indicesByScore(scores: Float32Array): number[] {
  return Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
}
