// Model faults and the cron trigger: a bad model is refused with a reason and the fallback scorer answers; a
// double-fired cron slot records one snapshot.
import { createExecutionContext, createScheduledController, env, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import type { UserStateObject } from "../../src/storage/durable/user-state-object.js";
import { keyOf } from "./variants.js";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index.js";
import { BUNDLED_MANIFEST, BUNDLED_MODEL_BYTES } from "../../src/model/model-provider.js";
import { sha256Hex } from "../../src/model/model-loader.js";
import { encodeBase64 } from "../../src/ranking/vectors.js";
import { fixtureItems } from "../fixtures/catalogue.js";
import { ADMIN_KEY, call } from "./http.js";

async function storeModelRow(version: string, bytes: Uint8Array, manifestChanges: Record<string, unknown> = {}): Promise<void> {
  const manifest = { ...BUNDLED_MANIFEST, version, sha256: await sha256Hex(bytes), ...manifestChanges };
  await env.DB.prepare("INSERT INTO models (version, sha256, manifest, bytes, live, created_at) VALUES (?, ?, ?, ?, 0, ?)")
    .bind(version, manifest.sha256, JSON.stringify(manifest), encodeBase64(bytes), Date.now()).run();
}

beforeAll(async () => {
  expect((await call("PUT", "/v1/items", { key: ADMIN_KEY, body: { items: fixtureItems(12) } })).status).toBe(200);
  expect((await call("GET", "/healthz", { key: null })).json.modelVersion).toBe(BUNDLED_MANIFEST.version);
});

const original = BUNDLED_MODEL_BYTES;
// A fresh user per request: repeated requests for one user would rest the fixture's few items (fatigue).
let users = 0;
const freshUser = () => `u-f-${users++}`;

describe("model faults", () => {
  const bad = [
    ["truncated bytes", "bad-truncated", () => original.slice(0, 100), { sha256: BUNDLED_MANIFEST.sha256 }, "sha256"],
    ["empty bytes", "bad-empty", () => new Uint8Array(0), {}, "empty"],
    ["HTML instead of ONNX", "bad-html", () => new TextEncoder().encode("<html><body>502 Bad Gateway</body></html>"), {}, "onnxruntime refused"],
    ["a different feature layout", "bad-layout", () => original, { featureLayout: { version: "features-v0", names: ["a"] } }, "feature layout"],
  ] as const;

  it.each(bad)("refuses to store or promote %s, and the live model keeps serving", async (_, version, bytes, manifestChanges, reason) => {
    const manifest = { ...BUNDLED_MANIFEST, version, sha256: await sha256Hex(bytes()), ...manifestChanges };
    const upload = await call("POST", "/v1/models", { key: ADMIN_KEY, body: { manifest, bytes: encodeBase64(bytes()) } });
    if (bytes().length === 0) {
      expect(upload.status).toBe(400); // an empty upload is bad input before it is a bad model
      expect(upload.json.error.message).toContain("bytes");
    } else {
      expect(upload.status).toBe(422);
      expect(upload.json.error).toMatchObject({ code: "UNPROCESSABLE", message: expect.stringContaining(reason) });
    }
    expect(await env.DB.prepare("SELECT count(*) AS n FROM models WHERE version = ?").bind(version).first()).toEqual({ n: 0 });

    await storeModelRow(version, bytes(), manifestChanges); // as if it reached the registry another way
    const promote = await call("POST", `/v1/models/${version}/promote`, { key: ADMIN_KEY });
    expect(promote.status).toBe(422);
    expect(promote.json.error.message).toContain(reason);
    const ranked = await call("POST", "/v1/rank", { body: { userId: freshUser(), k: 4 } });
    expect(ranked.json).toMatchObject({ fallback: false, modelVersion: BUNDLED_MANIFEST.version });
  });

  it.each(bad)("answers with the fallback scorer when the live row holds %s, and recovers on rollback", async (_, version, bytes, manifestChanges, reason) => {
    const live = `${version}-live`;
    await storeModelRow(live, bytes(), manifestChanges);
    // Corruption after promotion (storage fault, manual edit): the registry says live, the bytes are bad.
    await env.DB.batch([env.DB.prepare("UPDATE models SET live = 0"), env.DB.prepare("UPDATE models SET live = 1 WHERE version = ?").bind(live)]);

    const ranked = await call("POST", "/v1/rank", { body: { userId: freshUser(), k: 4 } });
    expect(ranked.status).toBe(200);
    expect(ranked.json).toMatchObject({ fallback: true, modelVersion: null });
    expect(ranked.json.items).toHaveLength(4);
    for (const item of ranked.json.items) expect(item.score > 0 && item.score < 1).toBe(true);
    const decision = await env.DB.prepare("SELECT fallback, model_version FROM decisions WHERE request_id = ?").bind(ranked.json.requestId).first();
    expect(decision).toEqual({ fallback: 1, model_version: null });
    const models = await call("GET", "/v1/models", { key: ADMIN_KEY });
    expect(models.json.refused).toEqual({ version: live, reason: expect.stringContaining(reason) });

    expect((await call("POST", `/v1/models/${BUNDLED_MANIFEST.version}/promote`, { key: ADMIN_KEY })).status).toBe(200);
    const recovered = await call("POST", "/v1/rank", { body: { userId: freshUser(), k: 4 } });
    expect(recovered.json).toMatchObject({ fallback: false, modelVersion: BUNDLED_MANIFEST.version });
  });

  it("stores a valid candidate, serves it after promotion without a redeploy, and rolls back", async () => {
    const manifest = { ...BUNDLED_MANIFEST, version: "candidate-1" };
    expect((await call("POST", "/v1/models", { key: ADMIN_KEY, body: { manifest, bytes: encodeBase64(original) } })).json).toEqual({ stored: "candidate-1" });
    expect((await call("POST", "/v1/models", { key: ADMIN_KEY, body: { manifest, bytes: encodeBase64(original) } })).status).toBe(409);
    expect((await call("POST", "/v1/rank", { body: { userId: freshUser(), k: 2 } })).json.modelVersion).toBe(BUNDLED_MANIFEST.version);
    expect((await call("POST", "/v1/models/candidate-1/promote", { key: ADMIN_KEY })).json).toEqual({ live: "candidate-1" });
    expect((await call("POST", "/v1/rank", { body: { userId: freshUser(), k: 2 } })).json).toMatchObject({ modelVersion: "candidate-1", fallback: false });
    expect((await call("GET", "/v1/models", { key: ADMIN_KEY })).json.live.version).toBe("candidate-1");
    expect((await call("POST", `/v1/models/${BUNDLED_MANIFEST.version}/promote`, { key: ADMIN_KEY })).status).toBe(200);
    expect((await call("POST", "/v1/rank", { body: { userId: freshUser(), k: 2 } })).json.modelVersion).toBe(BUNDLED_MANIFEST.version);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM models WHERE live = 1").first()).toEqual({ n: 1 });
  });

  it("answers 404 when promoting a version that is not stored", async () => {
    const { status, json } = await call("POST", "/v1/models/no-such-version/promote", { key: ADMIN_KEY });
    expect(status).toBe(404);
    expect(json.error).toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("version") });
  });
});

