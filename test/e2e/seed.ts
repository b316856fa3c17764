// Seeds the e2e Worker through its admin API only: a small MovieLens 100K subset (the first 200 movies and 20
// users, user "196" among them) when ../shared/data/ml-100k is present, else a fixture catalogue made in code;
// then a little traffic (rank requests and clicks) so the experiment views have data.
//
// The MovieLens subset uses the real titles, genres, ratings, collaborative factors (ALS on the ratings of those
// 200 movies) and user profiles (src/ranking/profile.ts, as ingest does), and replays the 20 users' ratings as
// events. Content vectors are a deterministic function of the genres (not the sentence encoder, which would add
// minutes and a model load to the suite). The last 10 movies are loaded as new arrivals without collaborative
// vectors, so the catalogue has cold items. The full ingest (`npm run ingest`) is not used: it replays 100k events.
import { join } from "node:path";
import { hasMovieLens, readMovieLens, type Rating } from "../../offline/movielens.js";
import { fitAls } from "../../offline/als.js";
import { batchBySize, callService, vectorJson, type ServiceClient } from "../../offline/service-client.js";
import { ALS_OPTIONS, DEFAULT_SEED } from "../../offline/train-config.js";
import { buildUserProfile, type ProfileItem } from "../../src/ranking/profile.js";
import { gaussian, seededRandom } from "../../src/ranking/random.js";
import { fixtureItems, fixtureUser } from "../fixtures/catalogue.js";

export const EXPLORED_USER = "196";
const MOVIES = 200;
const USERS = 20;
const COLD = 10;
const CONTENT_DIMENSION = 512;

export interface Seeded { source: "movielens" | "fixtures"; detail: string; userIds: string[]; items: number; events: number }

function unit(values: number[]): number[] {
  const n = Math.hypot(...values) || 1;
  return values.map((x) => Number((x / n).toPrecision(7)));
}

async function upload(client: ServiceClient, method: "PUT" | "POST", path: string, field: string, records: readonly object[]): Promise<void> {
  for (const batch of batchBySize(records, 500)) await callService(client, method, path, { [field]: batch });
}

export function movieLensDataDir(): string | null {
  const dir = join(process.env.SERENDIP_DATA_DIR ?? join("..", "shared", "data"), "ml-100k");
  return hasMovieLens(dir) ? dir : null;
}

export async function seedMovieLens(admin: ServiceClient, dir: string): Promise<Seeded> {
  const data = readMovieLens(dir);
  const movies = data.movies.slice(0, MOVIES);
  const movieIds = new Set(movies.map((m) => m.itemId));
  const userIds = [EXPLORED_USER, ...data.users.map((u) => u.userId).filter((id) => id !== EXPLORED_USER).slice(0, USERS - 1)];
  const ratings = data.ratings.filter((r) => movieIds.has(r.itemId));
  const als = fitAls(ratings, { ...ALS_OPTIONS, random: seededRandom(DEFAULT_SEED) });

  const genreVectors = new Map<string, number[]>();
  const genreVector = (genre: string) => {
    let v = genreVectors.get(genre);
    if (v === undefined) {
      const random = seededRandom(genreVectors.size + 100);
      v = Array.from({ length: CONTENT_DIMENSION }, () => gaussian(random));
      genreVectors.set(genre, v);
    }
    return v;
  };
  const stats = new Map<string, { count: number; sum: number }>();
  for (const r of ratings) {
    const s = stats.get(r.itemId) ?? { count: 0, sum: 0 };
    s.count++;
    s.sum += r.rating;
    stats.set(r.itemId, s);
  }
  const now = Date.now();
  const items = movies.map((movie, i) => {
    const random = seededRandom(1_000 + i);
    const base = movie.genres.map(genreVector);
    const vector = unit(Array.from({ length: CONTENT_DIMENSION }, (_, d) => base.reduce((sum, g) => sum + g[d]!, 0) + 0.5 * gaussian(random)));
    const s = stats.get(movie.itemId);
    const cold = i >= MOVIES - COLD;
    return {
      itemId: movie.itemId, title: movie.title, text: `${movie.title}. ${movie.genres.join(", ")}`, tags: movie.genres,
      createdAt: cold ? now - (MOVIES - i) * 3_600_000 : movie.releaseDate ?? Date.UTC(1995, 0, 1), active: true, vector,
      ...(cold ? {} : { collabVector: vectorJson(als.items.get(movie.itemId)) }),
      popularity: { ratingCount: s?.count ?? 0, ratingMean: s ? s.sum / s.count : 0 },
    };
  });
  await upload(admin, "PUT", "/v1/items", "items", items);

  const profileItems = new Map<string, ProfileItem>(items.map((item) => [item.itemId, { tags: item.tags, contentVector: Float32Array.from(item.vector) }]));
  const byUser = new Map<string, Rating[]>(userIds.map((id) => [id, []]));
  for (const r of ratings) byUser.get(r.userId)?.push(r);
  const people = new Map(data.users.map((u) => [u.userId, u]));
  const users = userIds.map((userId) => {
    const profile = buildUserProfile(userId, byUser.get(userId)!, profileItems, als.users.get(userId) ?? null);
    const person = people.get(userId);
    return {
      userId, collabVector: vectorJson(profile.collabVector), contentVector: vectorJson(profile.contentVector),
      tagAffinity: profile.tagAffinity, ratingCount: profile.ratingCount, ratingMean: profile.ratingMean,
      attributes: person ? { age: person.age, gender: person.gender, occupation: person.occupation } : {},
    };
  });
  await upload(admin, "PUT", "/v1/users", "users", users);

  const events = [...byUser.values()].flatMap((history) => [...history].sort((a, b) => a.timestamp - b.timestamp)).map((r) => ({
    eventId: `ml-${r.userId}-${r.itemId}`, userId: r.userId, itemId: r.itemId, type: "rating", value: r.rating, timestamp: r.timestamp,
  }));
  await upload(admin, "POST", "/v1/events", "events", events);
  return {
    source: "movielens", userIds, items: items.length, events: events.length,
    detail: `MovieLens 100K subset from ${dir}: ${items.length} movies (${COLD} cold), ${userIds.length} users, ${events.length} rating events`,
  };
}

