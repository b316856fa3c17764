import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const items = sqliteTable("items", {
  itemId: text("item_id").primaryKey(),
  title: text("title").notNull(),
  text: text("text").notNull(),
  /** JSON array of strings. */
  tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
  /** base64 of little-endian float32: pretrained sentence-encoder vector. */
  contentVector: text("content_vector"),
  /** base64 of little-endian float32: matrix-factorisation item factors. */
  collabVector: text("collab_vector"),
  ratingCount: integer("rating_count").notNull().default(0),
  ratingMean: real("rating_mean").notNull().default(0),
  impressions: integer("impressions").notNull().default(0),
  clicks: integer("clicks").notNull().default(0),
  createdAt: integer("created_at").notNull(),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  updatedAt: integer("updated_at").notNull(),
}, (table) => [index("items_active").on(table.active)]);

/** One row: bumped on every catalogue write so each isolate knows when its in-memory catalogue is stale. */
export const catalogueVersion = sqliteTable("catalogue_version", {
  id: integer("id").primaryKey(),
  version: integer("version").notNull(),
});
