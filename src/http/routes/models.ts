import { z } from "zod";
import { loadModel } from "../../model/model-loader.js";
import { ensureBundledModel, modelRefusal } from "../../model/model-provider.js";
import type { ModelManifest } from "../../ranking/manifest.js";
import { decodeBase64 } from "../../ranking/vectors.js";
import { findModel, listModels, promoteModel, storeModel } from "../../storage/d1/model-repository.js";
import { ApiError } from "../errors.js";
import { defineRoute } from "../route-spec.js";
import { bindings } from "./deps.js";

const ModelSummary = z.object({
  version: z.string(), sha256: z.string(), createdAt: z.number(), promotedAt: z.number().nullable(),
  live: z.boolean(), precision: z.string(), featureLayout: z.string(), metrics: z.record(z.string(), z.number()),
});
const ModelUpload = z.strictObject({
  manifest: z.looseObject({
    version: z.string().regex(/^[A-Za-z0-9][\w.-]{0,63}$/, "must be 1..64 letters, digits, '.', '_' or '-', starting with a letter or digit"),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters"),
    precision: z.enum(["fp32", "int8"]),
    featureLayout: z.object({ version: z.string(), names: z.array(z.string()) }),
    inputs: z.object({ features: z.string() }),
    outputs: z.object({ score: z.string(), hidden: z.string() }),
    hiddenSize: z.number().int().min(1).max(1024),
    metrics: z.record(z.string().max(64), z.number()).refine((m) => Object.keys(m).length <= 200, "at most 200 metrics"),
  }),
  /** The .onnx bytes, base64. */
  bytes: z.string().min(1).max(700_000),
});

/** Refuses (422) a model that would not serve: bytes vs sha256, feature layout, ORT load and a probe row. */
async function checkServable(manifest: ModelManifest, bytes: Uint8Array): Promise<void> {
  const result = await loadModel(bytes, manifest);
  if (!result.ok) throw new ApiError("UNPROCESSABLE", `manifest/bytes: model ${manifest.version} refused: ${result.reason}`);
}

const ModelsResponse = z.object({
  live: ModelSummary.nullable(), versions: z.array(ModelSummary),
  refused: z.object({ version: z.string(), reason: z.string() }).nullable(),
});

export const modelRoutes = [
  defineRoute({
    method: "get", path: "/v1/models", scope: "admin",
    summary: "The live model and every stored version, with metrics; the last refused model and why",
    response: ModelsResponse,
    handler: async (c) => {
      const { db, now } = bindings(c);
      await ensureBundledModel(db, now);
      const rows = await listModels(db);
      const versions = rows.map((row) => ({
        version: row.version, sha256: row.sha256, createdAt: row.createdAt, promotedAt: row.promotedAt, live: row.live,
        precision: row.manifest.precision, featureLayout: row.manifest.featureLayout.version, metrics: row.manifest.metrics,
      }));
      return c.json({ live: versions.find((v) => v.live) ?? null, versions, refused: modelRefusal() });
    },
  }),
  defineRoute({
    method: "post", path: "/v1/models", scope: "admin", errors: [409, 422],
    summary: "Store a candidate model version (not live): refused unless its bytes match the manifest and it loads and runs",
    request: ModelUpload, response: z.object({ stored: z.string() }),
    handler: async (c, body) => {
      const { db, now } = bindings(c);
      const manifest = body.manifest as unknown as ModelManifest;
      if ((await findModel(db, manifest.version)) !== undefined) throw new ApiError("CONFLICT", `manifest.version: "${manifest.version}" is already stored`);
      let bytes: Uint8Array;
      try {
        bytes = decodeBase64(body.bytes);
      } catch {
        throw new ApiError("INVALID_REQUEST", "bytes: not valid base64", [{ field: "bytes", message: "not valid base64" }]);
      }
      await checkServable(manifest, bytes);
      await storeModel(db, manifest, body.bytes, now);
      return c.json({ stored: manifest.version });
    },
  }),
  defineRoute({
    method: "post", path: "/v1/models/:version/promote", scope: "admin", errors: [404, 422],
    summary: "Make a stored version live (also a rollback) after checking it loads; takes effect without a redeploy",
    response: z.object({ live: z.string() }),
    handler: async (c) => {
      const { db, now } = bindings(c);
      const version = c.req.param("version")!;
      const row = await findModel(db, version);
      if (row === undefined) throw new ApiError("NOT_FOUND", `version: no stored model "${version}"`);
      await checkServable(row.manifest, decodeBase64(row.bytes));
      await promoteModel(db, version, now);
      return c.json({ live: version });
    },
  }),
];
