import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { ModelManifest } from "../../../ranking/manifest.js";

/** The model registry: every version the service has held, its bytes, and which one is live. Holding the bytes
 * here lets a promotion take effect without a redeploy. */
export const models = sqliteTable("models", {
  version: text("version").primaryKey(),
  sha256: text("sha256").notNull(),
  manifest: text("manifest", { mode: "json" }).$type<ModelManifest>().notNull(),
  /** base64 of the .onnx bytes. */
  bytes: text("bytes").notNull(),
  live: integer("live", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull(),
  promotedAt: integer("promoted_at"),
});
