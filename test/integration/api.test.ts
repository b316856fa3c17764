// The serving path end to end inside workerd: real D1, the real user Durable Object and the real int8 ONNX model
// run by onnxruntime-web.
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BUNDLED_MANIFEST, BUNDLED_MODEL_BYTES } from "../../src/model/model-provider.js";
import { loadModel } from "../../src/model/model-loader.js";
import { buildFeatureMatrix, FEATURE_COUNT } from "../../src/ranking/features.js";
import { decodeVector } from "../../src/ranking/vectors.js";
import { coldItem } from "../../src/ranking/types.js";
import { currentCatalogueVersion, loadCatalogue } from "../../src/storage/d1/catalogue-repository.js";
import { database } from "../../src/storage/d1/database.js";
import { toUserProfile } from "../../src/storage/d1/row-mapping.js";
import { findUser } from "../../src/storage/d1/user-repository.js";
import type { UserStateObject } from "../../src/storage/durable/user-state-object.js";
import { fixtureItems, fixtureUser } from "../fixtures/catalogue.js";
import { ADMIN_KEY, call } from "./http.js";
import { keyOf, userInVariant, variantOf } from "./variants.js";

const items = fixtureItems(40);
// Greedy is deterministic, so its slate and propensities can be checked exactly; the learning tests cover the others.
const GREEDY_USER = userInVariant("greedy", "u");
const userState = env.USER_STATE as unknown as DurableObjectNamespace<UserStateObject>;

async function rows(sql: string, ...params: unknown[]): Promise<Record<string, unknown>[]> {
  return (await env.DB.prepare(sql).bind(...params).all()).results;
}

beforeAll(async () => {
  items[3]!.active = false;
  expect((await call("PUT", "/v1/items", { key: ADMIN_KEY, body: { items } })).json).toEqual({ upserted: 40 });
  expect((await call("PUT", "/v1/users", { key: ADMIN_KEY, body: { users: [fixtureUser(GREEDY_USER)] } })).json).toEqual({ upserted: 1 });
});

describe("GET /healthz", () => {
  it("reports the live bundled model and the active items", async () => {
    const { status, json } = await call("GET", "/healthz", { key: null });
    expect(status).toBe(200);
    expect(json).toEqual({ status: "ok", modelVersion: BUNDLED_MANIFEST.version, items: 39 });
  });
});

