// npm run simulate -- --dataset movielens [--start [--port 8791] [--persist DIR] [--keep]] [--url http://127.0.0.1:8787]
//                     [--users 300] [--rounds 20] [--k 10] [--seed 1] [--concurrency 8] [--drift-round N]
//                     [--out reports/simulation-movielens] [--print-experiments]
//
// Drives a running Worker over HTTP with simulated MovieLens users and compares the A/B variants it serves
// (offline/simulation/variants.ts: random, popularity, greedy, epsilon-greedy, Thompson, LinTS) on cumulative
// reward, regret against an oracle that knows the ground truth, click rate over time, catalogue coverage,
// intra-list diversity, novelty and exposure concentration, before and after a taste drift halfway through.
//
// Users are real MovieLens users (a seeded sample), so the service knows their profile and history; they click by
// a ground-truth model fitted on the ratings (offline/simulation/ground-truth.ts), which the service never sees.
// Each round every simulated user arrives once, in a seeded random order, asks POST /v1/rank for k items from the
// catalogue (excluding what they clicked earlier in the run), and their clicks go back to POST /v1/events with the
// request's id. The service assigns each user to a variant by the hash of (salt, userId).
//
// --start starts its own Worker (wrangler dev on --port, state in --persist or a fresh temporary folder, the
// simulation's EXPERIMENTS, migrations and MovieLens ingest) and stops it at the end. Without it, start one with the
// simulation's variants yourself (see offline/simulation/worker.ts for the commands) and point --url at it; a
// Worker with other variants works too, the results are then grouped by its variants.
//
// Writes <out>.json and a self-contained <out>.html (reports/ is not tracked).
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { Presets, SingleBar } from "cli-progress";
import { stableHash32 } from "../src/ranking/hash.js";
import { seededRandom } from "../src/ranking/random.js";
import { movieLensDir, readMovieLens } from "./movielens.js";
import { writeHtmlReport, type ReportSection } from "./report.js";
import { callService } from "./service-client.js";
import { DEFAULT_GROUND_TRUTH_OPTIONS, driftedFactors, driftTargets, fitGroundTruth, shuffled, type PositionBias } from "./simulation/ground-truth.js";
import { popularityShares } from "./simulation/metrics.js";
import { httpService, runSimulation, type SimulatedUser } from "./simulation/simulation.js";
import { clickRateChart, lorenzChart, regretChart, summarise, variantTables, type CatalogueInfo, type VariantSummary } from "./simulation/summary.js";
import { assignmentCounts, buildExperimentsJson, SIMULATION_VARIANTS } from "./simulation/variants.js";
import { startWorker, type StartedWorker } from "./simulation/worker.js";

const USAGE = "usage: npm run simulate -- --dataset movielens [--start [--port 8791]] [--url URL] [--users 300] [--rounds 20] [--k 10] [--seed 1] [--out reports/simulation-movielens]";

