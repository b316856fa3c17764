import { assignVariant } from "../../ranking/experiments.js";
import { stableHash32 } from "../../ranking/hash.js";
import { seededRandom } from "../../ranking/random.js";
import { rankForUser } from "../../service/rank-service.js";
import { ApiError } from "../errors.js";
import { defineRoute } from "../route-spec.js";
import { Id, RankedItem, RankRequest, RankResponse } from "../schemas.js";
import { z } from "zod";
import { bindings } from "./deps.js";

const PreviewRequest = RankRequest.extend({
  variant: Id.optional().meta({ description: "Rank as this variant instead of the user's assigned one" }),
});

export const rankRoutes = [
  defineRoute({
    method: "post", path: "/v1/rank", scope: "serve",
    summary: "Rank the given candidates for a user, or recommend k items from the catalogue",
    request: RankRequest, response: RankResponse, errors: [422],
    handler: async (c, body) => {
      if (body.candidates !== undefined && body.k > body.candidates.length) {
        throw new ApiError("UNPROCESSABLE", `k: ${body.k} is more than the ${body.candidates.length} candidates given`);
      }
      const requestId = c.get("requestId");
      const { experiment, learning } = c.get("config");
      const variant = assignVariant(experiment.config, body.userId);
      // Seeded by the request id, so any logged decision can be replayed exactly.
      const random = seededRandom(stableHash32(requestId));
      const pending: Promise<unknown>[] = [];
      const synchronousLog = c.env.DECISION_LOG === "sync";
      const output = await rankForUser(
        {
          ...bindings(c), random, requestId, clusterCount: learning.clusterCount,
          defer: (work) => (synchronousLog ? pending.push(work) : c.executionCtx.waitUntil(work)),
        },
        body,
        { name: variant.name, policy: experiment.policies.get(variant.name)!, modelVersion: variant.modelVersion },
      );
      await Promise.all(pending);
      return c.json(output);
    },
  }),
  defineRoute({
    method: "post", path: "/v1/preview", scope: "admin", errors: [404, 422],
    summary: "What a variant would show this user now: ranked like /v1/rank, but not logged and not counted as shown",
    request: PreviewRequest, response: RankResponse.extend({ items: z.array(RankedItem.extend({ title: z.string() })) }),
    handler: async (c, body) => {
      const { experiment, learning } = c.get("config");
      const name = body.variant ?? assignVariant(experiment.config, body.userId).name;
      const variant = experiment.config.variants.find((v) => v.name === name);
      if (variant === undefined) throw new ApiError("NOT_FOUND", `variant: no variant "${name}" in experiment ${experiment.config.name}`);
      if (body.candidates !== undefined && body.k > body.candidates.length) {
        throw new ApiError("UNPROCESSABLE", `k: ${body.k} is more than the ${body.candidates.length} candidates given`);
      }
      const requestId = c.get("requestId");
      const output = await rankForUser(
        { ...bindings(c), random: seededRandom(stableHash32(requestId)), requestId, clusterCount: learning.clusterCount, defer: null },
        body,
        { name: variant.name, policy: experiment.policies.get(variant.name)!, modelVersion: variant.modelVersion },
      );
      return c.json(output);
    },
  }),
];
