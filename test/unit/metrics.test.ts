import { describe, expect, it } from "vitest";
import { auc, averageRanks, hitAndNdcg, logLoss, pairedDifference, spearman, targetRank, topKOverlap } from "../../offline/metrics.js";

describe("offline metrics", () => {
  it("auc: 1 for a perfect order, 0.5 for all ties, and counts ties as half", () => {
    expect(auc([0.9, 0.8, 0.1, 0.2], [1, 1, 0, 0])).toBe(1);
    expect(auc([0.1, 0.2, 0.9, 0.8], [1, 1, 0, 0])).toBe(0);
    expect(auc([0.5, 0.5, 0.5], [1, 0, 0])).toBe(0.5);
    expect(auc([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0])).toBe(0.875); // 3 wins + one tie out of 4 pairs
  });

  it("logLoss is the mean cross-entropy and stays finite at 0 and 1", () => {
    expect(logLoss([0.5, 0.5], [1, 0])).toBeCloseTo(Math.LN2, 12);
    expect(Number.isFinite(logLoss([0, 1], [1, 0]))).toBe(true);
  });

  it("averageRanks shares ranks between ties", () => {
    expect([...averageRanks([10, 20, 20, 5])]).toEqual([2, 3.5, 3.5, 1]);
  });

  it("targetRank counts higher scores and half the ties, within its group only", () => {
    const scores = [9, 0.4, 0.9, 0.4, 0.1, 0.4, 9];
    expect(targetRank(scores, 1, 5)).toBe(1 + 2 / 2); // 0.9 is higher; two other 0.4s tie
    expect(targetRank([1, 0, 0], 0, 3)).toBe(0);
  });

  it("hitAndNdcg: gain 1 at the top, 1/log2(rank + 2) below it, nothing from rank k on", () => {
    expect(hitAndNdcg(0, 10)).toEqual({ hit: 1, ndcg: 1 });
    expect(hitAndNdcg(2, 10).ndcg).toBeCloseTo(0.5, 12);
    expect(hitAndNdcg(10, 10)).toEqual({ hit: 0, ndcg: 0 });
  });

  it("spearman: 1 for any increasing map, -1 reversed", () => {
    expect(spearman([1, 2, 3, 4], [10, 100, 1000, 10000])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it("topKOverlap compares the k best indices", () => {
    expect(topKOverlap([5, 4, 3, 2, 1], [1, 2, 3, 4, 5], 2)).toBe(0);
    expect(topKOverlap([5, 4, 3, 2, 1], [4, 5, 0, 0, 0], 2)).toBe(1);
    expect(topKOverlap([5, 4, 3], [5, 0, 4], 2)).toBe(0.5);
  });

  it("pairedDifference: mean difference and its standard error", () => {
    const { mean, standardError } = pairedDifference([1, 2, 3, 4], [0, 2, 2, 2]);
    expect(mean).toBe(1); // differences 1, 0, 1, 2
    expect(standardError).toBeCloseTo(Math.sqrt(2 / 3 / 4), 12);
  });
});
