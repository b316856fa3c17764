// Offline trainer: MovieLens 100K -> the ranker model the Worker serves (models/ranker.onnx, int8) plus its fp32
// twin and manifest. Usage: npm run train -- [--data-dir D] [--seed N] [--epochs N] [--out models]
//                                           [--version V] [--backend wasm|cpu|tensorflow]
//
// The stages live in train-pipeline.ts (shared with `npm run retrain`); the data split is described there. The run
// is seeded end to end, so the same seed gives the same ONNX bytes.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { FEATURE_LAYOUT } from "../src/ranking/features.js";
import { useTrainingBackend } from "./ranker-model.js";
import { DEFAULT_SEED } from "./train-config.js";
import {
  buildManifest, buildMovieLensRows, column, DEFAULT_EPOCHS, elapsedLogger, evaluateScorers, exportAndVerify, int8Agreement, K,
  loadMovieLensData, MF_COLUMN, NEGATIVES, pairedComparisons, POPULARITY_COLUMN, printTable, runChunked, SAMPLED_CANDIDATES,
  seededStreams, trainWithProgress, withoutContent, writeArtefacts, type Scorer,
} from "./train-pipeline.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const { values: args } = parseArgs({
  options: {
    "data-dir": { type: "string" },
    seed: { type: "string", default: String(DEFAULT_SEED) },
    epochs: { type: "string", default: String(DEFAULT_EPOCHS) },
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
const stream = seededStreams(seed);
const log = elapsedLogger();

// ---- data --------------------------------------------------------------------------------------------------
await useTrainingBackend(args.backend);
const data = await loadMovieLensData(dataDir, join(ROOT, ".cache/embeddings.json"), log);
const rows = buildMovieLensRows(data, stream, { users: "all" }, log);
const { trainRows, testRows } = rows;
const full = rows.full!;

// ---- models ------------------------------------------------------------------------------------------------
const model = await trainWithProgress("model", trainRows, epochs, stream("model"));
const ignored = model.ignoredColumns.map((f) => FEATURE_LAYOUT.names[f]).join(", ");
log(`model trained (columns constant in training, so ignored: ${ignored || "none"})`);
// Same stream as the model: same initial weights and batch order, so the ablation differs only in the content columns.
const noContentModel = await trainWithProgress("no-content", { ...trainRows, features: withoutContent(trainRows.features) }, epochs, stream("model"));
log("no-content model trained");

const exported = await exportAndVerify(model, testRows, `serendip ranker, ${FEATURE_LAYOUT.version}, seed ${seed}`);
log(`exported: fp32 ${exported.bytes.fp32.length} B, int8 ${exported.bytes.int8.length} B; fp32 ONNX vs tfjs max |diff| ${exported.fp32MaxDiff.toExponential(2)} on ${testRows.rows} test rows`);

// ---- evaluation --------------------------------------------------------------------------------------------
const scorers: Scorer[] = [
  { key: "", label: "model (tfjs fp32)", probabilistic: true, score: async (f, n) => model.predict(f, n).score },
  { key: "int8", label: "model int8 (served)", probabilistic: true, score: async (f, n) => (await runChunked(exported.runInt8, f, n)).score },
  { key: "no_content", label: "model, no content", probabilistic: true, score: async (f, n) => noContentModel.predict(withoutContent(f), n).score },
  { key: "mf", label: "ALS mf_dot", probabilistic: false, score: async (f, n) => column(f, n, MF_COLUMN) },
  { key: "popularity", label: "popularity", probabilistic: false, score: async (f, n) => column(f, n, POPULARITY_COLUMN) },
];
const evaluation = await evaluateScorers(scorers, rows, true);
const { metrics } = evaluation;
// Paired over the same users, so the spread between users cancels out of the comparison.
const compared = pairedComparisons(evaluation, [["content", "no_content"], ["vs_popularity", "popularity"]], ["sampled", "full"]);
const agreement = await int8Agreement(exported.runFp32, exported.runInt8, full);
Object.assign(metrics, {
  int8_top10_overlap: agreement.top10Overlap,
  int8_spearman: agreement.spearman,
  int8_max_abs_diff: agreement.maxAbsDiff,
  fp32_onnx_max_abs_diff: exported.fp32MaxDiff,
  als_recall10_test: rows.alsRecallTest,
  train_rows: trainRows.rows,
  eval_users: full.groups.length,
});
log("evaluated");

console.log(`\nTest window (AUC/logloss: positives + ${NEGATIVES} sampled negatives each) and leave-last-out HR/NDCG@${K}`);
console.log(`(s100: the held-out item vs ${SAMPLED_CANDIDATES} sampled unseen items; full: vs every unseen item)\n`);
printTable(evaluation.table);
console.log(`\nNDCG@${K}, model minus baseline, paired over ${full.groups.length} users (± one standard error):`);
console.log(`  with vs without content vectors: ${compared.slice(0, 2).join(", ")}`);
console.log(`  model vs popularity:             ${compared.slice(2).join(", ")}`);
console.log(`int8 vs fp32 over the full catalogue: top-${K} overlap ${agreement.top10Overlap.toFixed(4)}, ` +
  `Spearman ${agreement.spearman.toFixed(6)}, max |score diff| ${agreement.maxAbsDiff.toExponential(2)}\n`);

// ---- artefacts ---------------------------------------------------------------------------------------------
const manifest = buildManifest(version, exported.bytes.int8, metrics);
await writeArtefacts(outDir, manifest, exported, testRows.features);
model.dispose();
noContentModel.dispose();
log(`wrote ${join(args.out, "ranker.onnx")} (int8, sha256 ${manifest.sha256.slice(0, 12)}…), ranker.fp32.onnx, ranker.manifest.json, ranker.golden.json; version ${version}`);
