// npm run retrain -- [--url URL] [--key ADMIN_KEY] [--snapshot CRON_SLOT] [--seed N] [--epochs N] [--data-dir D]
//                    [--backend wasm|cpu|tensorflow] [--gate-users N] [--resamples N] [--dry-run]
//
// Retrains the ranker from a cron snapshot and promotes it only when off-policy evaluation on the logged data says
// it is not worse than the live model:
//
//   1. export logs    pick the newest pending snapshot (or --snapshot), mark it `training`, export the logged
//                     impressions (with propensities, scores and feature rows) and events up to its toTime
//   2. build rows     MovieLens training/holdout rows as `npm run train` builds them (train-pipeline.ts), plus one
//                     row per logged impression of a training user: its logged feature row, label 1 when a click,
//                     purchase or rating >= 4 carries its requestId and itemId. Logged rows are unweighted (the
//                     model learns P(click | shown, features), which is what it is asked at serve time); users in
//                     the OPE holdout (logged-data.ts) are never trained on.
//   3. train          the same MLP, seed and schedule as `npm run train`, on MovieLens + logged rows
//   4. export+verify  fp32 ONNX must match tfjs within 1e-4; int8 release gate vs fp32 (top-10 overlap >= 0.95,
//                     Spearman >= 0.99 over full-catalogue lists of a seeded sample of users) and the saturation
//                     probe (inputs far outside the training range saturate, never flip); any failure: `failed`
//   5. holdout        MovieLens holdout metrics (AUC, logloss, sampled HR/NDCG@10) for the manifest; the
//                     full-catalogue NDCG and the no-content ablation of `npm run train` are skipped here (time)
//   6. OPE            the gate of logged-data.ts, on held-out users' impressions served by the live model: promote
//                     iff the SNIPS-weighted log-loss of the clicks (candidate - live) has its 95% upper bound
//                     <= 0.005 and the within-slate pair accuracy (candidate - live) has its lower bound >= -0.03
//                     (bootstrap by user); plus each model's greedy pick within the logged slates (reported)
//   7. upload+promote POST /v1/models (the Worker re-checks sha256, layout, load and a probe row), then
//                     POST /v1/models/:version/promote, then mark the snapshot `promoted`; a rejected candidate is
//                     not uploaded and the snapshot is marked `rejected`; any error marks it `failed`
//
// Artefacts of every run (int8 + fp32 ONNX, manifest, the gate's rows without user ids) are kept in
// .cache/retrain/<version>/ for inspection.
// --backend: the tfjs backend for training (default wasm, CPU). A GPU is used only where a GPU-capable tfjs backend
// (tfjs-node-gpu registered as "tensorflow") is installed; nothing requires one.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Presets, SingleBar } from "cli-progress";
import { FEATURE_COUNT, FEATURE_LAYOUT } from "../src/ranking/features.js";
import { encodeBase64 } from "../src/ranking/vectors.js";
import {
  candidateVersion, chooseSnapshot, exportLogs, GATE_OPTIONS, greedyInSlate, groupByDecision, isOpeHoldoutUser, labelImpressions,
  listSnapshots, loggedFeatures, loggedRows, opeGate, setSnapshotStatus, type GateResult, type GreedyChoice, type ModelsListing,
  type Snapshot,
} from "./logged-data.js";
import { useTrainingBackend } from "./ranker-model.js";
import { callService, type ServiceClient } from "./service-client.js";
import { DEFAULT_SEED } from "./train-config.js";
import {
  buildManifest, buildMovieLensRows, column, concatRows, DEFAULT_EPOCHS, elapsedLogger, evaluateScorers, exportAndVerify,
  int8Agreement, int8GateFailure, int8SaturationCheck, K, loadMovieLensData, MF_COLUMN, POPULARITY_COLUMN, printTable, runChunked,
  seededStreams, trainWithProgress, type Scorer,
} from "./train-pipeline.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Users whose full-catalogue lists the int8 release gate compares (a seeded sample: ~5 s instead of ~25 s for all). */
const DEFAULT_GATE_USERS = 200;

/** Wall time per stage, printed as a table at the end (also when a stage fails). */
class StageClock {
  private readonly rows: { stage: string; seconds: number; note: string }[] = [];
  private readonly started = performance.now();

