// Slate construction: turns a policy's plan into k ranked items under the variant's rules, and says for every
// served item how likely this whole process was to put it at that rank.
//
// The process, for one request:
// 1. Fatigue (a filter, applied before the policy sees anything): consumed items are dropped; an item shown
//    `fatigueImpressions` times without engagement, or dismissed, is dropped until `restMs` has passed since that
//    impression or dismissal. A slate can therefore be shorter than k when fewer eligible candidates remain.
// 2. Cold boost: `coldBoost` is added to the score of every cold item younger than `coldMaxAgeMs`, so new items
//    get impressions before they have the interactions that would earn them a high score.
// 3. Candidate pool: the policy only sees the `candidatePool` best (boosted) scores; the rest have propensity 0 at
//    every rank and are never shown. This bounds the cost of 1000-candidate requests.
// 4. Slots, one after another, from the policy's plan. With u the plan's utilities, e its exploit utilities and
//    S the items already placed, an item's diversity-adjusted value is (MMR, divided by lambda so the plan's
//    softmax temperature keeps its meaning)
//        v_i = u_i - (1 - lambda) / lambda * max(0, max over j in S of cos(content_i, content_j)).
//    The exploit choice is the argmax of the adjusted e; the plan's slot rule proposes an item from the adjusted u.
//    A slot is exploratory when its item differs from the exploit choice, and at most ceil(explorationBudget * k)
//    slots may be: once they are used, every further slot takes the exploit choice.
// 5. Propensities: p(item i at rank r) = the marginal probability of that event over all of the process's
//    randomness. Exactly 1 for a deterministic process (fixed utilities with the argmax rule, or no budget), the
//    closed form at the first slot of the epsilon and softmax rules (below), and otherwise a Monte Carlo estimate:
//    the process is run again `propensityDraws` (D) times on a separate stream, and
//        p_hat = (1 + number of draws that put i at rank r) / (D + 1),
//    the served slate counting as one more draw, so an estimate is never 0. Its standard error is at most
//    0.5 / sqrt(D + 1): 0.031 at the default D = 256. The draws dominate a request's cost: each is one run of the
//    slots (k short scans of the pool) plus the policy's own draw (Thompson: one Beta per cluster among the
//    candidates; LinTS: pool x hiddenSize multiply-adds). test/unit/policy-cost.test.ts measures it.
import { norm } from "./vectors.js";
import { seededRandom } from "./random.js";
import type { CandidateFacts, Policy, PolicyInput, Random, SelectionPlan, SlateEntry } from "./policies/policy.js";

export interface SlateConfig {
  /** Largest share of the k slots that may hold an exploratory item: at most ceil(explorationBudget * k). */
  explorationBudget: number;
  /** Added to the score of a cold item younger than coldMaxAgeMs (scores are click probabilities). */
  coldBoost: number;
  coldMaxAgeMs: number;
  /** Impressions without engagement after which an item rests. */
  fatigueImpressions: number;
  /** How long a fatigued or dismissed item rests, from its last impression or dismissal. */
  restMs: number;
  /** MMR trade-off in (0, 1]: 1 ranks by relevance alone, smaller values penalise items similar to those above. */
  diversityLambda: number;
  /** Stochastic policies see only this many of the best-scored candidates. */
  candidatePool: number;
  /** Monte Carlo draws per request for the propensities that have no closed form. */
  propensityDraws: number;
}

const DAY_MS = 86_400_000;

export const DEFAULT_SLATE_CONFIG: Readonly<SlateConfig> = Object.freeze({
  explorationBudget: 0.2,
  coldBoost: 0.05,
  coldMaxAgeMs: 7 * DAY_MS,
  fatigueImpressions: 3,
  restMs: 3 * DAY_MS,
  diversityLambda: 0.9,
  candidatePool: 100,
  propensityDraws: 256,
});

/** A policy on its own: every slot may explore, no cold boost, no diversity (fatigue still filters when given). */
export const POLICY_ONLY_SLATE_CONFIG: Readonly<SlateConfig> = Object.freeze({
  ...DEFAULT_SLATE_CONFIG, explorationBudget: 1, coldBoost: 0, diversityLambda: 1,
});

