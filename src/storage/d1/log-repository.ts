import { and, asc, gt, gte, lt, or, eq } from "drizzle-orm";
import type { Database } from "./database.js";
import { events, impressions } from "./schema/index.js";

/** `after` is a decoded `next` cursor from the previous page. */
export interface PageQuery { from: number; to: number; after: unknown[] | null; limit: number }

/** Keyset pages over (created_at, request_id, rank): stable while rows are appended. */
export async function impressionPage(db: Database, { from, to, after, limit }: PageQuery) {
  const [t, requestId, rank] = (after ?? [null, null, null]) as [number | null, string, number];
  const rows = await db.select().from(impressions).where(and(
    gte(impressions.createdAt, from), lt(impressions.createdAt, to),
    t === null ? undefined : or(gt(impressions.createdAt, t), and(eq(impressions.createdAt, t), gt(impressions.requestId, requestId)),
      and(eq(impressions.createdAt, t), eq(impressions.requestId, requestId), gt(impressions.rank, rank))),
  )).orderBy(asc(impressions.createdAt), asc(impressions.requestId), asc(impressions.rank)).limit(limit).all();
  const last = rows[rows.length - 1];
  return { rows, next: rows.length === limit && last ? btoa(JSON.stringify([last.createdAt, last.requestId, last.rank])) : null };
}

/** Keyset pages over (received_at, event_id). */
export async function eventPage(db: Database, { from, to, after, limit }: PageQuery) {
  const [t, eventId] = (after ?? [null, null]) as [number | null, string];
  const rows = await db.select().from(events).where(and(
    gte(events.receivedAt, from), lt(events.receivedAt, to),
    t === null ? undefined : or(gt(events.receivedAt, t), and(eq(events.receivedAt, t), gt(events.eventId, eventId))),
  )).orderBy(asc(events.receivedAt), asc(events.eventId)).limit(limit).all();
  const last = rows[rows.length - 1];
  return { rows, next: rows.length === limit && last ? btoa(JSON.stringify([last.receivedAt, last.eventId])) : null };
}
