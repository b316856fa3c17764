// Read-only aggregates for operators (the console): item search with exposure, exposure concentration, and click
// rate over time per variant. All computed from the logged rows.
import { sql } from "drizzle-orm";
import type { Database } from "./database.js";

export interface ItemExposure {
  itemId: string; title: string; tags: string[]; active: boolean; cold: boolean; createdAt: number;
  ratingCount: number; impressions: number; clicks: number;
}

export async function searchItems(db: Database, query: string, coldOnly: boolean, limit: number): Promise<ItemExposure[]> {
  const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db.all<{ item_id: string; title: string; tags: string; active: number; cold: number; created_at: number; rating_count: number; impressions: number; clicks: number }>(sql`
    SELECT i.item_id, i.title, i.tags, i.active, i.collab_vector IS NULL AS cold, i.created_at, i.rating_count,
      (SELECT count(*) FROM impressions m WHERE m.item_id = i.item_id) AS impressions,
      (SELECT count(*) FROM events e WHERE e.item_id = i.item_id AND e.type = 'click') AS clicks
    FROM items i
    WHERE i.title LIKE ${pattern} ESCAPE '\\' ${coldOnly ? sql`AND i.collab_vector IS NULL` : sql``}
    ORDER BY impressions DESC, i.item_id LIMIT ${limit}`);
  return rows.map((row) => ({
    itemId: row.item_id, title: row.title, tags: JSON.parse(row.tags) as string[], active: row.active === 1, cold: row.cold === 1,
    createdAt: row.created_at, ratingCount: row.rating_count, impressions: row.impressions, clicks: row.clicks,
  }));
}

/** Impressions per active item (zero for never shown ones), for the exposure Gini and Lorenz curve. */
export async function impressionsPerItem(db: Database): Promise<{ itemId: string; impressions: number }[]> {
  const rows = await db.all<{ item_id: string; n: number }>(sql`
    SELECT i.item_id, count(m.item_id) AS n FROM items i LEFT JOIN impressions m ON m.item_id = i.item_id
    WHERE i.active = 1 GROUP BY i.item_id`);
  return rows.map((row) => ({ itemId: row.item_id, impressions: row.n }));
}

export interface TimelinePoint { variant: string; bucketStart: number; impressions: number; clicks: number }

export async function clickTimeline(db: Database, bucketMs: number, since: number): Promise<TimelinePoint[]> {
  const rows = await db.all<{ variant: string; bucket: number; impressions: number; clicks: number }>(sql`
    SELECT i.variant, CAST(i.created_at / ${bucketMs} AS INTEGER) * ${bucketMs} AS bucket, count(*) AS impressions,
      sum(EXISTS (SELECT 1 FROM events e WHERE e.type = 'click' AND e.request_id = i.request_id AND e.item_id = i.item_id)) AS clicks
    FROM impressions i WHERE i.created_at >= ${since} GROUP BY i.variant, bucket ORDER BY bucket`);
  return rows.map((row) => ({ variant: row.variant, bucketStart: row.bucket, impressions: row.impressions, clicks: row.clicks }));
}
