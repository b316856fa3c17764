// Unit tests of the ranking core and the offline tools, in plain Node (the Worker's tests run in workerd elsewhere).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts"],
    environment: "node",
  },
});
