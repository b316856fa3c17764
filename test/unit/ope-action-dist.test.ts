import { describe, expect, it } from "vitest";
import {
  betaTopKActionDist, crossFitSmoothedCtr, epsilonGreedyActionDist, fitSmoothedCtr, monteCarloActionDist, OpeInputError, tableAt, topIndicesInto,
  uniformActionDist, validateActionDist, type ActionDist,
} from "../../src/ranking/ope/index.js";
import { seededRandom } from "../../src/ranking/random.js";

const at = (dist: ActionDist, a: number, k: number) => tableAt(dist, 0, a, k);

describe("action distributions", () => {
  it("uniform: 1 / actions everywhere", () => {
    const d = uniformActionDist(4, 3);
    expect(() => validateActionDist(d)).not.toThrow();
    expect(at(d, 2, 1)).toBe(0.25);
  });

  it("topIndicesInto: best first, ties to the lower index", () => {
    const out = new Int32Array(3);
    topIndicesInto([0.2, 0.9, 0.2, 0.5], out);
    expect([...out]).toEqual([1, 3, 0]);
  });

  it("Beta top-k Monte Carlo: a distribution per position, seeded, and near the exact two-item answer", () => {
    const options = { draws: 20_000, random: seededRandom(11) };
    const d = betaTopKActionDist([2, 1], [1, 1], 1, options);
    // P(X > Y) for X ~ Beta(2, 1) (density 2x), Y ~ U(0, 1): integral of 2x * x = 2/3.
    expect(at(d, 0, 0)).toBeCloseTo(2 / 3, 1);
    expect(Math.abs(at(d, 0, 0) - 2 / 3)).toBeLessThan(0.015);
    expect(betaTopKActionDist([2, 1], [1, 1], 1, { draws: 20_000, random: seededRandom(11) }).values).toEqual(d.values);

    const slate = betaTopKActionDist([1000, 1, 1, 1], [1, 1000, 1000, 1000], 3, { draws: 2000, random: seededRandom(2) });
    expect(() => validateActionDist(slate)).not.toThrow();
    expect(at(slate, 0, 0)).toBe(1);
    expect(at(slate, 0, 1) + at(slate, 0, 2)).toBe(0);
  });

  it("Monte Carlo reports progress and checks its arguments", () => {
    const seen: number[] = [];
    monteCarloActionDist(2, 1, (_, out) => { out[0] = 0; }, { draws: 300, random: seededRandom(1), onProgress: (done) => seen.push(done) });
    expect(seen.at(-1)).toBe(300);
    expect(() => betaTopKActionDist([1, 2], [1], 1, { draws: 10, random: seededRandom(1) })).toThrow(/beta/);
    expect(() => betaTopKActionDist([1, 0], [1, 1], 1, { draws: 10, random: seededRandom(1) })).toThrow(/alpha/);
    expect(() => betaTopKActionDist([1, 1], [1, 1], 3, { draws: 10, random: seededRandom(1) })).toThrow(OpeInputError);
    expect(() => betaTopKActionDist([1, 1], [1, 1], 1, { draws: 0, random: seededRandom(1) })).toThrow(/draws/);
  });

  it("epsilon-greedy: exact per-slot probabilities", () => {
    const d = epsilonGreedyActionDist([3, 2, 1], 0.3, 2);
    expect(() => validateActionDist(d)).not.toThrow();
    // First slot: epsilon / 3 + (1 - epsilon) on the best.
    expect(at(d, 0, 0)).toBeCloseTo(0.1 + 0.7, 12);
    expect(at(d, 1, 0)).toBeCloseTo(0.1, 12);
    // Second slot, by the first slot's outcome (0: 0.8, 1: 0.1, 2: 0.1), then epsilon / 2 + (1 - epsilon) on the best free.
    expect(at(d, 0, 1)).toBeCloseTo(0.1 * 0.85 + 0.1 * 0.85, 12);
    expect(at(d, 1, 1)).toBeCloseTo(0.8 * 0.85 + 0.1 * 0.15, 12);
    expect(at(d, 2, 1)).toBeCloseTo(0.8 * 0.15 + 0.1 * 0.15, 12);
    // Ties go to the lower index; epsilon 0 is the deterministic top-k.
    const greedy = epsilonGreedyActionDist([1, 1, 0], 0, 2);
    expect([at(greedy, 0, 0), at(greedy, 1, 1)]).toEqual([1, 1]);
    expect(() => epsilonGreedyActionDist([1, 2], 1.5, 1)).toThrow(/epsilon/);
  });

  it("epsilon-greedy agrees with a simulation of the process", () => {
    const scores = [0.5, 0.1, 0.9, 0.3, 0.7];
    const epsilon = 0.4;
    const exact = epsilonGreedyActionDist(scores, epsilon, 3);
    const order = [2, 4, 0, 3, 1];
    const simulated = monteCarloActionDist(5, 3, (random, out) => {
      const taken = new Set<number>();
      for (let k = 0; k < 3; k++) {
        const free = [0, 1, 2, 3, 4].filter((a) => !taken.has(a));
        const a = random() < epsilon ? free[Math.floor(random() * free.length)]! : order.find((b) => !taken.has(b))!;
        taken.add(a);
        out[k] = a;
      }
    }, { draws: 40_000, random: seededRandom(5) });
    for (let i = 0; i < exact.values.length; i++) expect(Math.abs(exact.values[i]! - simulated.values[i]!)).toBeLessThan(0.01);
  });
});

