// Offline trainer: MovieLens 100K -> the ranker model the Worker serves (models/ranker.onnx, int8) plus its fp32
// twin and manifest. Usage: npm run train -- [--data-dir D] [--seed N] [--epochs N] [--out models]
//                                           [--version V] [--backend wasm|cpu|tensorflow]
//
// Each user's ratings, oldest first: 70% history (profiles, collaborative factors, item statistics), 20% training
// labels, 10% test. Training rows see only history; test rows see history + training labels. The short-term
// interest (live state) of every row is replayed from the user's ratings strictly before the row's label time, as
// the user's Durable Object would hold it. The run is seeded end to end, so the same seed gives the same ONNX bytes.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
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
import { readMovieLens, type Rating } from "./movielens.js";
import { exportRanker, HIDDEN_OUTPUT, INPUT_NAME, ONNX_OPSET, SCORE_OUTPUT, type Precision } from "./onnx-export.js";
import { onnxRunModel } from "./onnx-session.js";
import { trainRanker, useTrainingBackend, type TrainedRanker } from "./ranker-model.js";
import { cleanItemText } from "./text-encoder.js";
import { ALS_OPTIONS as ALS, DEFAULT_SEED } from "./train-config.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// Measured with implicit-ALS mf_dot and replayed live state (seed 7, full-catalogue NDCG@10; one standard error is
// ~0.007): [32, 16] x 6 epochs x 4 negatives 0.065; 3 epochs 0.062; [64, 16] x 10 epochs 0.062; 16 negatives 0.059
// (and 16 negatives, [64, 16], 10 epochs, batch 1024: 0.062). None better, so the cheapest stays.
const HIDDEN_UNITS = [32, 16] as const;
// Measured here: 20 epochs instead of 6 raised the test logloss (overfitting) without a better ranking.
const TRAINING = { batchSize: 512, learningRate: 0.003 };
const NEGATIVES = 4;
const SAMPLED_CANDIDATES = 100;
const K = 10;
/** fp32 ONNX must reproduce the trainer's own predictions this closely. */
const EXPORT_TOLERANCE = 1e-4;
const GOLDEN_ROWS = 8;
const ORT_CHUNK = 65_536;
const CONTENT_COLUMNS = [FEATURE_LAYOUT.names.indexOf("content_cos_long"), FEATURE_LAYOUT.names.indexOf("content_cos_short")];
const MF_COLUMN = FEATURE_LAYOUT.names.indexOf("mf_dot");
const POPULARITY_COLUMN = FEATURE_LAYOUT.names.indexOf("item_log_ratings");

const { values: args } = parseArgs({
  options: {
    "data-dir": { type: "string" },
    seed: { type: "string", default: String(DEFAULT_SEED) },
    epochs: { type: "string", default: "6" },
    out: { type: "string", default: "models" },
    version: { type: "string" },
    backend: { type: "string", default: "wasm" },
  },
});
const seed = Number(args.seed);
const epochs = Number(args.epochs);
if (!Number.isInteger(seed) || !Number.isInteger(epochs) || epochs < 1) throw new Error("--seed and --epochs take integers (epochs >= 1)");
const dataDir = resolve(ROOT, args["data-dir"] ?? process.env["SERENDIP_DATA_DIR"] ?? "../shared/data");
const outDir = resolve(ROOT, args.out);
const version = args.version ?? `${new Date().toISOString().slice(0, 10)}.1`;
/** Independent seeded streams, so adding a draw in one stage does not shift every other stage's samples. */
const stream = (name: string): Random => seededRandom(fnv1a32(`${seed}/${name}`));

const started = performance.now();
const log = (message: string): void => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);

function withoutContent(features: Float32Array): Float32Array {
  const copy = features.slice();
  for (let row = 0; row < copy.length / FEATURE_COUNT; row++) for (const column of CONTENT_COLUMNS) copy[row * FEATURE_COUNT + column] = 0;
  return copy;
}

function column(features: Float32Array, rows: number, index: number): Float32Array {
  return Float32Array.from({ length: rows }, (_, row) => features[row * FEATURE_COUNT + index]!);
}

/** ORT in bounded chunks, so a full-catalogue pass does not hold every activation at once. */
async function runChunked(run: RunModel, features: Float32Array, rows: number): Promise<{ score: Float32Array; hidden: Float32Array }> {
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

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]! - b[i]!));
  return largest;
}

