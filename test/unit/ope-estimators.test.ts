import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bootstrapInterval, contextFreeTable, estimateDm, estimateDr, estimateIps, estimateSnips, estimateSwitchDr, OpeInputError, quantile,
  tableFromNested, ZERO_WEIGHT_REASON, type ActionDist, type LoggedFeedback,
} from "../../src/ranking/ope/index.js";

// A hand-checkable slate log: 3 actions, 2 positions, 4 (round, position) rows.
//   row  action  position  reward  pscore   pi_e(action | position)   w
//   0    0       0         1       0.5      0.6                       1.2
//   1    1       0         0       0.25     0.3                       1.2
//   2    2       1         1       0.5      0.6                       1.2
//   3    0       1         0       0.1      0.2                       2
const feedback: LoggedFeedback = { action: [0, 1, 2, 0], position: [0, 0, 1, 1], reward: [1, 0, 1, 0], pscore: [0.5, 0.25, 0.5, 0.1] };
// [action][position]
const actionDist = contextFreeTable([[0.6, 0.2], [0.3, 0.2], [0.1, 0.6]]);
const estimatedRewards = contextFreeTable([[0.5, 0.1], [0.2, 0.3], [0.4, 0.7]]);
// DM per row: position 0: 0.6*0.5 + 0.3*0.2 + 0.1*0.4 = 0.4; position 1: 0.2*0.1 + 0.2*0.3 + 0.6*0.7 = 0.5.
// DR corrections w (r - q(a_i, k_i)): 1.2*0.5, 1.2*(-0.2), 1.2*0.3, 2*(-0.1) = 0.6, -0.24, 0.36, -0.2.

function duplicated(f: LoggedFeedback, times: number): LoggedFeedback {
  const repeat = (xs: ArrayLike<number>) => Array.from({ length: times }, () => Array.from(xs)).flat();
  return { action: repeat(f.action), reward: repeat(f.reward), pscore: repeat(f.pscore), position: repeat(f.position!) };
}

describe("OPE estimators on a hand-computed table", () => {
  it("IPS = (1/n) sum w r", () => {
    const e = estimateIps({ feedback, actionDist });
    expect(e.value).toBeCloseTo((1.2 + 1.2) / 4, 9);
    expect(e.weights).toMatchObject({ clipped: 0, sum: 5.6, max: 2, rawMax: 2 });
    expect(e.interval).toBeNull();
  });

  it("SNIPS = sum w r / sum w", () => {
    expect(estimateSnips({ feedback, actionDist }).value).toBeCloseTo(2.4 / 5.6, 9);
  });

  it("DM averages the model's value of the target at each row's position", () => {
    expect(estimateDm({ feedback, actionDist, estimatedRewards }).value).toBeCloseTo((0.4 + 0.4 + 0.5 + 0.5) / 4, 9);
  });

  it("DR = DM + (1/n) sum w (r - q)", () => {
    expect(estimateDr({ feedback, actionDist, estimatedRewards }).value).toBeCloseTo(0.45 + (0.6 - 0.24 + 0.36 - 0.2) / 4, 9);
  });

  it("Switch-DR drops the correction of rows whose weight exceeds tau and reports them", () => {
    const e = estimateSwitchDr({ feedback, actionDist, estimatedRewards }, { tau: 1.5 });
    expect(e.value).toBeCloseTo(0.45 + (0.6 - 0.24 + 0.36) / 4, 9);
    expect(e.weights).toMatchObject({ threshold: 1.5, clipped: 1 });
    const dr = estimateDr({ feedback, actionDist, estimatedRewards }).value!;
    const dm = estimateDm({ feedback, actionDist, estimatedRewards }).value!;
    expect(estimateSwitchDr({ feedback, actionDist, estimatedRewards }, { tau: Infinity }).value).toBeCloseTo(dr, 12);
    expect(estimateSwitchDr({ feedback, actionDist, estimatedRewards }, { tau: 0 }).value).toBeCloseTo(dm, 12);
  });

  it("a per-round action distribution equal to the context-free one gives the same values", () => {
    const perRound: ActionDist = { ...actionDist, rounds: 4, values: new Float64Array([...actionDist.values, ...actionDist.values, ...actionDist.values, ...actionDist.values]) };
    expect(estimateDr({ feedback, actionDist: perRound, estimatedRewards }).value).toBeCloseTo(0.58, 9);
  });

  it("clipping caps the weights and counts the clipped rows", () => {
    const clipped = estimateSnips({ feedback, actionDist }, { clip: 1.5 });
    expect(clipped.value).toBeCloseTo(2.4 / 5.1, 9);
    expect(clipped.weights).toMatchObject({ threshold: 1.5, clipped: 1, max: 1.5, rawMax: 2 });
    const atOne = estimateIps({ feedback, actionDist }, { clip: 1 });
    expect(atOne.value).toBeCloseTo(0.5, 9);
    expect(atOne.weights?.clipped).toBe(4);
    expect(estimateDr({ feedback, actionDist, estimatedRewards }, { clip: 1.5 }).value).toBeCloseTo(0.45 + (0.6 - 0.24 + 0.36 - 0.15) / 4, 9);
  });
});

