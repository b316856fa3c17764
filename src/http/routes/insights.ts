// Operator views over the logs, used by the console: item search, exposure concentration, click rate over time.
import { z } from "zod";
import { gini, lorenzCurve } from "../../ranking/exposure.js";
import { wilsonInterval } from "../../ranking/intervals.js";
import { clickTimeline, impressionsPerItem, searchItems } from "../../storage/d1/insight-repository.js";
import { ApiError } from "../errors.js";
import { defineRoute, type AppContext } from "../route-spec.js";
import { bindings } from "./deps.js";

function integerQuery(c: AppContext, name: string, fallback: number, min: number, max: number): number {
  const raw = c.req.query(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ApiError("INVALID_REQUEST", `${name}: must be an integer in ${min}..${max}, got "${raw}"`, [{ field: name, message: `must be an integer in ${min}..${max}` }]);
  }
  return value;
}

export const insightRoutes = [
  defineRoute({
    method: "get", path: "/v1/items", scope: "admin",
    summary: "Search items by title (?query=, ?cold=true, ?limit=) with their impressions and clicks",
    response: z.object({ items: z.array(z.object({
      itemId: z.string(), title: z.string(), tags: z.array(z.string()), active: z.boolean(), cold: z.boolean(),
      createdAt: z.number(), ratingCount: z.number(), impressions: z.number(), clicks: z.number(),
    })) }),
    handler: async (c) => {
      const query = c.req.query("query") ?? "";
      // D1 refuses LIKE patterns over 50 bytes; the pattern adds two wildcards and escapes.
      const patternBytes = new TextEncoder().encode(query.replace(/[\\%_]/g, "\\$&")).length + 2;
      if (patternBytes > 50) throw new ApiError("INVALID_REQUEST", "query: at most 48 bytes of UTF-8 (fewer with %, _ or \\)", [{ field: "query", message: "too long" }]);
      const items = await searchItems(bindings(c).db, query, c.req.query("cold") === "true", integerQuery(c, "limit", 50, 1, 500));
      return c.json({ items });
    },
  }),
  defineRoute({
    method: "get", path: "/v1/items/exposure", scope: "admin",
    summary: "Exposure concentration over active items: Gini of impressions, Lorenz curve, most shown items, never shown count",
    response: z.object({
      items: z.number(), impressions: z.number(), gini: z.number(), neverShown: z.number(),
      lorenz: z.array(z.tuple([z.number(), z.number()])), top: z.array(z.object({ itemId: z.string(), impressions: z.number() })),
    }),
    handler: async (c) => {
      const rows = await impressionsPerItem(bindings(c).db);
      const counts = rows.map((row) => row.impressions);
      return c.json({
        items: rows.length, impressions: counts.reduce((a, b) => a + b, 0), gini: gini(counts),
        neverShown: counts.filter((n) => n === 0).length, lorenz: lorenzCurve(counts),
        top: [...rows].sort((a, b) => b.impressions - a.impressions).slice(0, 10),
      });
    },
  }),
  defineRoute({
    method: "get", path: "/v1/experiments/timeline", scope: "admin",
    summary: "Click rate over time per variant (?bucketMs=, default 1 hour; ?sinceMs= epoch ms, default 7 days back)",
    response: z.object({ bucketMs: z.number(), series: z.array(z.object({
      variant: z.string(), points: z.array(z.object({ bucketStart: z.number(), impressions: z.number(), clicks: z.number(), ctr: z.number(), ctrCi95: z.tuple([z.number(), z.number()]) })),
    })) }),
    handler: async (c) => {
      const bucketMs = integerQuery(c, "bucketMs", 3_600_000, 1_000, 30 * 86_400_000);
      const since = integerQuery(c, "sinceMs", Date.now() - 7 * 86_400_000, 0, Number.MAX_SAFE_INTEGER);
      const points = await clickTimeline(bindings(c).db, bucketMs, since);
      const byVariant = new Map<string, typeof points>();
      for (const point of points) byVariant.set(point.variant, [...(byVariant.get(point.variant) ?? []), point]);
      return c.json({
        bucketMs,
        series: [...byVariant].map(([variant, list]) => ({
          variant,
          points: list.map((p) => ({ bucketStart: p.bucketStart, impressions: p.impressions, clicks: p.clicks, ctr: p.clicks / p.impressions, ctrCi95: wilsonInterval(p.clicks, p.impressions) })),
        })),
      });
    },
  }),
];