  async time<T>(stage: string, run: () => Promise<T>, note: (result: T) => string = () => ""): Promise<T> {
    const start = performance.now();
    console.log(`\n== ${stage}`);
    try {
      const result = await run();
      this.rows.push({ stage, seconds: (performance.now() - start) / 1000, note: note(result) });
      return result;
    } catch (error) {
      this.rows.push({ stage, seconds: (performance.now() - start) / 1000, note: "FAILED" });
      throw error;
    }
  }

  print(): void {
    const total = (performance.now() - this.started) / 1000;
    console.log("\nstage            wall s  note");
    console.log("---------------  ------  ----");
    for (const { stage, seconds, note } of this.rows) console.log(`${stage.padEnd(15)}  ${seconds.toFixed(1).padStart(6)}  ${note}`);
    console.log(`${"total".padEnd(15)}  ${total.toFixed(1).padStart(6)}`);
  }
}

const { values: args } = parseArgs({
  options: {
    url: { type: "string", default: process.env["SERENDIP_URL"] ?? "http://127.0.0.1:8787" },
    key: { type: "string", default: process.env["SERENDIP_ADMIN_KEY"] ?? "dev-admin-key" },
    snapshot: { type: "string" },
    "data-dir": { type: "string" },
    seed: { type: "string", default: String(DEFAULT_SEED) },
    epochs: { type: "string", default: String(DEFAULT_EPOCHS) },
    backend: { type: "string", default: "wasm" },
    "gate-users": { type: "string", default: String(DEFAULT_GATE_USERS) },
    resamples: { type: "string", default: String(GATE_OPTIONS.resamples) },
    "dry-run": { type: "boolean", default: false },
  },
});
const integer = (name: string, raw: string | undefined, min: number): number => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} takes an integer >= ${min}, got "${raw}"`);
  return value;
};
const seed = integer("seed", args.seed, 0);
const epochs = integer("epochs", args.epochs, 1);
const gateUsers = integer("gate-users", args["gate-users"], 1);
const gateOptions = { ...GATE_OPTIONS, resamples: integer("resamples", args.resamples, 1) };
const requested = args.snapshot === undefined ? undefined : integer("snapshot", args.snapshot, 0);
const dryRun = args["dry-run"]!;
const client: ServiceClient = { baseUrl: args.url!, key: args.key! };
const dataDir = resolve(ROOT, args["data-dir"] ?? process.env["SERENDIP_DATA_DIR"] ?? "../shared/data");
const stream = seededStreams(seed);
const log = elapsedLogger();
const clock = new StageClock();

interface Outcome { status: "promoted" | "rejected"; version: string; gate: GateResult }

async function retrain(snapshot: Snapshot, snapshots: readonly Snapshot[], listing: ModelsListing): Promise<Outcome> {
  const live = listing.live;
  const liveVersion = live?.version ?? null;

  // ---- 1. export logs (the snapshot was chosen and marked by the caller) ----
  const logs = await clock.time("export logs", async () => {
    // The snapshots partition time from 0, so their counts up to this one give the rows to expect (events: an upper
    // bound, since the export starts at the first impression).
    const upTo = snapshots.filter((s) => s.cronSlot <= snapshot.cronSlot);
    const expected = { impressions: upTo.reduce((n, s) => n + s.impressions, 0), events: upTo.reduce((n, s) => n + s.events, 0) };
    const bar = new SingleBar({ format: "exporting {kind} [{bar}] {value}/{total} rows", clearOnComplete: false }, Presets.shades_classic);
    let kind: "impressions" | "events" = "impressions";
    bar.start(Math.max(1, expected.impressions), 0, { kind });
    const exported = await exportLogs(client, snapshot.toTime, {
      onPage: (k, rows) => {
        if (k !== kind) {
          kind = k;
          bar.setTotal(Math.max(1, expected.events));
          bar.update(0, { kind });
        }
        bar.increment(rows);
      },
    });
    bar.stop();
    log(`exported ${exported.impressions.length} impressions and ${exported.events.length} events logged before ${new Date(snapshot.toTime).toISOString()}`);
    return exported;
  }, (l) => `${l.impressions.length} impressions, ${l.events.length} events`);

  // ---- 2. build rows ----
  const built = await clock.time("build rows", async () => {
    const data = await loadMovieLensData(dataDir, join(ROOT, ".cache/embeddings.json"), log);
    const movieLens = buildMovieLensRows(data, stream, { users: gateUsers }, log);
    const labels = labelImpressions(logs.impressions, logs.events);
    const holdout = logs.impressions.map((impression) => isOpeHoldoutUser(impression.userId));
    const logged = loggedRows(logs.impressions, labels, (i) => !holdout[i]);
    const positives = logged.labels.reduce((a, b) => a + b, 0);
    log(`logged training rows: ${logged.rows} (${positives} positive; ${logged.skipped} without a usable feature row); ` +
      `${holdout.filter(Boolean).length} impressions of held-out users kept for OPE`);
    return { movieLens, labels, holdout, logged, positives, training: concatRows(movieLens.trainRows, logged) };
  }, (b) => `${b.movieLens.trainRows.rows} MovieLens + ${b.logged.rows} logged training rows`);

  // ---- 3. train ----
  const model = await clock.time("train", async () => {
    const trained = await trainWithProgress("candidate", built.training, epochs, stream("model"));
    const ignored = trained.ignoredColumns.map((f) => FEATURE_LAYOUT.names[f]).join(", ");
    log(`candidate trained on ${built.training.rows} rows (columns constant in training, so ignored: ${ignored || "none"})`);
    return trained;
  }, () => `${built.training.rows} rows x ${epochs} epochs`);

  // ---- 4. export + verify (release gates: any failure throws, and the snapshot is marked failed) ----
  const { exported, agreement, saturation } = await clock.time("export+verify", async () => {
    const ex = await exportAndVerify(model, built.movieLens.testRows, `serendip ranker, ${FEATURE_LAYOUT.version}, seed ${seed}, snapshot ${snapshot.cronSlot}`);
    log(`fp32 ONNX vs tfjs max |diff| ${ex.fp32MaxDiff.toExponential(2)} on ${built.movieLens.testRows.rows} test rows`);
    const ag = await int8Agreement(ex.runFp32, ex.runInt8, built.movieLens.full!);
    log(`int8 vs fp32 over ${ag.users} users' full-catalogue lists: top-${K} overlap ${ag.top10Overlap.toFixed(4)}, Spearman ${ag.spearman.toFixed(6)}`);
    const failure = int8GateFailure(ag);
    if (failure !== null) throw new Error(`int8 release gate: ${failure}`);
    const sat = await int8SaturationCheck(ex.runFp32, ex.runInt8, built.training.features, built.training.rows);
    log(`saturation probe: ${sat.probes} rows up to 1e6 x the training range, ${sat.flipped} flipped, ${sat.invalid} invalid`);
    if (sat.flipped > 0 || sat.invalid > 0) throw new Error(`int8 saturation check: ${sat.flipped} flipped, ${sat.invalid} invalid (${sat.example})`);
    return { exported: ex, agreement: ag, saturation: sat };
  }, (r) => `int8 ${r.exported.bytes.int8.length} B; fp32 diff ${r.exported.fp32MaxDiff.toExponential(1)}, overlap ${r.agreement.top10Overlap.toFixed(3)}, Spearman ${r.agreement.spearman.toFixed(4)}, ${r.saturation.flipped} flips`);

  // ---- 5. holdout metrics (MovieLens) ----
  const evaluation = await clock.time("holdout", async () => {
    const scorers: Scorer[] = [
      { key: "", label: "candidate (tfjs fp32)", probabilistic: true, score: async (f, n) => model.predict(f, n).score },
      { key: "int8", label: "candidate int8 (served)", probabilistic: true, score: async (f, n) => (await runChunked(exported.runInt8, f, n)).score },
      { key: "mf", label: "ALS mf_dot", probabilistic: false, score: async (f, n) => column(f, n, MF_COLUMN) },
      { key: "popularity", label: "popularity", probabilistic: false, score: async (f, n) => column(f, n, POPULARITY_COLUMN) },
    ];
    const result = await evaluateScorers(scorers, built.movieLens, false);
    console.log("\nMovieLens holdout (AUC/logloss: test positives + sampled negatives; HR/NDCG@10: held-out item vs 100 sampled)\n");
    printTable(result.table);
    if (live !== null && live.metrics["ndcg10_sampled"] !== undefined) {
      console.log(`live ${live.version}: AUC ${fmt(live.metrics["auc"])}, logloss ${fmt(live.metrics["logloss"])}, NDCG@10 s100 ${fmt(live.metrics["ndcg10_sampled"])} (its own manifest)`);
    }
    return result;
  }, (e) => `NDCG@10 s100 ${e.metrics["ndcg10_sampled_int8"]!.toFixed(4)}, AUC ${e.metrics["auc"]!.toFixed(4)}`);

  // ---- 6. OPE ----
  const ope = await clock.time("OPE", async () => {
    // The gate's rows: held-out users' impressions that the live model scored, with a usable feature row.
    const rows: number[] = [];
    logs.impressions.forEach((impression, i) => {
      if (built.holdout[i] && impression.modelVersion === liveVersion && loggedFeatures(impression) !== null) rows.push(i);
    });
    const features = new Float32Array(rows.length * FEATURE_COUNT);
    rows.forEach((i, r) => features.set(loggedFeatures(logs.impressions[i]!)!, r * FEATURE_COUNT));
    const candidateScores = rows.length === 0 ? new Float32Array(0) : (await runChunked(exported.runInt8, features, rows.length)).score;
    const labels = rows.map((i) => built.labels[i]!);
    const propensities = rows.map((i) => logs.impressions[i]!.propensity);
    const liveScores = rows.map((i) => logs.impressions[i]!.score);
    const bar = new SingleBar({ format: "bootstrap [{bar}] {value}/{total} resamples", clearOnComplete: false }, Presets.shades_classic);
    bar.start(gateOptions.resamples, 0);
    const requestIds = rows.map((i) => logs.impressions[i]!.requestId);
    const gate = opeGate({ labels, propensities, live: liveScores, candidate: candidateScores, clusters: rows.map((i) => logs.impressions[i]!.userId), requestIds },
      gateOptions, (done) => bar.update(done));
    bar.stop();
    const decisions = groupByDecision(requestIds);
    const greedy = rows.length === 0 ? null : {
      live: greedyInSlate(decisions, labels, propensities, liveScores, gateOptions),
      candidate: greedyInSlate(decisions, labels, propensities, candidateScores, gateOptions),
    };
    printOpe(gate, greedy, liveVersion);
    const rowsForAudit = rows.map((i, r) => ({
      requestId: logs.impressions[i]!.requestId, itemId: logs.impressions[i]!.itemId, rank: logs.impressions[i]!.rank,
      label: labels[r], propensity: propensities[r], live: liveScores[r], candidate: candidateScores[r],
    }));
    return { gate, greedy, rowsForAudit };
  }, ({ gate }) => (gate.promote ? "promote" : "reject"));

  // ---- manifest ----
  const version = candidateVersion(snapshot.cronSlot, new Set(listing.versions.map((v) => v.version)));
  const { gate, greedy } = ope;
  const metrics: Record<string, number> = {
    ...evaluation.metrics,
    int8_top10_overlap: agreement.top10Overlap,
    int8_spearman: agreement.spearman,
    int8_max_abs_diff: agreement.maxAbsDiff,
    int8_gate_users: agreement.users,
    int8_saturation_probes: saturation.probes,
    int8_saturation_flips: saturation.flipped,
    fp32_onnx_max_abs_diff: exported.fp32MaxDiff,
    als_recall10_test: built.movieLens.alsRecallTest,
    train_rows: built.training.rows,
    train_rows_movielens: built.movieLens.trainRows.rows,
    train_rows_logged: built.logged.rows,
    train_positives_logged: built.positives,
    snapshot_cron_slot: snapshot.cronSlot,
    snapshot_to_time: snapshot.toTime,
    // The gate (logged-data.ts): promote iff ope_delta_logloss_high <= ope_margin and ope_delta_pair_accuracy_low >=
    // -ope_ranking_margin, with ope_impressions >= ope_min_impressions, ope_clicks >= ope_min_clicks and
    // ope_ranked_decisions >= ope_min_decisions. Log-loss SNIPS-weighted with w = min(1/p, ope_weight_clip);
    // intervals: bootstrap over users.
    ope_promote: gate.promote ? 1 : 0,
    ope_margin: gateOptions.margin,
    ope_ranking_margin: gateOptions.rankingMargin,
    ope_weight_clip: gateOptions.weightClip,
    ope_min_impressions: gateOptions.minImpressions,
    ope_min_clicks: gateOptions.minPositives,
    ope_min_decisions: gateOptions.minDecisions,
    ope_level: gateOptions.level,
    ope_resamples: gateOptions.resamples,
    ope_impressions: gate.impressions,
    ope_clicks: gate.positives,
    ope_users: gate.users,
    ope_ranked_decisions: gate.rankedDecisions,
    ope_effective_size: gate.effectiveSize,
    ope_weights_clipped: gate.clipped,
  };
  if (gate.logLoss !== null && gate.brier !== null && gate.ranking !== null) {
    Object.assign(metrics, {
      ope_live_pair_accuracy: gate.ranking.live, ope_candidate_pair_accuracy: gate.ranking.candidate, ope_delta_pair_accuracy: gate.ranking.delta,
      ope_delta_pair_accuracy_low: gate.ranking.interval?.low ?? NaN, ope_delta_pair_accuracy_high: gate.ranking.interval?.high ?? NaN,
      ope_live_logloss: gate.logLoss.live, ope_candidate_logloss: gate.logLoss.candidate, ope_delta_logloss: gate.logLoss.delta,
      ope_delta_logloss_low: gate.logLoss.interval?.low ?? NaN, ope_delta_logloss_high: gate.logLoss.interval?.high ?? NaN,
      ope_live_brier: gate.brier.live, ope_candidate_brier: gate.brier.candidate, ope_delta_brier: gate.brier.delta,
      ope_delta_brier_low: gate.brier.interval?.low ?? NaN, ope_delta_brier_high: gate.brier.interval?.high ?? NaN,
    });
  }
  for (const [who, choice] of [["live", greedy?.live], ["candidate", greedy?.candidate]] as const) {
    if (choice === null || choice === undefined) continue;
    metrics[`ope_greedy_decisions`] = choice.decisions;
    metrics[`ope_greedy_direct_${who}`] = choice.direct;
    if (choice.snips.value !== null) metrics[`ope_greedy_snips_${who}`] = choice.snips.value;
    if (choice.ips.value !== null) metrics[`ope_greedy_ips_${who}`] = choice.ips.value;
  }
  for (const [key, value] of Object.entries(metrics)) if (!Number.isFinite(value)) delete metrics[key];
  const manifest = buildManifest(version, exported.bytes.int8, metrics);
  const dir = join(ROOT, ".cache/retrain", version);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "ranker.onnx"), exported.bytes.int8);
  writeFileSync(join(dir, "ranker.fp32.onnx"), exported.bytes.fp32);
  writeFileSync(join(dir, "ranker.manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  // The gate's rows (no user ids), so a decision can be audited or re-evaluated later.
  writeFileSync(join(dir, "ope-rows.jsonl"), ope.rowsForAudit.map((row) => JSON.stringify(row)).join("\n") + "\n");
  log(`candidate ${version} (sha256 ${manifest.sha256.slice(0, 12)}…) written to ${join(".cache/retrain", version)}`);
  model.dispose();

  // ---- 7. upload + promote ----
  const status = await clock.time("upload+promote", async (): Promise<"promoted" | "rejected"> => {
    if (!gate.promote) {
      console.log(`not promoted: ${gate.reason}`);
      return "rejected";
    }
    if (dryRun) {
      console.log(`--dry-run: would upload and promote ${version}`);
      return "promoted";
    }
    await callService(client, "POST", "/v1/models", { manifest, bytes: encodeBase64(exported.bytes.int8) });
    await callService(client, "POST", `/v1/models/${encodeURIComponent(version)}/promote`, undefined);
    const after = await callService<ModelsListing>(client, "GET", "/v1/models");
    if (after.live?.version !== version) throw new Error(`promoted ${version} but the service reports ${after.live?.version ?? "no"} live model`);
    console.log(`promoted ${version} (was ${liveVersion ?? "the fallback scorer"}); the Worker serves it from the next request`);
    return "promoted";
  }, (s) => s);
  return { status, version, gate };
}

function fmt(value: number | undefined): string {
  return value === undefined ? "-" : value.toFixed(4);
}

function printOpe(gate: GateResult, greedy: { live: GreedyChoice | null; candidate: GreedyChoice | null } | null, liveVersion: string | null): void {
  console.log(`\nOff-policy evaluation on ${gate.impressions} impressions of ${gate.users} held-out users served by ${liveVersion ?? "the fallback"} ` +
    `(${gate.positives} clicks; effective size ${gate.effectiveSize.toFixed(0)}, ${gate.clipped} weights clipped at ${gateOptions.weightClip})`);
  if (gate.logLoss !== null && gate.brier !== null && gate.ranking !== null) {
    const table = [["weighted log-loss", gate.logLoss], ["weighted Brier", gate.brier], [`pair accuracy (${gate.rankedDecisions} slates)`, gate.ranking]] as const;
    const rows: Record<string, string>[] = table.map(([name, loss]) => ({
      metric: name, live: loss.live.toFixed(4), candidate: loss.candidate.toFixed(4), "cand - live": loss.delta.toFixed(4),
      "95% low": loss.interval?.low.toFixed(4) ?? "-", "95% high": loss.interval?.high.toFixed(4) ?? "-",
    }));
    if (greedy?.live && greedy.candidate) {
      const estimate = (e: GreedyChoice["snips"]): string => (e.value === null ? "-" : `${e.value.toFixed(4)}`);
      const interval = (e: GreedyChoice["snips"]): string => (e.interval === null ? "-" : `[${e.interval.low.toFixed(3)}, ${e.interval.high.toFixed(3)}]`);
      rows.push(
        { metric: `greedy-in-slate CTR, direct`, live: greedy.live.direct.toFixed(4), candidate: greedy.candidate.direct.toFixed(4), "cand - live": (greedy.candidate.direct - greedy.live.direct).toFixed(4), "95% low": "-", "95% high": "-" },
        { metric: `greedy-in-slate CTR, SNIPS`, live: estimate(greedy.live.snips), candidate: estimate(greedy.candidate.snips), "cand - live": "-", "95% low": `L ${interval(greedy.live.snips)}`, "95% high": `C ${interval(greedy.candidate.snips)}` },
        { metric: `greedy-in-slate CTR, IPS`, live: estimate(greedy.live.ips), candidate: estimate(greedy.candidate.ips), "cand - live": "-", "95% low": `L ${interval(greedy.live.ips)}`, "95% high": `C ${interval(greedy.candidate.ips)}` },
      );
    }
    console.log("");
    printTable(rows);
  }
  console.log(`\ngate: ${gate.promote ? "PROMOTE" : "REJECT"} -- ${gate.reason}`);
  console.log(`(promote iff log-loss delta high <= ${gateOptions.margin} and pair-accuracy delta low >= -${gateOptions.rankingMargin})`);
}

async function main(): Promise<number> {
  await useTrainingBackend(args.backend!);
  const [snapshots, listing] = await Promise.all([listSnapshots(client), callService<ModelsListing>(client, "GET", "/v1/models")]);
  const chosen = chooseSnapshot(snapshots, requested);
  if ("none" in chosen) {
    console.log(`nothing to retrain: ${chosen.none}`);
    return requested === undefined ? 0 : 1;
  }
  const { snapshot } = chosen;
  console.log(`snapshot ${snapshot.cronSlot} (${snapshot.status}): logs before ${new Date(snapshot.toTime).toISOString()}, ` +
    `window ${snapshot.decisions} decisions / ${snapshot.impressions} impressions / ${snapshot.events} events; live model ${listing.live?.version ?? "none (fallback)"}`);
  const mark = async (status: "training" | "promoted" | "rejected" | "failed"): Promise<void> => {
    if (dryRun) console.log(`--dry-run: would mark snapshot ${snapshot.cronSlot} ${status}`);
    else await setSnapshotStatus(client, snapshot.cronSlot, status);
  };
  await mark("training");
  try {
    const outcome = await retrain(snapshot, snapshots, listing);
    await mark(outcome.status);
    clock.print();
    console.log(`\nsnapshot ${snapshot.cronSlot}: ${outcome.status}${outcome.status === "promoted" ? ` (live: ${outcome.version})` : ""}`);
    return 0;
  } catch (error) {
    clock.print();
    console.error(`\nretrain failed: ${(error as Error).message}`);
    await mark("failed").catch((markError: Error) => console.error(`could not mark snapshot ${snapshot.cronSlot} failed: ${markError.message}`));
    return 1;
  }
}

process.exitCode = await main();
