// Stored rows <-> the ranking core's types. Kept apart from the repositories (which need a D1 binding) so offline
// tools and tests can check the exact representation path the Worker uses.
import type { CatalogueItem, UserProfile } from "../../ranking/types.js";
import { decodeVector, encodeVector } from "../../ranking/vectors.js";
import type { items, users } from "./schema/index.js";

export type ItemRow = typeof items.$inferInsert;

/** A stored row as the ranking core sees it. */
export function toCatalogueItem(row: typeof items.$inferSelect): CatalogueItem {
  return {
    itemId: row.itemId,
    title: row.title,
    tags: row.tags,
    contentVector: row.contentVector === null ? null : decodeVector(row.contentVector),
    collabVector: row.collabVector === null ? null : decodeVector(row.collabVector),
    ratingCount: row.ratingCount,
    ratingMean: row.ratingMean,
    createdAt: row.createdAt,
    active: row.active,
  };
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


/** The ranking core's view of a stored profile; an unknown user is an empty profile (ranked like a new user). */
export function toUserProfile(userId: string, row: typeof users.$inferSelect | undefined): UserProfile {
  if (row === undefined) {
    return { userId, collabVector: null, contentVector: null, tagAffinity: {}, ratingCount: 0, ratingMean: 0 };
  }
  return {
    userId,
    collabVector: row.collabVector === null ? null : decodeVector(row.collabVector),
    contentVector: row.contentVector === null ? null : decodeVector(row.contentVector),
    tagAffinity: row.tagAffinity,
    ratingCount: row.ratingCount,
    ratingMean: row.ratingMean,
  };
}

