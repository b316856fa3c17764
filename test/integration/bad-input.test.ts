// Bad input on every writing route: each answers 4xx in the error shape, names the field, and writes nothing.
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { UserStateObject } from "../../src/storage/durable/user-state-object.js";
import { fixtureItems } from "../fixtures/catalogue.js";
import { ADMIN_KEY, call } from "./http.js";
import { keyOf } from "./variants.js";

const userState = env.USER_STATE as unknown as DurableObjectNamespace<UserStateObject>;

async function tableCounts(): Promise<Record<string, unknown>> {
  return (await env.DB.prepare(`SELECT (SELECT count(*) FROM items) AS items, (SELECT count(*) FROM users) AS users,
    (SELECT count(*) FROM decisions) AS decisions, (SELECT count(*) FROM impressions) AS impressions,
    (SELECT count(*) FROM events) AS events`).first())!;
}

async function liveEventCount(userId: string): Promise<number> {
  return runInDurableObject(userState.get(userState.idFromName(await keyOf(userId))), async (_, state) =>
    state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM applied_events").one().n);
}

beforeAll(async () => {
  expect((await call("PUT", "/v1/items", { key: ADMIN_KEY, body: { items: fixtureItems(5) } })).status).toBe(200);
});

const event = { eventId: "ok-1", userId: "victim", itemId: "item-1", type: "click" };
const longId = "x".repeat(10_000);
const manyCandidates = Array.from({ length: 1001 }, (_, i) => `c${i}`);

type Case = [name: string, path: string, body: string | object, status: number, code: string, field: string, headers?: Record<string, string>];

const cases: Case[] = [
  ["an empty body", "/v1/rank", "", 400, "MALFORMED_JSON", "body"],
  ["malformed JSON", "/v1/rank", "{\"userId\": ", 400, "MALFORMED_JSON", "JSON"],
  ["a JSON array", "/v1/rank", [], 400, "INVALID_REQUEST", "(body)"],
  ["no content type", "/v1/rank", { userId: "victim" }, 415, "UNSUPPORTED_MEDIA_TYPE", "content-type", { "content-type": "" }],
  ["text/plain", "/v1/rank", { userId: "victim" }, 415, "UNSUPPORTED_MEDIA_TYPE", "content-type", { "content-type": "text/plain" }],
  ["a latin-1 charset", "/v1/rank", { userId: "victim" }, 415, "UNSUPPORTED_MEDIA_TYPE", "charset", { "content-type": "application/json; charset=latin1" }],
  ["a body over 1 MiB", "/v1/rank", { userId: "victim", context: { pad: "x".repeat(1_100_000) } }, 413, "PAYLOAD_TOO_LARGE", "limit"],
  ["NaN", "/v1/rank", "{\"userId\":\"victim\",\"k\":NaN}", 400, "MALFORMED_JSON", "JSON"],
  ["Infinity", "/v1/rank", "{\"userId\":\"victim\",\"k\":Infinity}", 400, "MALFORMED_JSON", "JSON"],
  ["1e308 for k", "/v1/rank", "{\"userId\":\"victim\",\"k\":1e308}", 400, "INVALID_REQUEST", "k"],
  ["1e400 (overflows to Infinity)", "/v1/rank", "{\"userId\":\"victim\",\"context\":{\"x\":1e400}}", 400, "INVALID_REQUEST", "context.x"],
  ["k as a string", "/v1/rank", { userId: "victim", k: "10" }, 400, "INVALID_REQUEST", "k"],
  ["k = 0", "/v1/rank", { userId: "victim", k: 0 }, 400, "INVALID_REQUEST", "k"],
  ["k = 101", "/v1/rank", { userId: "victim", k: 101 }, 400, "INVALID_REQUEST", "k"],
  ["k = 2.5", "/v1/rank", { userId: "victim", k: 2.5 }, 400, "INVALID_REQUEST", "k"],
  ["a missing userId", "/v1/rank", { k: 3 }, 400, "INVALID_REQUEST", "userId"],
  ["an empty userId", "/v1/rank", { userId: "" }, 400, "INVALID_REQUEST", "userId"],
  ["a 10,000-character userId", "/v1/rank", { userId: longId }, 400, "INVALID_REQUEST", "userId"],
  ["a control character in userId", "/v1/rank", { userId: "a\u0000b" }, 400, "INVALID_REQUEST", "userId"],
  ["0 candidates", "/v1/rank", { userId: "victim", candidates: [] }, 400, "INVALID_REQUEST", "candidates"],
  ["1,001 candidates", "/v1/rank", { userId: "victim", candidates: manyCandidates }, 400, "INVALID_REQUEST", "candidates"],
  ["duplicate candidates", "/v1/rank", { userId: "victim", candidates: ["item-1", "item-1"], k: 1 }, 400, "INVALID_REQUEST", "candidates"],
  ["an unknown field", "/v1/rank", { userId: "victim", sneaky: true }, 400, "INVALID_REQUEST", "sneaky"],
  ["a nested context value", "/v1/rank", { userId: "victim", context: { a: { b: 1 } } }, 400, "INVALID_REQUEST", "context.a"],
  ["deep nesting", "/v1/rank", "{\"userId\":\"victim\",\"context\":" + "[".repeat(5000) + "]".repeat(5000) + "}", 400, "INVALID_REQUEST", "context"],
  ["no events", "/v1/events", { events: [] }, 400, "INVALID_REQUEST", "events"],
  ["501 events", "/v1/events", { events: Array.from({ length: 501 }, (_, i) => ({ ...event, eventId: `m${i}` })) }, 400, "INVALID_REQUEST", "events"],
  ["an unknown event type", "/v1/events", { events: [event, { ...event, eventId: "bad", type: "like" }] }, 400, "INVALID_REQUEST", "events[1].type"],
  ["a rating of 6", "/v1/events", { events: [event, { ...event, eventId: "r6", type: "rating", value: 6 }] }, 400, "INVALID_REQUEST", "events[1].value"],
  ["a negative dwell", "/v1/events", { events: [{ ...event, eventId: "d", type: "dwell", value: -1 }] }, 400, "INVALID_REQUEST", "events[0].value"],
  ["a timestamp 2 days ahead", "/v1/events", { events: [event, { ...event, eventId: "fut", timestamp: Date.now() + 2 * 86_400_000 }] }, 400, "INVALID_REQUEST", "events[1].timestamp"],
  ["a negative timestamp", "/v1/events", { events: [{ ...event, timestamp: -5 }] }, 400, "INVALID_REQUEST", "events[0].timestamp"],
  ["a timestamp in seconds (1970)", "/v1/events", { events: [{ ...event, timestamp: 1764800000 }] }, 400, "INVALID_REQUEST", "events[0].timestamp"],
  ["-0 for k", "/v1/rank", "{\"userId\":\"victim\",\"k\":-0}", 400, "INVALID_REQUEST", "k"],
  ["a denormal for k", "/v1/rank", "{\"userId\":\"victim\",\"k\":5e-324}", 400, "INVALID_REQUEST", "k"],
  ["a 10,000-character item id", "/v1/events", { events: [{ ...event, itemId: longId }] }, 400, "INVALID_REQUEST", "events[0].itemId"],
  ["a lone surrogate in userId", "/v1/rank", "{\"userId\":\"x\\ud800\"}", 400, "INVALID_REQUEST", "userId"],
  ["a lone surrogate in an item id", "/v1/items", "{\"items\":[{\"itemId\":\"s\\udfff\",\"title\":\"A\"}]}", 400, "INVALID_REQUEST", "items[0].itemId"],
  ["a vector component of 1e308", "/v1/items", { items: [{ itemId: "huge", title: "x", collabVector: Array(16).fill(1e308) }] }, 400, "INVALID_REQUEST", "items[0].collabVector"],
  ["a control character in a tag", "/v1/items", { items: [{ itemId: "ctl", title: "x", tags: ["a\u0000b"] }] }, 400, "INVALID_REQUEST", "items[0].tags"],
  ["an event value of 1e308", "/v1/events", { events: [{ ...event, value: 1e308 }] }, 400, "INVALID_REQUEST", "events[0].value"],
  ["an unknown field in an event", "/v1/events", { events: [{ ...event, extra: 1 }] }, 400, "INVALID_REQUEST", "extra"],
  ["a timestamp as a string", "/v1/events", { events: [{ ...event, timestamp: "1764800000000" }] }, 400, "INVALID_REQUEST", "events[0].timestamp"],
  ["an event without eventId", "/v1/events", { events: [{ userId: "victim", itemId: "item-1", type: "click" }] }, 400, "INVALID_REQUEST", "events[0].eventId"],
  ["an item vector of the wrong dimension", "/v1/items", { items: [{ itemId: "bad-vector", title: "x", vector: [1, 2, 3] }] }, 400, "INVALID_REQUEST", "items[0].vector"],
  ["an item without title", "/v1/items", { items: [{ itemId: "no-title" }] }, 400, "INVALID_REQUEST", "items[0].title"],
  ["a repeated itemId", "/v1/items", { items: [{ itemId: "twice", title: "a" }, { itemId: "twice", title: "b" }] }, 400, "INVALID_REQUEST", "items"],
];

describe("bad input", () => {
  it.each(cases)("%s → %i %s, nothing written", async (_, path, body, status, code, field, headers) => {
    const before = await tableCounts();
    const liveBefore = await liveEventCount("victim");
    const key = path === "/v1/items" ? ADMIN_KEY : undefined;
    const response = await call(path === "/v1/items" ? "PUT" : "POST", path, {
      ...(key ? { key } : {}),
      ...(typeof body === "string" ? { rawBody: body, headers: { "content-type": "application/json", ...headers } } : { body, headers: headers ?? {} }),
    });
    expect(response.status).toBe(status);
    expect(response.json).toEqual({ error: expect.objectContaining({ code, message: expect.stringContaining(field), requestId: expect.stringMatching(/^r_/) }) });
    expect(await tableCounts()).toEqual(before);
    expect(await liveEventCount("victim")).toBe(liveBefore);
  });

  it("lists every invalid event with its index and field, and stores none of the batch", async () => {
    const response = await call("POST", "/v1/events", {
      body: { events: [event, { ...event, eventId: "x1", type: "nope" }, { ...event, eventId: "x2", type: "rating", value: 9 }] },
    });
    expect(response.status).toBe(400);
    expect(response.json.error.details).toEqual([
      { index: 1, field: "events[1].type", message: expect.any(String) },
      { index: 2, field: "events[2].value", message: "a rating needs value in 0..5" },
    ]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM events WHERE event_id = 'ok-1'").first()).toEqual({ n: 0 });
  });

  it.each([
    ["a bench run over the work bound", "POST", "/v1/bench/score", { precision: "fp32", batch: 10_000, runs: 10_000 }, 400, "runs"],
    ["a logs cursor of the wrong shape", "GET", `/v1/logs/events?after=${btoa("[]")}`, undefined, 400, "after"],
    ["a logs cursor of the wrong types", "GET", `/v1/logs/impressions?after=${btoa('["a","b"]')}`, undefined, 400, "after"],
    ["an item search over D1's LIKE limit", "GET", `/v1/items?query=${"a".repeat(49)}`, undefined, 400, "query"],
    ["a hexadecimal cron slot", "POST", "/v1/snapshots/0x10/status", { status: "failed" }, 400, "cronSlot"],
    ["a model version that cannot be addressed", "POST", "/v1/models", { manifest: { version: "..", sha256: "0".repeat(64), precision: "int8", featureLayout: { version: "v", names: [] }, inputs: { features: "f" }, outputs: { score: "s", hidden: "h" }, hiddenSize: 16, metrics: {} }, bytes: "AA==" }, 400, "manifest.version"],
  ] as const)("admin: %s → 400 naming the field", async (_, method, path, body, status, field) => {
    const response = await call(method, path, { key: ADMIN_KEY, ...(body === undefined ? {} : { body }) });
    expect(response.status).toBe(status);
    expect(response.json.error).toMatchObject({ code: "INVALID_REQUEST", message: expect.stringContaining(field) });
  });

  it("accepts the bearer scheme in any case and tells a rate-limited client when to retry", async () => {
    expect((await call("POST", "/v1/rank", { key: null, headers: { authorization: "bearer dev-serve-key" }, body: { userId: "case", k: 1 } })).status).toBe(200);
    let limited;
    for (let i = 0; i < 5; i++) limited = await call("POST", "/v1/rank", { key: "dev-limited-key", body: { userId: "case", k: 1 } });
    expect(limited!.status).toBe(429);
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("answers unknown routes and bad path ids in the error shape", async () => {
    expect(await call("GET", "/v1/nothing")).toMatchObject({ status: 404, json: { error: { code: "NOT_FOUND" } } });
    const tooLong = await call("GET", `/v1/users/${longId}`);
    expect(tooLong).toMatchObject({ status: 400, json: { error: { code: "INVALID_REQUEST", message: expect.stringContaining("userId") } } });
  });
});