describe("decision log faults", () => {
  it("queues a decision D1 refuses in the user's Durable Object and writes it, propensities intact, once D1 is back", async () => {
    const userId = freshUser();
    await env.DB.exec("ALTER TABLE impressions RENAME TO impressions_away");
    let ranked;
    try {
      ranked = await call("POST", "/v1/rank", { body: { userId, k: 3 } });
    } finally {
      await env.DB.exec("ALTER TABLE impressions_away RENAME TO impressions");
    }
    expect(ranked.status).toBe(200);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM decisions WHERE request_id = ?").bind(ranked.json.requestId).first()).toEqual({ n: 0 });
    const stub = env.USER_STATE.get(env.USER_STATE.idFromName(await keyOf(userId)));
    expect(await runInDurableObject(stub, (instance: UserStateObject) => instance.outboxSize())).toBe(1);

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await runInDurableObject(stub, (instance: UserStateObject) => instance.outboxSize())).toBe(0);
    const logged = (await env.DB.prepare("SELECT item_id, rank, propensity, score FROM impressions WHERE request_id = ? ORDER BY rank").bind(ranked.json.requestId).all()).results;
    expect(logged).toEqual(ranked.json.items.map((item: { itemId: string; rank: number; propensity: number; score: number }) => ({
      item_id: item.itemId, rank: item.rank, propensity: item.propensity, score: expect.closeTo(item.score, 6),
    })));
    expect(await env.DB.prepare("SELECT count(*) AS n FROM decisions WHERE request_id = ?").bind(ranked.json.requestId).first()).toEqual({ n: 1 });
  });
});

describe("scheduled()", () => {
  it("records one snapshot per cron slot even when the trigger fires twice", async () => {
    await call("POST", "/v1/rank", { body: { userId: "u-cron", k: 2 } });
    await call("POST", "/v1/events", { body: { events: [{ eventId: "cron-e1", userId: "u-cron", itemId: "item-1", type: "click" }] } });
    const slot = Date.now() + 1000;
    for (let fire = 0; fire < 2; fire++) {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController({ scheduledTime: slot, cron: "0 * * * *" }), env, ctx);
      await waitOnExecutionContext(ctx);
    }
    const snapshots = (await env.DB.prepare("SELECT * FROM snapshots WHERE cron_slot = ?").bind(slot).all()).results;
    expect(snapshots).toHaveLength(1);
    const counts = await env.DB.prepare(`SELECT (SELECT count(*) FROM decisions WHERE created_at < ?1) AS d,
      (SELECT count(*) FROM impressions WHERE created_at < ?1) AS i, (SELECT count(*) FROM events WHERE received_at < ?1) AS e`).bind(slot).first();
    expect(snapshots[0]).toMatchObject({ from_time: 0, to_time: slot, status: "pending", decisions: counts!.d, impressions: counts!.i, events: counts!.e });

    // The retrain reads the snapshot's window page by page through the admin API.
    const listed = await call("GET", "/v1/snapshots", { key: ADMIN_KEY });
    expect(listed.json.snapshots[0]).toMatchObject({ cronSlot: slot, status: "pending", impressions: counts!.i });
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page: { json: { rows: { requestId: string; rank: number }[]; next: string | null } } =
        await call("GET", `/v1/logs/impressions?from=0&to=${slot}&limit=3${next ? `&after=${encodeURIComponent(next)}` : ""}`, { key: ADMIN_KEY });
      seen.push(...page.json.rows.map((row) => `${row.requestId}#${row.rank}`));
      next = page.json.next;
    } while (next !== null);
    expect(seen.length).toBe(counts!.i);
    expect(new Set(seen).size).toBe(counts!.i);
    expect((await call("GET", "/v1/logs/events?after=not-a-cursor", { key: ADMIN_KEY })).status).toBe(400);
    expect((await call("POST", `/v1/snapshots/${slot}/status`, { key: ADMIN_KEY, body: { status: "promoted" } })).json).toMatchObject({ cronSlot: slot, status: "promoted" });
    expect((await call("POST", "/v1/snapshots/123/status", { key: ADMIN_KEY, body: { status: "promoted" } })).status).toBe(404);
  });
});
