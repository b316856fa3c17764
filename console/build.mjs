// Builds the console: console/src (TypeScript + Preact JSX, with Chart.js) → console/public/console/app.js, one
// minified ES module with no run-time network access. The same sources and esbuild version give the same bytes.
// Usage: node console/build.mjs [--check]   (--check also type-checks console/src with tsc first)
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, "public", "console", "app.js");

if (process.argv.includes("--check")) {
  try {
    execFileSync(process.execPath, [join(here, "..", "node_modules", "typescript", "bin", "tsc"), "-p", join(here, "tsconfig.json")], { stdio: "inherit" });
  } catch {
    console.error("console: type errors in console/src (above)");
    process.exit(1);
  }
}
const started = performance.now();
await build({
  entryPoints: [join(here, "src", "main.tsx")],
  outfile,
  bundle: true,
  format: "esm",
  target: ["es2022", "chrome110", "firefox110", "safari16"],
  platform: "browser",
  jsx: "automatic",
  jsxImportSource: "preact",
  minify: true,
  sourcemap: false,
  legalComments: "eof",
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
});
console.log(`console: built ${outfile.slice(join(here, "..").length + 1)} (${(statSync(outfile).size / 1024).toFixed(0)} KiB) in ${(performance.now() - started).toFixed(0)} ms`);
