// The trainer and the Worker build identical tensors for the same input. The trainer holds vectors as Float32Arrays
// in memory; the Worker gets them through ingest's JSON, the admin API's schemas, D1's base64 columns and the user's
// Durable Object. This test sends one user and a few items through that whole representation path (everything but
// the network) and compares the feature bytes with the trainer's.
import { describe, expect, it } from "vitest";
import { ItemInput, UserProfileInput } from "../../src/http/schemas.js";
import { buildFeatureMatrix } from "../../src/ranking/features.js";
import { addToInterest, eventReward, type InterestState } from "../../src/ranking/live-state.js";
import { buildUserProfile } from "../../src/ranking/profile.js";
import { gaussian, seededRandom } from "../../src/ranking/random.js";
import type { CatalogueItem } from "../../src/ranking/types.js";
import { decodeVector, encodeVector } from "../../src/ranking/vectors.js";
import { itemRow, toCatalogueItem, toUserProfile } from "../../src/storage/d1/row-mapping.js";
import { LiveReplay } from "../../offline/dataset.js";
import { vectorJson } from "../../offline/service-client.js";

const random = seededRandom(31);
const vector = (d: number) => Float32Array.from({ length: d }, () => gaussian(random) / Math.sqrt(d));
const NOW = Date.UTC(2026, 11, 3, 21);

const trainerItems: CatalogueItem[] = Array.from({ length: 12 }, (_, i) => ({
  itemId: `m${i}`, title: `Movie ${i}`, tags: [["Drama", "Comedy", "Sci-Fi"][i % 3]!], contentVector: vector(512),
  collabVector: i === 11 ? null : vector(16), ratingCount: 3 + i, ratingMean: 2.5 + (i % 5) / 2, createdAt: Date.UTC(1996, i, 1), active: true,
}));
const ratings = [0, 3, 4, 7].map((i, n) => ({ userId: "42", itemId: `m${i}`, rating: 2 + n, timestamp: Date.UTC(1998, 0, 1 + n) }));

describe("feature parity between the trainer and the Worker", () => {
  it("builds bit-identical feature tensors from the same user, items and events", () => {
    const byId = new Map(trainerItems.map((item) => [item.itemId, item]));
    const profile = buildUserProfile("42", ratings, byId, vector(16));
    const trainerLive = new LiveReplay(ratings, byId).at(NOW);
    const context = { hour: 21 };
    const trainer = buildFeatureMatrix(profile, trainerLive, trainerItems, context, NOW);

    // Ingest -> PUT /v1/items -> D1 row -> catalogue cache.
    const servedItems = trainerItems.map((item) => {
      const body = JSON.parse(JSON.stringify({
        itemId: item.itemId, title: item.title, tags: item.tags, createdAt: item.createdAt, vector: vectorJson(item.contentVector),
        collabVector: vectorJson(item.collabVector), popularity: { ratingCount: item.ratingCount, ratingMean: item.ratingMean },
      }));
      const input = ItemInput.parse(body);
      const row = itemRow({
        itemId: input.itemId, title: input.title, text: input.text, tags: input.tags, createdAt: input.createdAt!, active: input.active,
        vector: input.vector ? Float32Array.from(input.vector) : null, collabVector: input.collabVector ? Float32Array.from(input.collabVector) : null,
        ratingCount: input.popularity!.ratingCount, ratingMean: input.popularity!.ratingMean,
      }, NOW);
      return toCatalogueItem({ ...row, impressions: 0, clicks: 0, contentVector: row.contentVector ?? null, collabVector: row.collabVector ?? null, active: row.active!, ratingCount: row.ratingCount!, ratingMean: row.ratingMean! });
    });
    // Ingest -> PUT /v1/users -> D1 row -> the rank service's profile.
    const user = UserProfileInput.parse(JSON.parse(JSON.stringify({
      userId: "42", collabVector: vectorJson(profile.collabVector), contentVector: vectorJson(profile.contentVector),
      tagAffinity: profile.tagAffinity, ratingCount: profile.ratingCount, ratingMean: profile.ratingMean,
    })));
    const servedProfile = toUserProfile("42", {
      userId: "key", collabVector: encodeVector(Float32Array.from(user.collabVector!)), contentVector: encodeVector(Float32Array.from(user.contentVector!)),
      tagAffinity: user.tagAffinity, ratingCount: user.ratingCount, ratingMean: user.ratingMean, attributes: {}, updatedAt: NOW,
    });
    // Ingest -> POST /v1/events (ratings, in any order) -> the Durable Object's interest, stored as base64.
    let interest: InterestState = { vector: null, updatedAt: 0 };
    for (const rating of [...ratings].reverse()) {
      interest = addToInterest(interest, servedItems.find((item) => item.itemId === rating.itemId)!.contentVector!, eventReward("rating", rating.rating), rating.timestamp);
    }
    const servedLive = { shortTermVector: decodeVector(encodeVector(interest.vector!)) };

    const served = buildFeatureMatrix(servedProfile, servedLive, servedItems, context, NOW);
    expect(served.length).toBe(trainer.length);
    // Float addition is not associative, so replaying events in another order may differ in the last bit of the
    // interest vector; every other value must be bit for bit the same.
    const differing = Array.from(served).map((value, i) => (value === trainer[i] ? null : i)).filter((i) => i !== null);
    const shortTermColumn = 2;
    expect(differing.every((i) => i! % 15 === shortTermColumn)).toBe(true);
    Array.from(served).forEach((value, i) => expect(value).toBeCloseTo(trainer[i]!, 6));
  });
});