function integer(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in [${min}, ${max}], got "${value}"`);
  return n;
}

function rate(name: string, value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new Error(`--${name} must be a number in (0, 1), got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dataset: { type: "string" },
      url: { type: "string", default: process.env.SERENDIP_URL ?? "http://127.0.0.1:8787" },
      start: { type: "boolean", default: false },
      port: { type: "string", default: "8791" },
      persist: { type: "string" },
      keep: { type: "boolean", default: false },
      data: { type: "string", default: process.env.SERENDIP_DATA_DIR ?? "../shared/data" },
      cache: { type: "string", default: ".cache/embeddings.json" },
      users: { type: "string", default: "300" },
      rounds: { type: "string", default: "20" },
      k: { type: "string", default: "10" },
      seed: { type: "string", default: "1" },
      concurrency: { type: "string", default: "8" },
      "drift-round": { type: "string" },
      "position-bias": { type: "string", default: "log" },
      "top-rate": { type: "string", default: String(DEFAULT_GROUND_TRUTH_OPTIONS.topRate) },
      "base-rate": { type: "string", default: String(DEFAULT_GROUND_TRUTH_OPTIONS.baseRate) },
      bucket: { type: "string" },
      out: { type: "string", default: "reports/simulation-movielens" },
      "serve-key": { type: "string", default: process.env.SERENDIP_SERVE_KEY ?? "dev-serve-key" },
      "admin-key": { type: "string", default: process.env.SERENDIP_ADMIN_KEY ?? "dev-admin-key" },
      "print-experiments": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  const experimentsJson = buildExperimentsJson();
  if (values["print-experiments"]) {
    process.stdout.write(`${experimentsJson}\n`);
    return;
  }
  if (values.help || values.dataset !== "movielens") {
    console.error(values.help ? USAGE : `--dataset movielens is required (the only dataset so far)\n${USAGE}`);
    process.exit(values.help ? 0 : 2);
  }
  const rounds = integer("rounds", values.rounds!, 1, 10_000);
  const settings = {
    rounds,
    k: integer("k", values.k!, 1, 100),
    seed: integer("seed", values.seed!, 0, 2 ** 31),
    concurrency: integer("concurrency", values.concurrency!, 1, 64),
    driftRound: values["drift-round"] === undefined ? Math.floor(rounds / 2) : integer("drift-round", values["drift-round"], 0, rounds),
    positionBias: (values["position-bias"] === "none" ? "none" : values["position-bias"] === "log" ? "log" : (() => { throw new Error("--position-bias must be log or none"); })()) as PositionBias,
    runId: "",
  };
  settings.runId = `${settings.seed}-${Date.now().toString(36)}`;
  const userCount = integer("users", values.users!, 1, 943);
  const bucket = values.bucket === undefined ? Math.max(1, Math.ceil(rounds / 40)) : integer("bucket", values.bucket, 1, rounds);
  const out = values.out!.replace(/\.(json|html)$/, "");
  const started = performance.now();

  // Ground truth and the simulated users.
  const dir = movieLensDir(values.data!);
  const data = readMovieLens(dir);
  const truthOptions = { ...DEFAULT_GROUND_TRUTH_OPTIONS, topRate: rate("top-rate", values["top-rate"]!), baseRate: rate("base-rate", values["base-rate"]!) };
  const truth = fitGroundTruth(data, truthOptions);
  console.log(`ground truth: ALS (dimension ${truthOptions.dimension}) on ratings >= ${truthOptions.minRating}; p = sigmoid(a + b * x_u . y_i), a = ${truth.before.a.toFixed(3)}, b = ${truth.before.b.toFixed(3)} ` +
    `(after the drift ${truth.after.a.toFixed(3)}, ${truth.after.b.toFixed(3)}) ` +
    `(best remaining item ${truthOptions.topRate}, typical ${truthOptions.baseRate}); fitted in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const pool = [...truth.userFactors.keys()];
  const random = seededRandom(stableHash32(`users:${settings.seed}`));
  const chosen = shuffled(pool, random).slice(0, userCount);
  const drift = driftTargets(chosen, pool, truth.userFactors, random);
  const users: SimulatedUser[] = chosen.map((userId) => ({
    userId, before: truth.userFactors.get(userId)!, after: driftedFactors(truth.userFactors.get(userId)!, truth.userFactors.get(drift.get(userId)!)!), driftTo: drift.get(userId)!,
  }));
  const expected = assignmentCounts(experimentsJson, chosen);
  console.log(`${users.length} users x ${rounds} rounds, k = ${settings.k}, drift at round ${settings.driftRound + 1}; expected split: ${[...expected].map(([v, n]) => `${v} ${n}`).join(", ")}`);

  const ratingCounts = new Float64Array(truth.itemIds.length);
  for (const r of data.ratings) ratingCounts[truth.itemIndex.get(r.itemId)!]!++;
  const genreNames = [...new Set(data.movies.flatMap((m) => m.genres))].sort();
  const catalogue: CatalogueInfo = {
    size: truth.itemIds.length,
    genres: data.movies.map((m) => Float64Array.from(genreNames, (g) => (m.genres.includes(g) ? 1 : 0))),
    popularity: popularityShares(ratingCounts, data.users.length),
  };

  let worker: StartedWorker | undefined;
  let persistDir: string | undefined;
  const stopWorker = async () => {
    const w = worker;
    worker = undefined;
    await w?.stop();
  };
  const interrupted = () => {
    void stopWorker().finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  let url = values.url!;
  try {
    if (values.start) {
      persistDir = values.persist ?? mkdtempSync(join(tmpdir(), "serendip-sim-"));
      mkdirSync(persistDir, { recursive: true });
      worker = await startWorker({
        port: integer("port", values.port!, 1, 65535), persistDir, experimentsJson, movieLensDir: dir,
        adminKey: values["admin-key"]!, embeddingCache: values.cache!, log: (line) => console.log(`worker: ${line}`),
      });
      url = worker.url;
    }
    const admin = { baseUrl: url, key: values["admin-key"]! };
    const health = await callService<{ items: number; modelVersion: string | null }>(admin, "GET", "/healthz");
    const served = await callService<{ experiments: { name: string; variants: { name: string; policy: string }[] }[] }>(admin, "GET", "/v1/experiments");
    const variants = served.experiments[0]?.variants ?? [];
    console.log(`Worker ${url}: ${health.items} items, model ${health.modelVersion ?? "none (fallback scorer)"}, variants ${variants.map((v) => `${v.name} (${v.policy})`).join(", ")}`);
    const ours = SIMULATION_VARIANTS.map((v) => v.name).join(",");
    if (variants.map((v) => v.name).join(",") !== ours) {
      console.warn(`note: the Worker does not run the simulation's variants (${ours}); results are grouped by its own. Start it with --var "EXPERIMENTS:$(npm run -s simulate -- --print-experiments)" or use --start.`);
    }

    // Without a terminal (a log file, CI) the bar prints a line every 15 s instead.
    const bar = new SingleBar({
      format: "simulating [{bar}] {value}/{total} requests | round {round} | {clicks} clicks | {rate} req/s | eta {eta_formatted}",
      noTTYOutput: true, notTTYSchedule: 15_000,
    }, Presets.shades_classic);
    let clicks = 0;
    let done = 0;
    const loopStarted = performance.now();
    bar.start(users.length * rounds, 0, { round: 1, clicks: 0, rate: "0" });
    const records = await runSimulation(truth, users, httpService({ baseUrl: url, key: values["serve-key"]! }), settings, (record) => {
      clicks += record.clicks;
      done++;
      bar.update(done, { round: record.round + 1, clicks, rate: (done / ((performance.now() - loopStarted) / 1000)).toFixed(1) });
    });
    bar.stop();
    await stopWorker();
    const loopSeconds = (performance.now() - loopStarted) / 1000;

    const summaries = summarise(records, catalogue, settings.driftRound, rounds, variants.map((v) => v.name));
    const wallSeconds = (performance.now() - started) / 1000;
    const command = `npm run simulate -- ${process.argv.slice(2).join(" ")}`;
    const result = {
      command, generatedAt: new Date().toISOString(), wallSeconds, simulationSeconds: loopSeconds,
      worker: { url, started: values.start, items: health.items, modelVersion: health.modelVersion, experiments: values.start ? JSON.parse(experimentsJson) : served.experiments[0] ?? null },
      settings: { ...settings, users: users.length, bucket },
      groundTruth: { ...truthOptions, before: truth.before, after: truth.after, model: "p(u,i) = sigmoid(a + b * x_u . y_i); x, y: implicit ALS on ratings >= minRating", positionBias: settings.positionBias },
      expectedSplit: Object.fromEntries(expected),
      users: users.map((u) => ({ userId: u.userId, driftTo: u.driftTo })),
      variants: summaries,
    };
    mkdirSync(dirname(`${out}.json`), { recursive: true });
    writeFileSync(`${out}.json`, `${JSON.stringify(result, null, 1)}\n`);
    writeHtmlReport(`${out}.html`, "Serendip simulation: MovieLens users, six variants, a taste drift", reportSections(result, summaries, bucket, settings.driftRound));
    printTable(summaries);
    console.log(`wrote ${out}.json and ${out}.html; ${records.length} requests in ${loopSeconds.toFixed(1)} s (${(records.length / loopSeconds).toFixed(1)} req/s), wall time ${wallSeconds.toFixed(1)} s`);
    if (persistDir !== undefined && values.persist === undefined && !values.keep) rmSync(persistDir, { recursive: true, force: true });
    else if (persistDir !== undefined) console.log(`Worker state kept in ${persistDir}`);
  } catch (error) {
    if (persistDir !== undefined) console.error(`Worker state and wrangler log left in ${persistDir}`);
    throw error;
  } finally {
    await stopWorker();
  }
}

