// Catalogue: find items by title (optionally cold ones only) with how often they were shown and clicked, and how
// concentrated exposure is across the active catalogue (Gini, Lorenz curve, most shown, never shown).
import type { ChartConfiguration } from "chart.js";
import { useMemo, useState } from "preact/hooks";
import { api, type ExposureResponse, type ItemsResponse } from "../api.js";
import { LineChart, SERIES_STYLES } from "../chart.js";
import { Badge, Loaded, TableRegion, useLoad } from "../components.js";
import { formatInt, formatNumber, formatPercent, formatTime } from "../format.js";
import { ensureTitles, rememberTitles, titleOf } from "../titles.js";

const LIMITS = [20, 50, 100, 500];

export function CatalogueView() {
  const [draft, setDraft] = useState({ query: "", cold: false, limit: 50 });
  const [search, setSearch] = useState(draft);
  const [items] = useLoad(async () => {
    const answer = await api<ItemsResponse>("GET", `/v1/items?${new URLSearchParams({ query: search.query, cold: String(search.cold), limit: String(search.limit) })}`);
    rememberTitles(answer.items);
    return { ...answer, search };
  }, [search]);
  const [exposure, reloadExposure] = useLoad(async () => {
    const answer = await api<ExposureResponse>("GET", "/v1/items/exposure");
    await ensureTitles(answer.top.map((t) => t.itemId));
    return answer;
  }, []);

  return (
    <>
      <form class="card search" role="search" aria-label="Search the catalogue" onSubmit={(e) => { e.preventDefault(); setSearch({ ...draft }); }}>
        <div class="field">
          <label for="item-query">Title contains</label>
          <input id="item-query" type="search" value={draft.query} maxLength={200} autocomplete="off"
            onInput={(e) => setDraft({ ...draft, query: e.currentTarget.value })} placeholder="e.g. Star Wars" />
        </div>
        <div class="field">
          <label for="item-limit">Show at most</label>
          <select id="item-limit" value={String(draft.limit)} onChange={(e) => setDraft({ ...draft, limit: Number(e.currentTarget.value) })}>
            {LIMITS.map((n) => <option key={n} value={String(n)}>{n}</option>)}
          </select>
        </div>
        <div class="field checkbox">
          <input id="item-cold" type="checkbox" checked={draft.cold} onChange={(e) => setDraft({ ...draft, cold: e.currentTarget.checked })} />
          <label for="item-cold">Cold items only (no collaborative vector yet)</label>
        </div>
        <button type="submit">Search</button>
      </form>
      <section class="card" aria-labelledby="items-heading">
        <h3 id="items-heading">Items</h3>
        <Loaded load={items} what="items">
          {({ items: list, search: shown }) => list.length === 0 ? <p class="empty">No item matches.</p> : (
            <TableRegion label="Matching items">
              <table class="data" data-table="items" data-query={shown.query} data-cold={String(shown.cold)}>
                <caption>{list.length} items, most shown first{shown.cold ? " (cold only)" : ""}</caption>
                <thead>
                  <tr>
                    <th scope="col">Title</th><th scope="col">Id</th><th scope="col">Tags</th><th scope="col">State</th>
                    <th scope="col" class="num">Ratings</th><th scope="col" class="num">Impressions</th><th scope="col" class="num">Clicks</th>
                    <th scope="col" class="num">CTR</th><th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((item) => (
                    <tr key={item.itemId}>
                      <th scope="row">{item.title}</th>
                      <td class="mono">{item.itemId}</td>
                      <td>{item.tags.join(", ")}</td>
                      <td>{item.cold && <Badge kind="cold">cold</Badge>} {!item.active && <Badge kind="warn">inactive</Badge>}</td>
                      <td class="num">{formatInt(item.ratingCount)}</td>
                      <td class="num">{formatInt(item.impressions)}</td>
                      <td class="num">{formatInt(item.clicks)}</td>
                      <td class="num">{item.impressions === 0 ? "–" : formatPercent(item.clicks / item.impressions, 1)}</td>
                      <td>{formatTime(item.createdAt).slice(0, 10)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableRegion>
          )}
        </Loaded>
      </section>
      <section class="card" aria-labelledby="exposure-heading">
        <h3 id="exposure-heading">Exposure concentration</h3>
        <div class="toolbar"><button type="button" onClick={reloadExposure}>Refresh exposure</button></div>
        <Loaded load={exposure} what="exposure">
          {(answer) => <Exposure answer={answer} />}
        </Loaded>
      </section>
    </>
  );
}

function Exposure({ answer }: { answer: ExposureResponse }) {
  const config = useMemo<ChartConfiguration<"line">>(() => {
    const points: [number, number][] = answer.lorenz.length > 0 ? answer.lorenz : [[0, 0], [1, 1]];
    return {
      type: "line",
      data: {
        labels: points.map(([x]) => formatPercent(x, 0)),
        datasets: [
          { label: "Lorenz curve of impressions", data: points.map(([, y]) => y * 100), borderColor: SERIES_STYLES[0]!.color,
            backgroundColor: "rgba(0, 114, 178, 0.12)", fill: "origin", pointRadius: 0, borderWidth: 2 },
          { label: "Perfect equality", data: points.map(([x]) => x * 100), borderColor: "#6b7280", borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 },
        ],
      },
      options: {
        scales: {
          x: { title: { display: true, text: "share of items, least shown first" }, ticks: { maxTicksLimit: 6 } },
          y: { min: 0, max: 100, title: { display: true, text: "share of impressions (%)" } },
        },
        plugins: { legend: { position: "bottom" } },
      },
    };
  }, [answer]);
  return (
    <>
      <dl class="facts">
        <div><dt>Active items</dt><dd>{formatInt(answer.items)}</dd></div>
        <div><dt>Impressions</dt><dd>{formatInt(answer.impressions)}</dd></div>
        <div><dt>Gini</dt><dd data-gini>{formatNumber(answer.gini, 3)}</dd></div>
        <div><dt>Never shown</dt><dd>{formatInt(answer.neverShown)} ({formatPercent(answer.items === 0 ? null : answer.neverShown / answer.items, 0)})</dd></div>
      </dl>
      <LineChart id="lorenz-chart" config={config}
        label={`Lorenz curve of impressions over ${answer.items} active items; Gini ${formatNumber(answer.gini, 3)}; ${answer.neverShown} never shown`} />
      <h4>Most shown</h4>
      {answer.top.length === 0 ? <p class="empty">Nothing shown yet.</p> : (
        <TableRegion label="Most shown items">
          <table class="data" data-table="top">
            <caption class="visually-hidden">The most shown items and their share of all impressions</caption>
            <thead><tr><th scope="col">Item</th><th scope="col" class="num">Impressions</th><th scope="col" class="num">Share</th></tr></thead>
            <tbody>
              {answer.top.map((t) => (
                <tr key={t.itemId}>
                  <th scope="row">{titleOf(t.itemId) ?? t.itemId} <span class="muted small mono">#{t.itemId}</span></th>
                  <td class="num">{formatInt(t.impressions)}</td>
                  <td class="num">{formatPercent(answer.impressions === 0 ? null : t.impressions / answer.impressions, 1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}
