// The trainer's stages as reusable functions, shared by `npm run train` (offline/train.ts: MovieLens only, full
// evaluation, writes models/) and `npm run retrain` (offline/retrain.ts: MovieLens plus the service's own logged
// impressions, a cheaper evaluation, uploads and promotes through the admin API).
//
// MovieLens rows: each user's ratings, oldest first: 70% history (profiles, collaborative factors, item statistics),
// 20% training labels, 10% test. Training rows see only history; test rows see history + training labels. The
// short-term interest (live state) of every row is replayed from the user's ratings strictly before the row's label
// time, as the user's Durable Object would hold it. Every random draw comes from a named stream derived from the
// seed, so the same seed gives the same ONNX bytes, and adding a draw in one stage does not shift the others.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Presets, SingleBar } from "cli-progress";
import { FEATURE_COUNT, FEATURE_LAYOUT } from "../src/ranking/features.js";
import { fnv1a32 } from "../src/ranking/hash.js";
import type { ModelManifest } from "../src/ranking/manifest.js";
import { seededRandom, type Random } from "../src/ranking/random.js";
import type { RunModel } from "../src/ranking/scorer/model-scorer.js";
import { alsRecall, fitAls, type AlsModel } from "./als.js";
import { contentVectors } from "./content-vectors.js";
import {
  buildSnapshot, pointwiseRows, rankingRows, sampleUnseen, temporalSplit, type LabelledRows, type RankingGroups, type UserSplit,
} from "./dataset.js";
import { auc, hitAndNdcg, logLoss, pairedDifference, spearman, targetRank, topKOverlap } from "./metrics.js";
import { readMovieLens, type Movie, type Rating } from "./movielens.js";
import { exportRanker, HIDDEN_OUTPUT, INPUT_NAME, ONNX_OPSET, SCORE_OUTPUT, type Precision } from "./onnx-export.js";
import { onnxRunModel } from "./onnx-session.js";
import { trainRanker, type TrainedRanker } from "./ranker-model.js";
import { cleanItemText } from "./text-encoder.js";
import { ALS_OPTIONS as ALS } from "./train-config.js";

// Measured with implicit-ALS mf_dot and replayed live state (seed 7, full-catalogue NDCG@10; one standard error is
// ~0.007): [32, 16] x 6 epochs x 4 negatives 0.065; 3 epochs 0.062; [64, 16] x 10 epochs 0.062; 16 negatives 0.059
// (and 16 negatives, [64, 16], 10 epochs, batch 1024: 0.062). None better, so the cheapest stays.
export const HIDDEN_UNITS = [32, 16] as const;
// Measured here: 20 epochs instead of 6 raised the test logloss (overfitting) without a better ranking.
export const TRAINING = { batchSize: 512, learningRate: 0.003 };
export const DEFAULT_EPOCHS = 6;
export const NEGATIVES = 4;
export const SAMPLED_CANDIDATES = 100;
export const K = 10;
/** fp32 ONNX must reproduce the trainer's own predictions this closely. */
export const EXPORT_TOLERANCE = 1e-4;
/** The int8 release gate: int8 must rank like fp32 over full-catalogue lists (means over users). */
export const INT8_GATE = { minTop10Overlap: 0.95, minSpearman: 0.99 } as const;
export const GOLDEN_ROWS = 8;
const ORT_CHUNK = 65_536;
const CONTENT_COLUMNS = [FEATURE_LAYOUT.names.indexOf("content_cos_long"), FEATURE_LAYOUT.names.indexOf("content_cos_short")];
export const MF_COLUMN = FEATURE_LAYOUT.names.indexOf("mf_dot");
export const POPULARITY_COLUMN = FEATURE_LAYOUT.names.indexOf("item_log_ratings");

/** Independent seeded streams, so adding a draw in one stage does not shift every other stage's samples. */
export function seededStreams(seed: number): (name: string) => Random {
  return (name) => seededRandom(fnv1a32(`${seed}/${name}`));
}

export type Logger = (message: string) => void;

/** Lines prefixed with the seconds since the logger was made. */
export function elapsedLogger(started = performance.now()): Logger {
  return (message) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);
}

export function withoutContent(features: Float32Array): Float32Array {
  const copy = features.slice();
  for (let row = 0; row < copy.length / FEATURE_COUNT; row++) for (const column of CONTENT_COLUMNS) copy[row * FEATURE_COUNT + column] = 0;
  return copy;
}

