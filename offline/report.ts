// Self-contained HTML reports for the offline tools: headings, text, tables and Chart.js charts in one file that
// opens without a network (Chart.js's UMD build is inlined from node_modules, the chart specs as JSON).
//
//   writeHtmlReport("out/run.html", "Title", [{ heading: "Estimates", tables: [...], charts: [intervalChart({...})] }]);
//
// A chart is a plain Chart.js configuration (JSON only: no callbacks); intervalChart builds the common "point
// estimates with error bars against a reference" one.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { ChartConfiguration } from "chart.js";

export type Cell = string | number | null;

export interface TableSpec {
  caption?: string;
  columns: string[];
  rows: Cell[][];
  /** Significant digits of numbers (default 4); integers print as they are. */
  digits?: number;
}

export interface ChartSpec {
  title?: string;
  /** A Chart.js configuration; it must survive JSON.stringify. A dataset with `hideInLegend: true` is left out of
   * the legend and the tooltips. */
  config: ChartConfiguration;
  /** Canvas height in pixels (default 360). */
  height?: number;
}

export interface ReportSection {
  heading: string;
  /** Plain-text paragraphs (escaped). */
  paragraphs?: string[];
  tables?: TableSpec[];
  charts?: ChartSpec[];
}

let chartLibrary: string | undefined;

/** Chart.js's UMD bundle, read once from node_modules. */
export function chartLibrarySource(): string {
  if (chartLibrary === undefined) {
    const main = createRequire(import.meta.url).resolve("chart.js");
    chartLibrary = readFileSync(join(dirname(main), "chart.umd.min.js"), "utf8");
  }
  return chartLibrary;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

export function formatCell(cell: Cell, digits = 4): string {
  if (cell === null) return "–";
  if (typeof cell === "string") return cell;
  if (!Number.isFinite(cell)) return String(cell);
  if (Number.isInteger(cell)) return String(cell);
  return Number(cell.toPrecision(digits)).toString();
}

function tableHtml({ caption, columns, rows, digits }: TableSpec): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td${typeof cell === "number" ? ' class="num"' : ""}>${escapeHtml(formatCell(cell, digits))}</td>`).join("")}</tr>`).join("\n");
  return `<table>${caption === undefined ? "" : `<caption>${escapeHtml(caption)}</caption>`}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** The whole report as one HTML string. */
export function renderHtmlReport(title: string, sections: ReportSection[], generatedAt = new Date()): string {
  const charts: ChartSpec[] = [];
  const body = sections.map((section) => {
    const parts = [`<h2>${escapeHtml(section.heading)}</h2>`];
    for (const p of section.paragraphs ?? []) parts.push(`<p>${escapeHtml(p)}</p>`);
    for (const chart of section.charts ?? []) {
      const id = charts.push(chart) - 1;
      parts.push(`<figure>${chart.title === undefined ? "" : `<figcaption>${escapeHtml(chart.title)}</figcaption>`}` +
        `<div class="chart" style="height:${chart.height ?? 360}px"><canvas id="chart-${id}"></canvas></div></figure>`);
    }
    for (const table of section.tables ?? []) parts.push(tableHtml(table));
    return `<section>\n${parts.join("\n")}\n</section>`;
  }).join("\n");
  const library = chartLibrarySource().replace(/<\/script/gi, "<\\/script");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1rem 0; } caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f4f4f4; } figure { margin: 1rem 0; } figcaption { font-weight: 600; margin-bottom: 0.4rem; }
.chart { position: relative; width: 100%; } .meta { color: #666; }
</style>
<script>${library}</script>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">Generated ${escapeHtml(generatedAt.toISOString())}. Self-contained: Chart.js is inlined, nothing is fetched.</p>
${body}
<script>
const specs = ${scriptJson(charts.map((c) => c.config))};
specs.forEach((config, i) => {
  config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
  // Datasets marked hideInLegend (e.g. the edges of a band) stay out of the legend and the tooltips.
  const shown = (item) => !config.data.datasets[item.datasetIndex].hideInLegend;
  const plugins = (config.options.plugins = config.options.plugins || {});
  plugins.legend = plugins.legend || {};
  plugins.legend.labels = Object.assign({ filter: shown }, plugins.legend.labels || {});
  plugins.tooltip = Object.assign({ filter: shown }, plugins.tooltip || {});
  new Chart(document.getElementById("chart-" + i), config);
});
</script>
</body>
</html>
`;
}

/** Writes the report (creating the folder). */
export function writeHtmlReport(file: string, title: string, sections: ReportSection[]): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderHtmlReport(title, sections));
}

export interface IntervalPoint {
  label: string;
  value: number | null;
  low: number | null;
  high: number | null;
}

const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

/** Point estimates with their intervals (thin floating bars) per label (series overlap at the same x: give
 * each its own labels where they would collide), and an optional reference value drawn as a dashed line with its own
 * band (e.g. a ground truth and its confidence interval). */
export function intervalChart({ title, labels, series, reference, yLabel }: {
  title?: string;
  labels: string[];
  series: { name: string; points: IntervalPoint[] }[];
  reference?: { name: string; value: number; low?: number; high?: number };
  yLabel?: string;
}): ChartSpec {
  const datasets: Record<string, unknown>[] = [];
  if (reference !== undefined) {
    if (reference.low !== undefined && reference.high !== undefined) {
      const edge = { type: "line", borderWidth: 0, pointRadius: 0, hideInLegend: true, order: 10 };
      datasets.push({ ...edge, label: `${reference.name} low`, data: labels.map(() => reference.low), fill: false });
      datasets.push({ ...edge, label: `${reference.name} high`, data: labels.map(() => reference.high), fill: "-1", backgroundColor: "rgba(0,0,0,0.08)" });
    }
    datasets.push({ type: "line", label: reference.name, data: labels.map(() => reference.value), borderColor: "#000", borderDash: [6, 4], borderWidth: 2, pointRadius: 0, fill: false, order: 9 });
  }
  series.forEach(({ name, points }, s) => {
    const colour = COLOURS[s % COLOURS.length]!;
    const byLabel = new Map(points.map((p) => [p.label, p]));
    datasets.push({
      type: "bar", label: `${name} interval`, backgroundColor: `${colour}55`, borderColor: colour, borderWidth: 1, barPercentage: 0.25, grouped: false,
      data: labels.map((l) => {
        const p = byLabel.get(l);
        return p === undefined || p.low === null || p.high === null ? null : [p.low, p.high];
      }),
      order: 2,
    });
    datasets.push({
      type: "line", label: name, showLine: false, pointRadius: 6, pointStyle: "rectRot", borderColor: colour, backgroundColor: colour,
      data: labels.map((l) => byLabel.get(l)?.value ?? null), order: 1,
    });
  });
  const config = {
    type: "bar",
    data: { labels, datasets },
    options: {
      plugins: { legend: { position: "bottom" }, ...(title === undefined ? {} : { title: { display: true, text: title } }) },
      scales: { y: { beginAtZero: true, ...(yLabel === undefined ? {} : { title: { display: true, text: yLabel } }) } },
    },
  } as unknown as ChartConfiguration;
  return { ...(title === undefined ? {} : { title }), config };
}
