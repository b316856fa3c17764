// Fuzzing the request schemas: whatever JSON arrives, validation answers (never throws), and whatever it accepts
// satisfies the contract's bounds; well-formed requests are always accepted.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventsRequest, ItemsRequest, RankRequest } from "../../src/http/schemas.js";

const id = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/\p{Cc}/u.test(s));
const RUNS = 500;

describe("request schemas under fuzzing", () => {
  it.each([["RankRequest", RankRequest], ["EventsRequest", EventsRequest], ["ItemsRequest", ItemsRequest]] as const)(
    "%s never throws on arbitrary JSON", (_, schema) => {
      fc.assert(fc.property(fc.jsonValue(), (value) => {
        expect(() => schema.safeParse(value)).not.toThrow();
      }), { numRuns: RUNS, seed: 7 });
    });

  it("accepts only rank requests within the contract's bounds", () => {
    const loose = fc.record({
      userId: fc.oneof(id, fc.string(), fc.integer()),
      k: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double(), fc.string()),
      candidates: fc.option(fc.array(id, { maxLength: 30 }), { nil: undefined }),
    }, { requiredKeys: ["userId"] });
    fc.assert(fc.property(loose, (value) => {
      const parsed = RankRequest.safeParse(value);
      if (!parsed.success) return;
      const request = parsed.data;
      expect(Number.isInteger(request.k) && request.k >= 1 && request.k <= 100).toBe(true);
      expect(typeof request.userId === "string" && request.userId.length >= 1 && !/\p{Cc}/u.test(request.userId)).toBe(true);
      if (request.candidates) expect(new Set(request.candidates).size).toBe(request.candidates.length);
    }), { numRuns: RUNS, seed: 11 });
  });

  it("accepts every well-formed rank and events request", () => {
    const rank = fc.record({ userId: id, k: fc.integer({ min: 1, max: 100 }), candidates: fc.uniqueArray(id, { minLength: 100, maxLength: 120 }) });
    fc.assert(fc.property(rank, (value) => { expect(RankRequest.safeParse(value).success).toBe(true); }), { numRuns: 100, seed: 3 });
    const event = fc.record({
      eventId: id, userId: id, itemId: id, type: fc.constantFrom("impression", "click", "purchase", "dismiss"),
      timestamp: fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2026, 0, 1) }),
    });
    fc.assert(fc.property(fc.array(event, { minLength: 1, maxLength: 20 }), (events) => { expect(EventsRequest.safeParse({ events }).success).toBe(true); }), { numRuns: 100, seed: 5 });
  });
});
