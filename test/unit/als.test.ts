import { describe, expect, it } from "vitest";
import { alsRecall, alsScore, fitAls, type Interaction } from "../../offline/als.js";
import { seededRandom } from "../../src/ranking/random.js";

const GROUPS = 3;
const USERS_PER_GROUP = 20;
const ITEMS_PER_GROUP = 15;

/**
 * Three taste groups: each user interacts only with items of their own group, a seeded 60% of them (the rest held
 * out). Implicit ALS must score a user's unseen in-group items above every other group's items.
 */
function groupedInteractions(seed: number): { observed: Interaction[]; heldOut: Interaction[] } {
  const random = seededRandom(seed);
  const observed: Interaction[] = [];
  const heldOut: Interaction[] = [];
  for (let g = 0; g < GROUPS; g++) {
    for (let u = 0; u < USERS_PER_GROUP; u++) {
      for (let i = 0; i < ITEMS_PER_GROUP; i++) {
        (random() < 0.6 ? observed : heldOut).push({ userId: `u${g}-${u}`, itemId: `i${g}-${i}` });
      }
    }
  }
  return { observed, heldOut };
}

const byUser = (interactions: readonly Interaction[]): Map<string, Interaction[]> => {
  const out = new Map<string, Interaction[]>();
  for (const interaction of interactions) out.set(interaction.userId, [...(out.get(interaction.userId) ?? []), interaction]);
  return out;
};

describe("fitAls (implicit feedback)", () => {
  const { observed, heldOut } = groupedInteractions(5);
  const options = { dimension: 3, lambda: 0.1, alpha: 10, iterations: 15 };

  it("scores a user's unseen in-group items above every out-of-group item", () => {
    const model = fitAls(observed, { ...options, random: seededRandom(1) });
    expect(model.users.size).toBe(GROUPS * USERS_PER_GROUP);
    expect(model.items.size).toBe(GROUPS * ITEMS_PER_GROUP);
    expect(model.users.get("u0-0")).toHaveLength(3);
    for (const { userId, itemId } of heldOut) {
      const own = alsScore(model, userId, itemId);
      const group = userId.slice(1, 2);
      for (let g = 0; g < GROUPS; g++) {
        if (String(g) === group) continue;
        for (let i = 0; i < ITEMS_PER_GROUP; i++) expect(own).toBeGreaterThan(alsScore(model, userId, `i${g}-${i}`));
      }
    }
    // Observed pairs are fitted towards preference 1, never-seen out-of-group pairs towards 0.
    expect(alsScore(model, "u1-3", observed.find((x) => x.userId === "u1-3")!.itemId)).toBeGreaterThan(0.5);
    expect(Math.abs(alsScore(model, "u1-3", "i0-0"))).toBeLessThan(0.1);
  });

  it("retrieves held-out items: recall@5 far above chance", () => {
    const model = fitAls(observed, { ...options, random: seededRandom(1) });
    // Each user has ~9 unseen in-group items among ~36 unseen items: chance recall@5 is ~0.25.
    expect(alsRecall(model, byUser(observed), byUser(heldOut), 5)).toBe(1);
  });

  it("gives more confidence to repeated interactions", () => {
    const twice = [...observed, { userId: "u0-0", itemId: "i1-0" }, { userId: "u0-0", itemId: "i1-0" }];
    const once = [...observed, { userId: "u0-0", itemId: "i1-0" }];
    const a = fitAls(twice, { ...options, random: seededRandom(1) });
    const b = fitAls(once, { ...options, random: seededRandom(1) });
    expect(alsScore(a, "u0-0", "i1-0")).toBeGreaterThan(alsScore(b, "u0-0", "i1-0"));
  });

  it("is deterministic for a seed and depends on it", () => {
    const a = fitAls(observed, { ...options, iterations: 3, random: seededRandom(7) });
    const b = fitAls(observed, { ...options, iterations: 3, random: seededRandom(7) });
    const c = fitAls(observed, { ...options, iterations: 3, random: seededRandom(8) });
    expect(a.users.get("u0-3")).toEqual(b.users.get("u0-3"));
    expect(a.items.get("i2-9")).toEqual(b.items.get("i2-9"));
    expect(a.items.get("i2-9")).not.toEqual(c.items.get("i2-9"));
  });

  it("scores 0 for unknown users and items, and rejects a non-positive lambda", () => {
    const model = fitAls(observed, { ...options, iterations: 2, random: seededRandom(1) });
    expect(alsScore(model, "nobody", "i0-1")).toBe(0);
    expect(alsScore(model, "u0-1", "nothing")).toBe(0);
    expect(() => fitAls(observed, { ...options, lambda: 0, random: seededRandom(1) })).toThrow(RangeError);
  });
});
