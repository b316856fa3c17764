// User explorer: what the service would show a user now (POST /v1/preview: ranked like /v1/rank, not logged),
// why, what it has learnt about them (GET /v1/users/:userId), and what each experiment variant would show instead.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type ApiError, type ExperimentsResponse, type RankResponse, type RankedItem, type UserView } from "../api.js";
import { Badge, ErrorMessage, Loaded, TableRegion, toApiError, type Load } from "../components.js";
import { formatInt, formatNumber, formatPercent, formatTime } from "../format.js";
import { ensureTitles, rememberTitles, titleOf } from "../titles.js";

const K = 10;

interface Exploration {
  user: Load<UserView>;
  preview: RankResponse;
  variants: { name: string; result: { ok: RankResponse } | { error: ApiError } }[];
}

async function explore(userId: string): Promise<Exploration> {
  const [user, preview, experiments] = await Promise.all([
    api<UserView>("GET", `/v1/users/${encodeURIComponent(userId)}`).then(
      (value): Load<UserView> => ({ state: "done", value }),
      (err: unknown): Load<UserView> => ({ state: "error", error: toApiError(err) }),
    ),
    api<RankResponse>("POST", "/v1/preview", { userId, k: K }),
    api<ExperimentsResponse>("GET", "/v1/experiments"),
  ]);
  const names = experiments.experiments.flatMap((e) => e.variants.map((v) => v.name));
  const variants = await Promise.all(names.map(async (name): Promise<Exploration["variants"][number]> => {
    try {
      return { name, result: { ok: await api<RankResponse>("POST", "/v1/preview", { userId, k: K, variant: name }) } };
    } catch (err) {
      return { name, result: { error: toApiError(err) } };
    }
  }));
  if (user.state === "done") rememberTitles(user.value.interests.shortTerm);
  const shown = [preview, ...variants.flatMap((v) => ("ok" in v.result ? [v.result.ok] : []))];
  for (const answer of shown) rememberTitles(answer.items);
  await ensureTitles(shown.flatMap((answer) => answer.items.map((item) => item.itemId)));
  return { user, preview, variants };
}

export function UsersView({ userId, onUserId }: { userId: string | null; onUserId: (id: string) => void }) {
  const [draft, setDraft] = useState(userId ?? "");
  const [result, setResult] = useState<Load<Exploration>>({ state: "idle" });
  const run = useRef(0);
  useEffect(() => {
    if (userId === null || userId === "") return;
    setDraft(userId);
    const id = ++run.current;
    setResult({ state: "loading" });
    explore(userId).then(
      (value) => { if (run.current === id) setResult({ state: "done", value }); },
      (err: unknown) => { if (run.current === id) setResult({ state: "error", error: toApiError(err) }); },
    );
  }, [userId]);

  return (
    <>
      <form class="card search" role="search" aria-label="Look up a user" onSubmit={(e) => { e.preventDefault(); if (draft.trim() !== "") onUserId(draft.trim()); }}>
        <div class="field">
          <label for="user-id">User id</label>
          <input id="user-id" name="userId" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} required maxLength={256}
            autocomplete="off" spellcheck={false} placeholder="e.g. 196" aria-describedby="user-id-help" />
          <p id="user-id-help" class="small muted">Previews are ranked like POST /v1/rank but are not logged and do not count as shown.</p>
        </div>
        <button type="submit">Look up</button>
      </form>
      <Loaded load={result} what={`user ${userId ?? ""}`}>
        {(value) => <Exploration userId={userId!} exploration={value} />}
      </Loaded>
    </>
  );
}

function ItemTitle({ item }: { item: { itemId: string; title?: string } }) {
  const title = item.title ?? titleOf(item.itemId);
  return title === undefined ? <span class="mono">{item.itemId}</span> : <>{title} <span class="muted small mono">#{item.itemId}</span></>;
}

