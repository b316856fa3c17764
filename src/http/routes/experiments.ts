import { z } from "zod";
import { wilsonInterval } from "../../ranking/intervals.js";
import { variantCounts } from "../../storage/d1/experiment-repository.js";
import { defineRoute } from "../route-spec.js";
import { bindings } from "./deps.js";

const ExperimentsResponse = z.object({
  experiments: z.array(z.object({
    name: z.string(),
    variants: z.array(z.object({
      name: z.string(), weight: z.number(), policy: z.string(), modelVersion: z.string().nullable(),
      decisions: z.number().int(), impressions: z.number().int(), clicks: z.number().int(),
      ctr: z.number().nullable(), ctrCi95: z.tuple([z.number(), z.number()]),
    })),
  })),
});

export const experimentRoutes = [
  defineRoute({
    method: "get", path: "/v1/experiments", scope: "admin",
    summary: "Each variant's decisions, impressions, clicks, CTR and its 95% Wilson interval, from the logged rows",
    response: ExperimentsResponse,
    handler: async (c) => {
      const { config } = c.get("config").experiment;
      const counts = new Map((await variantCounts(bindings(c).db)).map((row) => [row.variant, row]));
      return c.json({
        experiments: [{
          name: config.name,
          variants: config.variants.map((variant) => {
            const { decisions = 0, impressions = 0, clicks = 0 } = counts.get(variant.name) ?? {};
            return {
              name: variant.name, weight: variant.weight, policy: variant.policy, modelVersion: variant.modelVersion,
              decisions, impressions, clicks, ctr: impressions === 0 ? null : clicks / impressions,
              ctrCi95: wilsonInterval(clicks, impressions),
            };
          }),
        }],
      });
    },
  }),
];
