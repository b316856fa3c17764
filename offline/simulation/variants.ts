// The simulation's A/B configuration: six variants side by side, given to the Worker as its EXPERIMENTS var
// (wrangler dev --var EXPERIMENTS:<json>). Users are assigned by the service by a stable hash of (salt, userId).
import { assignVariant, parseExperiment, resolveExperiment, type ExperimentConfig } from "../../src/ranking/experiments.js";

export interface SimulationVariant {
  name: string;
  policy: string;
  params: Record<string, number>;
  weight?: number;
}

/** Salt of the simulation's experiment: its own, so the split does not follow the deployed one. */
export const SIMULATION_SALT = "simulate-movielens-2026";

/** Catalogue-wide pool (the slate builder caps it at the eligible candidates): random and popularity then see the
 * whole catalogue rather than the 100 best-scored items. */
const WHOLE_CATALOGUE = 10_000;

export const SIMULATION_VARIANTS: readonly SimulationVariant[] = Object.freeze<SimulationVariant[]>([
  // Uniform over the catalogue: every slot may explore, no diversity or cold boost (exact propensities 1 / m).
  { name: "random", policy: "random", params: { explorationBudget: 1, candidatePool: WHOLE_CATALOGUE, diversityLambda: 1, coldBoost: 0 } },
  // Most rated first, whatever the model says.
  { name: "popularity", policy: "popularity", params: { candidatePool: WHOLE_CATALOGUE, diversityLambda: 1, coldBoost: 0 } },
  // The learning policies in the default slate rules, with the parameters wrangler.toml deploys.
  { name: "greedy", policy: "greedy", params: {} },
  { name: "epsilon-greedy", policy: "epsilon-greedy", params: { epsilon: 0.1 } },
  { name: "thompson", policy: "thompson", params: { scoreWeight: 1 } },
  { name: "lin-ts", policy: "lin-ts", params: { scale: 0.3 } },
]);

/** The EXPERIMENTS value for these variants (equal weights unless given), checked the way the Worker checks it at
 * start-up (every policy and parameter built), so a bad variant fails here rather than in wrangler's log. */
export function buildExperimentsJson(variants: readonly SimulationVariant[] = SIMULATION_VARIANTS, salt = SIMULATION_SALT, name = "simulation-movielens"): string {
  const config = {
    name, salt,
    variants: variants.map((v) => ({ name: v.name, weight: v.weight ?? 1, policy: v.policy, params: v.params, modelVersion: null })),
  };
  const json = JSON.stringify(config);
  resolveExperiment(json);
  return json;
}

/** How many of `userIds` the service will assign to each variant (in the variants' order). */
export function assignmentCounts(experimentsJson: string, userIds: readonly string[]): Map<string, number> {
  const experiment: ExperimentConfig = parseExperiment(experimentsJson);
  const counts = new Map(experiment.variants.map((v) => [v.name, 0]));
  for (const userId of userIds) {
    const variant = assignVariant(experiment, userId).name;
    counts.set(variant, counts.get(variant)! + 1);
  }
  return counts;
}
