// The retrain's log export against a small in-process HTTP server that pages like the Worker's admin routes
// (keyset cursors in `next`, passed back as `after`), plus labels, the held-out split and logged feature rows.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  exportLogs, fetchAllPages, isOpeHoldoutUser, isPositiveEvent, labelImpressions, loggedRows, OPE_HOLDOUT_SHARE,
  type LoggedEvent, type LoggedImpression,
} from "../../offline/logged-data.js";
import type { ServiceClient } from "../../offline/service-client.js";
import { FEATURE_COUNT } from "../../src/ranking/features.js";
import { encodeVector } from "../../src/ranking/vectors.js";

const row = (i: number): Float32Array => Float32Array.from({ length: FEATURE_COUNT }, (_, f) => i + f / 100);

function impression(i: number, overrides: Partial<LoggedImpression> = {}): LoggedImpression {
  return {
    requestId: `r${Math.floor(i / 3)}`, rank: (i % 3) + 1, userId: `user${i % 5}`, itemId: `item${i}`, score: 0.5, propensity: 0.5,
    explore: false, reason: "exploit", policy: "greedy", variant: "greedy", modelVersion: "v1", features: encodeVector(row(i)),
    createdAt: 1_000 + i * 10, ...overrides,
  };
}

const IMPRESSIONS = Array.from({ length: 23 }, (_, i) => impression(i));
const EVENTS: LoggedEvent[] = [
  // Ingest's rating history: before any impression, no requestId.
  { eventId: "ml-1", userId: "user0", itemId: "item0", type: "rating", value: 5, requestId: null, timestamp: 1, receivedAt: 10 },
  { eventId: "e1", userId: "user0", itemId: "item0", type: "click", value: null, requestId: "r0", timestamp: 1_005, receivedAt: 1_005 },
  { eventId: "e2", userId: "user1", itemId: "item1", type: "dismiss", value: null, requestId: "r0", timestamp: 1_015, receivedAt: 1_015 },
  { eventId: "e3", userId: "user3", itemId: "item3", type: "rating", value: 4, requestId: "r1", timestamp: 1_040, receivedAt: 1_040 },
  { eventId: "e4", userId: "user4", itemId: "item4", type: "rating", value: 3, requestId: "r1", timestamp: 1_050, receivedAt: 1_050 },
  { eventId: "e5", userId: "user0", itemId: "item5", type: "purchase", value: null, requestId: "r1", timestamp: 1_060, receivedAt: 1_060 },
  // A click on item6 but with another decision's requestId: answers r9, not r2.
  { eventId: "e6", userId: "user1", itemId: "item6", type: "click", value: null, requestId: "r9", timestamp: 1_070, receivedAt: 1_070 },
  // After the snapshot's toTime.
  { eventId: "e7", userId: "user2", itemId: "item7", type: "click", value: null, requestId: "r2", timestamp: 9_000, receivedAt: 9_000 },
];

/** Keyset pages over (createdAt, requestId, rank) / (receivedAt, eventId), like src/storage/d1/log-repository.ts. */
function page<T>(rows: readonly T[], key: (row: T) => unknown[], url: URL): { rows: T[]; next: string | null } {
  const from = Number(url.searchParams.get("from"));
  const to = Number(url.searchParams.get("to"));
  const limit = Number(url.searchParams.get("limit") ?? 5000);
  const after = url.searchParams.get("after");
  const cursor = after === null ? null : (JSON.parse(Buffer.from(after, "base64").toString()) as unknown[]);
  const compare = (a: unknown[], b: unknown[]): number => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number | string) < (b[i] as number | string) ? -1 : 1;
    return 0;
  };
  const inWindow = rows.filter((r) => (key(r)[0] as number) >= from && (key(r)[0] as number) < to && (cursor === null || compare(key(r), cursor) > 0));
  const out = inWindow.sort((a, b) => compare(key(a), key(b))).slice(0, limit);
  const last = out[out.length - 1];
  return { rows: out, next: out.length === limit && last !== undefined ? Buffer.from(JSON.stringify(key(last))).toString("base64") : null };
}