/** Per-user hit and NDCG at K, plus their means. */
function rankingMetrics(scores: Float32Array, { groups }: RankingGroups): { hr: number; ndcg: number; ndcgs: Float64Array } {
  const ndcgs = new Float64Array(groups.length);
  let hits = 0;
  groups.forEach(({ start, count }, g) => {
    const { hit, ndcg } = hitAndNdcg(targetRank(scores, start, count), K);
    hits += hit;
    ndcgs[g] = ndcg;
  });
  return { hr: hits / groups.length, ndcg: ndcgs.reduce((sum, value) => sum + value, 0) / groups.length, ndcgs };
}

async function train(name: string, rows: LabelledRows, random: Random): Promise<TrainedRanker> {
  const stepsPerEpoch = Math.ceil(rows.rows / TRAINING.batchSize);
  const bar = new SingleBar({ format: `training ${name.padEnd(10)} [{bar}] epoch {epoch}/${epochs} loss {loss} {eta_formatted} left`, clearOnComplete: false }, Presets.shades_classic);
  bar.start(stepsPerEpoch * epochs, 0, { epoch: 1, loss: "-" });
  let epochLoss = 0;
  let epochSteps = 0;
  let currentEpoch = 1;
  const model = await trainRanker(rows, {
    featureCount: FEATURE_COUNT, hiddenUnits: HIDDEN_UNITS, epochs, ...TRAINING, random,
    onStep: ({ epoch, loss }) => {
      if (epoch !== currentEpoch) [currentEpoch, epochLoss, epochSteps] = [epoch, 0, 0];
      epochLoss += loss;
      epochSteps++;
      bar.increment(1, { epoch, loss: (epochLoss / epochSteps).toFixed(4) });
    },
  });
  bar.stop();
  return model;
}

// ---- data --------------------------------------------------------------------------------------------------
await useTrainingBackend(args.backend);
const movieLens = readMovieLens(dataDir);
const texts = movieLens.movies.map((movie) => cleanItemText(movie.title, movie.genres));
const vectors = await contentVectors(texts, join(ROOT, ".cache/embeddings.json"));
const contentByItem = new Map(movieLens.movies.map((movie, i) => [movie.itemId, vectors[i]!]));
const splits = temporalSplit(movieLens.ratings);
log(`${movieLens.ratings.length} ratings, ${splits.length} users, ${movieLens.movies.length} items; content vectors ready`);

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

const trainSnapshot = buildSnapshot(movieLens.movies, contentByItem, historyKnown, alsHistory);
const testSnapshot = buildSnapshot(movieLens.movies, contentByItem, testKnown, alsTest);
const trainRows = pointwiseRows(trainSnapshot, splits, (split) => split.trainLabels, NEGATIVES, stream("train-negatives"));
const testRows = pointwiseRows(testSnapshot, splits, (split) => split.test, NEGATIVES, stream("test-negatives"));
const itemIds = movieLens.movies.map((movie) => movie.itemId);
const sampledRandom = stream("sampled-candidates");
const sampled = rankingRows(testSnapshot, splits, (split) => sampleUnseen(itemIds, split.seen, SAMPLED_CANDIDATES, sampledRandom, true));
log(`rows: ${trainRows.rows} training, ${testRows.rows} test, ${sampled.rows} sampled ranking (${sampled.groups.length} users)`);
const full = rankingRows(testSnapshot, splits, (split) => itemIds.filter((itemId) => !split.seen.has(itemId)));
log(`full-catalogue ranking rows: ${full.rows}`);

// ---- models ------------------------------------------------------------------------------------------------
const model = await train("model", trainRows, stream("model"));
const ignored = model.ignoredColumns.map((f) => FEATURE_LAYOUT.names[f]).join(", ");
log(`model trained (columns constant in training, so ignored: ${ignored || "none"})`);
// Same stream as the model: same initial weights and batch order, so the ablation differs only in the content columns.
const noContentModel = await train("no-content", { ...trainRows, features: withoutContent(trainRows.features) }, stream("model"));
log("no-content model trained");

