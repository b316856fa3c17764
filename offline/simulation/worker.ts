// Starts a local Worker for a simulation (simulate --start): its own port and its own folder (a snapshot of the
// Worker's sources in <dir>/app, local D1 and Durable Object state in <dir>/state), the simulation's EXPERIMENTS,
// the D1 migrations applied, MovieLens ingested through the admin API when the catalogue is empty. The same steps
// by hand, from the repository (wrangler then reloads whenever a source file changes):
//   npx wrangler d1 migrations apply serendip --local --persist-to <dir>
//   npx wrangler dev --port <p> --ip 127.0.0.1 --persist-to <dir> --var DECISION_LOG:sync \
//     --var "EXPERIMENTS:$(npm run -s simulate -- --print-experiments)"
//   npx tsx offline/ingest.ts movielens ../shared/data/ml-100k --url http://127.0.0.1:<p>
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { ingestMovieLens } from "../ingest.js";
import { isHealthy, startLocalWorker, type LocalWorker } from "../local-worker.js";

/** A copy of the working tree in `dir` (the files git tracks or would track: sources, wrangler.toml and whatever it
 * names, migrations, models), node_modules linked, .dev.vars (or its example) copied. wrangler dev watches its
 * sources and reloads on every change, dropping requests in flight; running from a snapshot keeps a simulation's
 * Worker fixed while the working tree is edited. */
function snapshotApp(root: string, dir: string): void {
  const listed = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: root, encoding: "utf8" });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const path of listed.stdout.split("\0").filter((p) => p.length > 0)) {
    if (existsSync(join(root, path))) cpSync(join(root, path), join(dir, path), { recursive: true });
  }
  cpSync(join(root, existsSync(join(root, ".dev.vars")) ? ".dev.vars" : ".dev.vars.example"), join(dir, ".dev.vars"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
}

export type StartedWorker = Pick<LocalWorker, "url" | "logFile" | "stop">;

export interface WorkerOptions {
  port: number;
  persistDir: string;
  experimentsJson: string;
  /** MovieLens 100K folder, ingested when the Worker's catalogue is empty. */
  movieLensDir: string;
  adminKey: string;
  embeddingCache: string;
  log: (line: string) => void;
}

export async function startWorker(options: WorkerOptions): Promise<StartedWorker> {
  const persistDir = resolve(options.persistDir);
  const app = join(persistDir, "app");
  snapshotApp(process.cwd(), app);
  options.log(`Worker sources snapshotted into ${app}`);
  const worker = await startLocalWorker({
    port: options.port, persistDir: join(persistDir, "state"), cwd: app, logFile: join(persistDir, "wrangler-dev.log"), log: options.log,
    vars: {
      EXPERIMENTS: options.experimentsJson,
      // The simulated click follows its rank response within milliseconds: log the decision before the response so
      // the click always finds it (a deployment's "deferred" log would race it).
      DECISION_LOG: "sync",
    },
  });
  try {
    const state = await isHealthy(worker.url);
    if (state?.items === 0) {
      options.log(`empty catalogue: ingesting MovieLens 100K from ${options.movieLensDir}`);
      await ingestMovieLens(options.movieLensDir, { baseUrl: worker.url, key: options.adminKey }, options.embeddingCache);
    } else {
      options.log(`catalogue already holds ${state?.items} items (reused --persist folder): not ingesting again`);
    }
  } catch (error) {
    await worker.stop();
    throw error;
  }
  return worker;
}
