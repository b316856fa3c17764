// The MovieLens simulation's pure parts (offline/simulation): the ground-truth click model, the metrics on small
// hand-computed cases, the variant configuration, and the simulation loop against an in-process fake service.
// Nothing here needs a running Worker or the MovieLens files.
import { describe, expect, it } from "vitest";
import type { MovieLens } from "../../offline/movielens.js";
import {
  calibrate, clickProbabilities, cosine, driftedFactors, driftTargets, examination, fitGroundTruth, interceptFor, sigmoid,
} from "../../offline/simulation/ground-truth.js";
import {
  coverage, expectedClicks, gini, intraListDiversity, lorenzCurve, novelty, oracleSlate, popularityShares, slateRegret,
} from "../../offline/simulation/metrics.js";
import { runSimulation, type ClickEvent, type RankResponse, type SimulatedUser, type SimulationService } from "../../offline/simulation/simulation.js";
import { bucketClickRates, phaseMetrics, summarise, type CatalogueInfo } from "../../offline/simulation/summary.js";
import { assignmentCounts, buildExperimentsJson, SIMULATION_SALT, SIMULATION_VARIANTS } from "../../offline/simulation/variants.js";
import { parseExperiment, resolveExperiment } from "../../src/ranking/experiments.js";
import { seededRandom } from "../../src/ranking/random.js";

describe("ground truth", () => {
  it("clicks with probability sigmoid(a + b * x . y)", () => {
    const truth = { itemFactors: Float64Array.from([1, 0, 0, 1, 1, 1]), dimension: 2 };
    const p = clickProbabilities(truth, [0.5, -0.25], { a: -1, b: 2 });
    expect(p[0]).toBeCloseTo(sigmoid(-1 + 2 * 0.5), 12); // 0.5
    expect(p[0]).toBeCloseTo(0.5, 12);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(1.5)), 12);
    expect(p[2]).toBeCloseTo(sigmoid(-0.5), 12);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(800)).toBe(1);
  });

  it("looks at rank r with probability 1 / log2(r + 1), or always without position bias", () => {
    expect(examination(1, "log")).toBe(1);
    expect(examination(3, "log")).toBeCloseTo(0.5, 12);
    expect(examination(7, "log")).toBeCloseTo(1 / 3, 12);
    expect(examination(7, "none")).toBe(1);
  });

  it("calibrates a and b to the top and base click rates", () => {
    const random = seededRandom(3);
    const users = Array.from({ length: 50 }, () => ({ dots: Float64Array.from({ length: 80 }, () => random() * 2 - 0.5) }));
    const { a, b } = calibrate(users, 0.12, 0.01);
    const top = users.reduce((s, u) => s + sigmoid(a + b * Math.max(...u.dots)), 0) / users.length;
    const base = users.reduce((s, u) => s + u.dots.reduce((t, d) => t + sigmoid(a + b * d), 0) / u.dots.length, 0) / users.length;
    expect(top).toBeCloseTo(0.12, 6);
    expect(base).toBeCloseTo(0.01, 4);
    expect(b).toBeGreaterThan(0);
    expect(() => calibrate(users, 0.01, 0.12)).toThrow(/baseRate < topRate/);
  });

  it("finds the intercept for a top rate by itself (one user: a = logit(rate) - b * top)", () => {
    expect(interceptFor([0.5], 2, 0.2)).toBeCloseTo(Math.log(0.2 / 0.8) - 1, 9);
  });

  it("drifts each user to the least similar of the drawn others, never to themself, at their own length", () => {
    const factors = new Map([["a", [1, 0]], ["b", [1, 0.1]], ["c", [-3, 0]], ["d", [0, 1]]]);
    const targets = driftTargets(["a", "b", "c", "d"], ["a", "b", "c", "d"], factors, seededRandom(1), 50);
    expect(targets.get("a")).toBe("c");
    expect(targets.get("b")).toBe("c");
    expect(["a", "b"]).toContain(targets.get("c"));
    for (const [user, target] of targets) expect(target).not.toBe(user);
    const drifted = driftedFactors([3, 4], [0, -2]);
    expect(Array.from(drifted)).toEqual([0, -5]);
    expect(cosine(drifted, [0, -2])).toBeCloseTo(1, 12);
  });

  it("fits on ratings, keeps each user's history, and meets the top rate before and after the drift", () => {
    const data = syntheticMovieLens(60, 40);
    const truth = fitGroundTruth(data, { minRating: 4, dimension: 4, lambda: 1, alpha: 5, iterations: 8, topRate: 0.12, baseRate: 0.02, seed: 5 });
    expect(truth.itemIds).toHaveLength(40);
    expect(truth.history.get("u0")!.size).toBe(data.ratings.filter((r) => r.userId === "u0").length);
    const tops = [...truth.userFactors].map(([userId, x]) => {
      const p = clickProbabilities(truth, x, truth.before);
      return Math.max(...Array.from(p).filter((_, i) => !truth.history.get(userId)!.has(i)));
    });
    expect(tops.reduce((s, t) => s + t, 0) / tops.length).toBeCloseTo(0.12, 2);
    expect(Number.isFinite(truth.after.a) && truth.after.b > 0).toBe(true);
    // Users like their own group's items more than the other group's.
    const p0 = clickProbabilities(truth, truth.userFactors.get("u0")!, truth.before);
    expect(mean(p0.slice(0, 20))).toBeGreaterThan(mean(p0.slice(20)));
  });
});

