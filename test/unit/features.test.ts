import { describe, expect, it } from "vitest";
import { buildFeatureMatrix, FEATURE_COUNT, FEATURE_LAYOUT, writeFeatureRow } from "../../src/ranking/features.js";
import type { CatalogueItem, LiveState, RequestContext, UserProfile } from "../../src/ranking/types.js";

type FeatureName = (typeof FEATURE_LAYOUT.names)[number];
const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 11, 3, 12);

const user: UserProfile = {
  userId: "u1",
  collabVector: Float32Array.from([1, 2]),
  contentVector: Float32Array.from([1, 0, 0]),
  tagAffinity: { Drama: 0.5, Comedy: 0.25 },
  ratingCount: 20,
  ratingMean: 3.5,
};
const live: LiveState = { shortTermVector: Float32Array.from([0, 2, 0]) };
const item: CatalogueItem = {
  itemId: "i1",
  title: "Fixture",
  tags: ["Drama", "Comedy", "Horror"],
  contentVector: Float32Array.from([1, 1, 0]),
  collabVector: Float32Array.from([3, -1]),
  ratingCount: 9,
  ratingMean: 4,
  createdAt: NOW - 9 * DAY_MS,
  active: true,
};
const coldItem: CatalogueItem = { ...item, itemId: "cold", tags: [], contentVector: null, collabVector: null, ratingCount: 0, ratingMean: 0, createdAt: NOW + DAY_MS };

function features(target: CatalogueItem, context: RequestContext, state: LiveState = live, profile: UserProfile = user): Record<FeatureName, number> {
  const row = new Float32Array(FEATURE_COUNT + 2);
  writeFeatureRow(row, 1, profile, state, target, context, NOW);
  expect(row[0]).toBe(0); // nothing written before the offset ...
  expect(row[FEATURE_COUNT + 1]).toBe(0); // ... or after the row
  return Object.fromEntries(FEATURE_LAYOUT.names.map((name, i) => [name, row[1 + i]!])) as Record<FeatureName, number>;
}

describe("writeFeatureRow", () => {
  it("computes every feature of a warm item", () => {
    const f = features(item, { hour: 6, device: "mobile" });
    expect(f.mf_dot).toBeCloseTo(1 * 3 + 2 * -1, 6);
    expect(f.content_cos_long).toBeCloseTo(Math.SQRT1_2, 6);
    expect(f.content_cos_short).toBeCloseTo(Math.SQRT1_2, 6); // cosine ignores the short-term vector's length
    expect(f.tag_affinity).toBeCloseTo((0.5 + 0.25 + 0) / 3, 6); // an unknown tag counts as 0
    expect(f.item_log_ratings).toBeCloseTo(Math.log(10) / 6, 6);
    expect(f.item_mean_rating).toBeCloseTo(0.5, 6);
    expect(f.item_is_cold).toBe(0);
    expect(f.item_age).toBeCloseTo(9 / 365, 6);
    expect(f.user_log_ratings).toBeCloseTo(Math.log(21) / 6, 6);
    expect(f.user_mean_rating).toBeCloseTo(0.25, 6);
    expect(f.user_collab_norm).toBeCloseTo(Math.sqrt(5), 6);
    expect(f.item_collab_norm).toBeCloseTo(Math.sqrt(10), 6);
    expect(f.hour_sin).toBeCloseTo(1, 6);
    expect(f.hour_cos).toBeCloseTo(0, 6);
    expect(f.device_mobile).toBe(1);
  });

  it("saturates item age at one year", () => {
    expect(features({ ...item, createdAt: NOW - 730 * DAY_MS }, {}).item_age).toBe(1);
  });

  it("places hours on the unit circle so 23:00 and 01:00 are neighbours", () => {
    const late = features(item, { hour: 23 });
    const early = features(item, { hour: 1 });
    expect(late.hour_cos).toBeCloseTo(early.hour_cos, 6);
    expect(late.hour_sin).toBeCloseTo(-early.hour_sin, 6);
    expect(features(item, { hour: 18 }).hour_sin).toBeCloseTo(-1, 6);
    expect(features(item, { hour: 0 }).hour_cos).toBeCloseTo(1, 6);
  });

  it("encodes a missing or non-numeric context as zeros", () => {
    const contexts: RequestContext[] = [{}, { hour: "6", device: "desktop" }];
    for (const context of contexts) {
      const f = features(item, context);
      expect([f.hour_sin, f.hour_cos, f.device_mobile]).toEqual([0, 0, 0]);
    }
  });

  it("flags a cold item and zeroes what it lacks", () => {
    const f = features(coldItem, {});
    expect(f.item_is_cold).toBe(1);
    expect(f.mf_dot).toBe(0);
    expect(f.item_collab_norm).toBe(0);
    expect(f.content_cos_long).toBe(0);
    expect(f.content_cos_short).toBe(0);
    expect(f.tag_affinity).toBe(0); // no tags: no division by zero
    expect(f.item_log_ratings).toBe(0);
    expect(f.item_mean_rating).toBe(0); // unrated is neutral, not (0 - 3) / 2
    expect(f.item_age).toBe(0); // created in the future counts as new
  });

  it("handles a user without history or live state", () => {
    const newcomer: UserProfile = { userId: "new", collabVector: null, contentVector: null, tagAffinity: {}, ratingCount: 0, ratingMean: 0 };
    const f = features(item, {}, { shortTermVector: null }, newcomer);
    expect([f.mf_dot, f.content_cos_long, f.content_cos_short, f.tag_affinity, f.user_log_ratings, f.user_mean_rating, f.user_collab_norm])
      .toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(f.item_is_cold).toBe(0);
  });

  it("writes zeros instead of non-finite values", () => {
    const f = features({ ...item, createdAt: Number.NaN, ratingMean: Number.POSITIVE_INFINITY }, {});
    expect(f.item_age).toBe(0);
    expect(f.item_mean_rating).toBe(0);
  });
});

describe("buildFeatureMatrix", () => {
  it("lays candidates out row-major in input order", () => {
    const matrix = buildFeatureMatrix(user, live, [item, coldItem], {}, NOW);
    expect(matrix).toHaveLength(2 * FEATURE_COUNT);
    const cold = FEATURE_LAYOUT.names.indexOf("item_is_cold");
    expect(matrix[cold]).toBe(0);
    expect(matrix[FEATURE_COUNT + cold]).toBe(1);
  });
});
