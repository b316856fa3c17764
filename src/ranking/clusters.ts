// Interest clusters: a small fixed set of item groups (a genre, a topic) that cluster Thompson sampling learns a
// reward rate for per user. An item's cluster comes from its content vector when centroids are known (nearest by
// cosine), otherwise from its first tag. Pure and deterministic: the same catalogue and seed give the same clusters.
import { fnv1a32 } from "./hash.js";
import type { Random } from "./random.js";
import type { CatalogueItem } from "./types.js";
import { dot, norm } from "./vectors.js";

export interface ClusterOptions {
  clusterCount: number;
  /** Fixed centroids (e.g. from kMeansCentroids, computed offline); their number must equal clusterCount. */
  centroids?: readonly Float32Array[];
  /** Tags with a cluster of their own: tag j of this list is cluster j mod clusterCount. */
  vocabulary?: readonly string[];
}

/** Cluster from an item's first tag: its position in `vocabulary` when listed (mod clusterCount), otherwise a stable
 * hash of the tag mod clusterCount (two tags may then share a cluster); an untagged item is cluster 0. */
export function clusterFromTags(tags: readonly string[], clusterCount: number, vocabulary: readonly string[] = []): number {
  const first = tags[0];
  if (first === undefined) return 0;
  const listed = vocabulary.indexOf(first);
  return (listed >= 0 ? listed : fnv1a32(first)) % clusterCount;
}

/** Index of the centroid with the largest cosine similarity to `vector`; ties go to the lower index. */
export function nearestCentroid(vector: ArrayLike<number>, centroids: readonly ArrayLike<number>[]): number {
  let best = 0;
  let bestSimilarity = -Infinity;
  centroids.forEach((centroid, c) => {
    // cos = v.c / (|v| |c|); |v| is the same for every centroid, so v.c / |c| orders them alike.
    const length = norm(centroid);
    const similarity = length === 0 ? -Infinity : dot(vector, centroid) / length;
    if (similarity > bestSimilarity) {
      best = c;
      bestSimilarity = similarity;
    }
  });
  return best;
}

/** One cluster per item: the nearest centroid for an item with a content vector when centroids are given,
 * otherwise clusterFromTags. */
export function assignClusters(items: readonly Pick<CatalogueItem, "tags" | "contentVector">[], options: ClusterOptions): Int32Array {
  const { clusterCount, centroids, vocabulary = [] } = options;
  if (!Number.isInteger(clusterCount) || clusterCount < 1) throw new RangeError(`clusters: clusterCount must be a positive integer, got ${clusterCount}`);
  if (centroids !== undefined && centroids.length !== clusterCount) {
    throw new RangeError(`clusters: ${centroids.length} centroids for clusterCount ${clusterCount}`);
  }
  return Int32Array.from(items, (item) => (centroids !== undefined && item.contentVector !== null
    ? nearestCentroid(item.contentVector, centroids)
    : clusterFromTags(item.tags, clusterCount, vocabulary)));
}

/** Spherical k-means (cosine similarity, unit-length centroids): k-means++ seeding from `random` (each next seed
 * drawn with probability proportional to its squared distance 1 - cos to the nearest seed so far), then
 * `iterations` rounds of assign-to-nearest and re-centre. A cluster left empty keeps its centroid. Zero vectors
 * are ignored. Fewer distinct vectors than clusterCount leave the extra centroids as copies. */
export function kMeansCentroids(vectors: readonly Float32Array[], clusterCount: number, random: Random, iterations = 20): Float32Array[] {
  const points = vectors.filter((v) => norm(v) > 0).map(unit);
  const first = points[0];
  if (first === undefined) throw new RangeError("kMeansCentroids: no non-zero vector to cluster");
  const centroids = [points[Math.floor(random() * points.length)]!];
  const distance = points.map((p) => squaredCosineDistance(p, centroids[0]!));
  while (centroids.length < clusterCount) {
    const total = distance.reduce((sum, d) => sum + d, 0);
    let target = random() * total;
    let next = distance.findIndex((d) => (target -= d) < 0);
    if (next === -1) next = Math.floor(random() * points.length); // every point already is a centroid
    centroids.push(points[next]!);
    points.forEach((p, i) => (distance[i] = Math.min(distance[i]!, squaredCosineDistance(p, centroids.at(-1)!))));
  }

  const dimension = first.length;
  for (let round = 0; round < iterations; round++) {
    const sums = centroids.map(() => new Float64Array(dimension));
    const counts = new Array<number>(clusterCount).fill(0);
    for (const p of points) {
      const c = nearestCentroid(p, centroids);
      counts[c]!++;
      for (let j = 0; j < dimension; j++) sums[c]![j]! += p[j]!;
    }
    let moved = false;
    sums.forEach((sum, c) => {
      if (counts[c] === 0 || norm(sum) === 0) return;
      const centroid = unit(Float32Array.from(sum));
      moved ||= centroid.some((v, j) => v !== centroids[c]![j]);
      centroids[c] = centroid;
    });
    if (!moved) break;
  }
  return centroids;
}

function unit(v: Float32Array): Float32Array {
  const length = norm(v);
  return v.map((x) => x / length);
}

function squaredCosineDistance(a: Float32Array, b: Float32Array): number {
  const d = 1 - dot(a, b);
  return d * d;
}
