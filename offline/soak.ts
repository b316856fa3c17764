// npm run soak [-- --seconds 60] [--concurrency 16] [--port 8798]
//
// A bounded loopback soak: mixed rank requests and event batches at the highest rate the machine sustains, against
// a fresh local Worker, then a check that nothing broke: zero 5xx, and the stored event count (D1 and the users'
// Durable Objects) equal to what the service acknowledged. Prints the numbers; exits 1 if a check fails.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gaussian, seededRandom } from "../src/ranking/random.js";
import { startLocalWorker } from "./local-worker.js";

const { values: args } = parseArgs({ options: {
  seconds: { type: "string", default: "60" }, concurrency: { type: "string", default: "16" }, port: { type: "string", default: "8798" },
} });
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
const USERS = 200;
const ITEMS = 500;
const random = seededRandom(99);

const unit = (d: number) => {
  const v = Array.from({ length: d }, () => gaussian(random));
  const n = Math.hypot(...v);
  return v.map((x) => Number((x / n).toPrecision(6)));
};

async function main(): Promise<void> {
  const persist = mkdtempSync(join(tmpdir(), "serendip-soak-"));
  // Logs are written before each response here, so "acknowledged" is checked against rows that must exist now.
  const worker = await startLocalWorker({ port: Number(args.port), persistDir: persist, vars: { DECISION_LOG: "sync" }, log: (line) => console.log(`soak: ${line}`) });
  const call = async (key: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${worker.url}${path}`, {
      method, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  try {
    const items = Array.from({ length: ITEMS }, (_, i) => ({ itemId: `s${i}`, title: `Soak ${i}`, tags: [`g${i % 12}`], vector: unit(512), collabVector: unit(16), popularity: { ratingCount: i % 100, ratingMean: 3.5 } }));
    for (let start = 0; start < ITEMS; start += 100) await call("dev-admin-key", "PUT", "/v1/items", { items: items.slice(start, start + 100) });

    const statuses = new Map<number, number>();
    let acknowledged = 0;
    let sentEvents = 0;
    let eventSeq = 0;
    let ranks = 0;
    const deadline = Date.now() + SECONDS * 1000;
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async (_, lane) => {
      while (Date.now() < deadline) {
        const userId = `soak-${Math.floor(random() * USERS)}`;
        if (lane % 2 === 0) {
          const ranked = await call("dev-serve-key", "POST", "/v1/rank", { userId, k: 10 });
          statuses.set(ranked.status, (statuses.get(ranked.status) ?? 0) + 1);
          ranks++;
          const first = (ranked.json.items as { itemId: string }[] | undefined)?.[0];
          if (first && random() < 0.3) {
            const event = { eventId: `soak-e${eventSeq++}`, userId, itemId: first.itemId, type: "click", requestId: ranked.json.requestId };
            const answer = await call("dev-serve-key", "POST", "/v1/events", { events: [event] });
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
            sentEvents++;
            if (answer.status === 200) acknowledged += answer.json.accepted as number;
          }
        } else {
          // A batch that repeats one event: redelivery must count once.
          const batch = Array.from({ length: 20 }, () => ({ eventId: `soak-e${eventSeq++}`, userId, itemId: `s${Math.floor(random() * ITEMS)}`, type: random() < 0.8 ? "impression" : "dwell", value: 12 }));
          batch.push({ ...batch[0]! });
          const answer = await call("dev-serve-key", "POST", "/v1/events", { events: batch });
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          sentEvents += batch.length - 1;
          if (answer.status === 200) acknowledged += answer.json.accepted as number;
        }
      }
    }));
    const seconds = (performance.now() - started) / 1000;

    let storedLive = 0;
    for (let u = 0; u < USERS; u++) {
      const view = await call("dev-serve-key", "GET", `/v1/users/soak-${u}`);
      if (view.status === 200) storedLive += Object.values((view.json.counts as { liveEvents: Record<string, number> }).liveEvents).reduce((a, b) => a + b, 0);
    }
    const storedD1 = await countEvents(call);
    const fiveXx = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
    const result = {
      seconds: Number(seconds.toFixed(1)), concurrency: CONCURRENCY, ranks, rankPerSecond: Number((ranks / seconds).toFixed(1)),
      eventsSent: sentEvents, acknowledged, storedD1, storedDurableObjects: storedLive,
      statuses: Object.fromEntries(statuses), fiveXx,
    };
    console.log(JSON.stringify(result, null, 2));
    const ok = fiveXx === 0 && storedD1 === acknowledged && storedLive === acknowledged;
    console.log(ok ? "soak: PASS (no 5xx; stored = acknowledged)" : "soak: FAIL");
    if (!ok) process.exitCode = 1;
  } finally {
    await worker.stop();
    rmSync(persist, { recursive: true, force: true });
  }
}

async function countEvents(call: (key: string, method: string, path: string) => Promise<{ json: Record<string, unknown> }>): Promise<number> {
  let total = 0;
  let after: string | null = null;
  do {
    const page = await call("dev-admin-key", "GET", `/v1/logs/events?limit=5000${after ? `&after=${encodeURIComponent(after)}` : ""}`);
    total += (page.json.rows as unknown[]).length;
    after = page.json.next as string | null;
  } while (after !== null);
  return total;
}

main().catch((error) => {
  console.error(`soak failed: ${(error as Error).stack}`);
  process.exit(1);
});
