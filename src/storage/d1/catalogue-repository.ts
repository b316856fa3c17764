import { eq, sql } from "drizzle-orm";
import type { CatalogueItem } from "../../ranking/types.js";
import { toCatalogueItem, type ItemRow } from "./row-mapping.js";
import { chunkInsert, type Database } from "./database.js";
import { catalogueVersion, items } from "./schema/index.js";

export interface Catalogue {
  version: number;
  items: CatalogueItem[];
  byId: Map<string, CatalogueItem>;
}


// The whole catalogue (about 3.5 MB of vectors for MovieLens) is held once per isolate and reloaded only when the
// catalogue version in D1 changes: reading every item from D1 on each request would dominate rank latency.
let cached: Catalogue | null = null;

export async function currentCatalogueVersion(db: Database): Promise<number> {
  const row = await db.select({ version: catalogueVersion.version }).from(catalogueVersion).where(eq(catalogueVersion.id, 1)).get();
  return row?.version ?? 0;
}

export async function loadCatalogue(db: Database, version: number): Promise<Catalogue> {
  if (cached !== null && cached.version === version) return cached;
  const all = (await db.select().from(items).all()).map(toCatalogueItem);
  cached = { version, items: all, byId: new Map(all.map((item) => [item.itemId, item])) };
  return cached;
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
