// npm run bench [-- --quick] [--out bench/results.json] [--port 8795]
//
// Measures Serendip side by side and writes bench/results.json (schema in the README's performance section):
// - scoring: the served ranker in onnxruntime-web inside workerd (timed over HTTP: T(runs) - T(0), divided by runs,
//   because workerd's clocks are coarse), in onnxruntime-node (native, the physical reference), and as a plain
//   TypeScript loop over the same weights; int8 and fp32; batches of 1, 100 and 1000;
// - rank: end-to-end latency from a separate load process (autocannon) over loopback, with a warm-up, for 100 and
//   1000 candidates and catalogue mode, at several concurrency levels, bounded in time;
// - events: a burst into one user's Durable Object, then the stored count read back from D1 and from the object;
// - cold start, workerd memory, retrain time (full mode) and the deployable bundle size.
// It starts its own Worker on a fresh local state, seeded with a synthetic catalogue, so it needs no data files.
// Never part of `npm test`: targets are read from its output.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { cpus, totalmem, tmpdir, platform, release } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import onnxProto from "onnx-proto";
import { FEATURE_COUNT } from "../src/ranking/features.js";
import { gaussian, seededRandom } from "../src/ranking/random.js";
import { policyCosts } from "./bench-policies.js";
import { startLocalWorker, type LocalWorker } from "./local-worker.js";
import { onnxRunModel } from "./onnx-session.js";
import { callService, type ServiceClient } from "./service-client.js";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string", default: "bench/results.json" },
    port: { type: "string", default: "8795" },
  },
});
const QUICK = args.quick!;
const PORT = Number(args.port);
const BASE = `http://127.0.0.1:${PORT}`;
const ADMIN: ServiceClient = { baseUrl: BASE, key: "dev-admin-key" };
const ITEMS = 1000;
const USERS = 5000;
const random = seededRandom(2026);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const round = (x: number, digits = 3) => Number(x.toFixed(digits));
const log = (message: string) => console.log(`bench: ${message}`);
const npx = (params: string[], env: NodeJS.ProcessEnv = {}) => execFileSync("npx", params, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } }).toString();

function unit(dimension: number): number[] {
  const v = Array.from({ length: dimension }, () => gaussian(random));
  const n = Math.hypot(...v);
  return v.map((x) => Number((x / n).toPrecision(6)));
}

async function startWorker(persist: string): Promise<{ worker: LocalWorker; coldStartMs: number }> {
  const worker = await startLocalWorker({ port: PORT, persistDir: persist, log });
  // The first rank of a fresh isolate sets up onnxruntime-web, creates the session and loads the catalogue.
  const started = performance.now();
  await callService({ ...ADMIN, key: "dev-serve-key" }, "POST", "/v1/rank", { userId: "cold", candidates: ["a"], k: 1 });
  return { worker, coldStartMs: performance.now() - started };
}

async function seed(): Promise<string[]> {
  const items = Array.from({ length: ITEMS }, (_, i) => ({
    itemId: `b${i}`, title: `Bench item ${i}`, tags: [`t${i % 20}`], createdAt: Date.UTC(2024, 0, 1) + i * 3_600_000,
    vector: unit(512), collabVector: unit(16), popularity: { ratingCount: 1 + (i % 300), ratingMean: 1 + (i % 5) * 0.9 },
  }));
  for (let start = 0; start < items.length; start += 100) await callService(ADMIN, "PUT", "/v1/items", { items: items.slice(start, start + 100) });
  const users = Array.from({ length: 200 }, (_, i) => ({ userId: `bu${i}`, collabVector: unit(16), contentVector: unit(512), tagAffinity: { t1: 0.3 }, ratingCount: 50, ratingMean: 3.5 }));
  for (let start = 0; start < users.length; start += 50) await callService(ADMIN, "PUT", "/v1/users", { users: users.slice(start, start + 50) });
  return items.map((item) => item.itemId);
}

async function timeScoreRequest(precision: string, batch: number, runs: number): Promise<number> {
  const started = performance.now();
  await callService(ADMIN, "POST", "/v1/bench/score", { precision, batch, runs });
  return performance.now() - started;
}

async function scoringInWorker(precision: "int8" | "fp32", batch: number) {
  const runs = QUICK ? (batch === 1000 ? 100 : 400) : (batch === 1000 ? 400 : 2000);
  const repeats = QUICK ? 5 : 9;
  await timeScoreRequest(precision, batch, runs); // warm-up: session creation, JIT
  const perRun: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const empty = await timeScoreRequest(precision, batch, 0);
    const full = await timeScoreRequest(precision, batch, runs);
    perRun.push(Math.max(0, full - empty) / runs);
  }
  // Each value is already an average over `runs`; the p99 column is the worst of the repeats.
  return { runtime: "ort-web-workerd", precision, batch, medianMs: round(median(perRun), 4), p99Ms: round(Math.max(...perRun), 4) };
}

