import { integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const users = sqliteTable("users", {
  userId: text("user_id").primaryKey(),
  collabVector: text("collab_vector"),
  contentVector: text("content_vector"),
  tagAffinity: text("tag_affinity", { mode: "json" }).$type<Record<string, number>>().notNull(),
  ratingCount: integer("rating_count").notNull().default(0),
  ratingMean: real("rating_mean").notNull().default(0),
  /** JSON object of client-supplied attributes (demographics, plan, ...). */
  attributes: text("attributes", { mode: "json" }).$type<Record<string, string | number | boolean>>().notNull(),
  updatedAt: integer("updated_at").notNull(),
});