const requests: URL[] = [];
let server: Server;
let client: ServiceClient;
let brokenCursor = false;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url!, "http://x");
    requests.push(url);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== "Bearer admin") return send(401, { error: { code: "UNAUTHORIZED" } });
    if (url.pathname === "/v1/logs/impressions") {
      const result = page(IMPRESSIONS, (r) => [r.createdAt, r.requestId, r.rank], url);
      return send(200, brokenCursor ? { ...result, next: url.searchParams.get("after") ?? result.next } : result);
    }
    if (url.pathname === "/v1/logs/events") return send(200, page(EVENTS, (r) => [r.receivedAt, r.eventId], url));
    return send(404, { error: { code: "NOT_FOUND" } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  client = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, key: "admin" };
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("fetchAllPages", () => {
  it("follows `next` as `after` until it is null, returning every row once, in order", async () => {
    requests.length = 0;
    const pages: number[] = [];
    const rows = await fetchAllPages<LoggedImpression>(client, "/v1/logs/impressions", { from: 0, to: 10_000, limit: 5 }, (n) => pages.push(n));
    expect(rows.map((r) => r.itemId)).toEqual(IMPRESSIONS.map((r) => r.itemId));
    expect(pages).toEqual([5, 5, 5, 5, 3]);
    expect(requests[0]!.searchParams.get("after")).toBeNull();
    expect(requests.slice(1).every((url) => url.searchParams.get("after") !== null)).toBe(true);
    expect(requests.every((url) => url.searchParams.get("from") === "0" && url.searchParams.get("to") === "10000")).toBe(true);
  });

  it("stops after an exactly full last page (the service answers an empty page with next null)", async () => {
    const rows = await fetchAllPages<LoggedImpression>(client, "/v1/logs/impressions", { from: 0, to: 1_000 + 20 * 10, limit: 5 });
    expect(rows).toHaveLength(20);
  });

  it("fails rather than loops when the service returns the same cursor again", async () => {
    brokenCursor = true;
    try {
      await expect(fetchAllPages(client, "/v1/logs/impressions", { from: 0, to: 10_000, limit: 5 })).rejects.toThrow(/same cursor/);
    } finally {
      brokenCursor = false;
    }
  });

  it("surfaces an authorisation failure", async () => {
    await expect(fetchAllPages({ ...client, key: "wrong" }, "/v1/logs/events", { from: 0, to: 1 })).rejects.toThrow(/401/);
  });
});

describe("exportLogs", () => {
  it("exports impressions before toTime and only the events from the first impression on", async () => {
    requests.length = 0;
    const toTime = 1_000 + 12 * 10;
    const { impressions, events } = await exportLogs(client, toTime, { limit: 4 });
    expect(impressions.map((r) => r.itemId)).toEqual(IMPRESSIONS.slice(0, 12).map((r) => r.itemId));
    expect(events.map((e) => e.eventId)).toEqual(["e1", "e2", "e3", "e4", "e5", "e6"]);
    const eventQueries = requests.filter((url) => url.pathname === "/v1/logs/events");
    expect(eventQueries[0]!.searchParams.get("from")).toBe("1000");
    expect(eventQueries[0]!.searchParams.get("to")).toBe(String(toTime));
  });

  it("asks for no events when there are no impressions", async () => {
    const { impressions, events } = await exportLogs(client, 500);
    expect(impressions).toEqual([]);
    expect(events).toEqual([]);
  });
});

describe("labels and rows", () => {
  it("labels an impression positive for a click, purchase or rating >= 4 with its requestId and itemId", () => {
    expect(isPositiveEvent({ type: "click", value: null })).toBe(true);
    expect(isPositiveEvent({ type: "purchase", value: null })).toBe(true);
    expect(isPositiveEvent({ type: "rating", value: 4 })).toBe(true);
    expect(isPositiveEvent({ type: "rating", value: 3.5 })).toBe(false);
    expect(isPositiveEvent({ type: "dismiss", value: null })).toBe(false);
    expect(isPositiveEvent({ type: "dwell", value: 300 })).toBe(false);
    const labels = labelImpressions(IMPRESSIONS.slice(0, 9), EVENTS);
    // item0 (click, r0), item3 (rating 4, r1), item5 (purchase, r1), item7 (click, r2); not item1 (dismiss),
    // item4 (rating 3), item6 (a click answering another decision). Labels use the events they are given: without
    // e7 (received after the snapshot, so not exported) item7 stays 0.
    expect([...labels]).toEqual([1, 0, 0, 1, 0, 1, 0, 1, 0]);
    expect([...labelImpressions(IMPRESSIONS.slice(0, 9), EVENTS.slice(0, 7))]).toEqual([1, 0, 0, 1, 0, 1, 0, 0, 0]);
  });

  it("decodes the logged feature rows and skips missing or malformed ones", () => {
    const impressions = [impression(0), impression(1, { features: null }), impression(2, { features: encodeVector(new Float32Array(3)) }),
      impression(3, { features: encodeVector(Float32Array.from(row(3), (x, f) => (f === 2 ? Number.NaN : x))) }), impression(4)];
    const rows = loggedRows(impressions, [1, 0, 0, 0, 0], () => true);
    expect(rows.rows).toBe(2);
    expect(rows.skipped).toBe(3);
    expect([...rows.labels]).toEqual([1, 0]);
    expect([...rows.features.subarray(FEATURE_COUNT)]).toEqual([...row(4)]);
    expect(loggedRows(impressions, [1, 0, 0, 0, 0], (i) => i !== 0).rows).toBe(1);
  });

  it("holds out a stable share of users for the gate", () => {
    const users = Array.from({ length: 4000 }, (_, i) => `pseudonym-${i}`);
    const held = users.filter((u) => isOpeHoldoutUser(u));
    expect(held.length / users.length).toBeGreaterThan(OPE_HOLDOUT_SHARE - 0.03);
    expect(held.length / users.length).toBeLessThan(OPE_HOLDOUT_SHARE + 0.03);
    expect(users.filter((u) => isOpeHoldoutUser(u))).toEqual(held);
  });
});
