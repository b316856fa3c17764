import { eq, sql } from "drizzle-orm";
import type { CatalogueItem } from "../../ranking/types.js";
import { decodeVector, encodeVector } from "../../ranking/vectors.js";
import { chunkInsert, type Database } from "./database.js";
import { catalogueVersion, items } from "./schema/index.js";

export interface Catalogue {
  version: number;
  items: CatalogueItem[];
  byId: Map<string, CatalogueItem>;
}

export type ItemRow = typeof items.$inferInsert;

// The whole catalogue (about 3.5 MB of vectors for MovieLens) is held once per isolate and reloaded only when the
// catalogue version in D1 changes: reading every item from D1 on each request would dominate rank latency.
let cached: Catalogue | null = null;

export async function currentCatalogueVersion(db: Database): Promise<number> {
  const row = await db.select({ version: catalogueVersion.version }).from(catalogueVersion).where(eq(catalogueVersion.id, 1)).get();
  return row?.version ?? 0;
}

export async function loadCatalogue(db: Database, version: number): Promise<Catalogue> {
  if (cached !== null && cached.version === version) return cached;
  const rows = await db.select().from(items).all();
  const all = rows.map((row): CatalogueItem => ({
    itemId: row.itemId,
    title: row.title,
    tags: row.tags,
    contentVector: row.contentVector === null ? null : decodeVector(row.contentVector),
    collabVector: row.collabVector === null ? null : decodeVector(row.collabVector),
    ratingCount: row.ratingCount,
    ratingMean: row.ratingMean,
    createdAt: row.createdAt,
    active: row.active,
  }));
  cached = { version, items: all, byId: new Map(all.map((item) => [item.itemId, item])) };
  return cached;
}

export function itemRow(input: {
  itemId: string; title: string; text: string; tags: string[]; createdAt: number; active: boolean;
  vector: Float32Array | null; collabVector: Float32Array | null; ratingCount: number; ratingMean: number;
}, now: number): ItemRow {
  return {
    itemId: input.itemId, title: input.title, text: input.text, tags: input.tags,
    contentVector: input.vector === null ? null : encodeVector(input.vector),
    collabVector: input.collabVector === null ? null : encodeVector(input.collabVector),
    ratingCount: input.ratingCount, ratingMean: input.ratingMean,
    createdAt: input.createdAt, active: input.active, updatedAt: now,
  };
}

/** Upserts items and bumps the catalogue version in one atomic batch. Service counters (impressions, clicks) are kept. */
export async function upsertItems(db: Database, rows: readonly ItemRow[]): Promise<void> {
  if (rows.length === 0) return;
  const statements = chunkInsert(items, rows).map((rowsChunk) =>
    db.insert(items).values(rowsChunk).onConflictDoUpdate({
      target: items.itemId,
      set: {
        title: sql`excluded.title`, text: sql`excluded.text`, tags: sql`excluded.tags`,
        contentVector: sql`excluded.content_vector`, collabVector: sql`excluded.collab_vector`,
        ratingCount: sql`excluded.rating_count`, ratingMean: sql`excluded.rating_mean`,
        createdAt: sql`excluded.created_at`, active: sql`excluded.active`, updatedAt: sql`excluded.updated_at`,
      },
    }));
  const bump = db.insert(catalogueVersion).values({ id: 1, version: 1 })
    .onConflictDoUpdate({ target: catalogueVersion.id, set: { version: sql`${catalogueVersion.version} + 1` } });
  await db.batch([bump, ...statements]);
}

export async function countActiveItems(db: Database): Promise<number> {
  const row = await db.select({ n: sql<number>`count(*)` }).from(items).where(eq(items.active, true)).get();
  return row?.n ?? 0;
}
