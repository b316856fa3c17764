// Worker tests run inside workerd with the real bindings from wrangler.toml: D1 (migrations applied in the setup
// file), the user Durable Object, the ONNX model and onnxruntime-web's wasm.
import { readFileSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The documented local keys, so tests use exactly what a developer gets.
const devVars = readFileSync(".dev.vars.example", "utf8");
const devVar = (name: string) => new RegExp(`^${name}='(.*)'$`, "m").exec(devVars)![1]!;

export default defineConfig(async () => ({
  root: import.meta.dirname,
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: { bindings: {
        TEST_MIGRATIONS: await readD1Migrations("./migrations"), API_KEYS: devVar("API_KEYS"), PSEUDONYM_KEY: devVar("PSEUDONYM_KEY"),
        // Tests read the decision log right after a call, so it is written before the response (the deferred path
        // shares the same writer; faults.test.ts covers its retry queue).
        DECISION_LOG: "sync",
      } },
    }),
  ],
  test: {
    include: ["test/integration/**/*.test.ts"],
    setupFiles: ["test/integration/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
}));
