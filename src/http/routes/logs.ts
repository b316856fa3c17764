// The admin export the offline retrain reads: snapshots (the cron's log windows) and the logged rows in a window,
// page by page. User ids in these rows are already pseudonyms.
import { z } from "zod";
import { listSnapshots, setSnapshotStatus, SNAPSHOT_STATUSES } from "../../storage/d1/snapshot-repository.js";
import { eventPage, impressionPage } from "../../storage/d1/log-repository.js";
import { ApiError } from "../errors.js";
import { defineRoute, type AppContext } from "../route-spec.js";
import { bindings } from "./deps.js";

const PAGE_LIMIT = 5_000;

const ImpressionCursor = z.tuple([z.number().int(), z.string(), z.number().int()]);
const EventCursor = z.tuple([z.number().int(), z.string()]);

function windowQuery(c: AppContext, cursor: z.ZodType<unknown[]>): { from: number; to: number; after: unknown[] | null; limit: number } {
  const read = (name: string, fallback: number) => {
    const raw = c.req.query(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value)) {
      throw new ApiError("INVALID_REQUEST", `${name}: must be an integer, got "${raw}"`, [{ field: name, message: "must be an integer" }]);
    }
    return value;
  };
  const limit = read("limit", PAGE_LIMIT);
  if (limit < 1 || limit > PAGE_LIMIT) throw new ApiError("INVALID_REQUEST", `limit: must be in 1..${PAGE_LIMIT}`, [{ field: "limit", message: `must be in 1..${PAGE_LIMIT}` }]);
  const rawAfter = c.req.query("after");
  let after: unknown[] | null = null;
  if (rawAfter !== undefined) {
    try {
      after = cursor.parse(JSON.parse(atob(rawAfter)));
    } catch {
      throw new ApiError("INVALID_REQUEST", "after: not a cursor this service returned as `next`", [{ field: "after", message: "not a cursor" }]);
    }
  }
  return { from: read("from", 0), to: read("to", Number.MAX_SAFE_INTEGER), after, limit };
}

const Snapshot = z.object({
  cronSlot: z.number(), fromTime: z.number(), toTime: z.number(), decisions: z.number(), impressions: z.number(),
  events: z.number(), status: z.enum(SNAPSHOT_STATUSES), createdAt: z.number(),
});

export const logRoutes = [
  defineRoute({
    method: "get", path: "/v1/snapshots", scope: "admin",
    summary: "The cron's log snapshots, newest first, with their retrain status",
    response: z.object({ snapshots: z.array(Snapshot) }),
    handler: async (c) => c.json({ snapshots: await listSnapshots(bindings(c).db) }),
  }),
  defineRoute({
    method: "post", path: "/v1/snapshots/:cronSlot/status", scope: "admin", errors: [404],
    summary: "Record what the retrain did with a snapshot (training, promoted, rejected, failed)",
    request: z.strictObject({ status: z.enum(SNAPSHOT_STATUSES) }), response: Snapshot,
    handler: async (c, body) => {
      const raw = c.req.param("cronSlot")!;
      if (!/^\d{1,16}$/.test(raw)) throw new ApiError("INVALID_REQUEST", `cronSlot: must be an integer (epoch ms), got "${raw}"`, [{ field: "cronSlot", message: "must be an integer" }]);
      const updated = await setSnapshotStatus(bindings(c).db, Number(raw), body.status);
      if (updated === undefined) throw new ApiError("NOT_FOUND", `cronSlot: no snapshot "${c.req.param("cronSlot")}"`);
      return c.json(updated);
    },
  }),
  defineRoute({
    method: "get", path: "/v1/logs/impressions", scope: "admin",
    summary: "Impressions logged in [from, to) (epoch ms), with their propensities; page with ?after=<next>",
    response: z.object({ rows: z.array(z.record(z.string(), z.unknown())), next: z.string().nullable() }),
    handler: async (c) => c.json(await impressionPage(bindings(c).db, windowQuery(c, ImpressionCursor))),
  }),
  defineRoute({
    method: "get", path: "/v1/logs/events", scope: "admin",
    summary: "Events received in [from, to) (epoch ms); page with ?after=<next>",
    response: z.object({ rows: z.array(z.record(z.string(), z.unknown())), next: z.string().nullable() }),
    handler: async (c) => c.json(await eventPage(bindings(c).db, windowQuery(c, EventCursor))),
  }),
];
