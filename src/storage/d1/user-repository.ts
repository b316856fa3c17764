import { eq, sql } from "drizzle-orm";
import { chunkInsert, type Database } from "./database.js";
import { decisions, events, impressions, users } from "./schema/index.js";

export type UserRow = typeof users.$inferInsert;

export async function upsertUsers(db: Database, rows: readonly UserRow[]): Promise<void> {
  if (rows.length === 0) return;
  const statements = chunkInsert(users, rows).map((rowsChunk) =>
    db.insert(users).values(rowsChunk).onConflictDoUpdate({
      target: users.userId,
      set: {
        collabVector: sql`excluded.collab_vector`, contentVector: sql`excluded.content_vector`,
        tagAffinity: sql`excluded.tag_affinity`, ratingCount: sql`excluded.rating_count`,
        ratingMean: sql`excluded.rating_mean`, attributes: sql`excluded.attributes`, updatedAt: sql`excluded.updated_at`,
      },
    }));
  await db.batch(statements as [typeof statements[number], ...typeof statements]);
}

export async function findUser(db: Database, userId: string): Promise<typeof users.$inferSelect | undefined> {
  return db.select().from(users).where(eq(users.userId, userId)).get();
}

export interface UserActivityCounts { decisions: number; impressions: number; events: number }

export async function userActivityCounts(db: Database, userId: string): Promise<UserActivityCounts> {
  const [d, i, e] = await db.batch([
    db.select({ n: sql<number>`count(*)` }).from(decisions).where(eq(decisions.userId, userId)),
    db.select({ n: sql<number>`count(*)` }).from(impressions).where(eq(impressions.userId, userId)),
    db.select({ n: sql<number>`count(*)` }).from(events).where(eq(events.userId, userId)),
  ]);
  return { decisions: d[0]?.n ?? 0, impressions: i[0]?.n ?? 0, events: e[0]?.n ?? 0 };
}

/** Erases every D1 row about the user in one atomic batch. */
export async function eraseUser(db: Database, userId: string): Promise<void> {
  await db.batch([
    db.delete(impressions).where(eq(impressions.userId, userId)),
    db.delete(decisions).where(eq(decisions.userId, userId)),
    db.delete(events).where(eq(events.userId, userId)),
    db.delete(users).where(eq(users.userId, userId)),
  ]);
}
