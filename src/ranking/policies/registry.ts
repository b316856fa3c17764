// The policies a variant can name (EXPERIMENTS: { policy, params }), each built with its own parameters and the
// variant's slate rules from one flat `params` object.
import { DEFAULT_SLATE_CONFIG, parseSlateConfig, SlatePolicy } from "../slate.js";
import { EpsilonGreedyPolicy } from "./epsilon-greedy.js";
import { GreedyPolicy } from "./greedy.js";
import { LinTsPolicy } from "./lin-ts.js";
import { LinUcbPolicy } from "./lin-ucb.js";
import type { Policy } from "./policy.js";
import { PopularityPolicy } from "./popularity.js";
import { RandomPolicy } from "./random.js";
import { SoftmaxPolicy } from "./softmax.js";
import { ThompsonPolicy } from "./thompson.js";

type Options = Record<string, number>;
interface PolicyFactory {
  /** The policy's own parameters; every one is optional and has a documented default in its constructor. */
  parameters: readonly string[];
  create(options: Options): Policy;
}

const FACTORIES: Readonly<Record<string, PolicyFactory>> = {
  greedy: { parameters: [], create: () => new GreedyPolicy() },
  "epsilon-greedy": { parameters: ["epsilon"], create: (o) => new EpsilonGreedyPolicy(o) },
  softmax: { parameters: ["temperature"], create: (o) => new SoftmaxPolicy(o) },
  thompson: { parameters: ["scoreWeight"], create: (o) => new ThompsonPolicy(o) },
  "lin-ucb": { parameters: ["alpha"], create: (o) => new LinUcbPolicy(o) },
  "lin-ts": { parameters: ["scale"], create: (o) => new LinTsPolicy(o) },
  random: { parameters: [], create: () => new RandomPolicy() },
  popularity: { parameters: [], create: () => new PopularityPolicy() },
};

export const POLICY_NAMES: readonly string[] = Object.keys(FACTORIES);

/** What a variant says about its policy (the EXPERIMENTS variant object has these fields among others). */
export interface PolicySpec {
  policy: string;
  /** The policy's own parameters (e.g. epsilon) and SlateConfig fields (e.g. explorationBudget), flat; missing ones
   * take their defaults. */
  params?: Readonly<Record<string, unknown>>;
}

/** The named policy with its parameters, inside the slate rules. Throws an Error whose message starts with the
 * field at fault ("policy", "params" or "params.<name>") and says why. */
export function createVariantPolicy({ policy: name, params = {} }: PolicySpec): SlatePolicy {
  const factory = Object.hasOwn(FACTORIES, name) ? FACTORIES[name]! : undefined;
  if (factory === undefined) throw new Error(`policy: unknown policy "${name}" (known: ${POLICY_NAMES.join(", ")})`);
  const options: Options = {};
  const slate: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (factory.parameters.includes(key)) {
      if (typeof value !== "number") throw new Error(`params.${key}: must be a number`);
      options[key] = value;
    } else if (Object.hasOwn(DEFAULT_SLATE_CONFIG, key)) {
      slate[key] = value;
    } else {
      const known = [...factory.parameters, ...Object.keys(DEFAULT_SLATE_CONFIG)].join(", ");
      throw new Error(`params.${key}: not a parameter of ${name} or of the slate (known: ${known})`);
    }
  }
  try {
    return new SlatePolicy(factory.create(options), parseSlateConfig(slate));
  } catch (error) {
    throw new Error(`params: ${(error as Error).message}`);
  }
}
