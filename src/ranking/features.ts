// The one feature builder: the Worker uses it to score candidates and the trainer uses it to build training rows,
// so both sides produce identical tensors. The layout is versioned; a model's manifest names the layout it was
// trained on and the scorer refuses to run a model whose layout differs.
//
// Every feature is invariant to the basis of the learned vectors (dot products, cosines, counts), so a model stays
// valid when the collaborative factors are re-fitted or the catalogue is re-ingested.
import type { CatalogueItem, LiveState, RequestContext, UserProfile } from "./types.js";
import { cosine, dot, norm } from "./vectors.js";

export const FEATURE_LAYOUT = {
  version: "features-v1",
  names: [
    "mf_dot",              // user factors . item factors (implicit-feedback ALS: how likely the user interacts)
    "content_cos_long",    // cos(user long-term content vector, item content vector)
    "content_cos_short",   // cos(short-term interest from live events, item content vector)
    "tag_affinity",        // mean over the item's tags of the user's share of engagements with that tag
    "item_log_ratings",    // log1p(item interaction count) / 6
    "item_mean_rating",    // (item mean rating - 3) / 2, 0 when unrated
    "item_is_cold",        // 1 when the item has no collaborative factors
    "item_age",            // min(days since createdAt / 365, 1): saturates, so an old catalogue looks the same at any date
    "user_log_ratings",    // log1p(user interaction count) / 6
    "user_mean_rating",    // (user mean rating - 3) / 2, 0 when unknown
    "user_collab_norm",    // |user factors|
    "item_collab_norm",    // |item factors|
    "hour_sin",            // context.hour on the unit circle (0 when absent)
    "hour_cos",
    "device_mobile",       // context.device == "mobile"
  ],
} as const;

export const FEATURE_COUNT = FEATURE_LAYOUT.names.length;
const DAY_MS = 86_400_000;

/** Writes one candidate's features into `out` at `offset` (row-major [candidates, FEATURE_COUNT]). */
export function writeFeatureRow(
  out: Float32Array, offset: number, user: UserProfile, live: LiveState, item: CatalogueItem,
  context: RequestContext, now: number,
): void {
  const mfDot = user.collabVector !== null && item.collabVector !== null ? dot(user.collabVector, item.collabVector) : 0;
  let tagAffinity = 0;
  for (const tag of item.tags) tagAffinity += user.tagAffinity[tag] ?? 0;
  if (item.tags.length > 0) tagAffinity /= item.tags.length;
  const hour = typeof context["hour"] === "number" ? context["hour"] : null;
  const row = [
    mfDot,
    cosine(user.contentVector, item.contentVector),
    cosine(live.shortTermVector, item.contentVector),
    tagAffinity,
    Math.log1p(item.ratingCount) / 6,
    item.ratingCount > 0 ? (item.ratingMean - 3) / 2 : 0,
    item.collabVector === null ? 1 : 0,
    Math.min(Math.max(0, now - item.createdAt) / DAY_MS / 365, 1),
    Math.log1p(user.ratingCount) / 6,
    user.ratingCount > 0 ? (user.ratingMean - 3) / 2 : 0,
    user.collabVector === null ? 0 : norm(user.collabVector),
    item.collabVector === null ? 0 : norm(item.collabVector),
    hour === null ? 0 : Math.sin((2 * Math.PI * hour) / 24),
    hour === null ? 0 : Math.cos((2 * Math.PI * hour) / 24),
    context["device"] === "mobile" ? 1 : 0,
  ];
  for (let i = 0; i < FEATURE_COUNT; i++) out[offset + i] = Number.isFinite(row[i]!) ? row[i]! : 0;
}

/** Features for every candidate, as the row-major matrix the model takes. */
export function buildFeatureMatrix(
  user: UserProfile, live: LiveState, items: readonly CatalogueItem[], context: RequestContext, now: number,
): Float32Array {
  const out = new Float32Array(items.length * FEATURE_COUNT);
  items.forEach((item, i) => writeFeatureRow(out, i * FEATURE_COUNT, user, live, item, context, now));
  return out;
}
