// Learning from events in the user's Durable Object: rewards credited to the decision that served the item within
// the window, late and foreign rewards stored but not credited, consumed items not re-shown, state surviving
// eviction, and experiment counts that match the logged rows.
import { abortAllDurableObjects, env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LEARNING_CONFIG } from "../../src/ranking/learning-config.js";
import { wilsonInterval } from "../../src/ranking/intervals.js";
import { gini } from "../../src/ranking/exposure.js";
import { fixtureItems } from "../fixtures/catalogue.js";
import { ADMIN_KEY, call } from "./http.js";
import { EXPERIMENT, keyOf, userInVariant } from "./variants.js";

const stubFor = async (userId: string) => env.USER_STATE.get(env.USER_STATE.idFromName(await keyOf(userId)));

async function counters(userId: string): Promise<Record<string, number>> {
  return runInDurableObject(await stubFor(userId), async (_, state) =>
    Object.fromEntries(state.storage.sql.exec<{ name: string; n: number }>("SELECT name, n FROM counters").toArray().map((r) => [r.name, r.n])));
}

async function observations(userId: string): Promise<number> {
  return runInDurableObject(await stubFor(userId), async (_, state) => {
    const row = state.storage.sql.exec<{ state: string }>("SELECT state FROM bandit").toArray()[0];
    return row === undefined ? 0 : (JSON.parse(row.state) as { observations: number }).observations;
  });
}

beforeAll(async () => {
  expect((await call("PUT", "/v1/items", { key: ADMIN_KEY, body: { items: fixtureItems(30) } })).status).toBe(200);
});

describe("rewards", () => {
  it("credits a click to its decision once, and stores late or foreign rewards without crediting them", async () => {
    const userId = userInVariant("thompson", "reward");
    const ranked = await call("POST", "/v1/rank", { body: { userId, k: 3 } });
    expect(ranked.status).toBe(200);
    const [first, second] = ranked.json.items as { itemId: string }[];
    const requestId = ranked.json.requestId as string;
    const servedAt = Number((await env.DB.prepare("SELECT created_at AS t FROM decisions WHERE request_id = ?").bind(requestId).first<{ t: number }>())!.t);
    const notShown = fixtureItems(30).map((item) => item.itemId).find((id) => !ranked.json.items.some((item: { itemId: string }) => item.itemId === id))!;

    const events = [
      { eventId: "rw-1", userId, itemId: first!.itemId, type: "click", requestId, timestamp: servedAt + 1000 },
      { eventId: "rw-2", userId, itemId: first!.itemId, type: "purchase", requestId, timestamp: servedAt + 2000 }, // same item: credited once
      { eventId: "rw-3", userId, itemId: notShown, type: "click", requestId, timestamp: servedAt + 3000 },
      { eventId: "rw-4", userId, itemId: second!.itemId, type: "click", requestId, timestamp: servedAt + DEFAULT_LEARNING_CONFIG.rewardWindowMs + 1 },
    ];
    expect((await call("POST", "/v1/events", { body: { events } })).json).toEqual({ accepted: 4, duplicates: 0 });
    expect(await env.DB.prepare("SELECT count(*) AS n FROM events WHERE request_id = ?").bind(requestId).first()).toEqual({ n: 4 });
    expect(await counters(userId)).toEqual({ credited: 1, not_in_decision: 1, late: 1 });
    expect(await observations(userId)).toBe(1);

    const view = await call("GET", `/v1/users/${userId}`);
    expect(view.json.learning.credited).toEqual({ rewards: 1, late: 1, notInDecision: 1, expiredUnrewarded: 0 });
  });

  it("learns items shown without reward as reward 0 once the decision's window has closed", async () => {
    const userId = userInVariant("control", "expire");
    const ranked = await call("POST", "/v1/rank", { body: { userId, k: 4 } });
    // Age the open decision past the window, as if the next request came an hour later.
    await runInDurableObject(await stubFor(userId), async (_, state) => {
      state.storage.sql.exec("UPDATE decisions SET served_at = served_at - ?", DEFAULT_LEARNING_CONFIG.rewardWindowMs + 1);
    });
    await call("POST", "/v1/rank", { body: { userId, k: 4 } });
    expect(await counters(userId)).toEqual({ expired_unrewarded: 4 });
    expect(await observations(userId)).toBe(4);
    expect(ranked.json.items).toHaveLength(4);
  });
});

