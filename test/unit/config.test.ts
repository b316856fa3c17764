// The edge configuration is validated at start-up with errors that say what is wrong.
import { describe, expect, it } from "vitest";
import { assignVariant, parseExperiment, resolveExperiment } from "../../src/ranking/experiments.js";
import { DEFAULT_LEARNING_CONFIG, parseLearningConfig } from "../../src/ranking/learning-config.js";

const experiment = (variants: unknown[]) => JSON.stringify({ name: "e", salt: "s", variants });

describe("EXPERIMENTS", () => {
  it.each([
    ["{", "EXPERIMENTS is not valid JSON"],
    [experiment([]), "EXPERIMENTS.variants"],
    [experiment([{ name: "a", weight: 0, policy: "greedy" }]), "EXPERIMENTS.variants.0.weight"],
    [experiment([{ name: "a", weight: 1, policy: "greedy" }, { name: "a", weight: 1, policy: "greedy" }]), "variant names must be unique"],
  ])("refuses %s", (json, message) => {
    expect(() => parseExperiment(json)).toThrow(message);
  });

  it.each([
    [{ name: "a", weight: 1, policy: "nope" }, 'EXPERIMENTS.variants[0].policy: unknown policy "nope"'],
    [{ name: "a", weight: 1, policy: "epsilon-greedy", params: { epsilon: 2 } }, /^EXPERIMENTS\.variants\[0\]\.params.*epsilon/],
    [{ name: "a", weight: 1, policy: "lin-ts", params: { alpha: 1 } }, /^EXPERIMENTS\.variants\[0\]\.params.*alpha.*not a parameter of lin-ts/],
    [{ name: "a", weight: 1, policy: "greedy", params: { slate: { explorationBudget: 3 } } }, /^EXPERIMENTS\.variants\[0\]\.params.*explorationBudget/],
  ])("builds every policy at start-up, so a bad parameter names itself: %j", (variant, message) => {
    expect(() => resolveExperiment(experiment([variant]))).toThrow(message);
  });

  it("assigns users stably and by weight (1:3 split within 2 percentage points over 20,000 ids)", () => {
    const config = parseExperiment(experiment([{ name: "a", weight: 1, policy: "greedy" }, { name: "b", weight: 3, policy: "greedy" }]));
    const ids = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);
    const share = ids.filter((id) => assignVariant(config, id).name === "a").length / ids.length;
    expect(Math.abs(share - 0.25)).toBeLessThan(0.02);
    expect(ids.slice(0, 100).map((id) => assignVariant(config, id).name)).toEqual(ids.slice(0, 100).map((id) => assignVariant(config, id).name));
  });

  it("accepts the experiment wrangler.toml deploys", async () => {
    const { readFileSync } = await import("node:fs");
    const toml = readFileSync("wrangler.toml", "utf8");
    const json = /EXPERIMENTS = """([\s\S]*?)"""/.exec(toml)![1]!;
    expect(resolveExperiment(json).policies.size).toBe(parseExperiment(json).variants.length);
  });
});

describe("LEARNING", () => {
  it("defaults when empty and refuses bad fields by name", () => {
    expect(parseLearningConfig("")).toEqual(DEFAULT_LEARNING_CONFIG);
    expect(parseLearningConfig("{}")).toEqual(DEFAULT_LEARNING_CONFIG);
    expect(() => parseLearningConfig('{"rewardWindowMs": -1}')).toThrow("LEARNING.rewardWindowMs");
    expect(() => parseLearningConfig('{"consumedOn": ["nap"]}')).toThrow("LEARNING.consumedOn.0");
    expect(parseLearningConfig('{"rewards": {"click": 2, "purchase": 5, "dismiss": -1, "impression": 0, "dwellSecondsPerClick": 10}}').rewards.purchase).toBe(5);
  });
});