function Exploration({ userId, exploration }: { userId: string; exploration: Exploration }) {
  const { user, preview, variants } = exploration;
  return (
    <>
      <section class="card" aria-labelledby="preview-heading">
        <h3 id="preview-heading">Top {preview.items.length} for user {userId} now</h3>
        <p class="small">
          Variant <strong>{preview.variant}</strong> (the user's own) · policy {preview.policy} · model {preview.modelVersion ?? "none"}
          {preview.fallback && <> · <Badge kind="warn">fallback scorer</Badge></>}
        </p>
        <RankedTable items={preview.items} caption={`What variant ${preview.variant} would show user ${userId}, with the reason for each item`} name="preview" />
      </section>
      {user.state === "error" ? (
        <ErrorMessage error={user.error} context={`No stored state for user ${userId}`} />
      ) : user.state === "done" ? (
        <UserState view={user.value} />
      ) : null}
      <section class="card" aria-labelledby="compare-heading">
        <h3 id="compare-heading">What would each variant show?</h3>
        <div class="compare">
          {variants.map(({ name, result }) => (
            <section class="variant-column" aria-labelledby={`variant-${name}`} key={name} data-variant={name}>
              <h4 id={`variant-${name}`}>
                {name} {name === preview.variant && <Badge kind="plain">user's variant</Badge>}
              </h4>
              {"error" in result ? (
                <ErrorMessage error={result.error} context={`Preview as ${name} failed`} />
              ) : (
                <>
                  <p class="small muted">policy {result.ok.policy} · model {result.ok.modelVersion ?? "none"}{result.ok.fallback ? " · fallback" : ""}</p>
                  <ol class="slate">
                    {result.ok.items.map((item) => (
                      <li key={item.itemId}>
                        <ItemTitle item={item} /> {item.explore && <Badge kind="explore">explore</Badge>}
                        <span class="small muted block">{item.reason}</span>
                      </li>
                    ))}
                  </ol>
                </>
              )}
            </section>
          ))}
        </div>
      </section>
    </>
  );
}

function RankedTable({ items, caption, name }: { items: RankedItem[]; caption: string; name: string }) {
  return (
    <TableRegion label={caption}>
      <table class="data" data-table={name}>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" class="num">#</th><th scope="col">Item</th><th scope="col" class="num">Score</th>
            <th scope="col" class="num">Propensity</th><th scope="col">Explore</th><th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.itemId} data-item-id={item.itemId}>
              <td class="num">{item.rank}</td>
              <th scope="row"><ItemTitle item={item} /></th>
              <td class="num">{formatNumber(item.score, 4)}</td>
              <td class="num">{formatNumber(item.propensity, 3)}</td>
              <td>{item.explore ? <Badge kind="explore">explore</Badge> : <span class="muted">exploit</span>}</td>
              <td class="reason">{item.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

function UserState({ view }: { view: UserView }) {
  const { profile, interests, counts, learning, recentEvents } = view;
  return (
    <div class="grid-2">
      <section class="card" aria-labelledby="profile-heading">
        <h3 id="profile-heading">Profile and counts</h3>
        <dl class="facts">
          <div><dt>Assigned variant</dt><dd>{view.variant}</dd></div>
          <div><dt>Ratings</dt><dd>{profile === null ? "no profile" : `${formatInt(profile.ratingCount)} (mean ${formatNumber(profile.ratingMean, 2)})`}</dd></div>
          {profile !== null && Object.entries(profile.attributes).map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{String(v)}</dd></div>)}
          <div><dt>Decisions</dt><dd>{formatInt(counts.decisions)}</dd></div>
          <div><dt>Impressions</dt><dd>{formatInt(counts.impressions)}</dd></div>
          <div><dt>Events</dt><dd>{formatInt(counts.events)}</dd></div>
          {Object.entries(counts.liveEvents).map(([k, v]) => <div key={k}><dt>live {k}</dt><dd>{formatInt(v)}</dd></div>)}
        </dl>
      </section>
      <section class="card" aria-labelledby="interests-heading">
        <h3 id="interests-heading">Interests</h3>
        <h4>Long term (tags)</h4>
        {interests.longTerm.length === 0 ? <p class="empty">None yet.</p> : (
          <ul class="bars">
            {interests.longTerm.map((t) => (
              <li key={t.tag}>
                <span class="bar-label">{t.tag}</span>
                <span class="bar" aria-hidden="true"><span style={{ width: `${Math.round(Math.min(1, t.share) * 100)}%` }} /></span>
                <span class="num">{formatPercent(t.share, 0)}</span>
              </li>
            ))}
          </ul>
        )}
        <h4>Short term (nearest items)</h4>
        {interests.shortTerm.length === 0 ? <p class="empty">No recent activity.</p> : (
          <ol class="compact">
            {interests.shortTerm.map((s) => <li key={s.itemId}><ItemTitle item={s} /> <span class="small muted">similarity {formatNumber(s.similarity, 3)}</span></li>)}
          </ol>
        )}
      </section>
      <section class="card" aria-labelledby="learning-heading">
        <h3 id="learning-heading">Learning state</h3>
        {learning === null ? <p class="empty">No live state: this user has no events yet.</p> : (
          <>
            <dl class="facts">
              <div><dt>Fatigued items</dt><dd>{formatInt(learning.fatiguedItems)}</dd></div>
              <div><dt>Consumed items</dt><dd>{formatInt(learning.consumedItems)}</dd></div>
              <div><dt>Rewards credited</dt><dd>{formatInt(learning.credited.rewards)}</dd></div>
              <div><dt>Late</dt><dd>{formatInt(learning.credited.late)}</dd></div>
              <div><dt>Not in a decision</dt><dd>{formatInt(learning.credited.notInDecision)}</dd></div>
              <div><dt>Expired unrewarded</dt><dd>{formatInt(learning.credited.expiredUnrewarded)}</dd></div>
            </dl>
            <TableRegion label="Interest clusters">
              <table class="data" data-table="clusters">
                <caption>Interest clusters the bandit learns per user</caption>
                <thead><tr><th scope="col" class="num">Cluster</th><th scope="col">Tags</th><th scope="col" class="num">Mean reward</th><th scope="col" class="num">Observations</th></tr></thead>
                <tbody>
                  {learning.clusters.map((c) => (
                    <tr key={c.cluster}><td class="num">{c.cluster}</td><td>{c.tags.join(", ") || "–"}</td><td class="num">{formatNumber(c.meanReward, 3)}</td><td class="num">{formatInt(c.observations)}</td></tr>
                  ))}
                </tbody>
              </table>
            </TableRegion>
          </>
        )}
      </section>
      <section class="card" aria-labelledby="events-heading">
        <h3 id="events-heading">Recent events</h3>
        {recentEvents.length === 0 ? <p class="empty">No events.</p> : (
          <TableRegion label="Recent events">
            <table class="data" data-table="events">
              <caption class="visually-hidden">The user's most recent events</caption>
              <thead><tr><th scope="col">When (UTC)</th><th scope="col">Type</th><th scope="col">Item</th><th scope="col" class="num">Value</th></tr></thead>
              <tbody>
                {recentEvents.map((e) => (
                  <tr key={e.eventId}><td>{formatTime(e.timestamp)}</td><td>{e.type}</td><td><ItemTitle item={e} /></td><td class="num">{e.value === undefined ? "–" : formatNumber(e.value, 2)}</td></tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>
    </div>
  );
}

