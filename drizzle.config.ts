import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/storage/d1/schema/index.ts",
  // wrangler applies these (wrangler d1 migrations apply) and the tests read them with readD1Migrations.
  out: "./migrations",
});