describe("OPE estimator properties", () => {
  it("SNIPS is unchanged when the log is duplicated (context-free and per-round targets)", () => {
    const once = estimateSnips({ feedback, actionDist }).value!;
    expect(estimateSnips({ feedback: duplicated(feedback, 3), actionDist }).value).toBeCloseTo(once, 12);
    const perRound = tableFromNested(Array.from({ length: 4 }, (_, r) => [[0.6, 0.2 + 0.05 * r], [0.3, 0.2], [0.1, 0.6 - 0.05 * r]]));
    const perRoundTwice: ActionDist = { ...perRound, rounds: 8, values: new Float64Array([...perRound.values, ...perRound.values]) };
    expect(estimateSnips({ feedback: duplicated(feedback, 2), actionDist: perRoundTwice }).value)
      .toBeCloseTo(estimateSnips({ feedback, actionDist: perRound }).value!, 12);
  });

  it("IPS equals SNIPS when every weight is 1", () => {
    fc.assert(fc.property(
      fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 3 }),
      fc.array(fc.tuple(fc.nat(), fc.nat(), fc.double({ min: -5, max: 5, noNaN: true })), { minLength: 1, maxLength: 40 }),
      (actions, positions, rows) => {
        const log: LoggedFeedback = {
          action: rows.map(([a]) => a % actions), position: rows.map(([, k]) => k % positions), reward: rows.map(([, , r]) => r), pscore: rows.map(() => 1 / actions),
        };
        const uniform: ActionDist = { rounds: 1, actions, positions, values: new Float64Array(actions * positions).fill(1 / actions) };
        const ips = estimateIps({ feedback: log, actionDist: uniform });
        const snips = estimateSnips({ feedback: log, actionDist: uniform });
        expect(ips.value).toBeCloseTo(snips.value!, 9);
        expect(ips.value).toBeCloseTo(rows.reduce((s, [, , r]) => s + r, 0) / rows.length, 9);
      },
    ), { numRuns: 50 });
  });

  it("weights that sum to 0 give null with a reason, never NaN", () => {
    // The target never shows what was logged: action 2 at position 0 only.
    const elsewhere = contextFreeTable([[0, 1], [0, 0], [1, 0]]);
    const log: LoggedFeedback = { action: [0, 1], position: [0, 0], reward: [1, 0], pscore: [0.5, 0.5] };
    for (const e of [estimateIps({ feedback: log, actionDist: elsewhere }, { bootstrap: { resamples: 10, seed: 1 } }), estimateSnips({ feedback: log, actionDist: elsewhere })]) {
      expect(e.value).toBeNull();
      expect(e.reason).toBe(ZERO_WEIGHT_REASON);
      expect(e.interval).toBeNull();
      expect(e.weights?.sum).toBe(0);
    }
    // DR falls back to DM there.
    const q = contextFreeTable([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]);
    expect(estimateDr({ feedback: log, actionDist: elsewhere, estimatedRewards: q }).value).toBeCloseTo(0.5, 12);
  });
});

