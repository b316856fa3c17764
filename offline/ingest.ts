// npm run ingest -- movielens <dir> [--url http://127.0.0.1:8787] [--key dev-admin-key] [--cache .cache/embeddings.json]
//
// Loads MovieLens 100K into a running Serendip through its own admin API: items with their pretrained-encoder
// content vectors (cached by text hash), collaborative factors (ALS on all ratings) and popularity, then user
// profiles, then the rating history as events. Nothing is written to the service's storage any other way.
import { parseArgs } from "node:util";
import { SingleBar, Presets } from "cli-progress";
import { buildUserProfile, type ProfileItem } from "../src/ranking/profile.js";
import { seededRandom } from "../src/ranking/random.js";
import { fitAls } from "./als.js";
import { contentVectors } from "./content-vectors.js";
import { readMovieLens, type Rating } from "./movielens.js";
import { batchBySize, callService, vectorJson, type ServiceClient } from "./service-client.js";
import { cleanItemText } from "./text-encoder.js";
import { ALS_OPTIONS, DEFAULT_SEED } from "./train-config.js";

const FALLBACK_RELEASE = Date.UTC(1995, 0, 1);

export async function ingestMovieLens(dir: string, client: ServiceClient, cacheFile: string): Promise<{ items: number; users: number; events: number }> {
  const data = readMovieLens(dir);
  console.log(`MovieLens: ${data.movies.length} movies, ${data.users.length} users, ${data.ratings.length} ratings from ${dir}`);

  const texts = data.movies.map((movie) => cleanItemText(movie.title, movie.genres));
  const vectors = await contentVectors(texts, cacheFile);

  const started = performance.now();
  const als = fitAls(data.ratings, { ...ALS_OPTIONS, random: seededRandom(DEFAULT_SEED) });
  console.log(`collaborative factors: ALS dimension ${ALS_OPTIONS.dimension} in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const stats = new Map<string, { count: number; sum: number }>();
  const byUser = new Map<string, Rating[]>();
  for (const rating of data.ratings) {
    const s = stats.get(rating.itemId) ?? { count: 0, sum: 0 };
    s.count++;
    s.sum += rating.rating;
    stats.set(rating.itemId, s);
    byUser.set(rating.userId, [...(byUser.get(rating.userId) ?? []), rating]);
  }

  const items = data.movies.map((movie, i) => {
    const s = stats.get(movie.itemId);
    return {
      itemId: movie.itemId, title: movie.title, text: texts[i]!, tags: movie.genres,
      createdAt: movie.releaseDate ?? FALLBACK_RELEASE, active: true,
      vector: vectorJson(vectors[i]), collabVector: vectorJson(als.items.get(movie.itemId)),
      popularity: { ratingCount: s?.count ?? 0, ratingMean: s ? s.sum / s.count : 0 },
    };
  });
  await upload(client, "/v1/items", "items", items, "items");

  const profileItems = new Map<string, ProfileItem>(data.movies.map((movie, i) => [movie.itemId, { tags: movie.genres, contentVector: vectors[i]! }]));
  const users = data.users.map((user) => {
    const profile = buildUserProfile(user.userId, byUser.get(user.userId) ?? [], profileItems, als.users.get(user.userId) ?? null);
    return {
      userId: user.userId, collabVector: vectorJson(profile.collabVector), contentVector: vectorJson(profile.contentVector),
      tagAffinity: profile.tagAffinity, ratingCount: profile.ratingCount, ratingMean: profile.ratingMean,
      attributes: { age: user.age, gender: user.gender, occupation: user.occupation },
    };
  });
  await upload(client, "/v1/users", "users", users, "user profiles");

  // The rating history goes in as rating events, in time order per user: each user's Durable Object then knows
  // what they have already seen and holds the short-term interest the trainer reproduces from the same events.
  // Event ids are derived from (user, item), so running ingest again is deduplicated, not double-counted.
  const events = [...byUser.values()].flatMap((history) => [...history].sort((a, b) => a.timestamp - b.timestamp)).map((rating) => ({
    eventId: `ml-${rating.userId}-${rating.itemId}`, userId: rating.userId, itemId: rating.itemId,
    type: "rating", value: rating.rating, timestamp: rating.timestamp,
  }));
  await upload(client, "/v1/events", "events", events, "rating history as events", EVENT_UPLOAD_CONCURRENCY);
  return { items: items.length, users: users.length, events: events.length };
}

/** Parallel event uploads: safe because the Durable Object's interest update does not depend on delivery order. */
const EVENT_UPLOAD_CONCURRENCY = 4;

async function upload(client: ServiceClient, path: string, field: string, records: readonly object[], label: string, concurrency = 1): Promise<void> {
  const bar = new SingleBar({ format: `uploading ${label} [{bar}] {value}/{total}` }, Presets.shades_classic);
  bar.start(records.length, 0);
  const method = path === "/v1/events" ? "POST" : "PUT";
  const pending = batchBySize(records, 500);
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let batch = pending.shift(); batch !== undefined; batch = pending.shift()) {
      await callService(client, method, path, { [field]: batch });
      bar.increment(batch.length);
    }
  }));
  bar.stop();
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: "string", default: process.env.SERENDIP_URL ?? `http://127.0.0.1:${process.env.PORT ?? "8787"}` },
      key: { type: "string", default: process.env.SERENDIP_ADMIN_KEY ?? "dev-admin-key" },
      cache: { type: "string", default: ".cache/embeddings.json" },
    },
  });
  const [dataset, dir] = positionals;
  if (dataset !== "movielens" || dir === undefined) {
    console.error("usage: npm run ingest -- movielens <dir of MovieLens 100K, e.g. ../shared/data/ml-100k> [--url URL] [--key ADMIN_KEY]");
    process.exit(2);
  }
  const started = performance.now();
  const result = await ingestMovieLens(dir, { baseUrl: values.url!, key: values.key! }, values.cache!);
  console.log(`ingested ${result.items} items, ${result.users} user profiles and ${result.events} rating events into ${values.url} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(`ingest failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
