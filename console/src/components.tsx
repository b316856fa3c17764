// Small building blocks shared by the views: loading state, error message, tables that scroll on a phone.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "./api.js";

export type Load<T> = { state: "idle" } | { state: "loading" } | { state: "done"; value: T } | { state: "error"; error: ApiError };

export function toApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, "CONSOLE", err instanceof Error ? err.message : String(err), null);
}

/** Runs `load` when `deps` change (and on `reload()`); stale answers from earlier runs are dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [Load<T>, () => void] {
  const [result, setResult] = useState<Load<T>>({ state: "loading" });
  const [tick, setTick] = useState(0);
  const run = useRef(0);
  useEffect(() => {
    const id = ++run.current;
    setResult({ state: "loading" });
    load().then(
      (value) => { if (run.current === id) setResult({ state: "done", value }); },
      (err: unknown) => { if (run.current === id) setResult({ state: "error", error: toApiError(err) }); },
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return [result, reload];
}

export function ErrorMessage({ error, context }: { error: ApiError; context?: string }) {
  return (
    <div class="error" role="alert">
      <p>
        <strong>{context ?? "The service answered with an error"}:</strong> {error.message}
      </p>
      <p class="muted small">
        {error.code}
        {error.status > 0 ? ` · HTTP ${error.status}` : ""}
        {error.requestId !== null ? ` · request ${error.requestId}` : ""}
      </p>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return <p class="loading" role="status">Loading {what}…</p>;
}

/** Shows the loading, error or done state of a Load; `children` renders the value. */
export function Loaded<T>({ load, what, children }: { load: Load<T>; what: string; children: (value: T) => ComponentChildren }) {
  if (load.state === "idle") return null;
  if (load.state === "loading") return <Loading what={what} />;
  if (load.state === "error") return <ErrorMessage error={load.error} context={`Could not load ${what}`} />;
  return <>{children(load.value)}</>;
}

/** A table in a horizontally scrollable, keyboard-focusable region, so wide tables stay usable on a phone. */
export function TableRegion({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

export function Badge({ kind, children }: { kind: "live" | "good" | "explore" | "warn" | "cold" | "plain"; children: ComponentChildren }) {
  return <span class={`badge badge-${kind}`}>{children}</span>;
}
