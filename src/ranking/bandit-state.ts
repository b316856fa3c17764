// A user's bandit state: what the exploring policies learn from that user's rewards between model retrains. Pure
// data (plain numbers and arrays), so the user's Durable Object can keep it as JSON or structured clone, and of
// fixed size whatever the number of events: clusterCount Beta pairs, one d x d matrix and one d-vector.
//
// Two models share one stream of observations (one per shown item, with the reward it earned):
// - Beta-Bernoulli per interest cluster c: rate_c ~ Beta(alpha_c, beta_c), for cluster Thompson sampling.
// - NeuralLinear: reward - modelScore ~ N(x . w, sigma^2) on x = the ranker's last hidden layer (L2-normalised),
//   with the ridge prior w ~ N(0, I / ridge); its posterior has precision A = ridge * I + sum x x^T and mean
//   A^-1 b with b = sum (reward - modelScore) x (Bayesian linear regression; LinUCB and LinTS read it).
//
// Both forget: each observation first scales the old evidence by gamma (`forgetting`) and moves the rest towards
// the prior, so the state follows a user whose interests shift, and the counts and A stay bounded:
//   alpha_c <- gamma alpha_c + (1 - gamma) alpha0 (+ r for the observed cluster), likewise beta_c with 1 - r,
//   A <- gamma A + (1 - gamma) ridge I + x x^T,   b <- gamma b + (reward - modelScore) x.
// A stays exactly symmetric (x_i x_j and x_j x_i are the same product), its smallest eigenvalue never drops below
// `ridge`, and its largest stays below ridge + 1 / (1 - gamma) because |x| <= 1: well conditioned after any number of
// updates, so it is factorised afresh (Cholesky, d^3 / 6 flops, under a microsecond for d = 16) when it is read
// instead of carrying an inverse whose rounding would drift.
import type { Random } from "./random.js";
import { gaussian } from "./random.js";

export interface BanditPrior {
  /** Beta prior of every cluster's reward rate (alpha0, beta0). */
  alpha: number;
  beta: number;
  /** Prior precision of the linear weights. */
  ridge: number;
  /** gamma in (0, 1]: weight left to old evidence after each observation; 1 never forgets. */
  forgetting: number;
}

/** Beta(1, 4) per cluster: a click rate of 0.2 worth five observations. A prior mean well above real click rates
 * (Beta(1, 1) says 0.5) would make every cluster the user has not seen lately look better than the ones they
 * click, and forgetting returns unseen clusters to the prior. Unit ridge; a memory of about 1 / (1 - 0.995) = 200
 * observations (the simulation in test/unit/simulation-bandits.test.ts compares these choices). */
export const DEFAULT_BANDIT_PRIOR: BanditPrior = { alpha: 1, beta: 4, ridge: 1, forgetting: 0.995 };

export interface LinearModelState {
  /** The model whose hidden layer the weights are on: hidden layers of different models are not comparable. */
  modelVersion: string | null;
  dimension: number;
  /** A, row-major d x d. */
  precision: number[];
  /** b, length d. */
  response: number[];
}

export interface BanditState {
  version: 1;
  prior: BanditPrior;
  clusterAlpha: number[];
  clusterBeta: number[];
  linear: LinearModelState;
  observations: number;
}

export interface BanditObservation {
  /** Interest cluster of the shown item, or null when unknown (the cluster counts are then left alone). */
  cluster: number | null;
  /** The item's hidden-layer row when it was served, or null (fallback scorer): the linear model is left alone. */
  hidden: ArrayLike<number> | null;
  /** The model score the item had when served: the linear model learns the reward's deviation from it. */
  score: number;
  /** The item's reward (live-state.ts eventReward; 0 for an impression that drew nothing). The Beta counts take
   * min(max(reward, 0), 1) as a fractional success. Report each shown item once, with its final reward. */
  reward: number;
}

const MAX_CLUSTERS = 4096;
const MAX_DIMENSION = 256;

export interface BanditShape {
  clusterCount: number;
  dimension: number;
  modelVersion?: string | null;
  prior?: Partial<BanditPrior>;
}