const description = `serendip ranker, ${FEATURE_LAYOUT.version}, seed ${seed}`;
const weights = model.exportWeights();
const bytes: Record<Precision, Uint8Array> = {
  fp32: exportRanker(weights, { precision: "fp32", description }),
  int8: exportRanker(weights, { precision: "int8", description }),
};
const runFp32 = await onnxRunModel(bytes.fp32);
const runInt8 = await onnxRunModel(bytes.int8);

// The golden check: the exported fp32 graph must compute what the trainer computed, on raw (unstandardised) rows.
const tfjsTest = model.predict(testRows.features, testRows.rows);
const onnxTest = await runChunked(runFp32, testRows.features, testRows.rows);
const fp32MaxDiff = Math.max(maxAbsDifference(tfjsTest.score, onnxTest.score), maxAbsDifference(tfjsTest.hidden, onnxTest.hidden));
if (!(fp32MaxDiff <= EXPORT_TOLERANCE)) throw new Error(`fp32 ONNX differs from tfjs by ${fp32MaxDiff} (> ${EXPORT_TOLERANCE})`);
log(`exported: fp32 ${bytes.fp32.length} B, int8 ${bytes.int8.length} B; fp32 ONNX vs tfjs max |diff| ${fp32MaxDiff.toExponential(2)} on ${testRows.rows} test rows`);

// ---- evaluation --------------------------------------------------------------------------------------------
interface Scorer { key: string; label: string; probabilistic: boolean; score(features: Float32Array, rows: number): Promise<Float32Array> }
const scorers: Scorer[] = [
  { key: "", label: "model (tfjs fp32)", probabilistic: true, score: async (f, rows) => model.predict(f, rows).score },
  { key: "int8", label: "model int8 (served)", probabilistic: true, score: async (f, rows) => (await runChunked(runInt8, f, rows)).score },
  { key: "no_content", label: "model, no content", probabilistic: true, score: async (f, rows) => noContentModel.predict(withoutContent(f), rows).score },
  { key: "mf", label: "ALS mf_dot", probabilistic: false, score: async (f, rows) => column(f, rows, MF_COLUMN) },
  { key: "popularity", label: "popularity", probabilistic: false, score: async (f, rows) => column(f, rows, POPULARITY_COLUMN) },
];
const metrics: Record<string, number> = {};
const perUserNdcg = new Map<string, { sampled: Float64Array; full: Float64Array }>();
const table: Record<string, string>[] = [];
const named = (metric: string, scorer: Scorer): string => (scorer.key === "" ? metric : `${metric}_${scorer.key}`);
for (const scorer of scorers) {
  const pointwise = await scorer.score(testRows.features, testRows.rows);
  const sampledScores = rankingMetrics(await scorer.score(sampled.features, sampled.rows), sampled);
  const fullScores = rankingMetrics(await scorer.score(full.features, full.rows), full);
  const values: Record<string, number> = {
    auc: auc(pointwise, testRows.labels),
    ...(scorer.probabilistic ? { logloss: logLoss(pointwise, testRows.labels) } : {}),
    hr10_sampled: sampledScores.hr,
    ndcg10_sampled: sampledScores.ndcg,
    hr10_full: fullScores.hr,
    ndcg10_full: fullScores.ndcg,
  };
  for (const [metric, value] of Object.entries(values)) metrics[named(metric, scorer)] = value;
  perUserNdcg.set(scorer.key, { sampled: sampledScores.ndcgs, full: fullScores.ndcgs });
  const cell = (metric: string): string => (values[metric] === undefined ? "-" : values[metric].toFixed(4));
  table.push({
    scorer: scorer.label, AUC: cell("auc"), logloss: cell("logloss"), "HR@10 s100": cell("hr10_sampled"),
    "NDCG@10 s100": cell("ndcg10_sampled"), "HR@10 full": cell("hr10_full"), "NDCG@10 full": cell("ndcg10_full"),
  });
}