type FieldCheck = (value: number) => string | null;
const between = (min: number, max: number): FieldCheck => (v) => (v >= min && v <= max ? null : `must be in [${min}, ${max}]`);
const integerBetween = (min: number, max: number): FieldCheck => (v) => (Number.isInteger(v) && v >= min && v <= max ? null : `must be an integer in [${min}, ${max}]`);
const SLATE_FIELDS: Readonly<Record<keyof SlateConfig, FieldCheck>> = {
  explorationBudget: between(0, 1),
  coldBoost: between(0, 1),
  coldMaxAgeMs: between(0, 3650 * DAY_MS),
  fatigueImpressions: integerBetween(1, 1000),
  restMs: between(0, 3650 * DAY_MS),
  diversityLambda: (v) => (v > 0 && v <= 1 ? null : "must be in (0, 1]"),
  candidatePool: integerBetween(1, 10_000),
  propensityDraws: integerBetween(1, 100_000),
};

/** A validated config: the given fields over the defaults. Throws an Error naming the first bad field and why. */
export function parseSlateConfig(raw: unknown): SlateConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error("slate config: must be an object");
  const config: SlateConfig = { ...DEFAULT_SLATE_CONFIG };
  for (const [field, value] of Object.entries(raw)) {
    if (!Object.hasOwn(SLATE_FIELDS, field)) throw new Error(`slate config: ${field}: unknown field`);
    const name = field as keyof SlateConfig;
    if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`slate config: ${field}: must be a finite number`);
    const problem = SLATE_FIELDS[name](value);
    if (problem !== null) throw new Error(`slate config: ${field}: ${problem}, got ${value}`);
    config[name] = value;
  }
  return config;
}

/** Largest number of exploratory slots among k; the epsilon guards against 0.3 * 10 = 3.0000000000000004. */
export function explorationSlots(budget: number, k: number): number {
  return Math.max(0, Math.ceil(budget * k - 1e-9));
}

/** A policy wrapped in the variant's slate rules: what a variant serves. */
export class SlatePolicy implements Policy {
  readonly name: string;

  constructor(readonly policy: Policy, readonly config: SlateConfig = DEFAULT_SLATE_CONFIG) {
    this.name = policy.name;
  }

  plan(input: PolicyInput): SelectionPlan {
    return this.policy.plan(input);
  }

  select(input: PolicyInput): SlateEntry[] {
    return buildSlate(this.policy, input, this.config);
  }
}

/** The served slate with propensities (see the top of this file for the process). */
export function buildSlate(policy: Policy, input: PolicyInput, config: SlateConfig): SlateEntry[] {
  const run = prepareRun(policy, input, config);
  const { pool, plan, k } = run;
  const served = new Int32Array(k);
  const explored = new Uint8Array(k);
  const reasons: string[] = [];
  runSlots(run, drawUtilities(plan, input.random), input.random, served, explored, reasons);

  const propensities = exactPropensities(run, served);
  if (propensities.some((p) => p === null)) {
    const random = input.propensityRandom ?? seededRandom(Math.floor(input.random() * 4294967296));
    const matches = new Array<number>(k).fill(0);
    const draw = new Int32Array(k);
    for (let d = 0; d < config.propensityDraws; d++) {
      runSlots(run, drawUtilities(plan, random), random, draw, null, null);
      for (let r = 0; r < k; r++) if (draw[r] === served[r]) matches[r]!++;
    }
    for (let r = 0; r < k; r++) propensities[r] ??= (matches[r]! + 1) / (config.propensityDraws + 1);
  }

  return Array.from(served, (slot, r) => ({
    index: pool[slot]!, score: input.scores[pool[slot]!]!, propensity: propensities[r]!,
    explore: explored[r] === 1, reason: reasons[r]!,
  }));
}

/** Monte Carlo estimate of the whole per-slot distribution, for tests and offline evaluation: row r, column i is
 * the share of `draws` runs that put candidate i (input index) at rank r. Rows of a deterministic process are exact. */
export function slotDistributions(policy: Policy, input: PolicyInput, config: SlateConfig, draws: number, random: Random): Float64Array[] {
  const run = prepareRun(policy, input, config);
  const rows = Array.from({ length: run.k }, () => new Float64Array(input.scores.length));
  const draw = new Int32Array(run.k);
  const runs = run.maxExplore === 0 || isDeterministic(run.plan) ? 1 : draws;
  for (let d = 0; d < runs; d++) {
    runSlots(run, drawUtilities(run.plan, random), random, draw, null, null);
    for (let r = 0; r < run.k; r++) rows[r]![run.pool[draw[r]!]!]! += 1 / runs;
  }
  return rows;
}

