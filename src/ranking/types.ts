// The shapes the ranking core works on. Storage adapters and offline tools convert to these; nothing here knows
// where the data came from.

export interface CatalogueItem {
  itemId: string;
  title: string;
  tags: readonly string[];
  /** Pretrained sentence-encoder vector of the item's text (L2-normalised), or null when none is known. */
  contentVector: Float32Array | null;
  /** Matrix-factorisation item factors, or null for items without interactions (cold). */
  collabVector: Float32Array | null;
  ratingCount: number;
  ratingMean: number;
  /** Epoch milliseconds. */
  createdAt: number;
  active: boolean;
}

export interface UserProfile {
  userId: string;
  collabVector: Float32Array | null;
  /** Mean content vector of the items the user engaged with (long-term interest). */
  contentVector: Float32Array | null;
  /** Tag -> share of the user's engagements carrying that tag, in [0, 1]. */
  tagAffinity: Readonly<Record<string, number>>;
  ratingCount: number;
  ratingMean: number;
}

/** What the user's Durable Object knows right now. */
export interface LiveState {
  /** Time-decayed mean content vector of recent positive events (short-term interest), or null. */
  shortTermVector: Float32Array | null;
}

export type RequestContext = Readonly<Record<string, number | string | boolean>>;

/** A candidate the caller named but the catalogue does not hold: ranked as a cold item, never an error. */
export function coldItem(itemId: string, now: number): CatalogueItem {
  return { itemId, title: "", tags: [], contentVector: null, collabVector: null, ratingCount: 0, ratingMean: 0, createdAt: now, active: true };
}