describe("fatigue", () => {
  it("never shows a consumed item again", async () => {
    const userId = userInVariant("greedy", "consumer");
    const before = await call("POST", "/v1/rank", { body: { userId, k: 5 } });
    const top = before.json.items[0].itemId as string;
    await call("POST", "/v1/events", { body: { events: [{ eventId: `c-${userId}`, userId, itemId: top, type: "purchase" }] } });
    const after = await call("POST", "/v1/rank", { body: { userId, k: 29 } });
    expect(after.json.items.map((item: { itemId: string }) => item.itemId)).not.toContain(top);
    expect(after.json.items).toHaveLength(29);
  });
});

describe("durability", () => {
  it("keeps every acknowledged event across eviction and an aborted object", async () => {
    const userId = "durable-user";
    const batch = (from: number) => Array.from({ length: 20 }, (_, i) => ({ eventId: `d-${from + i}`, userId, itemId: `item-${(from + i) % 30}`, type: "click" }));
    expect((await call("POST", "/v1/events", { body: { events: batch(0) } })).json).toEqual({ accepted: 20, duplicates: 0 });
    await evictDurableObject(await stubFor(userId));
    expect((await call("POST", "/v1/events", { body: { events: batch(20) } })).json).toEqual({ accepted: 20, duplicates: 0 });
    await abortAllDurableObjects();
    expect((await call("POST", "/v1/events", { body: { events: [...batch(20), ...batch(40)] } })).json).toEqual({ accepted: 20, duplicates: 20 });
    const stored = await runInDurableObject(await stubFor(userId), async (_, state) => ({
      applied: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM applied_events").one().n,
      clicks: state.storage.sql.exec<{ n: number }>("SELECT n FROM event_counts WHERE type = 'click'").one().n,
    }));
    expect(stored).toEqual({ applied: 60, clicks: 60 });
  });
});

describe("GET /v1/experiments", () => {
  it("reports per-variant counts and intervals consistent with the logged rows", async () => {
    for (const variant of ["control", "thompson", "greedy"]) {
      const userId = userInVariant(variant, "exp");
      const ranked = await call("POST", "/v1/rank", { body: { userId, k: 2 } });
      await call("POST", "/v1/events", { body: { events: [{ eventId: `x-${variant}`, userId, itemId: ranked.json.items[0].itemId, type: "click", requestId: ranked.json.requestId }] } });
    }
    const { status, json } = await call("GET", "/v1/experiments", { key: ADMIN_KEY });
    expect(status).toBe(200);
    expect(json.experiments).toHaveLength(1);
    expect(json.experiments[0].name).toBe(EXPERIMENT.name);
    for (const variant of json.experiments[0].variants) {
      const logged = await env.DB.prepare(`SELECT (SELECT count(*) FROM decisions WHERE variant = ?1) AS decisions,
        (SELECT count(*) FROM impressions WHERE variant = ?1) AS impressions,
        (SELECT count(*) FROM impressions i WHERE variant = ?1 AND EXISTS (SELECT 1 FROM events e WHERE e.type = 'click' AND e.request_id = i.request_id AND e.item_id = i.item_id)) AS clicks`)
        .bind(variant.name).first<{ decisions: number; impressions: number; clicks: number }>();
      expect(variant).toEqual({
        name: variant.name, weight: 1, policy: EXPERIMENT.variants.find((v) => v.name === variant.name)!.policy, modelVersion: null,
        ...logged, ctr: logged!.clicks / logged!.impressions, ctrCi95: wilsonInterval(logged!.clicks, logged!.impressions),
      });
      expect(variant.clicks).toBeGreaterThanOrEqual(1);
    }
  });
});

