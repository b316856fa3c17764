// The operator console: sign in with an admin key (kept in sessionStorage only), then four views chosen by the
// URL hash (#/experiments, #/models, #/users/<id>, #/catalogue), so every view can be linked and reloaded.
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, setUnauthorizedHandler, type ApiError } from "./api.js";
import { ErrorMessage, toApiError } from "./components.js";
import { clearKey, readKey, storeKey } from "./session.js";
import { CatalogueView } from "./views/catalogue.js";
import { ExperimentsView } from "./views/experiments.js";
import { ModelsView } from "./views/models.js";
import { UsersView } from "./views/users.js";

const VIEWS = [
  { id: "experiments", title: "Experiments", blurb: "How each variant performs: counts, click-through rate with its 95% interval, and click rate over time." },
  { id: "models", title: "Models", blurb: "Stored ranker versions, which one is live, their metrics and gate results; promote or roll back." },
  { id: "users", title: "User explorer", blurb: "What a user would be shown now and why, what the service has learnt about them, and what each variant would show." },
  { id: "catalogue", title: "Catalogue", blurb: "Find items, see cold ones, and how concentrated exposure is across the catalogue." },
] as const;
type ViewId = (typeof VIEWS)[number]["id"];

interface Route { view: ViewId; userId: string | null }

function parseHash(hash: string): Route {
  const [view = "", ...rest] = hash.replace(/^#\/?/, "").split("/");
  const known = VIEWS.find((v) => v.id === view);
  if (known === undefined) return { view: "experiments", userId: null };
  const userId = known.id === "users" && rest.length > 0 ? decodeURIComponent(rest.join("/")) : null;
  return { view: known.id, userId };
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

function SignIn({ onSignedIn, notice }: { onSignedIn: () => void; notice: string | null }) {
  const [key, setKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // Any admin-only read proves the key: a serve key is answered 403, an unknown one 401.
      await api("GET", "/v1/experiments", undefined, key.trim());
      storeKey(key.trim());
      onSignedIn();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="signin">
      <h1>Serendip console</h1>
      <form class="card" onSubmit={submit} aria-describedby="signin-help">
        <h2>Sign in</h2>
        {notice !== null && <p class="notice" role="status">{notice}</p>}
        <div class="field">
          <label for="admin-key">Admin key</label>
          <input id="admin-key" ref={input} type="password" value={key} onInput={(e) => setKey(e.currentTarget.value)}
            required autocomplete="off" spellcheck={false} />
          <p id="signin-help" class="small muted">
            An API key with scope “admin”. It is kept in this tab's session storage only and forgotten when the tab closes.
          </p>
        </div>
        {error !== null && <ErrorMessage error={error} context="Sign-in failed" />}
        <button type="submit" disabled={busy || key.trim() === ""}>{busy ? "Checking…" : "Sign in"}</button>
      </form>
    </main>
  );
}

function Console({ onSignOut }: { onSignOut: () => void }) {
  const route = useRoute();
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  useEffect(() => {
    // Move focus to the new view's heading so keyboard and screen-reader users land on what changed.
    if (first.current) first.current = false;
    else heading.current?.focus();
  }, [route.view]);
  const view = VIEWS.find((v) => v.id === route.view)!;
  useEffect(() => {
    document.title = `${view.title} · Serendip console`;
  }, [view]);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); heading.current?.focus(); }}>Skip to content</a>
      <header class="top">
        <h1 class="brand">Serendip <span>console</span></h1>
        <nav aria-label="Views">
          <ul>
            {VIEWS.map((v) => (
              <li key={v.id}>
                <a href={`#/${v.id}`} aria-current={v.id === route.view ? "page" : undefined}>{v.title}</a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="signout" onClick={onSignOut}>Sign out</button>
      </header>
      <main id="main">
        <h2 ref={heading} tabIndex={-1}>{view.title}</h2>
        <p class="blurb">{view.blurb}</p>
        {route.view === "experiments" && <ExperimentsView />}
        {route.view === "models" && <ModelsView />}
        {route.view === "users" && <UsersView userId={route.userId} onUserId={(id) => { location.hash = `#/users/${encodeURIComponent(id)}`; }} />}
        {route.view === "catalogue" && <CatalogueView />}
      </main>
    </>
  );
}

function App() {
  const [signedIn, setSignedIn] = useState(() => readKey() !== null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    setUnauthorizedHandler(() => {
      setNotice("The service no longer accepts the stored key; sign in again.");
      setSignedIn(false);
    });
  }, []);
  if (!signedIn) return <SignIn notice={notice} onSignedIn={() => { setNotice(null); setSignedIn(true); }} />;
  return <Console onSignOut={() => { clearKey(); setNotice("Signed out: the key was removed from this tab."); setSignedIn(false); }} />;
}

const root = document.getElementById("app")!;
root.textContent = "";
render(<App />, root);
