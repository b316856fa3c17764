// Starts the local Worker (wrangler dev on Miniflare) on free ports with a fresh, temporary state, the way
// offline/bench.ts does: apply the D1 migrations to the temporary state, start `wrangler dev`, wait for /healthz.
// The documented local keys come from .dev.vars.example (so a fresh clone without .dev.vars works), and the
// decision log is written before each rank response (DECISION_LOG=sync) so counts are readable right after.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const WRANGLER = join("node_modules", "wrangler", "bin", "wrangler.js");

export interface RunningWorker { baseUrl: string; stop: () => Promise<void> }

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export async function startWorker(logFile: string): Promise<RunningWorker> {
  const persist = mkdtempSync(join(tmpdir(), "serendip-e2e-"));
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", X_LOCAL_OBSERVABILITY: "false", NO_COLOR: "1" };
  execFileSync(process.execPath, [WRANGLER, "d1", "migrations", "apply", "serendip", "--local", "--persist-to", persist], { stdio: ["ignore", "pipe", "pipe"], env });
  const [port, inspectorPort] = [await freePort(), await freePort()];
  mkdirSync(join(logFile, ".."), { recursive: true });
  const log = openSync(logFile, "w");
  const child: ChildProcess = spawn(process.execPath, [
    WRANGLER, "dev", "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspectorPort), "--persist-to", persist,
    "--show-interactive-dev-session=false", "--env-file", ".dev.vars.example", "--var", "DECISION_LOG:sync",
  ], { stdio: ["ignore", log, log], detached: true, env });
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const baseUrl = `http://127.0.0.1:${port}`;

  const stop = async () => {
    // wrangler starts workerd as its own child: end the whole process group this test started, nothing else.
    if (child.exitCode === null && child.pid !== undefined) {
      try { process.kill(-child.pid, "SIGTERM"); } catch { /* already gone */ }
      const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5_000))]);
      if (!done) try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
    }
    rmSync(persist, { recursive: true, force: true });
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`wrangler dev exited with ${child.exitCode} before /healthz answered; see ${logFile}`);
    }
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the Worker did not answer /healthz within 120 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { baseUrl, stop };
}