describe("OPE input validation names the argument", () => {
  const expectArgument = (f: () => unknown, argument: string) => {
    let error: unknown;
    try { f(); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(OpeInputError);
    expect((error as OpeInputError).argument).toBe(argument);
    expect((error as Error).message).toContain(argument);
  };
  const withLog = (patch: Partial<LoggedFeedback>) => () => estimateIps({ feedback: { ...feedback, ...patch }, actionDist });

  it("pscore must be in (0, 1]", () => {
    expectArgument(withLog({ pscore: [0.5, 0, 0.5, 0.1] }), "pscore");
    expectArgument(withLog({ pscore: [0.5, 1.5, 0.5, 0.1] }), "pscore");
    expectArgument(withLog({ pscore: [0.5, Number.NaN, 0.5, 0.1] }), "pscore");
  });

  it("rewards must be finite", () => {
    expectArgument(withLog({ reward: [1, Number.POSITIVE_INFINITY, 0, 0] }), "reward");
    expectArgument(withLog({ reward: [1, Number.NaN, 0, 0] }), "reward");
  });

  it("lengths must match", () => {
    expectArgument(withLog({ reward: [1, 0, 1] }), "reward");
    expectArgument(withLog({ pscore: [0.5] }), "pscore");
    expectArgument(withLog({ position: [0, 0] }), "position");
    expectArgument(withLog({ action: [], reward: [], pscore: [], position: [] }), "action");
  });

  it("actions and positions must index the action distribution", () => {
    expectArgument(withLog({ action: [0, 3, 2, 0] }), "action");
    expectArgument(withLog({ action: [0, 1.5, 2, 0] }), "action");
    expectArgument(withLog({ position: [0, 0, 2, 1] }), "position");
  });

  it("the action distribution must be a distribution of the right shape", () => {
    expectArgument(() => estimateIps({ feedback, actionDist: contextFreeTable([[0.6, 0.2], [0.3, 0.2], [0.2, 0.6]]) }), "actionDist");
    expectArgument(() => estimateIps({ feedback, actionDist: { rounds: 3, actions: 3, positions: 2, values: new Float64Array(18) } }), "actionDist");
    expectArgument(() => estimateIps({ feedback, actionDist: { rounds: 1, actions: 3, positions: 2, values: new Float64Array(5) } }), "actionDist");
  });

  it("the reward model must match the action distribution", () => {
    expectArgument(() => estimateDm({ feedback, actionDist, estimatedRewards: contextFreeTable([[0.5], [0.2], [0.4]]) }), "estimatedRewards");
    expectArgument(() => estimateDr({ feedback, actionDist, estimatedRewards: contextFreeTable([[0.5, Number.NaN], [0.2, 0.3], [0.4, 0.7]]) }), "estimatedRewards");
  });

  it("options: clip > 0, tau >= 0, bootstrap settings", () => {
    expectArgument(() => estimateIps({ feedback, actionDist }, { clip: 0 }), "clip");
    expectArgument(() => estimateSwitchDr({ feedback, actionDist, estimatedRewards }, { tau: -1 }), "tau");
    expectArgument(() => estimateSnips({ feedback, actionDist }, { bootstrap: { resamples: 0, seed: 1 } }), "bootstrap.resamples");
    expectArgument(() => estimateSnips({ feedback, actionDist }, { bootstrap: { resamples: 10, seed: 1, level: 1 } }), "bootstrap.level");
  });
});

describe("bootstrap intervals", () => {
  const log: LoggedFeedback = {
    action: Array.from({ length: 200 }, (_, i) => i % 3),
    position: Array.from({ length: 200 }, (_, i) => i % 2),
    reward: Array.from({ length: 200 }, (_, i) => (i % 7 === 0 ? 1 : 0)),
    pscore: Array.from({ length: 200 }, () => 1 / 3),
  };

  it("are seeded, contain the estimate, and narrow with the level", () => {
    const run = (seed: number, level = 0.95) => estimateIps({ feedback: log, actionDist }, { bootstrap: { resamples: 500, seed, level } });
    const a = run(7);
    expect(run(7).interval).toEqual(a.interval);
    expect(run(8).interval).not.toEqual(a.interval);
    expect(a.interval!.low).toBeLessThan(a.value!);
    expect(a.interval!.high).toBeGreaterThan(a.value!);
    expect(a.interval).toMatchObject({ level: 0.95, resamples: 500, skipped: 0 });
    const narrow = run(7, 0.5).interval!;
    expect(narrow.high - narrow.low).toBeLessThan(a.interval!.high - a.interval!.low);
  });

  it("a constant per-row value has a zero-width interval", () => {
    const q = contextFreeTable([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]);
    const dm = estimateDm({ feedback: log, actionDist, estimatedRewards: q }, { bootstrap: { resamples: 50, seed: 1 } });
    expect(dm.interval!.low).toBeCloseTo(0.5, 12);
    expect(dm.interval!.high).toBeCloseTo(0.5, 12);
  });

  it("skips resamples whose weights sum to 0 (SNIPS) and reports how many", () => {
    const terms = { numerator: new Float64Array([1, 0, 0, 0, 0, 0, 0, 0]), denominator: new Float64Array([2, 0, 0, 0, 0, 0, 0, 0]) };
    const ci = bootstrapInterval(terms, { resamples: 400, seed: 3 })!;
    // P(row 0 absent from a resample of 8) = (7/8)^8 ~ 0.34.
    expect(ci.skipped).toBeGreaterThan(80);
    expect(ci.skipped + ci.resamples).toBe(400);
    expect(ci.low).toBe(0.5);
    expect(ci.high).toBe(0.5);
  });

  it("quantile interpolates linearly between order statistics (numpy's default)", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
    expect(quantile([10, 20, 30, 40, 50], 0.025)).toBeCloseTo(11, 12);
  });
});
