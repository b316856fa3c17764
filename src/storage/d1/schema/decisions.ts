import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One row per rank response. */
export const decisions = sqliteTable("decisions", {
  requestId: text("request_id").primaryKey(),
  userId: text("user_id").notNull(),
  variant: text("variant").notNull(),
  policy: text("policy").notNull(),
  modelVersion: text("model_version"),
  fallback: integer("fallback", { mode: "boolean" }).notNull(),
  mode: text("mode", { enum: ["candidates", "catalogue"] }).notNull(),
  k: integer("k").notNull(),
  candidateCount: integer("candidate_count").notNull(),
  context: text("context", { mode: "json" }).$type<Record<string, string | number | boolean>>().notNull(),
  /** The feature layout of the impressions' logged feature rows. */
  featureLayout: text("feature_layout").notNull().default("features-v1"),
  createdAt: integer("created_at").notNull(),
}, (table) => [index("decisions_user").on(table.userId), index("decisions_created").on(table.createdAt)]);

/** One row per returned item, with the propensity the response carried. */
export const impressions = sqliteTable("impressions", {
  requestId: text("request_id").notNull(),
  rank: integer("rank").notNull(),
  userId: text("user_id").notNull(),
  itemId: text("item_id").notNull(),
  score: real("score").notNull(),
  propensity: real("propensity").notNull(),
  explore: integer("explore", { mode: "boolean" }).notNull(),
  reason: text("reason").notNull(),
  policy: text("policy").notNull(),
  variant: text("variant").notNull(),
  modelVersion: text("model_version"),
  /** base64 float32: the feature row the item was scored with, so retraining and off-policy evaluation use exactly
   * what was served (no training/serving skew from re-deriving features later). */
  features: text("features"),
  createdAt: integer("created_at").notNull(),
}, (table) => [primaryKey({ columns: [table.requestId, table.rank] }), index("impressions_user").on(table.userId)]);
