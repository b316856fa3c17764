// A/B split by edge configuration: the EXPERIMENTS var in wrangler.toml declares the variants; each user is
// assigned by a stable hash of (salt, userId) to a variant by weight, so a user sees the same variant on every
// request and in every location without any stored assignment.
import { z } from "zod";
import { stableHash32 } from "./hash.js";
import { parseJsonConfig } from "./json-config.js";
import { createVariantPolicy } from "./policies/registry.js";
import type { SlatePolicy } from "./slate.js";

export const VariantConfig = z.strictObject({
  name: z.string().min(1).max(64),
  weight: z.number().positive(),
  policy: z.string().min(1),
  /** Policy and slate parameters, validated by the policy registry. */
  params: z.record(z.string(), z.unknown()).default({}),
  /** A model version from the registry, or null for whatever model is live. */
  modelVersion: z.string().min(1).nullable().default(null),
});
export type VariantConfig = z.output<typeof VariantConfig>;

export const ExperimentConfig = z.strictObject({
  name: z.string().min(1).max(64),
  salt: z.string().min(1),
  variants: z.array(VariantConfig).min(1)
    .refine((variants) => new Set(variants.map((v) => v.name)).size === variants.length, "variant names must be unique"),
});
export type ExperimentConfig = z.output<typeof ExperimentConfig>;

/** Parses the EXPERIMENTS JSON; the error says which field is wrong and why. */
export function parseExperiment(json: string): ExperimentConfig {
  return parseJsonConfig("EXPERIMENTS", json, ExperimentConfig);
}

/** The variant for this user: a point in [0, 1) from hash(salt, userId), placed on the cumulative weights. */
export function assignVariant(experiment: ExperimentConfig, userId: string): VariantConfig {
  const total = experiment.variants.reduce((sum, v) => sum + v.weight, 0);
  const point = (stableHash32(`${experiment.salt}\u0000${userId}`) / 2 ** 32) * total;
  let cumulative = 0;
  for (const variant of experiment.variants) {
    cumulative += variant.weight;
    if (point < cumulative) return variant;
  }
  return experiment.variants[experiment.variants.length - 1]!;
}

export interface ResolvedExperiment {
  config: ExperimentConfig;
  policies: Map<string, SlatePolicy>;
}

/** Parses EXPERIMENTS and builds every variant's policy, so a bad parameter fails at start-up, not on a request. */
export function resolveExperiment(json: string): ResolvedExperiment {
  const config = parseExperiment(json);
  const policies = new Map<string, SlatePolicy>();
  config.variants.forEach((variant, index) => {
    try {
      policies.set(variant.name, createVariantPolicy(variant));
    } catch (error) {
      throw new Error(`EXPERIMENTS.variants[${index}].${(error as Error).message}`);
    }
  });
  return { config, policies };
}
