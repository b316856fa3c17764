// Request and response schemas: they validate at the edge, give the handlers their types, and generate
// GET /openapi.json, so the three cannot drift apart.
import { z } from "zod";
import { EVENT_TYPES } from "../storage/d1/schema/events.js";

const CONTROL_CHARACTERS = /\p{Cc}/u;

// A lone surrogate (\ud800 in JSON) is not a character: storing it would turn distinct ids into the same
// replacement character, so ill-formed strings are refused.
const wellFormed = (s: string) => (s as string & { isWellFormed(): boolean }).isWellFormed();

export const Id = z.string()
  .refine((s) => s.length > 0 && [...s].length <= 256, "must be 1..256 characters")
  .refine((s) => !CONTROL_CHARACTERS.test(s), "must not contain control characters")
  .refine(wellFormed, "must be valid Unicode (no lone surrogates)")
  .meta({ description: "1..256 characters, any Unicode except control characters" });

const uniqueIds = (ids: readonly string[]) => new Set(ids).size === ids.length;
const Finite = z.number(); // zod rejects NaN and +-Infinity; JSON cannot carry them anyway
/** Vector components: finite and bounded, so a dot product cannot overflow to Infinity. */
const Component = z.number().min(-1e3).max(1e3);
const Text = (max: number) => z.string().max(max).refine((s) => !CONTROL_CHARACTERS.test(s.replace(/[\n\t]/g, "")), "must not contain control characters")
  .refine(wellFormed, "must be valid Unicode (no lone surrogates)");
const ContextValue = z.union([Finite, z.string().max(256), z.boolean()]);
const Vector = z.array(Component).min(1).max(4096);

export const RankRequest = z.strictObject({
  userId: Id,
  candidates: z.array(Id).min(1).max(1000).refine(uniqueIds, "must not contain duplicate item ids").optional()
    .meta({ description: "Items to rank. Absent: recommend from the catalogue. Unknown ids are ranked as cold items." }),
  k: z.number().int().min(1).max(100).default(10),
  context: z.record(z.string().min(1).max(64), ContextValue)
    .refine((map) => Object.keys(map).length <= 32, "must have at most 32 keys").default({}),
  exclude: z.array(Id).max(1000).default([]),
});
export type RankRequest = z.output<typeof RankRequest>;

export const RankedItem = z.object({
  itemId: z.string(), rank: z.number().int(), score: z.number(), propensity: z.number(),
  explore: z.boolean(), reason: z.string(),
});
export const RankResponse = z.object({
  requestId: z.string(), userId: z.string(), variant: z.string(), policy: z.string(),
  modelVersion: z.string().nullable(), fallback: z.boolean(), items: z.array(RankedItem),
});
export type RankResponse = z.infer<typeof RankResponse>;

export const MAX_FUTURE_MS = 86_400_000;
export const EARLIEST_EVENT_MS = Date.UTC(1990, 0, 1);

export const Event = z.strictObject({
  eventId: Id,
  userId: Id,
  itemId: Id,
  type: z.enum(EVENT_TYPES),
  requestId: Id.optional(),
  value: Finite.max(1e9).optional().meta({ description: "dwell: seconds (0..86400); rating: 0..5; others: optional, >= 0" }),
  // The floor keeps obviously wrong clocks (0, seconds instead of milliseconds) out while accepting replayed history.
  timestamp: z.number().int().min(EARLIEST_EVENT_MS, "must be epoch milliseconds after 1990-01-01").optional()
    .meta({ description: "epoch ms, after 1990-01-01; default now; at most 1 day ahead" }),
}).superRefine((event, ctx) => {
  const value = event.value;
  if (event.type === "rating" && (value === undefined || value < 0 || value > 5)) {
    ctx.addIssue({ code: "custom", path: ["value"], message: "a rating needs value in 0..5" });
  } else if (event.type === "dwell" && (value === undefined || value < 0 || value > 86_400)) {
    ctx.addIssue({ code: "custom", path: ["value"], message: "a dwell needs value in seconds, 0..86400" });
  } else if (value !== undefined && value < 0) {
    ctx.addIssue({ code: "custom", path: ["value"], message: "must be >= 0" });
  }
});
export type Event = z.output<typeof Event>;

export const EventsRequest = z.strictObject({ events: z.array(Event).min(1).max(500) });
export const EventsResponse = z.object({ accepted: z.number().int(), duplicates: z.number().int() });

export const ItemInput = z.strictObject({
  itemId: Id,
  title: Text(1000),
  text: Text(20_000).default(""),
  tags: z.array(Text(100).refine((tag) => tag.length > 0, "must not be empty")).max(50).default([]),
  createdAt: z.number().int().min(-8.64e15).max(8.64e15).optional().meta({ description: "epoch ms (before 1970 is negative); default now" }),
  active: z.boolean().default(true),
  vector: Vector.optional().meta({ description: "content vector of the catalogue's CONTENT_DIMENSION" }),
  collabVector: Vector.optional().meta({ description: "collaborative factors of COLLAB_DIMENSION (from offline MF)" }),
  popularity: z.strictObject({ ratingCount: z.number().int().min(0), ratingMean: z.number().min(0).max(5) }).optional(),
});
export type ItemInput = z.output<typeof ItemInput>;
export const ItemsRequest = z.strictObject({
  items: z.array(ItemInput).min(1).max(500).refine((items) => uniqueIds(items.map((i) => i.itemId)), "must not repeat an itemId"),
});
export const UpsertedResponse = z.object({ upserted: z.number().int() });

export const UserProfileInput = z.strictObject({
  userId: Id,
  collabVector: Vector.optional(),
  contentVector: Vector.optional(),
  tagAffinity: z.record(z.string().min(1).max(100), z.number().min(0).max(1)).default({}),
  ratingCount: z.number().int().min(0).default(0),
  ratingMean: z.number().min(0).max(5).default(0),
  attributes: z.record(z.string().min(1).max(64), ContextValue).default({}),
});
export type UserProfileInput = z.output<typeof UserProfileInput>;
export const UsersRequest = z.strictObject({
  users: z.array(UserProfileInput).min(1).max(500).refine((users) => uniqueIds(users.map((u) => u.userId)), "must not repeat a userId"),
});

export const HealthResponse = z.object({ status: z.literal("ok"), modelVersion: z.string().nullable(), items: z.number().int() });
export const DeletedResponse = z.object({ deleted: z.literal(true) });
export const ErrorResponse = z.object({
  error: z.object({
    code: z.string(), message: z.string(), requestId: z.string(),
    details: z.array(z.object({ index: z.number().int().optional(), field: z.string(), message: z.string() })).optional(),
  }),
});