describe("metrics", () => {
  it("Gini of exposure: 0 when even, (n - 1) / n when one item has everything, hand-computed in between", () => {
    expect(gini([1, 1, 1, 1])).toBe(0);
    expect(gini([0, 0, 0, 1])).toBeCloseTo(0.75, 12);
    expect(gini([3, 1, 2])).toBeCloseTo(2 / 9, 12); // sum |xi - xj| over ordered pairs 8, / (2 * 9 * 2)
    expect(gini([])).toBe(0);
    expect(gini([0, 0])).toBe(0);
  });

  it("Lorenz curve: share of impressions of the least shown items", () => {
    expect(lorenzCurve([0, 0, 0, 1], 5)).toEqual([{ x: 0, y: 0 }, { x: 0.25, y: 0 }, { x: 0.5, y: 0 }, { x: 0.75, y: 0 }, { x: 1, y: 1 }]);
    expect(lorenzCurve([1, 1], 3).map((p) => p.y)).toEqual([0, 0.5, 1]);
    expect(lorenzCurve([1, 3], 3).map((p) => p.y)).toEqual([0, 0.25, 1]);
  });

  it("coverage counts distinct items shown", () => {
    expect(coverage([0, 1, 1, 3], 10)).toBeCloseTo(0.3, 12);
    expect(coverage([], 10)).toBe(0);
  });

  it("intra-list diversity is 1 - the mean pairwise cosine (a genre-less item is similar to nothing)", () => {
    const genres = [[1, 0], [1, 0], [0, 1], [0, 0], [1, 1]];
    expect(intraListDiversity([0, 1, 2], genres)).toBeCloseTo(2 / 3, 12);
    expect(intraListDiversity([0, 3], genres)).toBe(1);
    expect(intraListDiversity([0, 4], genres)).toBeCloseTo(1 - Math.SQRT1_2, 12);
    expect(intraListDiversity([0], genres)).toBeNull();
  });

  it("novelty is the mean -log2 popularity, with add-one smoothed popularity shares", () => {
    expect(novelty([0, 1], [0.5, 0.25])).toBeCloseTo(1.5, 12);
    expect(novelty([], [0.5])).toBeNull();
    expect(Array.from(popularityShares([0, 1, 3], 3))).toEqual([0.25, 0.5, 1]);
  });

  it("expected clicks, the oracle's slate and regret", () => {
    expect(expectedClicks([0.2, 0.3], "none")).toBeCloseTo(0.5, 12);
    expect(expectedClicks([0.2, 0.3], "log")).toBeCloseTo(0.2 + 0.3 / Math.log2(3), 12);
    expect(oracleSlate([0.1, 0.5, 0.3, 0.5], (i) => i !== 3, 2)).toEqual([1, 2]);
    expect(oracleSlate([0.5, 0.5, 0.1], () => true, 2)).toEqual([0, 1]);
    expect(oracleSlate([0.2, 0.9], () => true, 5)).toEqual([1, 0]);
    expect(slateRegret([0.1, 0.3], [0.5, 0.3], "none")).toBeCloseTo(0.4, 12);
    expect(slateRegret([0.5, 0.3], [0.5, 0.3], "log")).toBe(0);
    // A short slate earns nothing in the slots it leaves empty.
    expect(slateRegret([0.5], [0.5, 0.3], "none")).toBeCloseTo(0.3, 12);
  });
});