export function column(features: Float32Array, rows: number, index: number): Float32Array {
  return Float32Array.from({ length: rows }, (_, row) => features[row * FEATURE_COUNT + index]!);
}

export function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]! - b[i]!));
  return largest;
}

/** ORT in bounded chunks, so a full-catalogue pass does not hold every activation at once. */
export async function runChunked(run: RunModel, features: Float32Array, rows: number): Promise<{ score: Float32Array; hidden: Float32Array }> {
  const score = new Float32Array(rows);
  const hidden = new Float32Array(rows * HIDDEN_UNITS[1]);
  for (let start = 0; start < rows; start += ORT_CHUNK) {
    const size = Math.min(ORT_CHUNK, rows - start);
    const out = await run(features.subarray(start * FEATURE_COUNT, (start + size) * FEATURE_COUNT), size);
    score.set(out.score, start);
    hidden.set(out.hidden, start * HIDDEN_UNITS[1]);
  }
  return { score, hidden };
}

/** Rows one after another: `a` then `b` (same feature count). */
export function concatRows(a: LabelledRows, b: LabelledRows): LabelledRows {
  const features = new Float32Array((a.rows + b.rows) * FEATURE_COUNT);
  features.set(a.features.subarray(0, a.rows * FEATURE_COUNT));
  features.set(b.features.subarray(0, b.rows * FEATURE_COUNT), a.rows * FEATURE_COUNT);
  const labels = new Float32Array(a.rows + b.rows);
  labels.set(a.labels.subarray(0, a.rows));
  labels.set(b.labels.subarray(0, b.rows), a.rows);
  return { features, labels, rows: a.rows + b.rows };
}

// ---- data ----------------------------------------------------------------------------------------------------

export interface MovieLensData {
  movies: Movie[];
  ratings: number;
  itemIds: string[];
  contentByItem: Map<string, Float32Array>;
  splits: UserSplit[];
}

export async function loadMovieLensData(dataDir: string, cacheFile: string, log: Logger): Promise<MovieLensData> {
  const movieLens = readMovieLens(dataDir);
  const texts = movieLens.movies.map((movie) => cleanItemText(movie.title, movie.genres));
  const vectors = await contentVectors(texts, cacheFile);
  const contentByItem = new Map(movieLens.movies.map((movie, i) => [movie.itemId, vectors[i]!]));
  const splits = temporalSplit(movieLens.ratings);
  log(`${movieLens.ratings.length} ratings, ${splits.length} users, ${movieLens.movies.length} items; content vectors ready`);
  return { movies: movieLens.movies, ratings: movieLens.ratings.length, itemIds: movieLens.movies.map((movie) => movie.itemId), contentByItem, splits };
}

export interface MovieLensRows {
  alsRecallTest: number;
  trainRows: LabelledRows;
  testRows: LabelledRows;
  /** Leave-last-out: each user's held-out item against SAMPLED_CANDIDATES sampled unseen items. */
  sampled: RankingGroups;
  /** Leave-last-out against every unseen item, for the users `fullCatalogue` asked for (none: null). */
  full: RankingGroups | null;
}

/** Which users get full-catalogue ranking rows: all of them (train), a seeded sample (retrain), or none. */
export type FullCatalogue = { users: "all" } | { users: number } | { users: 0 };

