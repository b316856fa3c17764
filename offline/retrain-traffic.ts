// npx tsx offline/retrain-traffic.ts [--url URL] [--key SERVE_KEY] [--users 200] [--rounds 5] [--seed 1]
//                                   [--concurrency 4] [--data-dir D] [--record FILE.jsonl]
//
// Semi-synthetic traffic for trying `npm run retrain` against a local service: MovieLens users "1".."N" ask for 10
// recommendations `rounds` times each, and click what a click model derived from their MovieLens ratings says
// they would. Everything a user rated is already consumed in the service (ingest sends the rating history), so
// the click model cannot use "items they rated highly" directly; it uses their taste instead:
//
//   P(click item j at rank r) = examine(r) * (0.02 + 0.6 * genreMatch(u, j) * quality(j))
//   genreMatch(u, j) = share of u's ratings >= 4 whose movie shares a genre with j
//   quality(j)       = sigmoid(3 * (mean MovieLens rating of j - 3.4))   (0 for unrated items)
//   examine(r)       = 1 / sqrt(r)                                         (position bias)
//
// Requests carry a random hour and device as context; clicks do not depend on them. Seeded: the same seed makes
// the same decisions about clicks given the same slates (the slates themselves depend on the service's policies).
// --record writes one JSON line per served item (requestId, MovieLens userId, itemId, rank, the click model's
// probability before and after position bias), so an evaluation can be checked against the known truth.
import { appendFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Presets, SingleBar } from "cli-progress";
import { resolve } from "node:path";
import { seededRandom } from "../src/ranking/random.js";
import { readMovieLens } from "./movielens.js";
import { callService, type ServiceClient } from "./service-client.js";

const { values: args } = parseArgs({
  options: {
    url: { type: "string", default: process.env["SERENDIP_URL"] ?? "http://127.0.0.1:8787" },
    key: { type: "string", default: process.env["SERENDIP_SERVE_KEY"] ?? "dev-serve-key" },
    users: { type: "string", default: "200" },
    rounds: { type: "string", default: "5" },
    seed: { type: "string", default: "1" },
    concurrency: { type: "string", default: "4" },
    "data-dir": { type: "string", default: process.env["SERENDIP_DATA_DIR"] ?? "../shared/data" },
    record: { type: "string" },
  },
});
const client: ServiceClient = { baseUrl: args.url!, key: args.key! };
const userCount = Number(args.users);
const rounds = Number(args.rounds);
const random = seededRandom(Number(args.seed));

const data = readMovieLens(resolve(args["data-dir"]!));
const genres = new Map(data.movies.map((movie) => [movie.itemId, new Set(movie.genres)]));
const stats = new Map<string, { sum: number; count: number }>();
const liked = new Map<string, string[]>();
for (const { userId, itemId, rating } of data.ratings) {
  const s = stats.get(itemId) ?? { sum: 0, count: 0 };
  stats.set(itemId, { sum: s.sum + rating, count: s.count + 1 });
  if (rating >= 4) liked.set(userId, [...(liked.get(userId) ?? []), itemId]);
}

/** The click model's relevance: P(click) at rank 1. */
function relevance(userId: string, itemId: string): number {
  const likes = liked.get(userId) ?? [];
  const itemGenres = genres.get(itemId) ?? new Set<string>();
  const matching = likes.filter((liked) => [...(genres.get(liked) ?? [])].some((genre) => itemGenres.has(genre))).length;
  const genreMatch = likes.length === 0 ? 0 : matching / likes.length;
  const s = stats.get(itemId);
  const quality = s === undefined ? 0 : 1 / (1 + Math.exp(-3 * (s.sum / s.count - 3.4)));
  return 0.02 + 0.6 * genreMatch * quality;
}

const clickProbability = (userId: string, itemId: string, rank: number): number => relevance(userId, itemId) / Math.sqrt(rank);
if (args.record !== undefined) writeFileSync(args.record, "");

interface RankResponse { requestId: string; modelVersion: string | null; items: { itemId: string; rank: number }[] }

const jobs = Array.from({ length: rounds }, (_, round) => Array.from({ length: userCount }, (_, u) => ({ round, userId: String(u + 1) }))).flat();
const bar = new SingleBar({ format: "traffic [{bar}] {value}/{total} requests, {clicks} clicks", clearOnComplete: false }, Presets.shades_classic);
bar.start(jobs.length, 0, { clicks: 0 });
let clicks = 0;
let impressions = 0;
const versions = new Map<string, number>();
await Promise.all(Array.from({ length: Number(args.concurrency) }, async () => {
  for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) {
    const context = { hour: Math.floor(random() * 24), device: random() < 0.5 ? "mobile" : "desktop" };
    const ranked = await callService<RankResponse>(client, "POST", "/v1/rank", { userId: job.userId, k: 10, context });
    versions.set(ranked.modelVersion ?? "fallback", (versions.get(ranked.modelVersion ?? "fallback") ?? 0) + 1);
    const events = ranked.items.flatMap(({ itemId, rank }) => (random() < clickProbability(job.userId, itemId, rank)
      ? [{ eventId: `traffic-${ranked.requestId}-${itemId}`, userId: job.userId, itemId, type: "click", requestId: ranked.requestId }]
      : []));
    impressions += ranked.items.length;
    if (args.record !== undefined) {
      appendFileSync(args.record, ranked.items.map(({ itemId, rank }) => `${JSON.stringify({
        requestId: ranked.requestId, userId: job.userId, itemId, rank, relevance: relevance(job.userId, itemId), click: clickProbability(job.userId, itemId, rank),
      })}\n`).join(""));
    }
    if (events.length > 0) await callService(client, "POST", "/v1/events", { events });
    clicks += events.length;
    bar.increment(1, { clicks });
  }
}));
bar.stop();
console.log(`${impressions} impressions, ${clicks} clicks (CTR ${(clicks / Math.max(1, impressions)).toFixed(4)}); models: ${[...versions].map(([v, n]) => `${v} ${n}`).join(", ")}`);
