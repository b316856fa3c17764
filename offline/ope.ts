// Off-policy evaluation on the Open Bandit Dataset: estimates a policy's click rate from another policy's logs with
// IPS, SNIPS, DM, DR and Switch-DR (src/ranking/ope), compares them with the ground truth from the A/B test, and
// estimates a few Serendip-style policies on the same logs. Writes JSON and a self-contained HTML report beside it.
//
//   npm run ope -- --dataset obd --campaign men --behavior random --evaluate bts --out reports/ope-men.json
//     [--data-dir D] [--draws 100000] [--seed 12345] [--resamples 2000] [--level 0.95] [--clip W]
//     [--switch-tau 8] [--folds 3] [--epsilon 0.1]
// --out defaults to reports/ope-<campaign>.json (git-ignored); the report is the same path with .html.
//
// Data: --data-dir, else SERENDIP_DATA_DIR, else ../shared/data (OBD under obd/).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Presets, SingleBar } from "cli-progress";
import type { ChartConfiguration } from "chart.js";
import {
  DEFAULT_OBD_OPTIONS, ESTIMATORS, evaluateObd, OBD_CAMPAIGNS, OBD_POLICIES, type EstimateTable, type ObdCampaign, type ObdEvaluation, type ObdPolicy,
} from "./obd.js";
import { intervalChart, writeHtmlReport, type ReportSection } from "./report.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** A stage's progress bar appears only once the stage has run this long. */
const PROGRESS_AFTER_MS = 2000;
const ESTIMATOR_LABELS: Record<string, string> = { ips: "IPS", snips: "SNIPS", dm: "DM", dr: "DR", switchDr: "Switch-DR" };

const { values: args } = parseArgs({
  options: {
    dataset: { type: "string", default: "obd" },
    campaign: { type: "string", default: "men" },
    behavior: { type: "string", default: "random" },
    evaluate: { type: "string", default: "bts" },
    out: { type: "string" },
    "data-dir": { type: "string" },
    draws: { type: "string", default: String(DEFAULT_OBD_OPTIONS.draws) },
    seed: { type: "string", default: String(DEFAULT_OBD_OPTIONS.seed) },
    resamples: { type: "string", default: String(DEFAULT_OBD_OPTIONS.resamples) },
    level: { type: "string", default: String(DEFAULT_OBD_OPTIONS.level) },
    clip: { type: "string", default: "Infinity" },
    "switch-tau": { type: "string", default: String(DEFAULT_OBD_OPTIONS.switchTau) },
    folds: { type: "string", default: String(DEFAULT_OBD_OPTIONS.folds) },
    epsilon: { type: "string", default: String(DEFAULT_OBD_OPTIONS.epsilon) },
  },
});

function fail(message: string): never {
  console.error(`ope: ${message}`);
  process.exit(2);
}

function integer(name: string, text: string, min: number): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) fail(`--${name} takes an integer >= ${min}, got "${text}"`);
  return v;
}

function number(name: string, text: string, check: (v: number) => boolean, rule: string): number {
  const v = Number(text);
  if (Number.isNaN(v) || !check(v)) fail(`--${name} takes ${rule}, got "${text}"`);
  return v;
}

if (args.dataset !== "obd") fail(`--dataset: only "obd" is supported, got "${args.dataset}"`);
if (!OBD_CAMPAIGNS.includes(args.campaign as ObdCampaign)) fail(`--campaign: one of ${OBD_CAMPAIGNS.join(", ")}`);
if (!OBD_POLICIES.includes(args.behavior as ObdPolicy)) fail(`--behavior: one of ${OBD_POLICIES.join(", ")}`);
if (!OBD_POLICIES.includes(args.evaluate as ObdPolicy)) fail(`--evaluate: one of ${OBD_POLICIES.join(", ")}`);
if (args.behavior === args.evaluate) fail("--behavior and --evaluate must differ (the other policy's logs are the ground truth)");
const campaign = args.campaign as ObdCampaign;
const outFile = resolve(process.cwd(), args.out ?? `reports/ope-${campaign}.json`);
const htmlFile = outFile.replace(/\.json$/i, "") + ".html";
const dataDir = resolve(ROOT, args["data-dir"] ?? process.env["SERENDIP_DATA_DIR"] ?? "../shared/data");

const started = performance.now();
const log = (message: string): void => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);

/** One progress bar per stage, shown only when the stage runs longer than PROGRESS_AFTER_MS. */
function lazyProgress(): { update: (stage: string, done: number, total: number) => void; stop: () => void } {
  let stage = "";
  let since = 0;
  let bar: SingleBar | null = null;
  const stop = () => { bar?.stop(); bar = null; };
  return {
    update(name, done, total) {
      if (name !== stage) {
        stop();
        stage = name;
        since = performance.now();
      }
      if (bar === null && done < total && performance.now() - since > PROGRESS_AFTER_MS) {
        bar = new SingleBar({ format: `${name} [{bar}] {percentage}% | {value}/{total} | eta {eta}s`, stream: process.stderr }, Presets.shades_classic);
        bar.start(total, done);
      }
      bar?.update(done);
      if (done >= total) stop();
    },
    stop,
  };
}