/** Everything the slot process needs, computed once per request and shared by the served run and every draw. */
interface SlateRun {
  /** Input indices of the candidates the policy saw, ascending (so ties go to the earlier candidate). */
  pool: Int32Array;
  plan: SelectionPlan;
  k: number;
  maxExplore: number;
  /** Pool indices by descending exploit utility (ties: lower index first). */
  exploitOrder: Int32Array;
  /** Pool-indexed: the item got the cold boost. */
  boosted: Uint8Array;
  diversity: Diversity | null;
  softmax: SoftmaxWeights | null;
  /** Scratch for one run of the slots. */
  taken: Uint8Array;
}

function prepareRun(policy: Policy, input: PolicyInput, config: SlateConfig): SlateRun {
  const { scores, hidden, hiddenSize, clusters, candidates } = input;
  const n = scores.length;
  if (!Number.isInteger(input.k) || input.k < 0) throw new RangeError(`slate: k must be a non-negative integer, got ${input.k}`);
  if (hidden !== null && hidden.length !== n * hiddenSize) throw new RangeError(`slate: hidden has ${hidden.length} values, not ${n} x ${hiddenSize}`);
  if (clusters !== undefined && clusters.length !== n) throw new RangeError(`slate: ${clusters.length} clusters for ${n} candidates`);
  if (candidates !== undefined && candidates.length !== n) throw new RangeError(`slate: ${candidates.length} candidate facts for ${n} candidates`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(scores[i])) throw new RangeError(`slate: scores[${i}] is ${scores[i]}, not finite`);

  const boostedScore = new Float64Array(n);
  const boosted = new Uint8Array(n);
  const eligible: number[] = [];
  for (let i = 0; i < n; i++) {
    const facts = candidates?.[i];
    if (facts !== undefined && isResting(facts, config)) continue;
    boosted[i] = facts !== undefined && isBoosted(facts, config) ? 1 : 0;
    boostedScore[i] = scores[i]! + boosted[i]! * config.coldBoost;
    eligible.push(i);
  }
  const pool = Int32Array.from(eligible.length <= config.candidatePool
    ? eligible
    : eligible.sort((a, b) => boostedScore[b]! - boostedScore[a]! || a - b).slice(0, config.candidatePool).sort((a, b) => a - b));

  const m = pool.length;
  const k = Math.min(input.k, m);
  let poolHidden: Float32Array | null = null;
  if (hidden !== null) {
    poolHidden = new Float32Array(m * hiddenSize);
    pool.forEach((i, p) => poolHidden!.set(hidden.subarray(i * hiddenSize, (i + 1) * hiddenSize), p * hiddenSize));
  }
  const plan = policy.plan({
    scores: Float32Array.from(pool, (i) => boostedScore[i]!),
    hidden: poolHidden,
    hiddenSize,
    k,
    random: input.random,
    ...(clusters === undefined ? {} : { clusters: Int32Array.from(pool, (i) => clusters[i]!) }),
    ...(input.bandit === undefined ? {} : { bandit: input.bandit }),
    ...(candidates === undefined ? {} : { candidates: Array.from(pool, (i) => candidates[i]!) }),
  });
  if (plan.exploit.length !== m) throw new RangeError(`slate: ${policy.name} planned ${plan.exploit.length} utilities for ${m} candidates`);

  const lambda = config.diversityLambda;
  const vectors = candidates === undefined ? [] : Array.from(pool, (i) => candidates[i]!.contentVector);
  const diversity = lambda < 1 && vectors.some((v) => v !== null) ? new Diversity(vectors, (1 - lambda) / lambda) : null;
  const exploitOrder = Int32Array.from(pool.keys()).sort((a, b) => plan.exploit[b]! - plan.exploit[a]! || a - b);
  return {
    pool, plan, k, exploitOrder, diversity,
    maxExplore: explorationSlots(config.explorationBudget, k),
    boosted: Uint8Array.from(pool, (i) => boosted[i]!),
    softmax: plan.rule.kind === "softmax" ? new SoftmaxWeights(m, plan.rule.temperature) : null,
    taken: new Uint8Array(m),
  };
}

function isResting(facts: CandidateFacts, config: SlateConfig): boolean {
  const fatigue = facts.fatigue;
  if (fatigue === undefined) return false;
  if (fatigue.consumed) return true;
  const recent = (ms: number | null) => ms !== null && ms < config.restMs;
  return (fatigue.unengagedImpressions >= config.fatigueImpressions && recent(fatigue.msSinceImpression)) || recent(fatigue.msSinceDismiss);
}