describe("variants", () => {
  it("builds the six variants as a valid EXPERIMENTS value with the simulation's own salt", () => {
    const json = buildExperimentsJson();
    const experiment = parseExperiment(json);
    expect(experiment.salt).toBe(SIMULATION_SALT);
    expect(experiment.variants.map((v) => v.policy)).toEqual(["random", "popularity", "greedy", "epsilon-greedy", "thompson", "lin-ts"]);
    expect(experiment.variants.every((v) => v.weight === 1 && v.modelVersion === null)).toBe(true);
    expect(experiment.variants[0]!.params).toMatchObject({ explorationBudget: 1, candidatePool: 10_000 });
    const { policies } = resolveExperiment(json);
    expect([...policies.keys()]).toEqual(SIMULATION_VARIANTS.map((v) => v.name));
    expect(policies.get("random")!.config.explorationBudget).toBe(1);
    expect(policies.get("epsilon-greedy")!.policy).toMatchObject({ epsilon: 0.1 });
  });

  it("refuses a variant the Worker would refuse", () => {
    expect(() => buildExperimentsJson([{ name: "x", policy: "ucb9", params: {} }])).toThrow(/unknown policy "ucb9"/);
    expect(() => buildExperimentsJson([{ name: "x", policy: "random", params: { epsilon: 0.1 } }])).toThrow(/params\.epsilon/);
  });

  it("spreads the MovieLens user ids across all six variants", () => {
    const ids = Array.from({ length: 943 }, (_, i) => String(i + 1));
    const counts = assignmentCounts(buildExperimentsJson(), ids);
    expect([...counts.values()].reduce((s, n) => s + n, 0)).toBe(943);
    for (const n of counts.values()) expect(n).toBeGreaterThan(943 / 6 * 0.75);
  });
});

