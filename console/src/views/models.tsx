// Models: every stored version with its metrics (offline evaluation and the ope_* gate), which one is live, the
// model the Worker refused and why; promote or roll back (POST /v1/models/:version/promote) after a confirmation.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type ApiError, type ModelSummary, type ModelsResponse } from "../api.js";
import { Badge, ErrorMessage, Loaded, TableRegion, toApiError, useLoad } from "../components.js";
import { formatNumber, formatTime } from "../format.js";

const HEADLINE = ["auc", "logloss", "hr10_full", "ndcg10_full"];

function splitMetrics(metrics: Record<string, number>) {
  const entries = Object.entries(metrics);
  return { offline: entries.filter(([k]) => !k.startsWith("ope_")), gate: entries.filter(([k]) => k.startsWith("ope_")) };
}

function GateVerdict({ metrics }: { metrics: Record<string, number> }) {
  if (!("ope_promote" in metrics)) return <span class="muted">no gate run</span>;
  return metrics.ope_promote === 1 ? <Badge kind="good">gate: promote</Badge> : <Badge kind="warn">gate: hold</Badge>;
}

export function ModelsView() {
  const [models, reload] = useLoad(() => api<ModelsResponse>("GET", "/v1/models"), []);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: string } | { error: ApiError } | null>(null);

  const promote = async (version: string) => {
    setBusy(true);
    setOutcome(null);
    try {
      const answer = await api<{ live: string }>("POST", `/v1/models/${encodeURIComponent(version)}/promote`);
      setOutcome({ ok: `Model ${answer.live} is now live.` });
      reload();
    } catch (err) {
      setOutcome({ error: toApiError(err) });
    } finally {
      setBusy(false);
      setConfirming(null);
    }
  };

  return (
    <>
      <div class="toolbar">
        <button type="button" onClick={reload}>Refresh</button>
      </div>
      <div aria-live="polite">
        {outcome !== null && "ok" in outcome && <p class="success" role="status">{outcome.ok}</p>}
      </div>
      {outcome !== null && "error" in outcome && <ErrorMessage error={outcome.error} context="Promotion refused" />}
      <Loaded load={models} what="models">
        {(answer) => (
          <>
            {answer.refused !== null && (
              <section class="card warn" aria-labelledby="refused-heading">
                <h3 id="refused-heading">Refused model: {answer.refused.version}</h3>
                <p>The Worker would not serve this version and answers with the fallback scorer instead. Reason:</p>
                <p class="reason">{answer.refused.reason}</p>
              </section>
            )}
            <section class="card" aria-labelledby="live-heading">
              <h3 id="live-heading">Live model</h3>
              {answer.live === null ? (
                <p class="empty">No model is live: rank requests are answered by the fallback scorer.</p>
              ) : (
                <dl class="facts" data-live-version={answer.live.version}>
                  <div><dt>Version</dt><dd>{answer.live.version}</dd></div>
                  <div><dt>Promoted</dt><dd>{formatTime(answer.live.promotedAt)}</dd></div>
                  <div><dt>Precision</dt><dd>{answer.live.precision}</dd></div>
                  <div><dt>Feature layout</dt><dd>{answer.live.featureLayout}</dd></div>
                  {HEADLINE.filter((k) => k in answer.live!.metrics).map((k) => (
                    <div key={k}><dt>{k}</dt><dd>{formatNumber(answer.live!.metrics[k]!, 4)}</dd></div>
                  ))}
                  <div><dt>OPE gate</dt><dd><GateVerdict metrics={answer.live.metrics} /></dd></div>
                </dl>
              )}
            </section>
            <section class="card" aria-labelledby="versions-heading">
              <h3 id="versions-heading">Stored versions ({answer.versions.length})</h3>
              <TableRegion label="Stored model versions">
                <table class="data" data-table="models">
                  <caption>Newest first as stored; promote any version to make it live, or roll back to an earlier one</caption>
                  <thead>
                    <tr>
                      <th scope="col">Version</th><th scope="col">Created</th><th scope="col">Promoted</th><th scope="col">Precision</th>
                      {HEADLINE.map((k) => <th scope="col" class="num" key={k}>{k}</th>)}
                      <th scope="col">OPE gate</th><th scope="col">Metrics</th><th scope="col">Action</th>
                    </tr>
                  </thead>
                  <tbody>
                    {answer.versions.map((model) => (
                      <ModelRow key={model.version} model={model} busy={busy} confirming={confirming === model.version}
                        onAsk={() => setConfirming(model.version)} onCancel={() => setConfirming(null)} onConfirm={() => void promote(model.version)} />
                    ))}
                  </tbody>
                </table>
              </TableRegion>
            </section>
          </>
        )}
      </Loaded>
    </>
  );
}

function ModelRow({ model, busy, confirming, onAsk, onCancel, onConfirm }: {
  model: ModelSummary; busy: boolean; confirming: boolean; onAsk: () => void; onCancel: () => void; onConfirm: () => void;
}) {
  const { offline, gate } = splitMetrics(model.metrics);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  const verb = model.promotedAt !== null ? "Roll back to" : "Promote";
  return (
    <tr data-version={model.version}>
      <th scope="row">
        {model.version} {model.live && <Badge kind="live">live</Badge>}
      </th>
      <td>{formatTime(model.createdAt)}</td>
      <td>{formatTime(model.promotedAt)}</td>
      <td>{model.precision}</td>
      {HEADLINE.map((k) => <td class="num" key={k}>{k in model.metrics ? formatNumber(model.metrics[k]!, 4) : "–"}</td>)}
      <td><GateVerdict metrics={model.metrics} /></td>
      <td>
        <details>
          <summary>{Object.keys(model.metrics).length} metrics<span class="visually-hidden"> of {model.version}</span></summary>
          <MetricList title="Offline evaluation" entries={offline} />
          {gate.length > 0 && <MetricList title="OPE gate (ope_*)" entries={gate} />}
          <p class="small muted">sha256 {model.sha256.slice(0, 16)}…</p>
        </details>
      </td>
      <td class="actions">
        {model.live ? (
          <span class="muted">serving</span>
        ) : confirming ? (
          <span class="confirm">
            <button type="button" class="danger" ref={confirmButton} disabled={busy} onClick={onConfirm}>
              Confirm: make {model.version} live
            </button>
            <button type="button" disabled={busy} onClick={onCancel}>Cancel</button>
          </span>
        ) : (
          <button type="button" disabled={busy} onClick={onAsk}>
            {verb}<span class="visually-hidden"> {model.version}</span>
          </button>
        )}
      </td>
    </tr>
  );
}

function MetricList({ title, entries }: { title: string; entries: [string, number][] }) {
  return (
    <>
      <p class="small strong">{title}</p>
      <dl class="metrics">
        {entries.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{formatNumber(v, 4)}</dd></div>)}
      </dl>
    </>
  );
}
