// Per-variant results of a simulation, before and after the drift, and the report's tables and charts.
import type { ChartConfiguration } from "chart.js";
import type { ChartSpec, TableSpec } from "../report.js";
import { coverage, gini, intraListDiversity, lorenzCurve, novelty } from "./metrics.js";
import type { RequestRecord } from "./simulation.js";

export interface CatalogueInfo {
  size: number;
  /** Per catalogue item: its genre indicator vector (diversity). */
  genres: readonly ArrayLike<number>[];
  /** Per catalogue item: the smoothed share of users who rated it (novelty). */
  popularity: ArrayLike<number>;
}

export interface PhaseMetrics {
  users: number;
  requests: number;
  impressions: number;
  /** Realised clicks: the cumulative reward. */
  clicks: number;
  clicksPerUser: number;
  /** Clicks / impressions. */
  clickRate: number;
  clicksPerRequest: number;
  /** Expected clicks per request of the served slates and of the oracle's, under the ground truth. */
  expectedClicksPerRequest: number;
  oracleClicksPerRequest: number;
  /** Sum over requests of oracle minus served expected clicks; per request; per user. */
  regret: number;
  regretPerRequest: number;
  regretPerUser: number;
  /** Share of the catalogue shown at least once. */
  coverage: number;
  /** Mean over slates of 1 - mean pairwise genre cosine. */
  intraListDiversity: number | null;
  /** Mean over impressions of -log2 popularity. */
  novelty: number | null;
  /** Gini of impressions over every catalogue item (0: even exposure, near 1: a few items get everything). */
  exposureGini: number;
  /** Share of served slots the service marked explore. */
  exploreShare: number;
  /** Share of responses from the fallback scorer. */
  fallbackShare: number;
  meanLatencyMs: number;
}

export interface RoundPoint {
  round: number;
  requests: number;
  impressions: number;
  clicks: number;
  clickRate: number;
  /** Oracle's expected clicks per impression that round (the best click rate reachable). */
  oracleClickRate: number;
  /** Cumulative expected regret per user up to and including this round. */
  cumulativeRegretPerUser: number;
}

export interface VariantSummary {
  variant: string;
  policy: string;
  before: PhaseMetrics;
  after: PhaseMetrics;
  all: PhaseMetrics;
  rounds: RoundPoint[];
  /** Lorenz curve of impressions over the catalogue, whole run. */
  lorenz: { x: number; y: number }[];
  /** Share of served slots per reason the service gave, whole run (e.g. "exploit:no-popularity" shows a degraded
   * popularity variant). */
  reasons: Record<string, number>;
}

export type Phase = "before" | "after" | "all";

export function phaseMetrics(records: readonly RequestRecord[], catalogue: CatalogueInfo): PhaseMetrics {
  const users = new Set(records.map((r) => r.user)).size;
  const requests = records.length;
  const counts = new Float64Array(catalogue.size);
  let impressions = 0;
  let clicks = 0;
  let expected = 0;
  let oracle = 0;
  let explored = 0;
  let fallback = 0;
  let latency = 0;
  let diversitySum = 0;
  let diversityCount = 0;
  let noveltySum = 0;
  let noveltyCount = 0;
  for (const r of records) {
    const known = r.items.filter((i) => i >= 0);
    for (const i of known) counts[i]!++;
    impressions += r.items.length;
    clicks += r.clicks;
    expected += r.expected;
    oracle += r.oracle;
    explored += r.explored;
    fallback += r.fallback ? 1 : 0;
    latency += r.latencyMs;
    const diversity = intraListDiversity(known, catalogue.genres);
    if (diversity !== null) {
      diversitySum += diversity;
      diversityCount++;
    }
    const itemNovelty = novelty(known, catalogue.popularity);
    if (itemNovelty !== null) {
      noveltySum += itemNovelty * known.length;
      noveltyCount += known.length;
    }
  }
  const per = (x: number, n: number) => (n === 0 ? 0 : x / n);
  return {
    users, requests, impressions, clicks, clicksPerUser: per(clicks, users), clickRate: per(clicks, impressions),
    clicksPerRequest: per(clicks, requests), expectedClicksPerRequest: per(expected, requests), oracleClicksPerRequest: per(oracle, requests),
    regret: oracle - expected, regretPerRequest: per(oracle - expected, requests), regretPerUser: per(oracle - expected, users),
    coverage: coverage(records.flatMap((r) => r.items.filter((i) => i >= 0)), catalogue.size),
    intraListDiversity: diversityCount === 0 ? null : diversitySum / diversityCount,
    novelty: noveltyCount === 0 ? null : noveltySum / noveltyCount,
    exposureGini: gini(counts), exploreShare: per(explored, impressions), fallbackShare: per(fallback, requests),
    meanLatencyMs: per(latency, requests),
  };
}

