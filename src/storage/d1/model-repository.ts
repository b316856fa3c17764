import { desc, eq, sql } from "drizzle-orm";
import type { ModelManifest } from "../../ranking/manifest.js";
import type { Database } from "./database.js";
import { models } from "./schema/index.js";

export type ModelRow = typeof models.$inferSelect;

export async function liveModelVersion(db: Database): Promise<{ version: string; sha256: string } | undefined> {
  return db.select({ version: models.version, sha256: models.sha256 }).from(models).where(eq(models.live, true)).get();
}

export async function findModel(db: Database, version: string): Promise<ModelRow | undefined> {
  return db.select().from(models).where(eq(models.version, version)).get();
}

export async function listModels(db: Database): Promise<Omit<ModelRow, "bytes">[]> {
  return db.select({
    version: models.version, sha256: models.sha256, manifest: models.manifest, live: models.live,
    createdAt: models.createdAt, promotedAt: models.promotedAt,
  }).from(models).orderBy(desc(models.createdAt)).all();
}

/** Stores a version (not live). Storing the same version twice keeps the first. */
export async function storeModel(db: Database, manifest: ModelManifest, bytesBase64: string, now: number): Promise<void> {
  await db.insert(models).values({ version: manifest.version, sha256: manifest.sha256, manifest, bytes: bytesBase64, live: false, createdAt: now })
    .onConflictDoNothing({ target: models.version });
}

/** Makes `version` the only live model, atomically. */
export async function promoteModel(db: Database, version: string, now: number): Promise<void> {
  await db.batch([
    db.update(models).set({ live: false }).where(eq(models.live, true)),
    db.update(models).set({ live: true, promotedAt: now }).where(eq(models.version, version)),
  ]);
}

export async function hasAnyModel(db: Database): Promise<boolean> {
  const row = await db.select({ n: sql<number>`count(*)` }).from(models).get();
  return (row?.n ?? 0) > 0;
}