describe("POST /v1/rank", () => {
  it("ranks given candidates with the ONNX model and logs the decision with its propensities", async () => {
    const candidates = ["item-1", "item-2", "item-3", "item-4", "item-5", "item-6", "brand-new-item", "item-7"];
    const { status, json } = await call("POST", "/v1/rank", {
      body: { userId: GREEDY_USER, candidates, k: 5, context: { hour: 21, device: "mobile" }, exclude: ["item-2"] },
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({ userId: GREEDY_USER, variant: "greedy", policy: "greedy", modelVersion: BUNDLED_MANIFEST.version, fallback: false });
    expect(json.requestId).toMatch(/^r_/);
    expect(json.items).toHaveLength(5);
    const ids = json.items.map((item: { itemId: string }) => item.itemId);
    expect(new Set(ids).size).toBe(5);
    expect(ids).not.toContain("item-2"); // excluded
    expect(ids).not.toContain("item-3"); // inactive
    json.items.forEach((item: { itemId: string; rank: number; score: number; propensity: number; explore: boolean; reason: string }, i: number) => {
      // Greedy under the slate rules: deterministic (propensity 1); an item is there on its score, lifted as a cold
      // item (the unknown id), or moved up by the diversity term, and says which.
      expect(item).toMatchObject({ rank: i + 1, propensity: 1, explore: false });
      expect(item.itemId === "brand-new-item" ? ["cold-boost", "exploit"] : ["exploit", "diversity"]).toContain(item.reason);
      expect(Number.isFinite(item.score)).toBe(true);
    });
    // Each "exploit" pick is the best remaining score, so those come in descending order.
    const exploits = json.items.filter((item: { reason: string }) => item.reason === "exploit").map((item: { score: number }) => item.score);
    expect(exploits).toEqual([...exploits].sort((a, b) => b - a));

    // The scores are the model's: recompute them from the stored profile and catalogue with the same model.
    const db = database(env.DB);
    const catalogue = await loadCatalogue(db, await currentCatalogueVersion(db));
    const pool = candidates.filter((id) => id !== "item-2" && id !== "item-3").map((id) => catalogue.byId.get(id) ?? coldItem(id, Date.now()));
    const profile = toUserProfile(GREEDY_USER, await findUser(db, await keyOf(GREEDY_USER)));
    const loaded = await loadModel(BUNDLED_MODEL_BYTES, BUNDLED_MANIFEST);
    if (!loaded.ok) throw new Error(loaded.reason);
    const features = buildFeatureMatrix(profile, { shortTermVector: null }, pool, { hour: 21, device: "mobile" }, Date.now());
    const expected = await loaded.scorer.score(features, pool.length);
    for (const item of json.items) {
      expect(item.score).toBeCloseTo(expected.scores[pool.findIndex((p) => p.itemId === item.itemId)]!, 4);
    }

    // Each impression logs the exact feature row it was scored with.
    const loggedFeatures = await rows("SELECT item_id, features FROM impressions WHERE request_id = ? ORDER BY rank", json.requestId);
    for (const row of loggedFeatures) {
      const index = pool.findIndex((p) => p.itemId === row.item_id);
      const expectedRow = Array.from(features.subarray(index * FEATURE_COUNT, (index + 1) * FEATURE_COUNT));
      Array.from(decodeVector(row.features as string)).forEach((value, f) => expect(value).toBeCloseTo(expectedRow[f]!, 5));
    }

    const decision = await rows("SELECT * FROM decisions WHERE request_id = ?", json.requestId);
    expect(decision).toEqual([expect.objectContaining({
      user_id: await keyOf(GREEDY_USER), variant: "greedy", policy: "greedy", model_version: BUNDLED_MANIFEST.version, fallback: 0,
      mode: "candidates", k: 5, candidate_count: 6, context: JSON.stringify({ hour: 21, device: "mobile" }), feature_layout: "features-v1",
    })]);
    const logged = await rows("SELECT item_id, rank, score, propensity, explore, reason, policy, variant, model_version FROM impressions WHERE request_id = ? ORDER BY rank", json.requestId);
    expect(logged).toEqual(json.items.map((item: { itemId: string; rank: number; score: number; propensity: number; reason: string }) => ({
      item_id: item.itemId, rank: item.rank, score: expect.closeTo(item.score, 6), propensity: item.propensity, explore: 0,
      reason: item.reason, policy: "greedy", variant: "greedy", model_version: BUNDLED_MANIFEST.version,
    })));
  });

  it.each(["control", "thompson", "greedy"])("recommends k items from the catalogue in variant %s, never inactive or excluded ones, logging the returned propensities", async (variant) => {
    const userId = userInVariant(variant, "cat");
    const { status, json } = await call("POST", "/v1/rank", { body: { userId, k: 10, exclude: ["item-0"] } });
    expect(status).toBe(200);
    expect(json).toMatchObject({ userId, variant, policy: variantOf(userId).policy, fallback: false });
    for (const item of json.items) expect(item.propensity > 0 && item.propensity <= 1 && Number.isFinite(item.score)).toBe(true);
    const logged = await rows("SELECT item_id, rank, propensity, explore, reason FROM impressions WHERE request_id = ? ORDER BY rank", json.requestId);
    expect(logged).toEqual(json.items.map((item: { itemId: string; rank: number; propensity: number; explore: boolean; reason: string }) => ({
      item_id: item.itemId, rank: item.rank, propensity: item.propensity, explore: item.explore ? 1 : 0, reason: item.reason,
    })));
    expect(json.items).toHaveLength(10);
    const ids = json.items.map((item: { itemId: string }) => item.itemId);
    expect(ids.every((id: string) => /^item-\d+$/.test(id) && id !== "item-3" && id !== "item-0")).toBe(true);
    expect(await rows("SELECT mode, candidate_count FROM decisions WHERE request_id = ?", json.requestId)).toEqual([{ mode: "catalogue", candidate_count: 38 }]);
    expect((await rows("SELECT count(*) AS n FROM impressions WHERE request_id = ?", json.requestId))[0]).toEqual({ n: 10 });
  });

  it("ranks a user the service has never seen (no profile) as a new user", async () => {
    const { status, json } = await call("POST", "/v1/rank", { body: { userId: "stranger", k: 3 } });
    expect(status).toBe(200);
    expect(json.items).toHaveLength(3);
    expect(json.fallback).toBe(false);
  });

  it("answers 422 when k exceeds the candidates given, and logs nothing", async () => {
    const before = await rows("SELECT count(*) AS n FROM decisions");
    const { status, json } = await call("POST", "/v1/rank", { body: { userId: GREEDY_USER, candidates: ["item-1", "item-2"], k: 3 } });
    expect(status).toBe(422);
    expect(json.error).toMatchObject({ code: "UNPROCESSABLE", message: expect.stringContaining("k:") });
    expect(await rows("SELECT count(*) AS n FROM decisions")).toEqual(before);
  });
});

describe("POST /v1/events", () => {
  const batch = [
    { eventId: "e-1", userId: "u-ev", itemId: "item-1", type: "click" },
    { eventId: "e-2", userId: "u-ev", itemId: "item-2", type: "rating", value: 5, timestamp: Date.now() - 1000 },
    { eventId: "e-3", userId: "u-ev", itemId: "never-ranked", type: "dwell", value: 40 },
  ];

  it("stores each event once and learns it once under duplicate and concurrent delivery", async () => {
    expect((await call("POST", "/v1/events", { body: { events: batch } })).json).toEqual({ accepted: 3, duplicates: 0 });
    expect((await call("POST", "/v1/events", { body: { events: batch } })).json).toEqual({ accepted: 0, duplicates: 3 });
    const concurrent = [{ eventId: "e-4", userId: "u-ev", itemId: "item-4", type: "purchase" }];
    const answers = await Promise.all([1, 2, 3].map(() => call("POST", "/v1/events", { body: { events: concurrent } })));
    expect(answers.map((a) => a.json.accepted).sort()).toEqual([0, 0, 1]);

    expect(await rows("SELECT event_id, item_id, type, value FROM events WHERE user_id = ? ORDER BY event_id", await keyOf("u-ev"))).toEqual([
      { event_id: "e-1", item_id: "item-1", type: "click", value: null },
      { event_id: "e-2", item_id: "item-2", type: "rating", value: 5 },
      { event_id: "e-3", item_id: "never-ranked", type: "dwell", value: 40 },
      { event_id: "e-4", item_id: "item-4", type: "purchase", value: null },
    ]);
    const live = await runInDurableObject(userState.get(userState.idFromName(await keyOf("u-ev"))), async (_, state) => ({
      applied: state.storage.sql.exec("SELECT event_id FROM applied_events ORDER BY event_id").toArray().map((r) => r.event_id),
      counts: Object.fromEntries(state.storage.sql.exec("SELECT type, n FROM event_counts").toArray().map((r) => [r.type, r.n])),
      hasInterest: state.storage.sql.exec("SELECT vector IS NOT NULL AS v FROM interest").toArray()[0]?.v,
    }));
    expect(live).toEqual({ applied: ["e-1", "e-2", "e-3", "e-4"], counts: { click: 1, rating: 1, dwell: 1, purchase: 1 }, hasInterest: 1 });
  });

  it("counts an eventId repeated inside one batch once", async () => {
    const twice = [{ eventId: "e-9", userId: "u-ev2", itemId: "item-1", type: "click" }, { eventId: "e-9", userId: "u-ev2", itemId: "item-1", type: "click" }];
    expect((await call("POST", "/v1/events", { body: { events: twice } })).json).toEqual({ accepted: 1, duplicates: 1 });
    expect(await rows("SELECT count(*) AS n FROM events WHERE event_id = 'e-9'")).toEqual([{ n: 1 }]);
  });
});

describe("users", () => {
  it("describes a user, then erases every row and key about them", async () => {
    await call("POST", "/v1/events", { body: { events: [{ eventId: "del-1", userId: "u-del", itemId: "item-5", type: "click" }] } });
    await call("POST", "/v1/rank", { body: { userId: "u-del", k: 2 } });
    const before = await call("GET", "/v1/users/u-del");
    expect(before.status).toBe(200);
    expect(before.json).toMatchObject({
      userId: "u-del", variant: variantOf("u-del").name, profile: null,
      counts: { decisions: 1, impressions: 2, events: 1, liveEvents: { click: 1 } },
      recentEvents: [{ eventId: "del-1", itemId: "item-5", type: "click" }],
    });
    expect(before.json.interests.shortTerm[0]).toMatchObject({ itemId: "item-5" });
    // Stored under the pseudonym only: no row holds the raw id.
    for (const table of ["decisions", "impressions", "events"]) {
      expect(await rows(`SELECT count(*) AS n FROM ${table} WHERE user_id = ?`, await keyOf("u-del"))).not.toEqual([{ n: 0 }]);
      expect(await rows(`SELECT count(*) AS n FROM ${table} WHERE user_id = 'u-del'`)).toEqual([{ n: 0 }]);
    }

    expect(await call("DELETE", "/v1/users/u-del")).toMatchObject({ status: 200, json: { deleted: true } });
    expect((await call("GET", "/v1/users/u-del")).status).toBe(404);
    for (const table of ["decisions", "impressions", "events", "users"]) {
      expect(await rows(`SELECT count(*) AS n FROM ${table} WHERE user_id = ?`, await keyOf("u-del"))).toEqual([{ n: 0 }]);
    }
    const left = await runInDurableObject(userState.get(userState.idFromName(await keyOf("u-del"))), async (_, state) => ({
      applied: state.storage.sql.exec("SELECT count(*) AS n FROM applied_events").one().n,
      recent: state.storage.sql.exec("SELECT count(*) AS n FROM recent_events").one().n,
      interest: state.storage.sql.exec("SELECT count(*) AS n FROM interest").one().n,
      keys: (await state.storage.list()).size,
    }));
    expect(left).toEqual({ applied: 0, recent: 0, interest: 0, keys: 0 });
  });

  it("answers 404 for a user the service holds nothing about", async () => {
    const { status, json } = await call("GET", "/v1/users/nobody-here");
    expect(status).toBe(404);
    expect(json.error).toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("userId") });
  });
});