export function createBanditState({ clusterCount, dimension, modelVersion = null, prior = {} }: BanditShape): BanditState {
  const full = checkPrior({ ...DEFAULT_BANDIT_PRIOR, ...prior });
  checkInteger("clusterCount", clusterCount, 1, MAX_CLUSTERS);
  return {
    version: 1,
    prior: full,
    clusterAlpha: new Array<number>(clusterCount).fill(full.alpha),
    clusterBeta: new Array<number>(clusterCount).fill(full.beta),
    linear: priorLinearModel(dimension, modelVersion, full.ridge),
    observations: 0,
  };
}

/** The state for a request scored by `modelVersion` with `dimension` hidden units: unchanged when they match,
 * otherwise with the linear model back at its prior (the cluster counts do not depend on the model and are kept). */
export function alignBanditState(state: BanditState, modelVersion: string | null, dimension: number): BanditState {
  const { linear } = state;
  if (linear.modelVersion === modelVersion && linear.dimension === dimension) return state;
  return { ...state, linear: priorLinearModel(dimension, modelVersion, state.prior.ridge) };
}

/** The state after one observation; the input is not modified. */
export function updateBandit(state: BanditState, observation: BanditObservation): BanditState {
  const { cluster, hidden, score, reward } = observation;
  if (!Number.isFinite(reward)) throw new RangeError(`updateBandit: reward must be finite, got ${reward}`);
  if (!Number.isFinite(score)) throw new RangeError(`updateBandit: score must be finite, got ${score}`);
  const { alpha: alpha0, beta: beta0, ridge, forgetting: gamma } = state.prior;

  const clusterAlpha = state.clusterAlpha.map((a) => gamma * a + (1 - gamma) * alpha0);
  const clusterBeta = state.clusterBeta.map((b) => gamma * b + (1 - gamma) * beta0);
  if (cluster !== null) {
    checkInteger("cluster", cluster, 0, clusterAlpha.length - 1);
    const success = Math.min(Math.max(reward, 0), 1);
    clusterAlpha[cluster]! += success;
    clusterBeta[cluster]! += 1 - success;
  }

  let linear = state.linear;
  if (hidden !== null) {
    const d = linear.dimension;
    if (hidden.length !== d) throw new RangeError(`updateBandit: hidden has ${hidden.length} values, the linear model ${d}`);
    const x = new Float64Array(d);
    if (!normaliseInto(hidden, 0, d, x)) throw new RangeError("updateBandit: hidden must be finite");
    const residual = reward - score;
    const precision = linear.precision.slice();
    const response = linear.response.slice();
    for (let i = 0; i < d; i++) {
      response[i] = gamma * response[i]! + residual * x[i]!;
      for (let j = 0; j < d; j++) precision[i * d + j] = gamma * precision[i * d + j]! + x[i]! * x[j]!;
      precision[i * d + i]! += (1 - gamma) * ridge;
    }
    linear = { ...linear, precision, response };
  }
  return { ...state, clusterAlpha, clusterBeta, linear, observations: state.observations + 1 };
}

/** Writes row `row` of a row-major [rows, d] matrix into `out`, scaled to unit length (a zero row stays zero), so
 * the ridge and the exploration scales mean the same whatever the scale of a model's activations. Returns false
 * when the row holds a non-finite value. */
export function normaliseInto(matrix: ArrayLike<number>, row: number, d: number, out: Float64Array): boolean {
  let squares = 0;
  for (let i = 0; i < d; i++) {
    const v = matrix[row * d + i]!;
    out[i] = v;
    squares += v * v;
  }
  if (!Number.isFinite(squares)) return false;
  const scale = squares > 0 ? 1 / Math.sqrt(squares) : 0;
  for (let i = 0; i < d; i++) out[i]! *= scale;
  return true;
}

/** The linear model's posterior, factorised once per request. */
export interface LinearPosterior {
  dimension: number;
  /** Posterior mean of the weights, A^-1 b. */
  mean: Float64Array;
  /** Lower-triangular L with A = L L^T, row-major. */
  factor: Float64Array;
}

