import { describe, expect, it } from "vitest";
import { assignClusters, clusterFromTags, kMeansCentroids, nearestCentroid } from "../../src/ranking/clusters.js";
import { gaussian, seededRandom } from "../../src/ranking/random.js";

describe("clusterFromTags", () => {
  it("uses the first tag's place in the vocabulary, a stable hash otherwise, and 0 for no tag", () => {
    const vocabulary = ["Action", "Comedy", "Drama"];
    expect(clusterFromTags(["Comedy", "Drama"], 8, vocabulary)).toBe(1);
    expect(clusterFromTags(["Drama"], 2, vocabulary)).toBe(0); // position 2 mod 2
    const hashed = clusterFromTags(["Western"], 8, vocabulary);
    expect(hashed).toBe(clusterFromTags(["Western", "Action"], 8));
    expect(Number.isInteger(hashed) && hashed >= 0 && hashed < 8).toBe(true);
    expect(clusterFromTags([], 8, vocabulary)).toBe(0);
  });
});

describe("nearestCentroid", () => {
  it("picks the centroid with the largest cosine, whatever the lengths", () => {
    const centroids = [[1, 0], [0, 10], [-1, -1]];
    expect(nearestCentroid([5, 1], centroids)).toBe(0);
    expect(nearestCentroid([0.1, 1], centroids)).toBe(1);
    expect(nearestCentroid([-3, -2], centroids)).toBe(2);
  });
});

describe("kMeansCentroids", () => {
  const random = seededRandom(3);
  const directions = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const vectors = Array.from({ length: 300 }, (_, i) => Float32Array.from(directions[i % 3]!, (v) => v + 0.1 * gaussian(random)));

  it("finds well-separated groups, deterministically for a seed", () => {
    const centroids = kMeansCentroids(vectors, 3, seededRandom(9));
    expect(kMeansCentroids(vectors, 3, seededRandom(9))).toEqual(centroids);
    for (const c of centroids) expect(Math.hypot(...c)).toBeCloseTo(1, 5);
    const assigned = assignClusters(vectors.map((contentVector) => ({ tags: [], contentVector })), { clusterCount: 3, centroids });
    // Each true group lands in exactly one cluster, and the three clusters differ.
    const groupCluster = [0, 1, 2].map((g) => new Set(Array.from(assigned).filter((_, i) => i % 3 === g)));
    for (const set of groupCluster) expect(set.size).toBe(1);
    expect(new Set(groupCluster.map((s) => [...s][0])).size).toBe(3);
  });

  it("rejects input with nothing to cluster", () => {
    expect(() => kMeansCentroids([new Float32Array(3)], 2, seededRandom(1))).toThrow(/no non-zero vector/);
  });
});

describe("assignClusters", () => {
  it("uses the content vector when centroids are given, the tags otherwise", () => {
    const items = [
      { tags: ["Drama"], contentVector: Float32Array.from([0, 1]) },
      { tags: ["Drama"], contentVector: null },
    ];
    const centroids = [Float32Array.from([1, 0]), Float32Array.from([0, 1])];
    expect(Array.from(assignClusters(items, { clusterCount: 2, centroids, vocabulary: ["Drama"] }))).toEqual([1, 0]);
    expect(Array.from(assignClusters(items, { clusterCount: 2, vocabulary: ["Action", "Drama"] }))).toEqual([1, 1]);
    expect(() => assignClusters(items, { clusterCount: 3, centroids })).toThrow(/2 centroids for clusterCount 3/);
  });
});
