// Short-term interest: a time-decayed, reward-weighted sum of the content vectors of the items a user just acted
// on. It lets the ranker follow a user's drift within a session without waiting for the next retrain.

export type EventType = "impression" | "click" | "dwell" | "purchase" | "rating" | "dismiss";

/** Reward per event type; documented defaults, overridable per deployment. */
export interface RewardConfig {
  click: number;
  purchase: number;
  dismiss: number;
  impression: number;
  /** Seconds of dwell that count as one click; dwell reward = min(seconds / dwellSecondsPerClick, 1). */
  dwellSecondsPerClick: number;
}

export const DEFAULT_REWARDS: RewardConfig = { click: 1, purchase: 2, dismiss: -0.5, impression: 0, dwellSecondsPerClick: 30 };

export function eventReward(type: EventType, value: number | undefined, config: RewardConfig = DEFAULT_REWARDS): number {
  switch (type) {
    case "click": return config.click;
    case "purchase": return config.purchase;
    case "dismiss": return config.dismiss;
    case "impression": return config.impression;
    case "dwell": return Math.min((value ?? 0) / config.dwellSecondsPerClick, 1);
    case "rating": return ((value ?? 3) - 3) / 2; // 5 stars -> +1, 1 star -> -1
  }
}

export interface InterestState {
  vector: Float32Array | null;
  updatedAt: number;
}

export const INTEREST_HALF_LIFE_MS = 6 * 3_600_000;

/** Adds `reward * itemVector` to the interest after decaying it to `timestamp`. Events older than the state's
 * clock are added with their own decay, so delivery order does not change the result. */
export function addToInterest(
  state: InterestState, itemVector: Float32Array, reward: number, timestamp: number, halfLifeMs = INTEREST_HALF_LIFE_MS,
): InterestState {
  if (reward === 0) return state;
  const now = Math.max(state.updatedAt, timestamp);
  const decayOld = Math.pow(2, -(now - state.updatedAt) / halfLifeMs);
  const decayNew = Math.pow(2, -(now - timestamp) / halfLifeMs);
  const vector = new Float32Array(itemVector.length);
  for (let i = 0; i < vector.length; i++) {
    vector[i] = (state.vector?.[i] ?? 0) * decayOld + reward * decayNew * itemVector[i]!;
  }
  return { vector, updatedAt: now };
}
