import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One row per cron slot: the log window [fromTime, toTime) a retrain should consume. The primary key on the slot
 * is the lock that makes a double-fired trigger record one snapshot. The logs themselves stay in D1; the window
 * is the snapshot (rows are append-only, so a window's contents never change). */
export const snapshots = sqliteTable("snapshots", {
  cronSlot: integer("cron_slot").primaryKey(),
  fromTime: integer("from_time").notNull(),
  toTime: integer("to_time").notNull(),
  decisions: integer("decisions").notNull(),
  impressions: integer("impressions").notNull(),
  events: integer("events").notNull(),
  status: text("status", { enum: ["pending", "training", "promoted", "rejected", "failed"] }).notNull(),
  createdAt: integer("created_at").notNull(),
});
