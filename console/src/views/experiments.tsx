// Experiments: each variant's logged counts with a 95% interval on CTR, and click rate over time per variant.
import type { ChartConfiguration } from "chart.js";
import { useMemo, useState } from "preact/hooks";
import { api, type ExperimentsResponse, type TimelineResponse } from "../api.js";
import { LineChart, SERIES_STYLES } from "../chart.js";
import { Loaded, TableRegion, useLoad } from "../components.js";
import { formatBucket, formatInt, formatInterval, formatPercent } from "../format.js";

const BUCKETS = [
  { ms: 60_000, label: "1 minute" },
  { ms: 600_000, label: "10 minutes" },
  { ms: 3_600_000, label: "1 hour" },
  { ms: 86_400_000, label: "1 day" },
];

export function ExperimentsView() {
  const [experiments, reloadExperiments] = useLoad(() => api<ExperimentsResponse>("GET", "/v1/experiments"), []);
  const [bucketMs, setBucketMs] = useState(3_600_000);
  const [timeline, reloadTimeline] = useLoad(() => api<TimelineResponse>("GET", `/v1/experiments/timeline?bucketMs=${bucketMs}&sinceMs=0`), [bucketMs]);
  const refresh = () => {
    reloadExperiments();
    reloadTimeline();
  };
  return (
    <>
      <div class="toolbar">
        <button type="button" onClick={refresh}>Refresh</button>
      </div>
      <Loaded load={experiments} what="experiments">
        {({ experiments: list }) =>
          list.map((experiment) => (
            <section class="card" aria-labelledby={`exp-${experiment.name}`} key={experiment.name}>
              <h3 id={`exp-${experiment.name}`}>Experiment “{experiment.name}”</h3>
              <TableRegion label={`Variants of ${experiment.name}`}>
                <table class="data" data-table="variants">
                  <caption>Logged decisions, impressions and clicks per variant; CTR with its 95% Wilson interval</caption>
                  <thead>
                    <tr>
                      <th scope="col">Variant</th><th scope="col">Policy</th><th scope="col" class="num">Weight</th>
                      <th scope="col">Model</th><th scope="col" class="num">Decisions</th><th scope="col" class="num">Impressions</th>
                      <th scope="col" class="num">Clicks</th><th scope="col" class="num">CTR</th><th scope="col">95% interval</th>
                    </tr>
                  </thead>
                  <tbody>
                    {experiment.variants.map((v) => (
                      <tr key={v.name}>
                        <th scope="row">{v.name}</th>
                        <td>{v.policy}</td>
                        <td class="num">{v.weight}</td>
                        <td>{v.modelVersion ?? <span class="muted">live model</span>}</td>
                        <td class="num">{formatInt(v.decisions)}</td>
                        <td class="num">{formatInt(v.impressions)}</td>
                        <td class="num">{formatInt(v.clicks)}</td>
                        <td class="num">{formatPercent(v.ctr, 2)}</td>
                        <td>{v.impressions === 0 ? <span class="muted">no impressions yet</span> : formatInterval(v.ctrCi95)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableRegion>
            </section>
          ))
        }
      </Loaded>
      <section class="card" aria-labelledby="timeline-heading">
        <h3 id="timeline-heading">Click rate over time</h3>
        <div class="field-row">
          <label for="bucket">Bucket</label>
          <select id="bucket" value={String(bucketMs)} onChange={(e) => setBucketMs(Number(e.currentTarget.value))}>
            {BUCKETS.map((b) => <option value={String(b.ms)} key={b.ms}>{b.label}</option>)}
          </select>
        </div>
        <Loaded load={timeline} what="the click-rate timeline">
          {(answer) => <Timeline answer={answer} />}
        </Loaded>
      </section>
    </>
  );
}

function Timeline({ answer }: { answer: TimelineResponse }) {
  const buckets = useMemo(() => [...new Set(answer.series.flatMap((s) => s.points.map((p) => p.bucketStart)))].sort((a, b) => a - b), [answer]);
  const config = useMemo<ChartConfiguration<"line">>(() => ({
    type: "line",
    data: {
      labels: buckets.map((b) => formatBucket(b, answer.bucketMs)),
      datasets: answer.series.map((series, i) => {
        const style = SERIES_STYLES[i % SERIES_STYLES.length]!;
        const byBucket = new Map(series.points.map((p) => [p.bucketStart, p]));
        return {
          label: series.variant,
          data: buckets.map((b) => { const p = byBucket.get(b); return p === undefined ? null : p.ctr * 100; }),
          borderColor: style.color, backgroundColor: style.color, borderDash: style.dash, pointStyle: style.point,
          pointRadius: 5, borderWidth: 2, spanGaps: true,
        };
      }),
    },
    options: {
      scales: {
        y: { beginAtZero: true, title: { display: true, text: "click-through rate (%)" } },
        x: { title: { display: true, text: "bucket start (UTC)" } },
      },
      plugins: {
        legend: { position: "bottom", labels: { usePointStyle: true } },
        tooltip: {
          callbacks: {
            label: (item) => {
              const series = answer.series[item.datasetIndex]!;
              const point = series.points.find((p) => p.bucketStart === buckets[item.dataIndex]);
              if (point === undefined) return series.variant;
              return `${series.variant}: ${formatPercent(point.ctr, 2)} (${point.clicks}/${point.impressions}; 95% ${formatInterval(point.ctrCi95)})`;
            },
          },
        },
      },
    },
  }), [answer, buckets]);

  if (answer.series.length === 0) {
    return <p class="empty">No impressions logged yet: rank some requests (POST /v1/rank) and send click events to see the click rate.</p>;
  }
  return (
    <>
      <LineChart id="timeline-chart" config={config} label={`Click-through rate per variant over time, ${answer.series.length} variants, ${buckets.length} buckets`} />
      <details>
        <summary>The same numbers as a table</summary>
        <TableRegion label="Click rate over time, table">
          <table class="data" data-table="timeline">
            <caption>Impressions, clicks and CTR per variant and bucket</caption>
            <thead>
              <tr><th scope="col">Bucket (UTC)</th><th scope="col">Variant</th><th scope="col" class="num">Impressions</th><th scope="col" class="num">Clicks</th><th scope="col" class="num">CTR</th><th scope="col">95% interval</th></tr>
            </thead>
            <tbody>
              {answer.series.flatMap((s) => s.points.map((p) => (
                <tr key={`${s.variant}-${p.bucketStart}`}>
                  <td>{formatBucket(p.bucketStart, answer.bucketMs)}</td>
                  <th scope="row">{s.variant}</th>
                  <td class="num">{formatInt(p.impressions)}</td>
                  <td class="num">{formatInt(p.clicks)}</td>
                  <td class="num">{formatPercent(p.ctr, 2)}</td>
                  <td>{formatInterval(p.ctrCi95)}</td>
                </tr>
              )))}
            </tbody>
          </table>
        </TableRegion>
      </details>
    </>
  );
}
