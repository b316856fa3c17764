import { DEFAULT_BANDIT_PRIOR } from "../bandit-state.js";
import { gaussian } from "../random.js";
import { buildSlate, POLICY_ONLY_SLATE_CONFIG } from "../slate.js";
import { checkParameter, type Policy, type PolicyInput, type Random, type SelectionPlan, type SlateEntry } from "./policy.js";

export interface ThompsonOptions {
  /** w: weight of the model score next to the cluster's reward rate. */
  scoreWeight: number;
}

/** Beta-Bernoulli Thompson sampling over interest clusters. Each cluster c has a posterior Beta(alpha_c, beta_c) of
 * the user's reward rate for it (bandit-state.ts); once per request one rate is drawn per cluster, and
 *   u_i = w * score_i + theta_c(i),   theta_c ~ Beta(alpha_c, beta_c),
 * so the model orders items within a cluster and the draw decides how far each cluster is tried. The exploit
 * choice uses the posterior mean alpha_c / (alpha_c + beta_c) in place of the draw. A cluster id the state does not
 * hold (or no state) gets the prior. Without cluster ids it ranks by score alone ("exploit:no-clusters"). */
export class ThompsonPolicy implements Policy {
  readonly name = "thompson";
  readonly scoreWeight: number;

  constructor({ scoreWeight = 1 }: Partial<ThompsonOptions> = {}) {
    this.scoreWeight = checkParameter(this.name, "scoreWeight", scoreWeight, 0, 1e4);
  }

  plan({ scores, clusters, bandit }: PolicyInput): SelectionPlan {
    const w = this.scoreWeight;
    if (clusters === undefined) {
      const exploit = Float64Array.from(scores);
      return { exploit, utilities: exploit, rule: { kind: "argmax" }, exploitReason: "exploit:no-clusters", exploreReason: "explore:thompson" };
    }
    const prior = bandit?.prior ?? DEFAULT_BANDIT_PRIOR;
    const alphaOf = (c: number) => bandit?.clusterAlpha[c] ?? prior.alpha;
    const betaOf = (c: number) => bandit?.clusterBeta[c] ?? prior.beta;
    // Only the clusters among the candidates are drawn: usually far fewer than the state holds.
    const present = [...new Set(Array.from(clusters))];
    const slot = new Map(present.map((c, s) => [c, s]));
    const candidateSlot = Int32Array.from(clusters, (c) => slot.get(c)!);
    const alphas = present.map(alphaOf);
    const betas = present.map(betaOf);

    const exploit = Float64Array.from(scores, (s, i) => {
      const c = candidateSlot[i]!;
      return w * s + alphas[c]! / (alphas[c]! + betas[c]!);
    });
    const utilities = (random: Random) => {
      const rates = alphas.map((a, c) => sampleBeta(random, a, betas[c]!));
      const drawn = new Float64Array(scores.length);
      for (let i = 0; i < drawn.length; i++) drawn[i] = w * scores[i]! + rates[candidateSlot[i]!]!;
      return drawn;
    };
    return { exploit, utilities, rule: { kind: "argmax" }, exploitReason: "exploit", exploreReason: "explore:thompson" };
  }

  select(input: PolicyInput): SlateEntry[] {
    return buildSlate(this, input, POLICY_ONLY_SLATE_CONFIG);
  }
}

/** X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta) is Beta(alpha, beta). */
export function sampleBeta(random: Random, alpha: number, beta: number): number {
  const x = sampleGamma(random, alpha);
  const total = x + sampleGamma(random, beta);
  // Shapes far below 1 can underflow both draws to 0; the mean is the only sensible answer then.
  return total > 0 ? x / total : alpha / (alpha + beta);
}

/** Gamma(shape, 1) by Marsaglia and Tsang (2000): a squeeze-accepted transform of a normal draw; shapes below 1
 * use Gamma(shape + 1) * U^(1 / shape). */
function sampleGamma(random: Random, shape: number): number {
  if (shape < 1) return sampleGamma(random, shape + 1) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = gaussian(random);
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = 1 - random();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