/** One summary per variant (in `order` first, then any other variant the service answered with, by name). */
export function summarise(records: readonly RequestRecord[], catalogue: CatalogueInfo, driftRound: number, rounds: number, order: readonly string[] = []): VariantSummary[] {
  const names = [...new Set([...order, ...[...new Set(records.map((r) => r.variant))].sort()])].filter((name) => records.some((r) => r.variant === name));
  return names.map((variant) => {
    const mine = records.filter((r) => r.variant === variant);
    const users = new Set(mine.map((r) => r.user)).size;
    let cumulative = 0;
    const points: RoundPoint[] = [];
    for (let round = 0; round < rounds; round++) {
      const at = mine.filter((r) => r.round === round);
      const impressions = at.reduce((s, r) => s + r.items.length, 0);
      const clicks = at.reduce((s, r) => s + r.clicks, 0);
      const oracle = at.reduce((s, r) => s + r.oracle, 0);
      cumulative += at.reduce((s, r) => s + r.oracle - r.expected, 0);
      points.push({
        round, requests: at.length, impressions, clicks, clickRate: impressions === 0 ? 0 : clicks / impressions,
        // Per served slot (slates are full, k items, unless the user has run out of eligible items).
        oracleClickRate: impressions === 0 ? 0 : oracle / impressions,
        cumulativeRegretPerUser: users === 0 ? 0 : cumulative / users,
      });
    }
    const counts = new Float64Array(catalogue.size);
    for (const r of mine) for (const i of r.items) if (i >= 0) counts[i]!++;
    const reasons: Record<string, number> = {};
    const slots = mine.reduce((s, r) => s + r.reasons.length, 0);
    for (const r of mine) for (const reason of r.reasons) reasons[reason] = (reasons[reason] ?? 0) + 1;
    for (const reason of Object.keys(reasons)) reasons[reason]! /= slots;
    return {
      variant, policy: mine[0]!.policy,
      before: phaseMetrics(mine.filter((r) => r.round < driftRound), catalogue),
      after: phaseMetrics(mine.filter((r) => r.round >= driftRound), catalogue),
      all: phaseMetrics(mine, catalogue),
      rounds: points, lorenz: lorenzCurve(counts), reasons,
    };
  });
}

/** Rounds grouped into buckets of `size` for the click-rate chart: clicks / impressions over the bucket. */
export function bucketClickRates(points: readonly RoundPoint[], size: number): { label: string; clickRate: number | null; oracleClickRate: number | null }[] {
  const out: { label: string; clickRate: number | null; oracleClickRate: number | null }[] = [];
  for (let start = 0; start < points.length; start += size) {
    const bucket = points.slice(start, start + size);
    const impressions = bucket.reduce((s, p) => s + p.impressions, 0);
    const clicks = bucket.reduce((s, p) => s + p.clicks, 0);
    const oracleClicks = bucket.reduce((s, p) => s + p.oracleClickRate * p.impressions, 0);
    const last = bucket[bucket.length - 1]!.round;
    out.push({
      label: size === 1 ? String(start + 1) : `${start + 1}-${last + 1}`,
      clickRate: impressions === 0 ? null : clicks / impressions,
      oracleClickRate: impressions === 0 ? null : oracleClicks / impressions,
    });
  }
  return out;
}

const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

/** Two tables per variant and phase: reward and regret, then exposure and the service's own flags. */
export function variantTables(summaries: readonly VariantSummary[], caption: string): TableSpec[] {
  const phases = ["before", "after", "all"] as const;
  const rows = (cells: (m: PhaseMetrics) => (number | null)[]) =>
    summaries.flatMap((s) => phases.map((phase) => [s.variant, phase, ...cells(s[phase])]));
  return [
    {
      caption: `${caption}: reward and regret`,
      columns: ["variant", "phase", "users", "clicks", "clicks/user", "click rate", "clicks/request", "expected clicks/request", "oracle clicks/request", "regret/request", "regret/user"],
      rows: rows((m) => [m.users, m.clicks, m.clicksPerUser, m.clickRate, m.clicksPerRequest, m.expectedClicksPerRequest, m.oracleClicksPerRequest, m.regretPerRequest, m.regretPerUser]),
      digits: 3,
    },
    {
      caption: `${caption}: exposure`,
      columns: ["variant", "phase", "requests", "impressions", "coverage", "diversity (ILD)", "novelty", "exposure Gini", "explore share", "fallback share", "mean latency ms"],
      rows: rows((m) => [m.requests, m.impressions, m.coverage, m.intraListDiversity, m.novelty, m.exposureGini, m.exploreShare, m.fallbackShare, m.meanLatencyMs]),
      digits: 3,
    },
  ];
}