function timeCalls(calls: number, fn: () => void | Promise<void>): Promise<number[]> {
  return (async () => {
    const times: number[] = [];
    for (let i = 0; i < calls; i++) {
      const started = performance.now();
      await fn();
      times.push(performance.now() - started);
    }
    return times;
  })();
}

async function scoringInNode(precision: "int8" | "fp32", batch: number) {
  const bytes = new Uint8Array(readFileSync(precision === "int8" ? "models/ranker.onnx" : "models/ranker.fp32.onnx"));
  const run = await onnxRunModel(bytes);
  const features = Float32Array.from({ length: batch * FEATURE_COUNT }, () => random());
  await timeCalls(50, () => run(features, batch).then(() => undefined));
  const times = await timeCalls(QUICK ? 300 : 2000, () => run(features, batch).then(() => undefined));
  return { runtime: "ort-node", precision, batch, medianMs: round(median(times), 4), p99Ms: round(quantile(times, 0.99), 4) };
}

/** The fp32 model's weights read back from its ONNX initializers: MatMul weights w0..w2, biases b0..b2. */
function fp32Layers(): { weight: Float32Array; bias: Float32Array; inputs: number; outputs: number }[] {
  const model = onnxProto.onnx.ModelProto.decode(readFileSync("models/ranker.fp32.onnx"));
  const tensor = (name: string) => {
    const t = model.graph!.initializer!.find((init) => init.name === name)!;
    const raw = t.rawData!;
    return { dims: t.dims!.map(Number), data: new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)) };
  };
  return [0, 1, 2].map((l) => {
    const w = tensor(`w${l}`);
    return { weight: w.data, bias: tensor(`b${l}`).data, inputs: w.dims[0]!, outputs: w.dims[1]! };
  });
}

function scoringTsLoop(batch: number) {
  const layers = fp32Layers();
  const features = Float32Array.from({ length: batch * FEATURE_COUNT }, () => random());
  const forward = () => {
    let input = features;
    layers.forEach((layer, l) => {
      const out = new Float32Array(batch * layer.outputs);
      for (let r = 0; r < batch; r++) {
        for (let o = 0; o < layer.outputs; o++) {
          let z = layer.bias[o]!;
          for (let i = 0; i < layer.inputs; i++) z += input[r * layer.inputs + i]! * layer.weight[i * layer.outputs + o]!;
          out[r * layer.outputs + o] = l < 2 ? Math.max(0, z) : 1 / (1 + Math.exp(-z));
        }
      }
      input = out;
    });
  };
  for (let i = 0; i < 50; i++) forward();
  const times: number[] = [];
  for (let i = 0; i < (QUICK ? 300 : 2000); i++) {
    const started = performance.now();
    forward();
    times.push(performance.now() - started);
  }
  const flops = 2 * layers.reduce((sum, layer) => sum + layer.inputs * layer.outputs, 0);
  return { row: { runtime: "ts-loop", precision: "fp32", batch, medianMs: round(median(times), 4), p99Ms: round(quantile(times, 0.99), 4) }, flopsPerCandidate: flops };
}

async function rankLoad(candidates: number, mode: "candidates" | "catalogue", concurrency: number, itemIds: string[]) {
  const body = () => {
    const userId = `u${Math.floor(random() * USERS)}`;
    if (mode === "catalogue") return JSON.stringify({ userId, k: 10 });
    const start = Math.floor(random() * (itemIds.length - candidates));
    return JSON.stringify({ userId, k: 10, candidates: itemIds.slice(start, start + candidates) });
  };
  const options = (duration: number): autocannon.Options => ({
    url: `${BASE}/v1/rank`, method: "POST" as const, connections: concurrency, duration,
    headers: { authorization: "Bearer dev-serve-key", "content-type": "application/json" },
    requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }],
  });
  await autocannon(options(QUICK ? 1 : 2)); // warm-up
  const result = await autocannon(options(QUICK ? 3 : 8));
  return {
    candidates, mode, concurrency, p50Ms: result.latency.p50, p99Ms: result.latency.p99,
    rps: round(result.requests.average, 1), errors: result.errors + result.timeouts + result.non2xx, requests: result.requests.total,
  };
}