export function buildMovieLensRows(data: MovieLensData, stream: (name: string) => Random, fullCatalogue: FullCatalogue, log: Logger): MovieLensRows {
  const { splits, itemIds } = data;
  const knownBy = (pick: (split: UserSplit) => readonly Rating[]): Map<string, readonly Rating[]> =>
    new Map(splits.map((split) => [split.userId, pick(split)]));
  const historyKnown = knownBy((split) => split.history);
  const testKnown = knownBy((split) => [...split.history, ...split.trainLabels]);
  const fit = (known: Map<string, readonly Rating[]>, name: string): AlsModel =>
    fitAls([...known.values()].flat(), { ...ALS, random: stream(name) });
  const alsHistory = fit(historyKnown, "als-history");
  const alsTest = fit(testKnown, "als-test");
  const alsRecallTest = alsRecall(alsTest, testKnown, knownBy((split) => split.test), K);
  log(`implicit ALS (d=${ALS.dimension}, lambda=${ALS.lambda}, alpha=${ALS.alpha}, ${ALS.iterations} iterations): test recall@${K} ${alsRecallTest.toFixed(4)}`);

  const trainSnapshot = buildSnapshot(data.movies, data.contentByItem, historyKnown, alsHistory);
  const testSnapshot = buildSnapshot(data.movies, data.contentByItem, testKnown, alsTest);
  const trainRows = pointwiseRows(trainSnapshot, splits, (split) => split.trainLabels, NEGATIVES, stream("train-negatives"));
  const testRows = pointwiseRows(testSnapshot, splits, (split) => split.test, NEGATIVES, stream("test-negatives"));
  const sampledRandom = stream("sampled-candidates");
  const sampled = rankingRows(testSnapshot, splits, (split) => sampleUnseen(itemIds, split.seen, SAMPLED_CANDIDATES, sampledRandom, true));
  log(`rows: ${trainRows.rows} training, ${testRows.rows} test, ${sampled.rows} sampled ranking (${sampled.groups.length} users)`);
  let full: RankingGroups | null = null;
  if (fullCatalogue.users !== 0) {
    let users = splits;
    if (fullCatalogue.users !== "all" && fullCatalogue.users < splits.length) {
      // A seeded sample of users (its own stream, so it shifts no other draw), kept in file order.
      const random = stream("full-catalogue-users");
      const order = splits.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const chosen = new Set(order.slice(0, fullCatalogue.users));
      users = splits.filter((_, i) => chosen.has(i));
    }
    full = rankingRows(testSnapshot, users, (split) => itemIds.filter((itemId) => !split.seen.has(itemId)));
    log(`full-catalogue ranking rows: ${full.rows}${users.length < splits.length ? ` (${users.length} sampled users)` : ""}`);
  }
  return { alsRecallTest, trainRows, testRows, sampled, full };
}

// ---- training ------------------------------------------------------------------------------------------------

/** Trains the ranker with a progress bar (epoch, running loss, time left). */
export async function trainWithProgress(name: string, rows: LabelledRows, epochs: number, random: Random): Promise<TrainedRanker> {
  const stepsPerEpoch = Math.ceil(rows.rows / TRAINING.batchSize);
  const bar = new SingleBar({ format: `training ${name.padEnd(10)} [{bar}] epoch {epoch}/${epochs} loss {loss} {eta_formatted} left`, clearOnComplete: false }, Presets.shades_classic);
  bar.start(stepsPerEpoch * epochs, 0, { epoch: 1, loss: "-" });
  let epochLoss = 0;
  let epochSteps = 0;
  let currentEpoch = 1;
  try {
    return await trainRanker(rows, {
      featureCount: FEATURE_COUNT, hiddenUnits: HIDDEN_UNITS, epochs, ...TRAINING, random,
      onStep: ({ epoch, loss }) => {
        if (epoch !== currentEpoch) [currentEpoch, epochLoss, epochSteps] = [epoch, 0, 0];
        epochLoss += loss;
        epochSteps++;
        bar.increment(1, { epoch, loss: (epochLoss / epochSteps).toFixed(4) });
      },
    });
  } finally {
    bar.stop();
  }
}

// ---- export and verification ---------------------------------------------------------------------------------

export interface ExportedRanker {
  bytes: Record<Precision, Uint8Array>;
  runFp32: RunModel;
  runInt8: RunModel;
  /** Largest |fp32 ONNX - tfjs| over the check rows' score and hidden outputs. */
  fp32MaxDiff: number;
}

/**
 * fp32 and int8 ONNX of the trained model, each loaded in onnxruntime-node. The golden check: the fp32 graph must
 * compute what the trainer computed, on raw (unstandardised) rows, within EXPORT_TOLERANCE; throws otherwise.
 */