describe("keys and scopes", () => {
  it.each([
    ["no key", null, "POST", "/v1/rank", 401],
    ["a wrong key", "not-a-key", "POST", "/v1/rank", 401],
    ["a serve key on an admin route", "dev-serve-key", "PUT", "/v1/items", 403],
    ["a serve key on the model registry", "dev-serve-key", "GET", "/v1/models", 403],
  ])("refuses %s and writes nothing", async (_, key, method, path, expected) => {
    const before = await rows("SELECT (SELECT count(*) FROM items) AS items, (SELECT count(*) FROM decisions) AS decisions");
    const body = path === "/v1/items" ? { items: [{ itemId: "sneaky", title: "x" }] } : method === "GET" ? undefined : { userId: GREEDY_USER, k: 1 };
    const { status, json } = await call(method, path, { key, ...(body === undefined ? {} : { body }) });
    expect(status).toBe(expected);
    expect(json.error).toMatchObject({ code: expected === 401 ? "UNAUTHORIZED" : "FORBIDDEN", requestId: expect.stringMatching(/^r_/) });
    expect(await rows("SELECT (SELECT count(*) FROM items) AS items, (SELECT count(*) FROM decisions) AS decisions")).toEqual(before);
  });
});

describe("abuse controls", () => {
  it("answers 429 in the error shape once a rate-limited key spends its burst, and logs nothing for it", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call("POST", "/v1/rank", { key: "dev-limited-key", body: { userId: "limited-user", k: 1 } })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await call("POST", "/v1/rank", { key: "dev-limited-key", body: { userId: "limited-user", k: 1 } });
    expect(limited).toMatchObject({ status: 429, json: { error: { code: "RATE_LIMITED", message: expect.stringContaining("dev-limited") } } });
    expect(await rows("SELECT count(*) AS n FROM decisions WHERE user_id = ?", await keyOf("limited-user"))).toEqual([{ n: 3 }]);
    // Other keys are not affected.
    expect((await call("POST", "/v1/rank", { body: { userId: "limited-user", k: 1 } })).status).toBe(200);
  });

  it("sets security headers, never caches API answers, and sends no CORS headers unless origins are configured", async () => {
    const { headers } = await call("POST", "/v1/rank", { body: { userId: GREEDY_USER, k: 1 }, headers: { origin: "https://evil.example" } });
    expect(headers.get("x-content-type-options")).toBe("nosniff");
    expect(headers.get("x-frame-options")).toBe("DENY");
    expect(headers.get("cache-control")).toBe("no-store");
    expect(headers.get("access-control-allow-origin")).toBeNull();
    expect(headers.get("x-request-id")).toMatch(/^r_/);
  });
});

