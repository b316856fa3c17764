import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const EVENT_TYPES = ["impression", "click", "dwell", "purchase", "rating", "dismiss"] as const;

export const events = sqliteTable("events", {
  eventId: text("event_id").primaryKey(),
  userId: text("user_id").notNull(),
  itemId: text("item_id").notNull(),
  type: text("type", { enum: EVENT_TYPES }).notNull(),
  value: real("value"),
  requestId: text("request_id"),
  timestamp: integer("timestamp").notNull(),
  receivedAt: integer("received_at").notNull(),
}, (table) => [index("events_user").on(table.userId), index("events_received").on(table.receivedAt)]);
