import { describe, expect, it } from "vitest";
import { fitAls } from "../../offline/als.js";
import { buildSnapshot, LiveReplay, pointwiseRows, rankingRows, sampleUnseen, temporalSplit } from "../../offline/dataset.js";
import type { Movie, Rating } from "../../offline/movielens.js";
import { FEATURE_COUNT, FEATURE_LAYOUT } from "../../src/ranking/features.js";
import { addToInterest, eventReward, type InterestState } from "../../src/ranking/live-state.js";
import { seededRandom } from "../../src/ranking/random.js";

const DAY_MS = 86_400_000;
const movies: Movie[] = Array.from({ length: 30 }, (_, i) => ({
  itemId: `m${i}`, title: `Movie ${i} (1990)`, releaseDate: i === 0 ? null : Date.UTC(1990, 0, 1), genres: [i % 2 === 0 ? "Drama" : "Comedy"],
}));
// Two users with 20 ratings each, given newest first so the split has to sort them.
const ratings: Rating[] = ["a", "b"].flatMap((userId, u) => Array.from({ length: 20 }, (_, n) => ({
  userId, itemId: `m${(n + u * 5) % 30}`, rating: 1 + (n % 5), timestamp: Date.UTC(1998, 0, 1) + (19 - n) * DAY_MS,
})));
const column = (name: (typeof FEATURE_LAYOUT.names)[number]): number => FEATURE_LAYOUT.names.indexOf(name);

describe("temporalSplit", () => {
  it("gives each user 70% history, 20% training labels and 10% test, oldest first", () => {
    for (const split of temporalSplit(ratings)) {
      expect([split.history.length, split.trainLabels.length, split.test.length]).toEqual([14, 4, 2]);
      const times = [...split.history, ...split.trainLabels, ...split.test].map((r) => r.timestamp);
      expect(times).toEqual([...times].sort((x, y) => x - y));
      expect(split.seen.size).toBe(20);
    }
  });
});

describe("snapshots and rows", () => {
  const splits = temporalSplit(ratings);
  const known = new Map(splits.map((split) => [split.userId, split.history as readonly Rating[]]));
  const als = fitAls([...known.values()].flat(), { dimension: 2, lambda: 0.1, alpha: 2, iterations: 3, random: seededRandom(1) });
  const content = new Map(movies.map((movie, i) => [movie.itemId, Float32Array.from([Math.cos(i), Math.sin(i)])]));
  const snapshot = buildSnapshot(movies, content, known, als);

  it("takes item statistics and factors from the known window only", () => {
    const historyItems = new Set(splits.flatMap((split) => split.history.map((r) => r.itemId)));
    for (const item of snapshot.catalogue.values()) {
      expect(item.collabVector !== null).toBe(historyItems.has(item.itemId));
      expect(item.ratingCount > 0).toBe(historyItems.has(item.itemId));
    }
    expect(snapshot.catalogue.get("m0")?.createdAt).toBe(Date.UTC(1995, 0, 1)); // unknown release date
    expect(snapshot.profiles.get("a")?.ratingCount).toBe(14);
  });

  it("replays the ratings strictly before the label time through the Durable Object's interest update", () => {
    const split = splits[0]!;
    const label = split.trainLabels[1]!;
    // What user-state-object.ts holds after ingest sent every earlier rating as a "rating" event, in any order.
    let state: InterestState = { vector: null, updatedAt: 0 };
    for (const event of [...split.events].reverse()) {
      if (event.timestamp >= label.timestamp) continue;
      state = addToInterest(state, content.get(event.itemId)!, eventReward("rating", event.rating), event.timestamp);
    }
    const replay = new LiveReplay(split.events, snapshot.catalogue);
    expect(replay.at(split.events[0]!.timestamp).shortTermVector).toBeNull(); // nothing before the first rating
    const live = replay.at(label.timestamp).shortTermVector!;
    [...state.vector!].forEach((value, i) => expect(live[i]).toBeCloseTo(value, 5));
    // Rows carry the short-term cosine of that state, for the positive and its negatives alike.
    const rows = pointwiseRows(snapshot, [split], (s) => [s.trainLabels[1]!], 2, seededRandom(4));
    const cos = (v: Float32Array, w: Float32Array): number => (v[0]! * w[0]! + v[1]! * w[1]!) / Math.hypot(v[0]!, v[1]!) / Math.hypot(w[0]!, w[1]!);
    expect(rows.features[column("content_cos_short")]).toBeCloseTo(cos(state.vector!, content.get(label.itemId)!), 5);
    for (let row = 1; row < 3; row++) expect(rows.features[row * FEATURE_COUNT + column("content_cos_short")]).not.toBe(0);
  });

  it("never samples an item the user rated", () => {
    const split = splits[0]!;
    const ids = movies.map((movie) => movie.itemId);
    const drawn = sampleUnseen(ids, split.seen, 10, seededRandom(3), true);
    expect(new Set(drawn).size).toBe(10);
    for (const itemId of drawn) expect(split.seen.has(itemId)).toBe(false);
  });

  it("writes one positive and the asked negatives per label", () => {
    const rows = pointwiseRows(snapshot, splits, (split) => split.trainLabels, 4, seededRandom(2));
    expect(rows.rows).toBe(2 * 4 * 5);
    expect(rows.features).toHaveLength(rows.rows * FEATURE_COUNT);
    expect([...rows.labels.subarray(0, 5)]).toEqual([1, 0, 0, 0, 0]);
  });

  it("puts each user's last rating first in its ranking group", () => {
    const groups = rankingRows(snapshot, splits, () => ["m29", "m28"]);
    expect(groups.groups.map((g) => [g.userId, g.start, g.count])).toEqual([["a", 0, 3], ["b", 3, 3]]);
    // a's last rating is its newest: m0, which only a rated in its test window, so it is cold here.
    expect(groups.features[column("item_is_cold")]).toBe(1);
  });
});