describe("POST /v1/bench/score", () => {
  it("runs the int8 and fp32 models inside the Worker, and they agree", async () => {
    const int8 = await call("POST", "/v1/bench/score", { key: ADMIN_KEY, body: { precision: "int8", batch: 100, runs: 3 } });
    const fp32 = await call("POST", "/v1/bench/score", { key: ADMIN_KEY, body: { precision: "fp32", batch: 100, runs: 3 } });
    expect(int8).toMatchObject({ status: 200, json: { precision: "int8", batch: 100, runs: 3 } });
    expect(fp32).toMatchObject({ status: 200, json: { precision: "fp32", batch: 100, runs: 3 } });
    expect(Math.abs(int8.json.checksum - fp32.json.checksum)).toBeLessThan(3 * 0.05);
    expect((await call("POST", "/v1/bench/score", { body: { precision: "int8", batch: 1, runs: 1 } })).status).toBe(403);
  });
});

describe("GET /v1/models and /openapi.json", () => {
  it("lists the live bundled model with its metrics", async () => {
    const { status, json } = await call("GET", "/v1/models", { key: ADMIN_KEY });
    expect(status).toBe(200);
    expect(json.live).toMatchObject({ version: BUNDLED_MANIFEST.version, sha256: BUNDLED_MANIFEST.sha256, live: true, precision: "int8", featureLayout: "features-v1" });
    expect(json.live.metrics).toEqual(BUNDLED_MANIFEST.metrics);
  });

  it("documents every route from the validating schemas", async () => {
    const { status, json } = await call("GET", "/openapi.json", { key: null });
    expect(status).toBe(200);
    expect(Object.keys(json.paths).sort()).toEqual(["/healthz", "/v1/bench/score", "/v1/events", "/v1/experiments", "/v1/experiments/timeline", "/v1/items", "/v1/items/exposure", "/v1/logs/events", "/v1/logs/impressions", "/v1/models", "/v1/models/{version}/promote", "/v1/preview", "/v1/rank", "/v1/snapshots", "/v1/snapshots/{cronSlot}/status", "/v1/users", "/v1/users/{userId}"]);
    expect(json.paths["/v1/rank"].post.requestBody.content["application/json"].schema.properties.k).toMatchObject({ type: "integer", minimum: 1, maximum: 100 });
  });
});