export async function exportAndVerify(model: TrainedRanker, checkRows: LabelledRows, description: string): Promise<ExportedRanker> {
  const weights = model.exportWeights();
  const bytes: Record<Precision, Uint8Array> = {
    fp32: exportRanker(weights, { precision: "fp32", description }),
    int8: exportRanker(weights, { precision: "int8", description }),
  };
  const runFp32 = await onnxRunModel(bytes.fp32);
  const runInt8 = await onnxRunModel(bytes.int8);
  const tfjs = model.predict(checkRows.features, checkRows.rows);
  const onnx = await runChunked(runFp32, checkRows.features, checkRows.rows);
  const fp32MaxDiff = Math.max(maxAbsDifference(tfjs.score, onnx.score), maxAbsDifference(tfjs.hidden, onnx.hidden));
  if (!(fp32MaxDiff <= EXPORT_TOLERANCE)) throw new Error(`fp32 ONNX differs from tfjs by ${fp32MaxDiff} (> ${EXPORT_TOLERANCE})`);
  return { bytes, runFp32, runInt8, fp32MaxDiff };
}

export interface Int8Agreement { top10Overlap: number; spearman: number; maxAbsDiff: number; users: number }

/** How much int8 changes what users would see: per-user top-K overlap and rank correlation, means over users. */
export async function int8Agreement(runFp32: RunModel, runInt8: RunModel, full: RankingGroups): Promise<Int8Agreement> {
  const fp32 = (await runChunked(runFp32, full.features, full.rows)).score;
  const int8 = (await runChunked(runInt8, full.features, full.rows)).score;
  let overlap = 0;
  let correlation = 0;
  for (const { start, count } of full.groups) {
    const a = fp32.subarray(start, start + count);
    const b = int8.subarray(start, start + count);
    overlap += topKOverlap(a, b, K);
    correlation += spearman(a, b);
  }
  return { top10Overlap: overlap / full.groups.length, spearman: correlation / full.groups.length, maxAbsDiff: maxAbsDifference(fp32, int8), users: full.groups.length };
}

/** Why the int8 model fails the release gate, or null when it passes. */
export function int8GateFailure(agreement: Int8Agreement): string | null {
  if (!(agreement.top10Overlap >= INT8_GATE.minTop10Overlap)) return `int8 top-${K} overlap ${agreement.top10Overlap.toFixed(4)} < ${INT8_GATE.minTop10Overlap}`;
  if (!(agreement.spearman >= INT8_GATE.minSpearman)) return `int8 Spearman ${agreement.spearman.toFixed(6)} < ${INT8_GATE.minSpearman}`;
  return null;
}

export interface SaturationReport {
  probes: number;
  /** Probes where either model returned NaN, an infinity, or a score outside [0, 1]. */
  invalid: number;
  /** Probes where fp32 is saturated (score <= SATURATED or >= 1 - SATURATED) and int8 is on the other side of 0.5. */
  flipped: number;
  /** The first failing probe, described. */
  example: string | null;
}

/** A score this close to 0 or 1 counts as saturated. */
export const SATURATED = 0.05;
/** How far outside the data the probes go: multiples of each column's largest |value| in the reference rows. */
export const SATURATION_MULTIPLIERS = [10, 100, 1e3, 1e4, 1e6] as const;

/**
 * Inputs far outside the range the model was trained (and quantised) on must saturate, not flip or wrap: the
 * probes push every column alone, and every reference row's whole offset from the column means, to +-m times the
 * largest |value| the column takes in `reference`, for each m in SATURATION_MULTIPLIERS. A ReLU network is linear
 * along such a ray far enough out, so fp32 goes to 0 or 1 (or stays flat); int8 must then go the same way. An
 * int8 that rounded a small slope to the other sign, or an integer path that wrapped around, shows up as a flip.
 * The weight-only int8 graph here keeps activations in float, so wrapping cannot happen by construction; the check
 * holds the exported bytes to that, whatever the exporter becomes.
 */
