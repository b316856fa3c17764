// Action distributions pi_e(a | k) of slate policies that ignore the context (one-round tables, see types.ts): the
// uniform random slate, Bernoulli Thompson sampling's top-k by Monte Carlo (what OBP's
// BernoulliTS.compute_batch_action_dist does), and per-slot epsilon-greedy exactly.
import { sampleBeta } from "../policies/thompson.js";
import type { Random } from "../random.js";
import { OpeInputError, type ActionDist } from "./types.js";

/** Every action equally likely at every position: 1 / actions (the marginal of a uniformly random slate of
 * distinct items, too). */
export function uniformActionDist(actions: number, positions: number): ActionDist {
  checkShape(actions, positions);
  return { rounds: 1, actions, positions, values: new Float64Array(actions * positions).fill(1 / actions) };
}

export interface MonteCarloOptions {
  draws: number;
  random: Random;
  /** Called now and then with the draws done so far. */
  onProgress?: (done: number, total: number) => void;
}

/** Monte Carlo action distribution of a randomised slate: draw `draws` slates (drawSlate fills out[k] with the action
 * at position k) and count, pi(a | k) = #{slates with a at k} / draws. */
export function monteCarloActionDist(
  actions: number, positions: number, drawSlate: (random: Random, out: Int32Array) => void, { draws, random, onProgress }: MonteCarloOptions,
): ActionDist {
  checkShape(actions, positions);
  if (!Number.isInteger(draws) || draws < 1) throw new OpeInputError("draws", `${draws} must be a positive integer`);
  const counts = new Float64Array(actions * positions);
  const slate = new Int32Array(positions);
  const every = Math.max(1, Math.floor(draws / 100));
  for (let d = 0; d < draws; d++) {
    drawSlate(random, slate);
    for (let k = 0; k < positions; k++) counts[slate[k]! * positions + k]! += 1;
    if (onProgress !== undefined && ((d + 1) % every === 0 || d + 1 === draws)) onProgress(d + 1, draws);
  }
  for (let i = 0; i < counts.length; i++) counts[i]! /= draws;
  return { rounds: 1, actions, positions, values: counts };
}

/** Bernoulli Thompson sampling over a slate: per draw theta_a ~ Beta(alpha_a, beta_a) for every action, and the
 * `positions` largest in order fill positions 0, 1, ... (ties: the lower index). */
export function betaTopKActionDist(alpha: ArrayLike<number>, beta: ArrayLike<number>, positions: number, options: MonteCarloOptions): ActionDist {
  const actions = alpha.length;
  if (beta.length !== actions) throw new OpeInputError("beta", `length ${beta.length} differs from alpha's ${actions}`);
  for (let a = 0; a < actions; a++) {
    if (!(alpha[a]! > 0 && Number.isFinite(alpha[a]!))) throw new OpeInputError("alpha", `alpha[${a}] = ${alpha[a]} must be a positive number`);
    if (!(beta[a]! > 0 && Number.isFinite(beta[a]!))) throw new OpeInputError("beta", `beta[${a}] = ${beta[a]} must be a positive number`);
  }
  if (positions > actions) throw new OpeInputError("positions", `${positions} positions need at least as many actions; there are ${actions}`);
  const theta = new Float64Array(actions);
  return monteCarloActionDist(actions, positions, (random, out) => {
    for (let a = 0; a < actions; a++) theta[a] = sampleBeta(random, alpha[a]!, beta[a]!);
    topIndicesInto(theta, out);
  }, options);
}

/** The out.length largest entries of values, best first (ties: the lower index). */
export function topIndicesInto(values: ArrayLike<number>, out: Int32Array): void {
  for (let k = 0; k < out.length; k++) {
    let best = -1;
    for (let a = 0; a < values.length; a++) {
      if (best >= 0 && !(values[a]! > values[best]!)) continue;
      let taken = false;
      for (let j = 0; j < k; j++) if (out[j] === a) { taken = true; break; }
      if (!taken) best = a;
    }
    out[k] = best;
  }
}

/** Per-slot epsilon-greedy over fixed scores (as src/ranking/policies/epsilon-greedy.ts): each position in turn takes,
 * with probability epsilon, a uniformly random action not yet placed, otherwise the best-scored one not yet placed
 * (ties: the lower index). Exact, by enumerating the actions placed before each position: at the first position
 *   pi(a | 0) = epsilon / A + (1 - epsilon) [a = best].
 * Cost grows as A^(positions - 1); fine for slates of a few positions. */
export function epsilonGreedyActionDist(scores: ArrayLike<number>, epsilon: number, positions: number): ActionDist {
  const actions = scores.length;
  checkShape(actions, positions);
  if (!(epsilon >= 0 && epsilon <= 1)) throw new OpeInputError("epsilon", `${epsilon} must be in [0, 1]`);
  if (positions > actions) throw new OpeInputError("positions", `${positions} positions need at least as many actions; there are ${actions}`);
  for (let a = 0; a < actions; a++) if (!Number.isFinite(scores[a]!)) throw new OpeInputError("scores", `scores[${a}] = ${scores[a]} is not finite`);
  const order = Array.from({ length: actions }, (_, a) => a).sort((x, y) => scores[y]! - scores[x]! || x - y);
  const values = new Float64Array(actions * positions);
  const taken = new Uint8Array(actions);
  const visit = (k: number, probability: number): void => {
    if (k === positions || probability === 0) return;
    const free = actions - k;
    const greedy = order.find((a) => taken[a] === 0)!;
    for (let a = 0; a < actions; a++) {
      if (taken[a] === 1) continue;
      const p = probability * (epsilon / free + (a === greedy ? 1 - epsilon : 0));
      values[a * positions + k]! += p;
      taken[a] = 1;
      visit(k + 1, p);
      taken[a] = 0;
    }
  };
  visit(0, 1);
  return { rounds: 1, actions, positions, values };
}

function checkShape(actions: number, positions: number): void {
  if (!Number.isInteger(actions) || actions < 1) throw new OpeInputError("actions", `${actions} must be a positive integer`);
  if (!Number.isInteger(positions) || positions < 1) throw new OpeInputError("positions", `${positions} must be a positive integer`);
}
