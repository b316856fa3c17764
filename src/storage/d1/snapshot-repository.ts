import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import type { Database } from "./database.js";
import { decisions, events, impressions, snapshots } from "./schema/index.js";

export type SnapshotRow = typeof snapshots.$inferSelect;
export const SNAPSHOT_STATUSES = ["pending", "training", "promoted", "rejected", "failed"] as const;

export async function listSnapshots(db: Database): Promise<SnapshotRow[]> {
  return db.select().from(snapshots).orderBy(desc(snapshots.cronSlot)).all();
}

export async function setSnapshotStatus(db: Database, cronSlot: number, status: SnapshotRow["status"]): Promise<SnapshotRow | undefined> {
  return (await db.update(snapshots).set({ status }).where(eq(snapshots.cronSlot, cronSlot)).returning())[0];
}

/** Records the snapshot for `cronSlot` covering everything logged since the previous one. Returns null when this
 * slot already has one (the trigger fired twice). */
export async function recordSnapshot(db: Database, cronSlot: number, now: number): Promise<SnapshotRow | null> {
  const previous = await db.select({ toTime: snapshots.toTime }).from(snapshots).orderBy(desc(snapshots.cronSlot)).limit(1).get();
  const fromTime = previous?.toTime ?? 0;
  const toTime = cronSlot;
  const count = async (table: typeof decisions | typeof impressions, column: typeof decisions.createdAt | typeof impressions.createdAt) =>
    (await db.select({ n: sql<number>`count(*)` }).from(table).where(and(gte(column, fromTime), lt(column, toTime))).get())?.n ?? 0;
  const [decisionCount, impressionCount, eventCount] = await Promise.all([
    count(decisions, decisions.createdAt),
    count(impressions, impressions.createdAt),
    db.select({ n: sql<number>`count(*)` }).from(events).where(and(gte(events.receivedAt, fromTime), lt(events.receivedAt, toTime))).get().then((r) => r?.n ?? 0),
  ]);
  const inserted = await db.insert(snapshots).values({
    cronSlot, fromTime, toTime, decisions: decisionCount, impressions: impressionCount, events: eventCount, status: "pending", createdAt: now,
  }).onConflictDoNothing({ target: snapshots.cronSlot }).returning();
  return inserted[0] ?? null;
}