describe("smoothed CTR reward model", () => {
  // 2 actions x 2 positions; 10 rows, 2 clicks.
  const log = {
    action: [0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
    position: [0, 0, 0, 1, 1, 0, 0, 1, 1, 1],
    reward: [1, 0, 0, 0, 0, 0, 0, 1, 0, 0],
  };

  it("shrinks each cell towards item rate x position factor, with the prior worth one click by default", () => {
    const model = fitSmoothedCtr(log, 2, 2);
    const g = 0.2;
    const m = 1 / g;
    expect(model.globalRate).toBe(g);
    expect(model.priorRows).toBe(m);
    const f0 = (1 + m * g) / (5 + m) / g;
    const f1 = (1 + m * g) / (5 + m) / g;
    const rho0 = (1 + m * g) / (5 + m);
    const rho1 = (1 + m * g) / (5 + m);
    expect(model.positionFactor[0]).toBeCloseTo(f0, 12);
    expect(model.actionRate[1]).toBeCloseTo(rho1, 12);
    expect(tableAt(model.estimatedRewards, 0, 0, 0)).toBeCloseTo((1 + m * rho0 * f0) / (3 + m), 12);
    expect(tableAt(model.estimatedRewards, 0, 1, 0)).toBeCloseTo((0 + m * rho1 * f0) / (2 + m), 12);
    expect(tableAt(model.estimatedRewards, 0, 1, 1)).toBeCloseTo((1 + m * rho1 * f1) / (3 + m), 12);
  });

  it("priorRows 0 gives the empirical cell rates; no clicks gives 0", () => {
    const raw = fitSmoothedCtr(log, 2, 2, { priorRows: 0 });
    expect(tableAt(raw.estimatedRewards, 0, 0, 0)).toBeCloseTo(1 / 3, 12);
    expect(tableAt(raw.estimatedRewards, 0, 1, 1)).toBeCloseTo(1 / 3, 12);
    expect(tableAt(raw.estimatedRewards, 0, 0, 1)).toBe(0);
    expect([...fitSmoothedCtr({ ...log, reward: log.reward.map(() => 0) }, 2, 2).estimatedRewards.values]).toEqual([0, 0, 0, 0]);
  });

  it("cross-fitting gives each row the model fitted without its fold", () => {
    const q = crossFitSmoothedCtr(log, 2, 2, 2);
    expect(q.rounds).toBe(10);
    const odd = fitSmoothedCtr({ action: log.action.filter((_, i) => i % 2 === 1), position: log.position.filter((_, i) => i % 2 === 1), reward: log.reward.filter((_, i) => i % 2 === 1) }, 2, 2);
    expect(tableAt(q, 4, 1, 1)).toBeCloseTo(tableAt(odd.estimatedRewards, 0, 1, 1), 12);
    expect(crossFitSmoothedCtr(log, 2, 2, 1).rounds).toBe(1);
    expect(() => crossFitSmoothedCtr(log, 2, 2, 0)).toThrow(/folds/);
    expect(() => fitSmoothedCtr({ ...log, reward: [...log.reward.slice(1), Number.NaN] }, 2, 2)).toThrow(/reward/);
    expect(() => fitSmoothedCtr({ ...log, action: log.action.map(() => 2) }, 2, 2)).toThrow(/action/);
  });
});