function isBoosted(facts: CandidateFacts, config: SlateConfig): boolean {
  return config.coldBoost > 0 && facts.cold && facts.ageMs < config.coldMaxAgeMs;
}

/** The MMR penalty weight * max(0, max over placed j of cos(i, j)), kept lazily: an item's penalty is brought up to
 * date only when a slot needs it, and a pair's similarity is computed once per request (draws keep placing the same
 * few items). Cosines come from unit-length copies of the vectors in one contiguous array. */
class Diversity {
  private readonly units: Float32Array;
  private readonly dimension: number;
  /** similarities[j][i] for a placed item j, NaN until computed. */
  private readonly similarities: (Float64Array | undefined)[];
  private readonly penalty: Float64Array;
  /** How many of the placed items penalty[i] accounts for. */
  private readonly accounted: Int32Array;
  private readonly placed: Int32Array;
  private placedCount = 0;

  constructor(vectors: (Float32Array | null)[], private readonly weight: number) {
    const m = vectors.length;
    this.dimension = vectors.find((v) => v !== null)!.length;
    this.units = new Float32Array(m * this.dimension);
    vectors.forEach((v, i) => {
      if (v === null) return;
      if (v.length !== this.dimension) throw new RangeError(`slate: content vectors of ${v.length} and ${this.dimension} values`);
      const length = norm(v);
      // A zero or non-finite vector is treated like a missing one: similar to nothing.
      if (length > 0 && Number.isFinite(length)) for (let j = 0; j < v.length; j++) this.units[i * this.dimension + j] = v[j]! / length;
    });
    this.similarities = new Array(m);
    this.penalty = new Float64Array(m);
    this.accounted = new Int32Array(m);
    this.placed = new Int32Array(m);
  }

  reset(): void {
    this.penalty.fill(0);
    this.accounted.fill(0);
    this.placedCount = 0;
  }

  place(item: number): void {
    this.placed[this.placedCount++] = item;
  }

  penaltyOf(i: number): number {
    const { penalty, accounted, placed } = this;
    while (accounted[i]! < this.placedCount) {
      const similarity = this.similarity(placed[accounted[i]!]!, i);
      if (similarity > penalty[i]!) penalty[i] = similarity;
      accounted[i]!++;
    }
    return penalty[i]!;
  }

  private similarity(j: number, i: number): number {
    let row = this.similarities[j];
    if (row === undefined) this.similarities[j] = row = new Float64Array(this.penalty.length).fill(NaN);
    let value = row[i]!;
    if (Number.isNaN(value)) {
      const { units, dimension: d } = this;
      let cos = 0;
      for (let t = 0; t < d; t++) cos += units[j * d + t]! * units[i * d + t]!;
      row[i] = value = this.weight * Math.max(0, cos);
    }
    return value;
  }
}

/** Softmax weights exp((u_i - max u) / T) of the request's utilities and their total over the free items, kept
 * as items are taken, so a draw costs one pass of additions rather than one exponential per item. */
class SoftmaxWeights {
  private readonly weights: Float64Array;
  /** Weights computed afresh for one draw (scratch). */
  private readonly fresh: Float64Array;
  private utilities: Float64Array = new Float64Array(0);
  private allTotal = 0;
  private freeTotal = 0;

  constructor(m: number, private readonly temperature: number) {
    this.weights = new Float64Array(m);
    this.fresh = new Float64Array(m);
  }

  reset(utilities: Float64Array): void {
    if (utilities !== this.utilities) {
      this.utilities = utilities;
      let top = -Infinity;
      for (let i = 0; i < utilities.length; i++) top = Math.max(top, utilities[i]!);
      this.allTotal = 0;
      for (let i = 0; i < utilities.length; i++) this.allTotal += this.weights[i] = Math.exp((utilities[i]! - top) / this.temperature);
    }
    this.freeTotal = this.allTotal;
  }

  take(i: number): void {
    this.freeTotal -= this.weights[i]!;
  }