// How much int8 changes what users would see: per-user top-10 overlap and rank correlation over the full catalogue.
const fullFp32 = (await runChunked(runFp32, full.features, full.rows)).score;
const fullInt8 = (await runChunked(runInt8, full.features, full.rows)).score;
let overlap = 0;
let correlation = 0;
for (const { start, count } of full.groups) {
  const a = fullFp32.subarray(start, start + count);
  const b = fullInt8.subarray(start, start + count);
  overlap += topKOverlap(a, b, K);
  correlation += spearman(a, b);
}
// Paired over the same users, so the spread between users cancels out of the comparison.
const comparisons = [["content", "no_content"], ["vs_popularity", "popularity"]] as const;
const compared: string[] = [];
for (const [name, baseline] of comparisons) {
  for (const protocol of ["sampled", "full"] as const) {
    const { mean, standardError } = pairedDifference(perUserNdcg.get("")![protocol], perUserNdcg.get(baseline)![protocol]);
    metrics[`${name}_delta_ndcg10_${protocol}`] = mean;
    metrics[`${name}_delta_ndcg10_${protocol}_se`] = standardError;
    compared.push(`${protocol === "sampled" ? "s100" : "full"} ${mean >= 0 ? "+" : ""}${mean.toFixed(4)} ± ${standardError.toFixed(4)}`);
  }
}
Object.assign(metrics, {
  int8_top10_overlap: overlap / full.groups.length,
  int8_spearman: correlation / full.groups.length,
  int8_max_abs_diff: maxAbsDifference(fullFp32, fullInt8),
  fp32_onnx_max_abs_diff: fp32MaxDiff,
  als_recall10_test: alsRecallTest,
  train_rows: trainRows.rows,
  eval_users: full.groups.length,
});
log("evaluated");

const printable = Object.keys(table[0]!);
const widths = printable.map((heading) => Math.max(heading.length, ...table.map((row) => row[heading]!.length)));
const line = (cells: string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
console.log(`\nTest window (AUC/logloss: positives + ${NEGATIVES} sampled negatives each) and leave-last-out HR/NDCG@${K}`);
console.log(`(s100: the held-out item vs ${SAMPLED_CANDIDATES} sampled unseen items; full: vs every unseen item)\n`);
console.log(line(printable));
console.log(line(widths.map((width) => "-".repeat(width))));
for (const row of table) console.log(line(printable.map((heading) => row[heading]!)));
console.log(`\nNDCG@${K}, model minus baseline, paired over ${full.groups.length} users (± one standard error):`);
console.log(`  with vs without content vectors: ${compared.slice(0, 2).join(", ")}`);
console.log(`  model vs popularity:             ${compared.slice(2).join(", ")}`);
console.log(`int8 vs fp32 over the full catalogue: top-${K} overlap ${metrics["int8_top10_overlap"]!.toFixed(4)}, ` +
  `Spearman ${metrics["int8_spearman"]!.toFixed(6)}, max |score diff| ${metrics["int8_max_abs_diff"]!.toExponential(2)}\n`);

// ---- artefacts ---------------------------------------------------------------------------------------------
const sha256 = createHash("sha256").update(bytes.int8).digest("hex");
const rounded = Object.fromEntries(Object.entries(metrics).map(([key, value]) => [key, Number(value.toPrecision(6))]));
const manifest: ModelManifest = {
  version,
  createdAt: Date.now(),
  sha256,
  precision: "int8",
  opset: ONNX_OPSET,
  featureLayout: { version: FEATURE_LAYOUT.version, names: [...FEATURE_LAYOUT.names] },
  inputs: { features: INPUT_NAME },
  outputs: { score: SCORE_OUTPUT, hidden: HIDDEN_OUTPUT },
  hiddenSize: HIDDEN_UNITS[1],
  metrics: rounded,
};
// A few test rows with the served model's outputs, so the Worker's runtime can be checked against this one.
const golden = await runInt8(testRows.features.slice(0, GOLDEN_ROWS * FEATURE_COUNT), GOLDEN_ROWS);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "ranker.onnx"), bytes.int8);
writeFileSync(join(outDir, "ranker.fp32.onnx"), bytes.fp32);
writeFileSync(join(outDir, "ranker.manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(join(outDir, "ranker.golden.json"), `${JSON.stringify({
  modelVersion: version, sha256, rows: GOLDEN_ROWS, featureCount: FEATURE_COUNT, hiddenSize: HIDDEN_UNITS[1], tolerance: 1e-4,
  features: [...testRows.features.subarray(0, GOLDEN_ROWS * FEATURE_COUNT)], score: [...golden.score], hidden: [...golden.hidden],
})}\n`);
model.dispose();
noContentModel.dispose();
log(`wrote ${join(args.out, "ranker.onnx")} (int8, sha256 ${sha256.slice(0, 12)}…), ranker.fp32.onnx, ranker.manifest.json, ranker.golden.json; version ${version}`);
