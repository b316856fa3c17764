import { describe, expect, it } from "vitest";
import { EpsilonGreedyPolicy } from "../../src/ranking/policies/epsilon-greedy.js";
import { createVariantPolicy, POLICY_NAMES } from "../../src/ranking/policies/registry.js";
import { DEFAULT_SLATE_CONFIG } from "../../src/ranking/slate.js";

describe("createVariantPolicy", () => {
  it.each(POLICY_NAMES)("builds %s in the default slate when no parameter is given", (name) => {
    const variant = createVariantPolicy({ policy: name });
    expect(variant.name).toBe(name);
    expect(variant.policy.name).toBe(name);
    expect(variant.config).toEqual(DEFAULT_SLATE_CONFIG);
  });

  it("splits one flat params object into the policy's parameters and the slate's", () => {
    const variant = createVariantPolicy({ policy: "epsilon-greedy", params: { epsilon: 0.25, explorationBudget: 0.5, diversityLambda: 1 } });
    expect(variant.policy).toBeInstanceOf(EpsilonGreedyPolicy);
    expect((variant.policy as EpsilonGreedyPolicy).epsilon).toBe(0.25);
    expect(variant.config).toEqual({ ...DEFAULT_SLATE_CONFIG, explorationBudget: 0.5, diversityLambda: 1 });
  });

  it.each([
    [{ policy: "ucb2" }, /^policy: unknown policy "ucb2" \(known: greedy, epsilon-greedy, softmax, thompson, lin-ucb, lin-ts, random, popularity\)$/],
    [{ policy: "softmax", params: { epsilon: 0.1 } }, /^params\.epsilon: not a parameter of softmax or of the slate \(known: temperature, explorationBudget/],
    [{ policy: "softmax", params: { temperature: "hot" } }, /^params\.temperature: must be a number$/],
    [{ policy: "softmax", params: { temperature: 0 } }, /^params: softmax: temperature must be a number in \[0.0001, 10000\], got 0$/],
    [{ policy: "lin-ts", params: { explorationBudget: 2 } }, /^params: slate config: explorationBudget: must be in \[0, 1\], got 2$/],
    [{ policy: "toString" }, /^policy: unknown policy "toString"/],
  ])("rejects %j, naming the field", (spec, message) => {
    expect(() => createVariantPolicy(spec)).toThrow(message);
  });
});
