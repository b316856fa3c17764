import { inArray } from "drizzle-orm";
import { chunk, chunkInsert, type Database } from "./database.js";
import { events } from "./schema/index.js";

export type EventRow = typeof events.$inferInsert;

/** Inserts events, ignoring eventIds already stored; returns the ids that were new. Atomic (one batch). */
export async function insertNewEvents(db: Database, rows: readonly EventRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const statements = chunkInsert(events, rows).map((rowsChunk) =>
    db.insert(events).values(rowsChunk).onConflictDoNothing({ target: events.eventId }).returning({ eventId: events.eventId }));
  const results = await db.batch(statements as [typeof statements[number], ...typeof statements]);
  return new Set(results.flat().map((row) => row.eventId));
}

/** eventId -> userId for the stored events among `eventIds`. */
export async function storedEventOwners(db: Database, eventIds: readonly string[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  for (const ids of chunk(eventIds, 1)) {
    const rows = await db.select({ eventId: events.eventId, userId: events.userId }).from(events).where(inArray(events.eventId, ids)).all();
    for (const row of rows) owners.set(row.eventId, row.userId);
  }
  return owners;
}