function reportSections(result: { command: string; wallSeconds: number; settings: { users: number; rounds: number; k: number; seed: number; driftRound: number; concurrency: number }; groundTruth: { before: { a: number; b: number }; after: { a: number; b: number }; topRate: number; baseRate: number; dimension: number; minRating: number }; expectedSplit: Record<string, number>; worker: { url: string; items: number; modelVersion: string | null } }, summaries: VariantSummary[], bucket: number, driftRound: number): ReportSection[] {
  const { settings, groundTruth: g } = result;
  return [
    {
      heading: "Set-up",
      paragraphs: [
        `Command: ${result.command}. Wall time ${result.wallSeconds.toFixed(1)} s. Worker ${result.worker.url} with ${result.worker.items} items, model ${result.worker.modelVersion ?? "none (fallback scorer)"}.`,
        `${settings.users} MovieLens users (seed ${settings.seed}) x ${settings.rounds} rounds, k = ${settings.k}, ${settings.concurrency} requests in flight. Each round every user arrives once in a random order, asks for ${settings.k} items from the catalogue, and clicks; clicks are posted as events with the request id. Users are split across the variants by the service (hash of salt and user id): ${Object.entries(result.expectedSplit).map(([v, n]) => `${v} ${n}`).join(", ")}.`,
        `Ground truth (never shown to the service): implicit ALS of dimension ${g.dimension} on the ratings of ${g.minRating} stars or more; click probability p = sigmoid(a + b x_u . y_i), a = ${g.before.a.toFixed(3)}, b = ${g.before.b.toFixed(3)}, calibrated so that a user's best remaining item has mean p ${g.topRate} and a typical item ${g.baseRate}; after the drift a = ${g.after.a.toFixed(3)}, b = ${g.after.b.toFixed(3)}, calibrated again to the same two rates (the new favourites are mostly unwatched, so the old constants would double the best item's p). The item at rank r is looked at with probability 1 / log2(r + 1). Items the user rated before or clicked during the run are consumed (p = 0).`,
        `Taste drift from round ${driftRound + 1}: each user's factors take the direction of the least similar of 10 random other users' (rescaled to the user's own length, so only the taste changes). The oracle knows the true probabilities and shows the true top ${settings.k} of the items the user has not consumed; regret is the oracle's expected clicks minus the served slate's, per request.`,
        "Metrics: click rate = clicks / impressions; coverage = share of the 1682 movies shown at least once; diversity = 1 - mean pairwise cosine of the slate's genre vectors; novelty = mean -log2 of the share of users who rated the item (add-one smoothed); exposure Gini over impressions per catalogue item, zeros included. Coverage and Gini depend on how many users a variant got.",
      ],
    },
    {
      heading: "Per variant, before and after the drift",
      tables: [
        ...variantTables(summaries, `Per variant; "before": rounds 1-${driftRound}, "after": rounds ${driftRound + 1}-${settings.rounds}`),
        { caption: "Why the service put items in the slates (share of served slots per reason, whole run)", columns: ["variant", "reasons"], rows: summaries.map((s) => [s.variant, reasonList(s.reasons)]) },
      ],
    },
    { heading: "Click rate over time", charts: [clickRateChart(summaries, bucket, driftRound)] },
    { heading: "Regret", charts: [regretChart(summaries, driftRound)] },
    { heading: "Exposure", charts: [lorenzChart(summaries)] },
  ];
}

