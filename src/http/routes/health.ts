import { ensureBundledModel } from "../../model/model-provider.js";
import { countActiveItems } from "../../storage/d1/catalogue-repository.js";
import { liveModelVersion } from "../../storage/d1/model-repository.js";
import { defineRoute } from "../route-spec.js";
import { HealthResponse } from "../schemas.js";
import { bindings } from "./deps.js";

export const healthRoutes = [
  defineRoute({
    method: "get", path: "/healthz", scope: null, summary: "Liveness, the live model version and the number of active items",
    response: HealthResponse,
    handler: async (c) => {
      const { db, now } = bindings(c);
      await ensureBundledModel(db, now);
      const [live, items] = await Promise.all([liveModelVersion(db), countActiveItems(db)]);
      return c.json({ status: "ok" as const, modelVersion: live?.version ?? null, items });
    },
  }),
];