export function clickRateChart(summaries: readonly VariantSummary[], bucket: number, driftRound: number): ChartSpec {
  const buckets = summaries.map((s) => bucketClickRates(s.rounds, bucket));
  const labels = buckets[0]?.map((b) => b.label) ?? [];
  // The oracle's reachable click rate, averaged over every variant's users (it does not depend on the policy
  // except through what each user has already clicked).
  const oracle = labels.map((_, b) => {
    const values = buckets.map((v) => v[b]!.oracleClickRate).filter((x): x is number => x !== null);
    return values.length === 0 ? null : values.reduce((s, x) => s + x, 0) / values.length;
  });
  const datasets: Record<string, unknown>[] = summaries.map((s, v) => ({
    label: s.variant, data: buckets[v]!.map((b) => b.clickRate), borderColor: COLOURS[v % COLOURS.length], backgroundColor: COLOURS[v % COLOURS.length],
    fill: false, pointRadius: 2,
  }));
  datasets.push({ label: "oracle (expected)", data: oracle, borderColor: "#000", borderDash: [6, 4], pointRadius: 0, fill: false });
  const config = {
    type: "line",
    data: { labels, datasets },
    options: {
      plugins: { legend: { position: "bottom" }, title: { display: true, text: `Click rate (clicks / impressions) per round${bucket > 1 ? ` bucket of ${bucket}` : ""}; taste drift from round ${driftRound + 1}` } },
      scales: { x: { title: { display: true, text: "round" } }, y: { beginAtZero: true, title: { display: true, text: "click rate" } } },
    },
  } as unknown as ChartConfiguration;
  return { title: "Click rate over time", config };
}

export function regretChart(summaries: readonly VariantSummary[], driftRound: number): ChartSpec {
  const labels = summaries[0]?.rounds.map((p) => String(p.round + 1)) ?? [];
  const config = {
    type: "line",
    data: {
      labels,
      datasets: summaries.map((s, v) => ({
        label: s.variant, data: s.rounds.map((p) => p.cumulativeRegretPerUser), borderColor: COLOURS[v % COLOURS.length],
        backgroundColor: COLOURS[v % COLOURS.length], fill: false, pointRadius: 1,
      })),
    },
    options: {
      plugins: { legend: { position: "bottom" }, title: { display: true, text: `Cumulative expected regret per user against the oracle; drift from round ${driftRound + 1}` } },
      scales: { x: { title: { display: true, text: "round" } }, y: { beginAtZero: true, title: { display: true, text: "expected clicks lost per user" } } },
    },
  } as unknown as ChartConfiguration;
  return { title: "Cumulative regret", config };
}

export function lorenzChart(summaries: readonly VariantSummary[]): ChartSpec {
  const datasets: Record<string, unknown>[] = summaries.map((s, v) => ({
    label: `${s.variant} (Gini ${s.all.exposureGini.toFixed(3)})`, data: s.lorenz, borderColor: COLOURS[v % COLOURS.length],
    backgroundColor: COLOURS[v % COLOURS.length], showLine: true, fill: false, pointRadius: 0,
  }));
  datasets.push({ label: "equal exposure", data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], borderColor: "#000", borderDash: [6, 4], showLine: true, pointRadius: 0, fill: false });
  const config = {
    type: "scatter",
    data: { datasets },
    options: {
      plugins: { legend: { position: "bottom" }, title: { display: true, text: "Exposure Lorenz curve: share of impressions going to the least shown share of the catalogue (whole run)" } },
      scales: {
        x: { min: 0, max: 1, title: { display: true, text: "share of catalogue items (least shown first)" } },
        y: { min: 0, max: 1, title: { display: true, text: "share of impressions" } },
      },
    },
  } as unknown as ChartConfiguration;
  return { title: "Exposure concentration", config, height: 420 };
}