describe("simulation loop (fake service)", () => {
  const data = syntheticMovieLens(24, 40);
  const truth = fitGroundTruth(data, { minRating: 4, dimension: 4, lambda: 1, alpha: 5, iterations: 8, topRate: 0.3, baseRate: 0.05, seed: 5 });
  const users: SimulatedUser[] = [...truth.userFactors.keys()].slice(0, 8).map((userId, u, all) => {
    const other = all[(u + 4) % all.length]!;
    return { userId, before: truth.userFactors.get(userId)!, after: driftedFactors(truth.userFactors.get(userId)!, truth.userFactors.get(other)!), driftTo: other };
  });
  const settings = { rounds: 6, k: 3, driftRound: 3, seed: 9, concurrency: 3, positionBias: "log" as const, runId: "t" };

  /** Ranks like the oracle (the true top k of what is not consumed), or at random, answering as the Worker does. */
  function fakeService(mode: "oracle" | "random"): SimulationService & { posted: ClickEvent[]; requests: string[][] } {
    const random = seededRandom(4);
    const round = new Map<string, number>();
    const posted: ClickEvent[] = [];
    const requests: string[][] = [];
    return {
      posted, requests,
      async rank({ userId, k, exclude }) {
        requests.push(exclude);
        const r = round.get(userId) ?? 0;
        round.set(userId, r + 1);
        const user = users.find((u) => u.userId === userId)!;
        const p = r >= settings.driftRound ? clickProbabilities(truth, user.after, truth.after) : clickProbabilities(truth, user.before, truth.before);
        const free = (i: number) => !truth.history.get(userId)!.has(i) && !exclude.includes(truth.itemIds[i]!);
        const chosen = mode === "oracle"
          ? oracleSlate(p, free, k)
          : truth.itemIds.map((_, i) => i).filter(free).sort(() => random() - 0.5).slice(0, k);
        const response: RankResponse = {
          requestId: `r-${userId}-${r}`, variant: mode, policy: mode, fallback: false,
          items: chosen.map((i, rank) => ({ itemId: truth.itemIds[i]!, rank: rank + 1, score: p[i]!, propensity: 1, explore: false, reason: "exploit" })),
        };
        return response;
      },
      async events(events) {
        posted.push(...events);
      },
    };
  }

  it("has no regret when the service ranks like the oracle, and posts clicks tied to their request", async () => {
    const service = fakeService("oracle");
    const records = await runSimulation(truth, users, service, settings);
    expect(records).toHaveLength(users.length * settings.rounds);
    for (const r of records) expect(r.oracle - r.expected).toBeCloseTo(0, 12);
    expect(service.posted.length).toBe(records.reduce((s, r) => s + r.clicks, 0));
    expect(service.posted.length).toBeGreaterThan(0);
    for (const e of service.posted) {
      expect(e.type).toBe("click");
      expect(e.requestId).toMatch(/^r-/);
    }
    expect(new Set(service.posted.map((e) => e.eventId)).size).toBe(service.posted.length);
    // What a user clicked is excluded from their later requests.
    const clickedItems = new Set(service.posted.map((e) => e.itemId));
    expect(service.requests.some((exclude) => exclude.some((id) => clickedItems.has(id)))).toBe(true);
  });

  it("charges regret to a random ranker, and the clicks do not depend on the completion order", async () => {
    const a = await runSimulation(truth, users, fakeService("random"), settings);
    const b = await runSimulation(truth, users, fakeService("random"), { ...settings, concurrency: 1 });
    expect(a.reduce((s, r) => s + r.oracle - r.expected, 0)).toBeGreaterThan(0);
    const key = (r: { user: number; round: number; clicks: number }) => `${r.user}:${r.round}:${r.clicks}`;
    const clicksOracle1 = await runSimulation(truth, users, fakeService("oracle"), settings);
    const clicksOracle2 = await runSimulation(truth, users, fakeService("oracle"), { ...settings, concurrency: 1 });
    expect(clicksOracle1.map(key).sort()).toEqual(clicksOracle2.map(key).sort());
    expect(a).toHaveLength(b.length);
  });

  it("summarises per variant and phase", async () => {
    const records = await runSimulation(truth, users, fakeService("random"), settings);
    const catalogue: CatalogueInfo = {
      size: truth.itemIds.length,
      genres: truth.itemIds.map((_, i) => [i < 20 ? 1 : 0, i >= 20 ? 1 : 0]),
      popularity: popularityShares(truth.itemIds.map((_, i) => i), 24),
    };
    const [summary] = summarise(records, catalogue, settings.driftRound, settings.rounds);
    expect(summary!.variant).toBe("random");
    expect(summary!.before.requests).toBe(users.length * 3);
    expect(summary!.after.requests).toBe(users.length * 3);
    expect(summary!.all.clicks).toBe(summary!.before.clicks + summary!.after.clicks);
    expect(summary!.all.regret).toBeCloseTo(summary!.before.regret + summary!.after.regret, 9);
    expect(summary!.rounds).toHaveLength(settings.rounds);
    expect(summary!.rounds[5]!.cumulativeRegretPerUser).toBeCloseTo(summary!.all.regretPerUser, 9);
    expect(summary!.reasons).toEqual({ exploit: 1 });
    expect(summary!.lorenz[0]).toEqual({ x: 0, y: 0 });
    expect(summary!.lorenz.at(-1)!.y).toBeCloseTo(1, 12);

    // One hand-made phase: two requests of two items.
    const hand = phaseMetrics([
      { user: 0, round: 0, variant: "v", policy: "p", fallback: false, items: [0, 1], explored: 1, reasons: ["exploit", "explore:x"], clicks: 1, expected: 0.4, oracle: 0.5, latencyMs: 10 },
      { user: 1, round: 0, variant: "v", policy: "p", fallback: true, items: [0, 20], explored: 0, reasons: ["exploit", "exploit"], clicks: 0, expected: 0.1, oracle: 0.6, latencyMs: 30 },
    ], catalogue);
    expect(hand).toMatchObject({ users: 2, requests: 2, impressions: 4, clicks: 1, clickRate: 0.25, exploreShare: 0.25, fallbackShare: 0.5, meanLatencyMs: 20 });
    expect(hand.regret).toBeCloseTo(0.6, 12);
    expect(hand.coverage).toBeCloseTo(3 / 40, 12);
    expect(hand.intraListDiversity).toBeCloseTo(0.5, 12); // same genre (0) and different genres (1)
    expect(hand.exposureGini).toBeCloseTo(gini([2, 1, 1, ...new Array(37).fill(0)]), 12);
    expect(bucketClickRates(summary!.rounds, 4).map((b) => b.label)).toEqual(["1-4", "5-6"]);
  });
});

function mean(values: ArrayLike<number>): number {
  return Array.from(values).reduce((s, v) => s + v, 0) / values.length;
}

/** Two taste groups: users 0..n/2 like items 0..19 (rate 5) and dislike 20..39 (rate 2), the others the reverse;
 * each user rates a seeded random half of the items. */
function syntheticMovieLens(userCount: number, itemCount: number): MovieLens {
  const random = seededRandom(11);
  const ratings: MovieLens["ratings"] = [];
  for (let u = 0; u < userCount; u++) {
    for (let i = 0; i < itemCount; i++) {
      if (random() < 0.5) continue;
      const likes = (u < userCount / 2) === (i < itemCount / 2);
      ratings.push({ userId: `u${u}`, itemId: `i${i}`, rating: likes ? 5 : 2, timestamp: u * 1000 + i });
    }
  }
  return {
    ratings,
    movies: Array.from({ length: itemCount }, (_, i) => ({ itemId: `i${i}`, title: `Item ${i}`, releaseDate: null, genres: [i < itemCount / 2 ? "Drama" : "Comedy"] })),
    users: Array.from({ length: userCount }, (_, u) => ({ userId: `u${u}`, age: 30, gender: "F", occupation: "other" })),
  };
}