export async function int8SaturationCheck(runFp32: RunModel, runInt8: RunModel, reference: Float32Array, rows: number, rays = 8): Promise<SaturationReport> {
  const mean = new Float64Array(FEATURE_COUNT);
  const scale = new Float64Array(FEATURE_COUNT);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < FEATURE_COUNT; f++) {
      const value = reference[r * FEATURE_COUNT + f]!;
      mean[f]! += value / rows;
      scale[f] = Math.max(scale[f]!, Math.abs(value));
    }
  }
  for (let f = 0; f < FEATURE_COUNT; f++) if (scale[f] === 0) scale[f] = 1;
  const probes: { label: string; row: Float32Array }[] = [];
  for (const m of SATURATION_MULTIPLIERS) {
    for (const sign of [1, -1]) {
      for (let f = 0; f < FEATURE_COUNT; f++) {
        const row = Float32Array.from(mean);
        row[f] = sign * m * scale[f]!;
        probes.push({ label: `${FEATURE_LAYOUT.names[f]} = ${sign < 0 ? "-" : ""}${m} x max|value|`, row });
      }
      for (let j = 0; j < Math.min(rays, rows); j++) {
        const r = Math.floor((j * rows) / Math.min(rays, rows));
        const row = Float32Array.from({ length: FEATURE_COUNT }, (_, f) => mean[f]! + sign * m * (reference[r * FEATURE_COUNT + f]! - mean[f]!));
        probes.push({ label: `reference row ${r}: mean ${sign < 0 ? "-" : "+"} ${m} x (row - mean)`, row });
      }
      const row = Float32Array.from(scale, (s) => sign * m * s);
      probes.push({ label: `every column = ${sign < 0 ? "-" : ""}${m} x max|value|`, row });
    }
  }
  const features = new Float32Array(probes.length * FEATURE_COUNT);
  probes.forEach(({ row }, i) => features.set(row, i * FEATURE_COUNT));
  const fp32 = (await runFp32(features, probes.length)).score;
  const int8 = (await runInt8(features, probes.length)).score;
  const report: SaturationReport = { probes: probes.length, invalid: 0, flipped: 0, example: null };
  const valid = (s: number): boolean => Number.isFinite(s) && s >= 0 && s <= 1;
  probes.forEach(({ label }, i) => {
    const a = fp32[i]!;
    const b = int8[i]!;
    if (!valid(a) || !valid(b)) {
      report.invalid++;
      report.example ??= `${label}: fp32 ${a}, int8 ${b}`;
    } else if ((a <= SATURATED && b > 0.5) || (a >= 1 - SATURATED && b < 0.5)) {
      report.flipped++;
      report.example ??= `${label}: fp32 ${a.toPrecision(4)}, int8 ${b.toPrecision(4)}`;
    }
  });
  return report;
}

// ---- evaluation ----------------------------------------------------------------------------------------------

/** Per-user hit and NDCG at K, plus their means. */
export function rankingMetrics(scores: Float32Array, { groups }: RankingGroups): { hr: number; ndcg: number; ndcgs: Float64Array } {
  const ndcgs = new Float64Array(groups.length);
  let hits = 0;
  groups.forEach(({ start, count }, g) => {
    const { hit, ndcg } = hitAndNdcg(targetRank(scores, start, count), K);
    hits += hit;
    ndcgs[g] = ndcg;
  });
  return { hr: hits / groups.length, ndcg: ndcgs.reduce((sum, value) => sum + value, 0) / groups.length, ndcgs };
}

export interface Scorer { key: string; label: string; probabilistic: boolean; score(features: Float32Array, rows: number): Promise<Float32Array> }

export interface Evaluation {
  metrics: Record<string, number>;
  perUserNdcg: Map<string, { sampled: Float64Array; full: Float64Array | null }>;
  table: Record<string, string>[];
}

/** Holdout metrics of every scorer: AUC/logloss on the test rows, HR/NDCG@K on the sampled and (when given) full lists. */
export async function evaluateScorers(scorers: readonly Scorer[], rows: MovieLensRows, useFull: boolean): Promise<Evaluation> {
  const metrics: Record<string, number> = {};
  const perUserNdcg: Evaluation["perUserNdcg"] = new Map();
  const table: Record<string, string>[] = [];
  const full = useFull ? rows.full : null;
  const named = (metric: string, scorer: Scorer): string => (scorer.key === "" ? metric : `${metric}_${scorer.key}`);
  for (const scorer of scorers) {
    const pointwise = await scorer.score(rows.testRows.features, rows.testRows.rows);
    const sampledScores = rankingMetrics(await scorer.score(rows.sampled.features, rows.sampled.rows), rows.sampled);
    const fullScores = full === null ? null : rankingMetrics(await scorer.score(full.features, full.rows), full);
    const values: Record<string, number> = {
      auc: auc(pointwise, rows.testRows.labels),
      ...(scorer.probabilistic ? { logloss: logLoss(pointwise, rows.testRows.labels) } : {}),
      hr10_sampled: sampledScores.hr,
      ndcg10_sampled: sampledScores.ndcg,
      ...(fullScores === null ? {} : { hr10_full: fullScores.hr, ndcg10_full: fullScores.ndcg }),
    };
    for (const [metric, value] of Object.entries(values)) metrics[named(metric, scorer)] = value;
    perUserNdcg.set(scorer.key, { sampled: sampledScores.ndcgs, full: fullScores?.ndcgs ?? null });
    const cell = (metric: string): string => (values[metric] === undefined ? "-" : values[metric].toFixed(4));
    table.push({
      scorer: scorer.label, AUC: cell("auc"), logloss: cell("logloss"), "HR@10 s100": cell("hr10_sampled"),
      "NDCG@10 s100": cell("ndcg10_sampled"),
      ...(fullScores === null ? {} : { "HR@10 full": cell("hr10_full"), "NDCG@10 full": cell("ndcg10_full") }),
    });
  }
  return { metrics, perUserNdcg, table };
}