export function linearPosterior(linear: LinearModelState): LinearPosterior {
  const d = linear.dimension;
  const factor = cholesky(linear.precision, d);
  const mean = Float64Array.from(linear.response);
  forwardSubstitute(factor, d, mean);
  backSubstitute(factor, d, mean);
  return { dimension: d, mean, factor };
}

/** x^T A^-1 x = |L^-1 x|^2: the posterior variance of x . w in units of the noise variance. `scratch` has length d. */
export function posteriorVariance(posterior: LinearPosterior, x: Float64Array, scratch: Float64Array): number {
  scratch.set(x);
  forwardSubstitute(posterior.factor, posterior.dimension, scratch);
  let sum = 0;
  for (let i = 0; i < posterior.dimension; i++) sum += scratch[i]! * scratch[i]!;
  return sum;
}

/** A draw of the weights from N(mean, scale^2 A^-1): mean + scale L^-T z with z standard normal, because
 * Cov(L^-T z) = L^-T L^-1 = A^-1. */
export function sampleWeights(posterior: LinearPosterior, random: Random, scale: number): Float64Array {
  const d = posterior.dimension;
  const draw = new Float64Array(d);
  for (let i = 0; i < d; i++) draw[i] = gaussian(random);
  backSubstitute(posterior.factor, d, draw);
  for (let i = 0; i < d; i++) draw[i] = posterior.mean[i]! + scale * draw[i]!;
  return draw;
}

/** Lower-triangular Cholesky factor of a symmetric positive definite row-major d x d matrix. */
export function cholesky(matrix: ArrayLike<number>, d: number): Float64Array {
  const factor = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * d + j]!;
      for (let k = 0; k < j; k++) sum -= factor[i * d + k]! * factor[j * d + k]!;
      if (i === j) {
        if (!(sum > 0)) throw new RangeError(`cholesky: the matrix is not positive definite (pivot ${i} is ${sum})`);
        factor[i * d + i] = Math.sqrt(sum);
      } else {
        factor[i * d + j] = sum / factor[j * d + j]!;
      }
    }
  }
  return factor;
}

/** Solves L y = v in place. */
function forwardSubstitute(factor: Float64Array, d: number, v: Float64Array): void {
  for (let i = 0; i < d; i++) {
    let sum = v[i]!;
    for (let k = 0; k < i; k++) sum -= factor[i * d + k]! * v[k]!;
    v[i] = sum / factor[i * d + i]!;
  }
}

/** Solves L^T y = v in place. */
function backSubstitute(factor: Float64Array, d: number, v: Float64Array): void {
  for (let i = d - 1; i >= 0; i--) {
    let sum = v[i]!;
    for (let k = i + 1; k < d; k++) sum -= factor[k * d + i]! * v[k]!;
    v[i] = sum / factor[i * d + i]!;
  }
}

/** The linear model before any observation: A = ridge * I, b = 0. */
export function priorLinearModel(dimension: number, modelVersion: string | null, ridge: number): LinearModelState {
  checkInteger("dimension", dimension, 0, MAX_DIMENSION);
  const precision = new Array<number>(dimension * dimension).fill(0);
  for (let i = 0; i < dimension; i++) precision[i * dimension + i] = ridge;
  return { modelVersion, dimension, precision, response: new Array<number>(dimension).fill(0) };
}

function checkPrior(prior: BanditPrior): BanditPrior {
  for (const [name, value] of [["alpha", prior.alpha], ["beta", prior.beta], ["ridge", prior.ridge]] as const) {
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`bandit prior: ${name} must be a positive number, got ${value}`);
  }
  if (!(prior.forgetting > 0 && prior.forgetting <= 1)) {
    throw new RangeError(`bandit prior: forgetting must be in (0, 1], got ${prior.forgetting}`);
  }
  return { alpha: prior.alpha, beta: prior.beta, ridge: prior.ridge, forgetting: prior.forgetting };
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`bandit state: ${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}
