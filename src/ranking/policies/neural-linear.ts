// What LinUCB and LinTS share: the NeuralLinear model of bandit-state.ts read for one request. The shared ranker
// supplies the representation (its last hidden layer) and a prior guess (its score); the user's Bayesian linear
// regression on that layer learns how this user's rewards deviate from the guess:
//   reward_i ~ score_i + x_i . w,   x_i = hidden_i / |hidden_i|,   w ~ N(A^-1 b, sigma^2 A^-1).
import { DEFAULT_BANDIT_PRIOR, linearPosterior, normaliseInto, priorLinearModel, type LinearPosterior } from "../bandit-state.js";
import { dot } from "../vectors.js";
import type { PolicyInput, SelectionPlan } from "./policy.js";

export interface NeuralLinearRequest {
  /** Posterior of w; the prior when the user has no state or its dimension is not the model's hiddenSize. */
  posterior: LinearPosterior;
  /** x_i, row-major [candidates, d]; a row with a non-finite value is zeroed (the model score alone decides it). */
  contexts: Float64Array;
  /** score_i + x_i . mean: the exploit utilities. */
  exploit: Float64Array;
}

/** The request's linear model, or null when the fallback scorer answered (no hidden layer). */
export function neuralLinearRequest({ scores, hidden, hiddenSize: d, bandit }: PolicyInput): NeuralLinearRequest | null {
  if (hidden === null || d === 0) return null;
  const linear = bandit?.linear.dimension === d ? bandit.linear : priorLinearModel(d, null, (bandit?.prior ?? DEFAULT_BANDIT_PRIOR).ridge);
  const posterior = linearPosterior(linear);
  const n = scores.length;
  const contexts = new Float64Array(n * d);
  const exploit = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = contexts.subarray(i * d, (i + 1) * d);
    if (!normaliseInto(hidden, i, d, x)) x.fill(0);
    exploit[i] = scores[i]! + dot(x, posterior.mean);
  }
  return { posterior, contexts, exploit };
}

/** The documented degradation when there is no hidden layer: greedy on the scores, reason "exploit:no-hidden". */
export function scoresOnlyPlan(scores: Float32Array, exploreReason: string): SelectionPlan {
  const exploit = Float64Array.from(scores);
  return { exploit, utilities: exploit, rule: { kind: "argmax" }, exploitReason: "exploit:no-hidden", exploreReason };
}