/** Paired per-user NDCG differences (model minus baseline) into metrics; returns printable summaries. */
export function pairedComparisons(
  evaluation: Evaluation, comparisons: readonly (readonly [string, string])[], protocols: readonly ("sampled" | "full")[],
): string[] {
  const compared: string[] = [];
  for (const [name, baseline] of comparisons) {
    for (const protocol of protocols) {
      const { mean, standardError } = pairedDifference(evaluation.perUserNdcg.get("")![protocol]!, evaluation.perUserNdcg.get(baseline)![protocol]!);
      evaluation.metrics[`${name}_delta_ndcg10_${protocol}`] = mean;
      evaluation.metrics[`${name}_delta_ndcg10_${protocol}_se`] = standardError;
      compared.push(`${protocol === "sampled" ? "s100" : "full"} ${mean >= 0 ? "+" : ""}${mean.toFixed(4)} ± ${standardError.toFixed(4)}`);
    }
  }
  return compared;
}

/** A table of strings, first column left-aligned, the others right-aligned. */
export function printTable(table: readonly Record<string, string>[]): void {
  const headings = Object.keys(table[0]!);
  const widths = headings.map((heading) => Math.max(heading.length, ...table.map((row) => row[heading]!.length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  console.log(line(headings));
  console.log(line(widths.map((width) => "-".repeat(width))));
  for (const row of table) console.log(line(headings.map((heading) => row[heading]!)));
}

// ---- artefacts -----------------------------------------------------------------------------------------------

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The served (int8) model's manifest; metrics rounded to 6 significant digits. */
export function buildManifest(version: string, int8Bytes: Uint8Array, metrics: Record<string, number>, createdAt = Date.now()): ModelManifest {
  const rounded = Object.fromEntries(Object.entries(metrics).map(([key, value]) => [key, Number(value.toPrecision(6))]));
  return {
    version,
    createdAt,
    sha256: sha256Hex(int8Bytes),
    precision: "int8",
    opset: ONNX_OPSET,
    featureLayout: { version: FEATURE_LAYOUT.version, names: [...FEATURE_LAYOUT.names] },
    inputs: { features: INPUT_NAME },
    outputs: { score: SCORE_OUTPUT, hidden: HIDDEN_OUTPUT },
    hiddenSize: HIDDEN_UNITS[1],
    metrics: rounded,
  };
}

/** models/: ranker.onnx (int8), ranker.fp32.onnx, ranker.manifest.json and ranker.golden.json (a few rows with the
 * served model's outputs, so the Worker's runtime can be checked against this one). */
export async function writeArtefacts(outDir: string, manifest: ModelManifest, exported: ExportedRanker, goldenSource: Float32Array): Promise<void> {
  const golden = await exported.runInt8(goldenSource.slice(0, GOLDEN_ROWS * FEATURE_COUNT), GOLDEN_ROWS);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "ranker.onnx"), exported.bytes.int8);
  writeFileSync(join(outDir, "ranker.fp32.onnx"), exported.bytes.fp32);
  writeFileSync(join(outDir, "ranker.manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(outDir, "ranker.golden.json"), `${JSON.stringify({
    modelVersion: manifest.version, sha256: manifest.sha256, rows: GOLDEN_ROWS, featureCount: FEATURE_COUNT, hiddenSize: HIDDEN_UNITS[1], tolerance: 1e-4,
    features: [...goldenSource.subarray(0, GOLDEN_ROWS * FEATURE_COUNT)], score: [...golden.score], hidden: [...golden.hidden],
  })}\n`);
}