async function eventBurst() {
  const userId = "burst-user";
  const total = QUICK ? 4000 : 20000;
  const batchSize = 100;
  const batches = Array.from({ length: total / batchSize }, (_, b) =>
    Array.from({ length: batchSize }, (_, i) => ({ eventId: `burst-${b * batchSize + i}`, userId, itemId: `b${(b * batchSize + i) % ITEMS}`, type: "click" })));
  const client = { ...ADMIN, key: "dev-serve-key" };
  let acknowledged = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let batch = batches.shift(); batch !== undefined; batch = batches.shift()) {
      const { accepted } = await callService<{ accepted: number }>(client, "POST", "/v1/events", { events: batch });
      acknowledged += accepted;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  const view = await callService<{ counts: { events: number; liveEvents: Record<string, number> } }>(client, "GET", `/v1/users/${userId}`);
  const storedLive = Object.values(view.counts.liveEvents).reduce((a, b) => a + b, 0);
  return { perSecond: round(total / seconds, 0), sent: total, acknowledged, stored: Math.min(view.counts.events, storedLive), storedD1: view.counts.events, storedDurableObject: storedLive };
}

/** Resident memory of the workerd processes this benchmark started (descendants of the wrangler process). */
function workerdMemoryMB(rootPid: number): number {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid=,rss=,comm="]).toString().trim().split("\n").map((line) => {
    const [pid, ppid, rss, ...comm] = line.trim().split(/\s+/);
    return { pid: Number(pid), ppid: Number(ppid), rss: Number(rss), comm: comm.join(" ") };
  });
  const ours = new Set([rootPid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const row of rows) if (ours.has(row.ppid) && !ours.has(row.pid)) { ours.add(row.pid); grew = true; }
  }
  const kb = rows.filter((row) => ours.has(row.pid) && row.comm.includes("workerd")).reduce((sum, row) => sum + row.rss, 0);
  return round(kb / 1024, 1);
}

function bundleSize() {
  const out = mkdtempSync(join(tmpdir(), "serendip-bundle-"));
  npx(["wrangler", "deploy", "--dry-run", "--outdir", out], { WRANGLER_SEND_METRICS: "false" });
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const file of readdirSync(out)) {
    if (file.endsWith(".map")) continue;
    const bytes = readFileSync(join(out, file));
    rawBytes += statSync(join(out, file)).size;
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
  }
  rmSync(out, { recursive: true, force: true });
  return { rawBytes, gzipBytes };
}

function retrainSeconds(): number | null {
  if (QUICK) return null;
  const out = mkdtempSync(join(tmpdir(), "serendip-train-"));
  const started = performance.now();
  npx(["tsx", "offline/train.ts", "--out", out]);
  rmSync(out, { recursive: true, force: true });
  return round((performance.now() - started) / 1000, 1);
}

async function main(): Promise<void> {
  const persist = mkdtempSync(join(tmpdir(), "serendip-bench-"));
  log(`starting a Worker on ${BASE} (state in ${persist})${QUICK ? " — quick mode" : ""}`);
  const { worker, coldStartMs } = await startWorker(persist);
  try {
    const itemIds = await seed();
    log(`seeded ${ITEMS} items; cold start ${coldStartMs.toFixed(0)} ms`);

    const scoring: object[] = [];
    let flopsPerCandidate = 0;
    for (const batch of [1, 100, 1000]) {
      for (const precision of ["int8", "fp32"] as const) {
        scoring.push(await scoringInWorker(precision, batch), await scoringInNode(precision, batch));
      }
      const ts = scoringTsLoop(batch);
      scoring.push(ts.row);
      flopsPerCandidate = ts.flopsPerCandidate;
      log(`scoring batch ${batch} done`);
    }

    const rank: object[] = [];
    const concurrencies = QUICK ? [8] : [1, 8, 32];
    for (const concurrency of concurrencies) {
      rank.push(await rankLoad(100, "candidates", concurrency, itemIds));
      rank.push(await rankLoad(1000, "candidates", concurrency, itemIds));
      rank.push(await rankLoad(ITEMS, "catalogue", concurrency, itemIds));
      log(`rank load at concurrency ${concurrency} done`);
    }

    const events = await eventBurst();
    log(`event burst: ${events.perSecond}/s`);
    const heapMB = workerdMemoryMB(worker.pid);
    const bundle = bundleSize();
    const retrain = retrainSeconds();
    const policies = policyCosts();

    const results = {
      machine: { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, memoryGB: round(totalmem() / 2 ** 30, 1), node: process.version, os: `${platform()} ${release()}`, mode: QUICK ? "quick" : "full", date: new Date().toISOString() },
      model: { flopsPerCandidate, flopsPerRank100: flopsPerCandidate * 100 },
      scoring, rank, policies, events, coldStartMs: round(coldStartMs, 1), heapMB, retrainSeconds: retrain, bundle,
    };
    mkdirSync("bench", { recursive: true });
    writeFileSync(args.out!, JSON.stringify(results, null, 2) + "\n");
    console.table(scoring);
    console.table(rank);
    console.table(policies);
    console.log({ events, coldStartMs: results.coldStartMs, heapMB, retrainSeconds: retrain, bundle, model: results.model });
    log(`wrote ${args.out}`);
  } finally {
    await worker.stop();
    rmSync(persist, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`bench failed: ${(error as Error).stack}`);
  process.exit(1);
});