export async function seedFixtures(admin: ServiceClient): Promise<Seeded> {
  const now = Date.now();
  const items = fixtureItems(MOVIES, 1, "item").map((item, i) => {
    if (i < MOVIES - COLD) return { ...item, title: `Fixture film ${i}` };
    const { collabVector: _cold, ...rest } = item;
    return { ...rest, title: `Fixture film ${i}`, createdAt: now - (MOVIES - i) * 3_600_000 };
  });
  await upload(admin, "PUT", "/v1/items", "items", items);
  const userIds = [EXPLORED_USER, ...Array.from({ length: USERS - 1 }, (_, i) => `u${i + 1}`)];
  await upload(admin, "PUT", "/v1/users", "users", userIds.map((id, i) => fixtureUser(id, i + 2)));
  const random = seededRandom(7);
  const events = userIds.flatMap((userId, u) => Array.from({ length: 15 }, (_, n) => {
    const itemId = items[Math.floor(random() * (MOVIES - COLD))]!.itemId;
    return { eventId: `fx-${userId}-${n}`, userId, itemId, type: "rating", value: 1 + Math.floor(random() * 5), timestamp: Date.UTC(2024, 0, 1) + (u * 15 + n) * 60_000 };
  }));
  await upload(admin, "POST", "/v1/events", "events", events);
  return { source: "fixtures", userIds, items: items.length, events: events.length, detail: `fixture catalogue made in code (test/fixtures/catalogue.ts): ${items.length} items (${COLD} cold), ${userIds.length} users, ${events.length} rating events` };
}

/** A few rounds of rank requests (serve key) with clicks on some of the items shown, attributed by requestId. */
export async function generateTraffic(serve: ServiceClient, userIds: readonly string[], rounds = 3): Promise<{ ranks: number; clicks: number }> {
  const random = seededRandom(11);
  let ranks = 0;
  let clicks = 0;
  for (let round = 0; round < rounds; round++) {
    const events: object[] = [];
    for (const userId of userIds) {
      const answer = await callService<{ requestId: string; items: { itemId: string }[] }>(serve, "POST", "/v1/rank", { userId, k: 10 });
      ranks++;
      answer.items.forEach((item, position) => {
        if (random() < 0.3 / (1 + position * 0.3)) {
          events.push({ eventId: `e2e-click-${answer.requestId}-${item.itemId}`, userId, itemId: item.itemId, type: "click", requestId: answer.requestId });
        }
      });
    }
    clicks += events.length;
    if (events.length > 0) await callService(serve, "POST", "/v1/events", { events });
  }
  return { ranks, clicks };
}
