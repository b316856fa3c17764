// Serendip's Worker: the HTTP API, the per-user Durable Object, and the scheduled retrain trigger.
import { env } from "cloudflare:workers";
import { createApp } from "./http/app.js";
import { runScheduled } from "./jobs/scheduled.js";
import { resolveExperiment } from "./ranking/experiments.js";
import { parseLearningConfig } from "./ranking/learning-config.js";

export { UserStateObject } from "./storage/durable/user-state-object.js";

// Read at start-up: an invalid EXPERIMENTS or LEARNING stops the Worker with the field and the reason, instead of
// failing requests one by one.
const app = createApp({ experiment: resolveExperiment(env.EXPERIMENTS), learning: parseLearningConfig(env.LEARNING) });

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduled(env, Number(controller.scheduledTime)));
  },
} satisfies ExportedHandler<Env>;
