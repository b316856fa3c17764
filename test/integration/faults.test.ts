// Model faults and the cron trigger: a bad model is refused with a reason and the fallback scorer answers; a
// double-fired cron slot records one snapshot.
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
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

describe("model faults", () => {
  it.each([
    ["truncated bytes", "bad-truncated", () => original.slice(0, 100), { sha256: BUNDLED_MANIFEST.sha256 }, "sha256"],
    ["empty bytes", "bad-empty", () => new Uint8Array(0), {}, "empty"],
    ["HTML instead of ONNX", "bad-html", () => new TextEncoder().encode("<html><body>502 Bad Gateway</body></html>"), {}, "onnxruntime refused"],
    ["a different feature layout", "bad-layout", () => original, { featureLayout: { version: "features-v0", names: ["a"] } }, "feature layout"],
  ])("refuses %s, answers with the fallback scorer, and recovers on rollback", async (_, storedVersion, bytes, manifestChanges, reason) => {
    await storeModelRow(storedVersion, bytes(), manifestChanges);
    expect((await call("POST", `/v1/models/${storedVersion}/promote`, { key: ADMIN_KEY })).json).toEqual({ live: storedVersion });

    const ranked = await call("POST", "/v1/rank", { body: { userId: "u-f", k: 4 } });
    expect(ranked.status).toBe(200);
    expect(ranked.json).toMatchObject({ fallback: true, modelVersion: null });
    expect(ranked.json.items).toHaveLength(4);
    for (const item of ranked.json.items) expect(item.score > 0 && item.score < 1).toBe(true);
    const decision = await env.DB.prepare("SELECT fallback, model_version FROM decisions WHERE request_id = ?").bind(ranked.json.requestId).first();
    expect(decision).toEqual({ fallback: 1, model_version: null });
    const models = await call("GET", "/v1/models", { key: ADMIN_KEY });
    expect(models.json.refused).toEqual({ version: storedVersion, reason: expect.stringContaining(reason) });

    expect((await call("POST", `/v1/models/${BUNDLED_MANIFEST.version}/promote`, { key: ADMIN_KEY })).status).toBe(200);
    const recovered = await call("POST", "/v1/rank", { body: { userId: "u-f", k: 4 } });
    expect(recovered.json).toMatchObject({ fallback: false, modelVersion: BUNDLED_MANIFEST.version });
  });

  it("answers 404 when promoting a version that is not stored", async () => {
    const { status, json } = await call("POST", "/v1/models/no-such-version/promote", { key: ADMIN_KEY });
    expect(status).toBe(404);
    expect(json.error).toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("version") });
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
  });
});
