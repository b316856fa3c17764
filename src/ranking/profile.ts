// Long-term user profiles from interaction history. Ingest uses it to seed the service and the trainer uses it
// to build the same profiles from the training window only, so served and trained features agree.
import type { UserProfile } from "./types.js";
import { meanVector } from "./vectors.js";

export interface Interaction { itemId: string; rating: number }
export interface ProfileItem { tags: readonly string[]; contentVector: Float32Array | null }

/** A rating at or above this counts as "liked" for the long-term content vector. */
export const LIKED_RATING = 4;

export function buildUserProfile(
  userId: string, history: readonly Interaction[], items: ReadonlyMap<string, ProfileItem>,
  collabVector: Float32Array | null,
): UserProfile {
  const tagCounts: Record<string, number> = {};
  const liked: Float32Array[] = [];
  const all: Float32Array[] = [];
  let ratingSum = 0;
  for (const { itemId, rating } of history) {
    ratingSum += rating;
    const item = items.get(itemId);
    if (item === undefined) continue;
    for (const tag of item.tags) tagCounts[tag] = (tagCounts[tag] ?? 0) + 1;
    if (item.contentVector !== null) {
      all.push(item.contentVector);
      if (rating >= LIKED_RATING) liked.push(item.contentVector);
    }
  }
  const tagAffinity: Record<string, number> = {};
  for (const [tag, count] of Object.entries(tagCounts)) tagAffinity[tag] = count / history.length;
  return {
    userId,
    collabVector,
    contentVector: meanVector(liked.length > 0 ? liked : all),
    tagAffinity,
    ratingCount: history.length,
    ratingMean: history.length > 0 ? ratingSum / history.length : 0,
  };
}
