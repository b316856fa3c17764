// Starts the Worker locally for the offline tools (bench, soak, simulate): its own port and state folder, the D1
// migrations applied, `--var` overrides, and a stop() that ends wrangler and the workerd it starts together.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";

export interface LocalWorker {
  url: string;
  /** The wrangler process (its process group holds workerd too). */
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

export interface LocalWorkerOptions {
  port: number;
  /** Local D1 and Durable Object state. */
  persistDir: string;
  vars?: Record<string, string>;
  /** The project folder to run wrangler in (default: this one). */
  cwd?: string;
  /** Where wrangler's output goes (default: wrangler-dev.log in persistDir). */
  logFile?: string;
  log?: (line: string) => void;
}

// X_LOCAL_OBSERVABILITY: wrangler's local tracing is on by default and slows every request (see scripts/start.sh).
const ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", X_LOCAL_OBSERVABILITY: "false", CI: "1", NO_COLOR: "1" };

export async function isHealthy(url: string): Promise<{ items: number } | null> {
  try {
    const response = await fetch(`${url}/healthz`);
    return response.ok ? ((await response.json()) as { items: number }) : null;
  } catch {
    return null;
  }
}

export async function startLocalWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  const url = `http://127.0.0.1:${options.port}`;
  const log = options.log ?? (() => {});
  if ((await isHealthy(url)) !== null) throw new Error(`something already answers on ${url}; pick another port`);
  log(`applying D1 migrations into ${options.persistDir}`);
  const cwd = options.cwd ?? process.cwd();
  const migrate = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "serendip", "--local", "--persist-to", options.persistDir], { cwd, env: ENV, encoding: "utf8" });
  if (migrate.status !== 0) throw new Error(`wrangler d1 migrations apply failed (${migrate.status}):\n${migrate.stdout}\n${migrate.stderr}`);

  const logFile = options.logFile ?? join(options.persistDir, "wrangler-dev.log");
  const out = openSync(logFile, "a");
  log(`starting wrangler dev on ${url} (log: ${logFile})`);
  const vars = Object.entries(options.vars ?? {}).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  // detached: its own process group, so stop() ends wrangler and workerd together.
  const child = spawn("npx", ["wrangler", "dev", "--port", String(options.port), "--ip", "127.0.0.1", "--persist-to", options.persistDir, ...vars, "--show-interactive-dev-session=false"],
    { cwd, env: ENV, detached: true, stdio: ["ignore", out, out] });
  closeSync(out);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => {
    exited = true;
    resolve();
  }));
  const stop = async () => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch { /* gone */ }
    }, 10_000);
    await exit;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 180_000;
  while ((await isHealthy(url)) === null) {
    if (exited) throw new Error(`wrangler dev exited before answering; see ${logFile}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${url}/healthz did not answer within 180 s; see ${logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return { url, pid: child.pid!, logFile, stop };
}
