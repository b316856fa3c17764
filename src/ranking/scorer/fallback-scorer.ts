// The documented non-model scorer, used when no valid model is loaded (responses say "fallback": true).
// A fixed logistic blend of the strongest single signals in the feature layout: collaborative affinity, long- and
// short-term content similarity, tag affinity, and a small popularity prior so cold users still get sensible items.
import { FEATURE_COUNT, FEATURE_LAYOUT } from "../features.js";
import { assertFeatureShape, type Scorer, type Scores } from "./scorer.js";

const WEIGHTS: Readonly<Record<(typeof FEATURE_LAYOUT.names)[number], number>> = {
  mf_dot: 1.0, content_cos_long: 2.0, content_cos_short: 1.5, tag_affinity: 1.0, item_log_ratings: 1.0,
  item_mean_rating: 0.5, item_is_cold: 0, item_age: 0, user_log_ratings: 0, user_mean_rating: 0,
  user_collab_norm: 0, item_collab_norm: 0, hour_sin: 0, hour_cos: 0, device_mobile: 0,
};
const WEIGHT_VECTOR = FEATURE_LAYOUT.names.map((name) => WEIGHTS[name]);
const BIAS = -2;

export class FallbackScorer implements Scorer {
  readonly modelVersion = null;
  readonly fallback = true;

  async score(features: Float32Array, rows: number): Promise<Scores> {
    assertFeatureShape(features, rows);
    const scores = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let z = BIAS;
      for (let f = 0; f < FEATURE_COUNT; f++) z += WEIGHT_VECTOR[f]! * features[r * FEATURE_COUNT + f]!;
      scores[r] = 1 / (1 + Math.exp(-z));
    }
    return { scores, hidden: null, hiddenSize: 0 };
  }
}
