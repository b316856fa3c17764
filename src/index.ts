// Serendip's Worker: the HTTP API, the per-user Durable Object, and the scheduled retrain trigger.
import { createApp } from "./http/app.js";
import { runScheduled } from "./jobs/scheduled.js";

export { UserStateObject } from "./storage/durable/user-state-object.js";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduled(env, Number(controller.scheduledTime)));
  },
} satisfies ExportedHandler<Env>;
