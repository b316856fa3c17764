// How the service learns from events: reward per event type, the window in which a reward is credited to the
// decision that served the item, the short-term interest half-life, interest clusters, and which events mean the
// user has consumed an item. Defaults below; a deployment overrides any of them with the LEARNING var (JSON).
import { z } from "zod";
import { parseJsonConfig } from "./json-config.js";
import { DEFAULT_REWARDS, INTEREST_HALF_LIFE_MS, type EventType } from "./live-state.js";

const HOUR_MS = 3_600_000;

export const LearningConfig = z.strictObject({
  rewards: z.strictObject({
    click: z.number().min(-10).max(10),
    purchase: z.number().min(-10).max(10),
    dismiss: z.number().min(-10).max(10),
    impression: z.number().min(-10).max(10),
    dwellSecondsPerClick: z.number().positive().max(86_400),
  }).default(DEFAULT_REWARDS),
  /** A reward that arrives later than this after its decision is stored but not learned from. */
  rewardWindowMs: z.number().int().positive().max(30 * 24 * HOUR_MS).default(HOUR_MS),
  interestHalfLifeMs: z.number().positive().default(INTEREST_HALF_LIFE_MS),
  /** Number of interest clusters (an item's cluster comes from its first tag; see clusters.ts). */
  clusterCount: z.number().int().min(1).max(1024).default(24),
  /** Events after which an item counts as consumed and is not shown again. */
  consumedOn: z.array(z.enum(["impression", "click", "dwell", "purchase", "rating", "dismiss"])).default(["purchase", "rating"]),
});
export type LearningConfig = z.output<typeof LearningConfig>;

export const DEFAULT_LEARNING_CONFIG: LearningConfig = LearningConfig.parse({});

/** Parses the LEARNING var (absent or empty: the defaults); the error names the field and the reason. */
export function parseLearningConfig(json: string | undefined): LearningConfig {
  if (json === undefined || json.trim() === "") return DEFAULT_LEARNING_CONFIG;
  return parseJsonConfig("LEARNING", json, LearningConfig);
}

export function isConsumed(type: EventType, config: LearningConfig): boolean {
  return config.consumedOn.includes(type);
}
