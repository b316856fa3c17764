// The experiment the Worker under test runs (wrangler.toml's EXPERIMENTS), so tests can pick users by variant.
import { env } from "cloudflare:test";
import { assignVariant, parseExperiment } from "../../src/ranking/experiments.js";
import { pseudonymize } from "../../src/storage/pseudonym.js";

export const EXPERIMENT = parseExperiment(env.EXPERIMENTS);

export function variantOf(userId: string) {
  return assignVariant(EXPERIMENT, userId);
}

/** The first of `${prefix}-0`, `${prefix}-1`, ... that the stable hash assigns to `variant`. */
export function userInVariant(variant: string, prefix = "user"): string {
  for (let i = 0; i < 10_000; i++) {
    if (variantOf(`${prefix}-${i}`).name === variant) return `${prefix}-${i}`;
  }
  throw new Error(`no user id with prefix ${prefix} lands in variant ${variant}`);
}

/** The pseudonym under which the Worker stores a user (see src/storage/pseudonym.ts). */
export function keyOf(userId: string): Promise<string> {
  return pseudonymize(userId, env.PSEUDONYM_KEY);
}
