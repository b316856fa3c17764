// End-to-end tests of the operator console (test/e2e): a real local Worker (wrangler dev, fresh state), the console's
// built static assets, and headless Debian Chromium driven by playwright-core. `npm run test:e2e` builds first.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