describe("operator views", () => {
  it("previews what each variant would show without logging it or counting it as shown", async () => {
    const userId = "preview-user";
    const before = await env.DB.prepare("SELECT count(*) AS n FROM decisions").first();
    for (const variant of EXPERIMENT.variants) {
      const { status, json } = await call("POST", "/v1/preview", { key: ADMIN_KEY, body: { userId, k: 3, variant: variant.name } });
      expect(status).toBe(200);
      expect(json).toMatchObject({ userId, variant: variant.name, policy: variant.policy, fallback: false });
      expect(json.items).toHaveLength(3);
      for (const item of json.items) expect(item.title).toBe(`item ${item.itemId.split("-")[1]}`);
    }
    expect(await env.DB.prepare("SELECT count(*) AS n FROM decisions").first()).toEqual(before);
    expect(await runInDurableObject(await stubFor(userId), async (_, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM item_state").one().n)).toBe(0);
    expect((await call("POST", "/v1/preview", { key: ADMIN_KEY, body: { userId, variant: "nope" } })).status).toBe(404);
    expect((await call("POST", "/v1/preview", { body: { userId } })).status).toBe(403);
  });

  it("searches items with their exposure, and reports exposure concentration and the click-rate timeline from the logs", async () => {
    const ranked = await call("POST", "/v1/rank", { body: { userId: "views-user", k: 3 } });
    const shown = ranked.json.items[0].itemId as string;
    await call("POST", "/v1/events", { body: { events: [{ eventId: "views-click", userId: "views-user", itemId: shown, type: "click", requestId: ranked.json.requestId }] } });

    const search = await call("GET", `/v1/items?query=${encodeURIComponent(`item ${shown.split("-")[1]}`)}&limit=5`, { key: ADMIN_KEY });
    expect(search.status).toBe(200);
    const found = search.json.items.find((item: { itemId: string }) => item.itemId === shown);
    const counts = await env.DB.prepare(`SELECT (SELECT count(*) FROM impressions WHERE item_id = ?1) AS impressions,
      (SELECT count(*) FROM events WHERE item_id = ?1 AND type = 'click') AS clicks`).bind(shown).first();
    expect(found).toMatchObject({ itemId: shown, ...counts });

    const exposure = await call("GET", "/v1/items/exposure", { key: ADMIN_KEY });
    const perItem = (await env.DB.prepare("SELECT i.item_id, count(m.item_id) AS n FROM items i LEFT JOIN impressions m ON m.item_id = i.item_id WHERE i.active = 1 GROUP BY i.item_id").all<{ n: number }>()).results.map((r) => r.n);
    expect(exposure.json).toMatchObject({ items: perItem.length, impressions: perItem.reduce((a, b) => a + b, 0), gini: gini(perItem), neverShown: perItem.filter((n) => n === 0).length });
    expect(exposure.json.lorenz.at(-1)).toEqual([1, 1]);

    const timeline = await call("GET", "/v1/experiments/timeline?bucketMs=86400000&sinceMs=0", { key: ADMIN_KEY });
    expect(timeline.status).toBe(200);
    const totals = timeline.json.series.flatMap((s: { points: { impressions: number; clicks: number }[] }) => s.points)
      .reduce((sum: { impressions: number; clicks: number }, p: { impressions: number; clicks: number }) => ({ impressions: sum.impressions + p.impressions, clicks: sum.clicks + p.clicks }), { impressions: 0, clicks: 0 });
    const logged = await env.DB.prepare(`SELECT count(*) AS impressions, sum(EXISTS (SELECT 1 FROM events e WHERE e.type = 'click' AND e.request_id = i.request_id AND e.item_id = i.item_id)) AS clicks FROM impressions i`).first();
    expect(totals).toEqual(logged);
    for (const series of timeline.json.series) {
      for (const point of series.points) expect(point.bucketStart % 86_400_000).toBe(0);
    }
    expect((await call("GET", "/v1/experiments/timeline?bucketMs=5", { key: ADMIN_KEY })).status).toBe(400);
  });
});