  /** A free item with probability proportional to exp(u_i / T). Once the heaviest items are taken, what is left of
   * the running total may be mostly rounding error (or the weights may have underflowed): then it draws afresh. */
  sample(taken: Uint8Array, random: Random): number {
    if (!(this.freeTotal > 1e-6 * this.allTotal)) return this.sampleFresh(taken, random, null);
    let target = random() * this.freeTotal;
    let last = -1;
    for (let i = 0; i < this.weights.length; i++) {
      if (taken[i] === 1) continue;
      target -= this.weights[i]!;
      last = i;
      if (target < 0) return i;
    }
    return last; // rounding left a sliver of `target`: the last free item takes it
  }

  /** A free item with probability proportional to exp((u_i - penalty_i) / T): by rejection from `sample` (accept
   * with probability exp(-penalty_i / T) <= 1, which leaves exactly that distribution), so only proposed items need
   * their penalty; after 32 rejections (heavy penalties) it computes every weight. */
  samplePenalised(taken: Uint8Array, random: Random, diversity: Diversity): number {
    for (let attempt = 0; attempt < 32; attempt++) {
      const i = this.sample(taken, random);
      if (random() < Math.exp(-diversity.penaltyOf(i) / this.temperature)) return i;
    }
    return this.sampleFresh(taken, random, diversity);
  }

  /** Draws from exp((u_i - penalty_i - max) / T) over the free items, every weight computed for this draw. */
  private sampleFresh(taken: Uint8Array, random: Random, diversity: Diversity | null): number {
    const { utilities, fresh } = this;
    let top = -Infinity;
    for (let i = 0; i < fresh.length; i++) {
      fresh[i] = taken[i] === 1 ? -Infinity : utilities[i]! - (diversity === null ? 0 : diversity.penaltyOf(i));
      top = Math.max(top, fresh[i]!);
    }
    let total = 0;
    for (let i = 0; i < fresh.length; i++) total += fresh[i] = Math.exp((fresh[i]! - top) / this.temperature);
    let target = random() * total;
    let last = -1;
    for (let i = 0; i < fresh.length; i++) {
      if (taken[i] === 1) continue;
      target -= fresh[i]!;
      last = i;
      if (target < 0) return i;
    }
    return last;
  }
}

function drawUtilities(plan: SelectionPlan, random: Random): Float64Array {
  return typeof plan.utilities === "function" ? plan.utilities(random) : plan.utilities;
}

/** Runs the slot process once, writing pool indices into `out`; with `explored` and `reasons`, also why each is there. */
function runSlots(run: SlateRun, utilities: Float64Array, random: Random, out: Int32Array, explored: Uint8Array | null, reasons: string[] | null): void {
  const { plan, taken, diversity, softmax, exploitOrder } = run;
  taken.fill(0);
  diversity?.reset();
  softmax?.reset(utilities);
  // Utilities other than the exploit ones (a posterior draw, an optimistic bound) are only asked for their best free
  // item, which is among their k best (fewer than k are taken), so a partial order of k items replaces a sort.
  const order = utilities === plan.exploit ? exploitOrder : topIndices(utilities, run.k);
  let explorations = 0;
  for (let r = 0; r < run.k; r++) {
    const exploitChoice = bestFree(plan.exploit, exploitOrder, taken, diversity);
    let choice = exploitChoice;
    if (explorations < run.maxExplore) {
      choice = propose(run, utilities, order, exploitChoice, run.pool.length - r, random);
      if (choice !== exploitChoice) explorations++;
    }
    out[r] = choice;
    if (explored !== null && reasons !== null) {
      const explore = choice !== exploitChoice;
      explored[r] = explore ? 1 : 0;
      reasons.push(explore ? plan.exploreReason
        : diversity !== null && choice !== bestFree(plan.exploit, exploitOrder, taken, null) ? "diversity"
        : run.boosted[choice] === 1 ? "cold-boost"
        : plan.exploitReason);
    }
    taken[choice] = 1;
    softmax?.take(choice);
    diversity?.place(choice);
  }
}

/** The slot rule's pick among the `free` candidates, on the diversity-adjusted utilities (`order`: see bestFree). */
function propose(run: SlateRun, utilities: Float64Array, order: Int32Array, exploitChoice: number, free: number, random: Random): number {
  const { plan, taken, diversity } = run;
  const rule = plan.rule;
  switch (rule.kind) {
    case "argmax":
      return utilities === plan.exploit ? exploitChoice : bestFree(utilities, order, taken, diversity);
    case "epsilon":
      if (random() < rule.epsilon) return nthFree(taken, Math.floor(random() * free));
      return utilities === plan.exploit ? exploitChoice : bestFree(utilities, order, taken, diversity);
    case "softmax":
      return diversity === null ? run.softmax!.sample(taken, random) : run.softmax!.samplePenalised(taken, random, diversity);
  }
}

