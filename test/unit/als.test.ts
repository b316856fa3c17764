import { describe, expect, it } from "vitest";
import { alsRmse, fitAls, type ExplicitRating } from "../../offline/als.js";
import { gaussian, seededRandom } from "../../src/ranking/random.js";

const USERS = 60;
const ITEMS = 50;
const RANK = 3;
const MEAN = 3.5;

/** Ratings from a known rank-3 matrix plus a mean; a seeded 60% of the cells are observed, the rest held out. */
function syntheticRatings(seed: number): { observed: ExplicitRating[]; heldOut: ExplicitRating[] } {
  const random = seededRandom(seed);
  const userFactors = Array.from({ length: USERS }, () => Array.from({ length: RANK }, () => gaussian(random) * 0.6));
  const itemFactors = Array.from({ length: ITEMS }, () => Array.from({ length: RANK }, () => gaussian(random) * 0.6));
  const observed: ExplicitRating[] = [];
  const heldOut: ExplicitRating[] = [];
  for (let u = 0; u < USERS; u++) {
    for (let i = 0; i < ITEMS; i++) {
      const rating = MEAN + userFactors[u]!.reduce((sum, value, d) => sum + value * itemFactors[i]![d]!, 0);
      (random() < 0.6 ? observed : heldOut).push({ userId: `u${u}`, itemId: `i${i}`, rating });
    }
  }
  return { observed, heldOut };
}

function variance(ratings: readonly ExplicitRating[]): number {
  const mean = ratings.reduce((sum, r) => sum + r.rating, 0) / ratings.length;
  return ratings.reduce((sum, r) => sum + (r.rating - mean) ** 2, 0) / ratings.length;
}

describe("fitAls", () => {
  const { observed, heldOut } = syntheticRatings(5);
  const options = { dimension: 3, lambda: 0.001, iterations: 30 };

  it("recovers a low-rank matrix, including the cells it never saw", () => {
    const model = fitAls(observed, { ...options, random: seededRandom(1) });
    expect(model.users.size).toBe(USERS);
    expect(model.items.size).toBe(ITEMS);
    expect(model.users.get("u0")).toHaveLength(3);
    expect(alsRmse(model, observed)).toBeLessThan(0.02);
    // The ratings' own spread is ~0.56; the held-out error must be a small fraction of it (measured: ~0.005).
    expect(alsRmse(model, heldOut)).toBeLessThan(0.05 * Math.sqrt(variance(heldOut)));
    expect(model.globalMean).toBeCloseTo(MEAN, 0);
  });

  it("still fits well with more dimensions than the true rank", () => {
    const model = fitAls(observed, { ...options, dimension: 16, lambda: 0.05, iterations: 10, random: seededRandom(1) });
    expect(alsRmse(model, heldOut)).toBeLessThan(0.25 * Math.sqrt(variance(heldOut)));
  });

  it("is deterministic for a seed and depends on it", () => {
    const a = fitAls(observed, { ...options, iterations: 3, random: seededRandom(7) });
    const b = fitAls(observed, { ...options, iterations: 3, random: seededRandom(7) });
    const c = fitAls(observed, { ...options, iterations: 3, random: seededRandom(8) });
    expect(a.users.get("u3")).toEqual(b.users.get("u3"));
    expect(a.items.get("i9")).toEqual(b.items.get("i9"));
    expect(a.items.get("i9")).not.toEqual(c.items.get("i9"));
  });

  it("predicts the mean for unknown users and items", () => {
    const model = fitAls(observed, { ...options, iterations: 2, random: seededRandom(1) });
    expect(alsRmse(model, [{ userId: "nobody", itemId: "i1", rating: model.globalMean }])).toBe(0);
  });
});