const progress = lazyProgress();
log(`OBD ${campaign}: evaluating ${args.evaluate} from ${args.behavior} logs in ${dataDir}`);
let result: ObdEvaluation;
try {
  result = evaluateObd({
    dataDir, campaign,
    behavior: args.behavior as ObdPolicy,
    evaluate: args.evaluate as ObdPolicy,
    draws: integer("draws", args.draws, 1),
    seed: integer("seed", args.seed, 0),
    resamples: integer("resamples", args.resamples, 1),
    level: number("level", args.level, (v) => v > 0 && v < 1, "a number in (0, 1)"),
    clip: number("clip", args.clip, (v) => v > 0, "a positive number or Infinity"),
    switchTau: number("switch-tau", args["switch-tau"], (v) => v >= 0, "a number >= 0 or Infinity"),
    folds: integer("folds", args.folds, 1),
    epsilon: number("epsilon", args.epsilon, (v) => v >= 0 && v <= 1, "a number in [0, 1]"),
    progress: progress.update,
  });
} catch (error) {
  progress.stop();
  fail(error instanceof Error ? error.message : String(error));
}
progress.stop();
const wallSeconds = (performance.now() - started) / 1000;
const output = { ...result, wallSeconds: Number(wallSeconds.toFixed(2)) };

mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(output, null, 2)}\n`);
writeHtmlReport(htmlFile, `Off-policy evaluation on OBD (${campaign}): ${result.evaluate} from ${result.behavior} logs`, reportSections(result, wallSeconds));

const pct = (v: number | null) => (v === null ? "   –   " : `${(100 * v).toFixed(1).padStart(5)}%`);
const rate = (v: number | null) => (v === null ? "   –    " : v.toFixed(5));
log(`ground truth (${result.evaluate} logs' CTR) ${rate(result.groundTruth)} [${rate(result.groundTruthInterval[0])}, ${rate(result.groundTruthInterval[1])}]; logged CTR ${rate(result.loggedCtr)}; ${result.nRounds} rows`);
for (const name of ESTIMATORS) {
  const e = result.estimates[name];
  log(`  ${ESTIMATOR_LABELS[name]!.padEnd(9)} ${rate(e.value)} [${rate(e.ciLow)}, ${rate(e.ciHigh)}]  relative error ${pct(result.relativeError[name])}${e.reason === undefined ? "" : `  (${e.reason})`}`);
}
log(`  target vs its own logs: total variation ${result.diagnostics.targetVsLoggedTotalVariation.toFixed(3)}; with the logged frequencies as target: ` +
  ESTIMATORS.map((e) => `${e} ${pct(result.diagnostics.loggedTargetRelativeError[e])}`).join("  "));
for (const [name, policy] of Object.entries(result.policies)) {
  log(`  policy ${name.padEnd(14)} ${ESTIMATORS.map((e) => `${e} ${rate(policy.estimates[e].value)}`).join("  ")}`);
}
log(`wrote ${outFile} and ${htmlFile} (${wallSeconds.toFixed(1)} s)`);

function estimateRows(table: EstimateTable, truth: number | null): (string | number | null)[][] {
  return ESTIMATORS.map((name) => {
    const e = table[name];
    const relative = truth === null || e.value === null || truth === 0 ? null : Math.abs(e.value - truth) / truth;
    const covered = truth === null || e.ciLow === null || e.ciHigh === null ? null : e.ciLow <= truth && truth <= e.ciHigh ? "yes" : "no";
    return [ESTIMATOR_LABELS[name]!, e.value, e.ciLow, e.ciHigh, ...(truth === null ? [] : [relative, covered]), e.clipped ?? null, e.maxWeight ?? null, e.reason ?? ""];
  });
}

function reportSections(r: ObdEvaluation, seconds: number): ReportSection[] {
  const labels = ESTIMATORS.map((e) => ESTIMATOR_LABELS[e]!);
  const points = (table: EstimateTable, prefix = "") =>
    ESTIMATORS.map((e) => ({ label: `${prefix}${ESTIMATOR_LABELS[e]}`, value: table[e].value, low: table[e].ciLow, high: table[e].ciHigh }));
  const level = `${Math.round(r.settings.level * 100)}%`;
  const policyNames = Object.keys(r.policies);
  const policyLabels = policyNames.flatMap((p) => labels.map((l) => `${p} · ${l}`));
  const topItems = r.actionDist
    .map((byPosition, item) => ({ item, byPosition, total: byPosition.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total);
  const distChart: ChartConfiguration = {
    type: "bar",
    data: {
      labels: topItems.map((t) => `item ${t.item}`),
      datasets: [0, 1, 2].map((k) => ({ label: `position ${k + 1}`, data: topItems.map((t) => t.byPosition[k] ?? 0), stack: "p" })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: "pi(item | position), summed over positions" } } } },
  };
  return [
    {
      heading: "Setup",
      paragraphs: [
        `Campaign ${r.campaign}: ${r.nRounds} logged (round, position) rows of the ${r.behavior} policy (${r.loggedClicks} clicks, CTR ${r.loggedCtr.toFixed(5)}). ` +
          `Target: ${r.evaluate}; ground truth = mean click of its own logs, ${r.groundTruth.toFixed(5)} (${r.groundTruthClicks} clicks in ${r.groundTruthRounds} rows; ` +
          `95% Wilson interval ${r.groundTruthInterval[0].toFixed(5)} to ${r.groundTruthInterval[1].toFixed(5)}).`,
        `Reward model (DM, DR, Switch-DR): ${r.settings.rewardModel}. Intervals: ${level} ${r.settings.bootstrap}. ` +
          `Clipping: ${r.settings.clip ?? "none"}; Switch-DR tau: ${r.settings.switchTau ?? "Infinity"}. Wall time ${seconds.toFixed(1)} s.`,
      ],
    },
    {
      heading: `Estimates of ${r.evaluate}'s click rate`,
      charts: [intervalChart({
        title: `${r.evaluate} from ${r.behavior} logs: estimates with ${level} bootstrap intervals; dashed: ground truth (band: its Wilson interval)`,
        labels, series: [{ name: "estimate", points: points(r.estimates) }],
        reference: { name: "ground truth", value: r.groundTruth, low: r.groundTruthInterval[0], high: r.groundTruthInterval[1] },
        yLabel: "click rate per (round, position)",
      })],
      tables: [{
        columns: ["estimator", "value", "ci low", "ci high", "relative error", "truth in interval", "weights clipped / switched", "max raw weight", "note"],
        rows: estimateRows(r.estimates, r.groundTruth),
      }],
    },
    {
      heading: "Serendip-style policies on the same logs",
      paragraphs: [
        ...policyNames.map((p) => `${p}: ${r.policies[p]!.description}.`),
        "No ground truth exists for these; the dashed line is the logged CTR. The exploiting policies are learnt and evaluated on the same logs, so their estimates are optimistic.",
      ],
      charts: [intervalChart({
        title: `Estimated click rate with ${level} intervals`,
        labels: policyLabels,
        series: [{ name: "estimate", points: policyNames.flatMap((p) => points(r.policies[p]!.estimates, `${p} · `)) }],
        reference: { name: `logged CTR (${r.behavior})`, value: r.loggedCtr },
        yLabel: "click rate per (round, position)",
      })],
      tables: policyNames.map((p) => ({
        caption: p,
        columns: ["estimator", "value", "ci low", "ci high", "weights clipped / switched", "max raw weight", "note"],
        rows: estimateRows(r.policies[p]!.estimates, null),
      })),
    },
    {
      heading: "Diagnostic: the modelled target against what it logged",
      paragraphs: [
        `Total variation distance between the modelled ${r.evaluate} distribution and the (item | position) frequencies of its own logs, ` +
          `averaged over positions: ${r.diagnostics.targetVsLoggedTotalVariation.toFixed(3)}. The production BTS was updated in batches during the week, ` +
          "so its starting prior is not exactly the policy whose clicks are the ground truth. Below, the same estimators with the logged frequencies as the target.",
      ],
      tables: [{
        columns: ["estimator", "value", "ci low", "ci high", "relative error", "truth in interval", "weights clipped / switched", "max raw weight", "note"],
        rows: estimateRows(r.diagnostics.loggedTargetEstimates, r.groundTruth),
      }, {
        caption: "Switch-DR against its threshold tau (0: DM; none: DR)",
        columns: ["tau", "value", "relative error", "rows switched to the model"],
        rows: r.diagnostics.switchDrByTau.map((s) => [s.tau ?? "none", s.value, s.value === null ? null : Math.abs(s.value - r.groundTruth) / r.groundTruth, s.switched]),
      }],
    },
    {
      heading: `${r.evaluate}'s action distribution`,
      charts: [{ title: "pi(item | position) by item, stacked over positions", config: distChart }],
      tables: [{
        caption: "Ten most likely items",
        columns: ["item", "position 1", "position 2", "position 3"],
        rows: topItems.slice(0, 10).map((t) => [t.item, ...t.byPosition]),
      }],
    },
  ];
}
