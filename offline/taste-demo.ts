// npm run taste-demo [-- --users 60 --rounds 20 --seed 5] [--url http://127.0.0.1:8787 | --start]
//
// Does the service learn a new user's taste from feedback alone? Simulated users with a hidden taste of two or three
// MovieLens genres, unknown to the service (no profile, no history), ask for 10 items from the catalogue each round
// and click what matches their taste: p = 0.5 for an item with a liked genre, 0.02 otherwise, times a position
// discount 1/log2(rank + 1). Clicks go back as events naming the decision. Prints and writes (reports/taste-demo.json)
// the click rate per round for each variant of the deployed experiment, and the share of exploratory slots.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { seededRandom } from "../src/ranking/random.js";
import { ingestMovieLens } from "./ingest.js";
import { startLocalWorker, type LocalWorker } from "./local-worker.js";
import { movieLensDir, readMovieLens } from "./movielens.js";
import { callService, type ServiceClient } from "./service-client.js";

const { values: args } = parseArgs({ options: {
  users: { type: "string", default: "60" }, rounds: { type: "string", default: "20" }, seed: { type: "string", default: "5" },
  url: { type: "string" }, start: { type: "boolean", default: false }, port: { type: "string", default: "8799" },
  "data-dir": { type: "string", default: process.env.SERENDIP_DATA_DIR ?? "../shared/data" },
  out: { type: "string", default: "reports/taste-demo.json" },
} });
const USERS = Number(args.users);
const ROUNDS = Number(args.rounds);
const random = seededRandom(Number(args.seed));
const GENRES = ["Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
  "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western"];

interface Ranked { requestId: string; variant: string; items: { itemId: string; explore: boolean }[] }

async function main(): Promise<void> {
  const data = readMovieLens(args["data-dir"]!);
  const genresOf = new Map(data.movies.map((movie) => [movie.itemId, movie.genres]));
  let worker: LocalWorker | null = null;
  let persist: string | null = null;
  let baseUrl = args.url ?? "http://127.0.0.1:8787";
  if (args.start) {
    persist = mkdtempSync(join(tmpdir(), "serendip-taste-"));
    worker = await startLocalWorker({ port: Number(args.port), persistDir: persist, log: (line) => console.log(`taste-demo: ${line}`) });
    baseUrl = worker.url;
    await ingestMovieLens(movieLensDir(args["data-dir"]!), { baseUrl, key: "dev-admin-key" }, ".cache/embeddings.json");
  }
  const serve: ServiceClient = { baseUrl, key: "dev-serve-key" };
  try {
    const users = Array.from({ length: USERS }, (_, u) => {
      const taste = new Set<string>();
      const size = 2 + Math.floor(random() * 2);
      while (taste.size < size) taste.add(GENRES[Math.floor(random() * GENRES.length)]!);
      return { userId: `taste-${args.seed}-${u}`, taste };
    });
    // clicks[variant][round], shown[variant][round], explored[variant][round]
    const tally = new Map<string, { clicks: number[]; shown: number[]; explored: number[]; users: number }>();
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(users.map(async (user) => {
        const ranked = await callService<Ranked>(serve, "POST", "/v1/rank", { userId: user.userId, k: 10 });
        const entry = tally.get(ranked.variant) ?? { clicks: Array(ROUNDS).fill(0), shown: Array(ROUNDS).fill(0), explored: Array(ROUNDS).fill(0), users: 0 };
        if (round === 0) entry.users++;
        tally.set(ranked.variant, entry);
        const events = ranked.items.flatMap((item, position) => {
          entry.shown[round]++;
          if (item.explore) entry.explored[round]++;
          const liked = (genresOf.get(item.itemId) ?? []).some((genre) => user.taste.has(genre));
          const p = (liked ? 0.5 : 0.02) / Math.log2(position + 2);
          if (random() >= p) return [];
          entry.clicks[round]++;
          return [{ eventId: `${user.userId}-r${round}-${item.itemId}`, userId: user.userId, itemId: item.itemId, type: "click", requestId: ranked.requestId }];
        });
        if (events.length > 0) await callService(serve, "POST", "/v1/events", { events });
      }));
      process.stdout.write(`round ${round + 1}/${ROUNDS}\r`);
    }
    const variants = [...tally].map(([variant, t]) => ({
      variant, users: t.users,
      ctrByRound: t.clicks.map((c, r) => Number((c / Math.max(1, t.shown[r]!)).toFixed(4))),
      exploreShare: Number((t.explored.reduce((a, b) => a + b, 0) / Math.max(1, t.shown.reduce((a, b) => a + b, 0))).toFixed(3)),
    }));
    console.log("\nclick rate per round (users with a hidden 2-3 genre taste, no profile):");
    for (const v of variants) {
      const first = v.ctrByRound.slice(0, 5).reduce((a, b) => a + b, 0) / 5;
      const last = v.ctrByRound.slice(-5).reduce((a, b) => a + b, 0) / 5;
      console.log(`${v.variant.padEnd(10)} users ${String(v.users).padStart(3)}  rounds 1-5 ${first.toFixed(3)}  rounds ${ROUNDS - 4}-${ROUNDS} ${last.toFixed(3)}  explore share ${v.exploreShare}  [${v.ctrByRound.map((c) => c.toFixed(2)).join(" ")}]`);
    }
    mkdirSync("reports", { recursive: true });
    writeFileSync(args.out!, JSON.stringify({ users: USERS, rounds: ROUNDS, seed: Number(args.seed), variants }, null, 2) + "\n");
    console.log(`wrote ${args.out}`);
  } finally {
    await worker?.stop();
    if (persist !== null) rmSync(persist, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`taste-demo failed: ${(error as Error).message}`);
  process.exit(1);
});