function reasonList(reasons: Record<string, number>): string {
  return Object.entries(reasons).sort((a, b) => b[1] - a[1]).map(([reason, share]) => `${reason} ${share.toFixed(3)}`).join(", ");
}

function printTable(summaries: readonly VariantSummary[]): void {
  const columns = ["variant", "phase", "users", "clicks", "clicks/user", "CTR", "clicks/req", "oracle/req", "regret/req", "coverage", "ILD", "novelty", "Gini", "explore"];
  const format = (x: number | null, digits = 3) => (x === null ? "-" : x.toFixed(digits));
  const rows = summaries.flatMap((s) => (["before", "after"] as const).map((phase) => {
    const m = s[phase];
    return [s.variant, phase, String(m.users), String(m.clicks), format(m.clicksPerUser, 2), format(m.clickRate, 4), format(m.clicksPerRequest), format(m.oracleClicksPerRequest), format(m.regretPerRequest),
      format(m.coverage), format(m.intraListDiversity), format(m.novelty, 2), format(m.exposureGini), format(m.exploreShare)];
  }));
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(columns));
  for (const row of rows) console.log(line(row));
  for (const s of summaries) console.log(`reasons ${s.variant}: ${reasonList(s.reasons)}`);
}

main().catch((error) => {
  console.error(`simulate failed: ${(error as Error).message}`);
  process.exit(1);
});