/** The free candidate with the largest value minus diversity penalty; ties go to the lower index. `order` lists
 * candidates by descending value (ties: lower index first), all of them or a prefix. Penalties are never negative,
 * so the scan stops at the first value below the best adjusted value found: nothing after it can win. */
function bestFree(values: Float64Array, order: Int32Array, taken: Uint8Array, diversity: Diversity | null): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let p = 0; p < order.length; p++) {
    const i = order[p]!;
    if (taken[i] === 1) continue;
    if (values[i]! < bestValue) return best;
    if (diversity === null) return i;
    const value = values[i]! - diversity.penaltyOf(i);
    if (value > bestValue || (value === bestValue && i < best)) {
      best = i;
      bestValue = value;
    }
  }
  if (order.length === values.length) return best;
  // The prefix ran out before the scan could stop: look at everything (only under heavy diversity penalties).
  for (let i = 0; i < values.length; i++) {
    if (taken[i] === 1 || values[i]! < bestValue) continue;
    const value = values[i]! - (diversity === null ? 0 : diversity.penaltyOf(i));
    if (value > bestValue || (value === bestValue && i < best)) {
      best = i;
      bestValue = value;
    }
  }
  return best;
}

/** Indices of the `count` largest values, by descending value (ties: lower index first), by insertion into a
 * short sorted list: about n + count * log(n / count) steps for values in random order. */
function topIndices(values: Float64Array, count: number): Int32Array {
  const top = new Int32Array(Math.min(count, values.length));
  let size = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (size === top.length && !(v > values[top[size - 1]!]!)) continue;
    let p = size < top.length ? size++ : size - 1;
    while (p > 0 && v > values[top[p - 1]!]!) {
      top[p] = top[p - 1]!;
      p--;
    }
    top[p] = i;
  }
  return top;
}

function nthFree(taken: Uint8Array, n: number): number {
  for (let i = 0; i < taken.length; i++) if (taken[i] === 0 && n-- === 0) return i;
  throw new RangeError("slate: no free candidate left");
}

/** Closed forms; null where the Monte Carlo estimate is needed.
 * - Deterministic process: 1 at every rank.
 * - Uniform slots (epsilon 1) with a budget of at least k exploratory slots: 1 / m at every rank (m: pool size).
 * - First slot, fixed utilities u over n candidates, budget of at least one exploratory slot:
 *     epsilon: p(i) = epsilon / n + (1 - epsilon) [i = argmax u]
 *     softmax: p(i) = exp(u_i / T) / sum_j exp(u_j / T)
 *   (no item is placed yet, so there is no diversity penalty, and the budget cannot bind). */
function exactPropensities(run: SlateRun, served: Int32Array): (number | null)[] {
  const { plan, k, maxExplore } = run;
  if (maxExplore === 0 || isDeterministic(plan)) return new Array<number>(k).fill(1);
  // Every slot uniform over the free candidates (epsilon 1) and a budget that cannot bind: a uniformly random
  // k-permutation of the pool, so each of the m candidates is at each rank with probability exactly 1 / m.
  if (plan.rule.kind === "epsilon" && plan.rule.epsilon === 1 && maxExplore >= k) return new Array<number>(k).fill(1 / run.pool.length);
  const propensities = new Array<number | null>(k).fill(null);
  if (typeof plan.utilities === "function" || k === 0) return propensities;
  const u = plan.utilities;
  const first = served[0]!;
  const best = (u === plan.exploit ? run.exploitOrder : topIndices(u, 1))[0]!;
  if (plan.rule.kind === "epsilon") {
    propensities[0] = plan.rule.epsilon / u.length + (first === best ? 1 - plan.rule.epsilon : 0);
  } else if (plan.rule.kind === "softmax") {
    let total = 0;
    for (let i = 0; i < u.length; i++) total += Math.exp((u[i]! - u[best]!) / plan.rule.temperature);
    propensities[0] = Math.exp((u[first]! - u[best]!) / plan.rule.temperature) / total;
  }
  return propensities;
}

function isDeterministic(plan: SelectionPlan): boolean {
  return typeof plan.utilities !== "function" && plan.rule.kind === "argmax";
}
