import { z } from "zod";
import { ensureBundledModel, modelRefusal } from "../../model/model-provider.js";
import { findModel, listModels, promoteModel } from "../../storage/d1/model-repository.js";
import { ApiError } from "../errors.js";
import { defineRoute } from "../route-spec.js";
import { bindings } from "./deps.js";

const ModelSummary = z.object({
  version: z.string(), sha256: z.string(), createdAt: z.number(), promotedAt: z.number().nullable(),
  live: z.boolean(), precision: z.string(), featureLayout: z.string(), metrics: z.record(z.string(), z.number()),
});
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
    method: "post", path: "/v1/models/:version/promote", scope: "admin", errors: [404],
    summary: "Make a stored version live (also a rollback); takes effect without a redeploy",
    response: z.object({ live: z.string() }),
    handler: async (c) => {
      const { db, now } = bindings(c);
      const version = c.req.param("version")!;
      if ((await findModel(db, version)) === undefined) throw new ApiError("NOT_FOUND", `version: no stored model "${version}"`);
      await promoteModel(db, version, now);
      return c.json({ live: version });
    },
  }),
];
