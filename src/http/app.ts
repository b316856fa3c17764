// The Hono app: request ids, the route table (auth + validation), and the one place errors are rendered.
import { Hono } from "hono";
import { authorize } from "./auth.js";
import { ApiError } from "./errors.js";
import { openApiDocument } from "./openapi.js";
import type { AppEnv, RouteSpec, ServiceConfig } from "./route-spec.js";
import { validBody } from "./validation.js";
import { healthRoutes } from "./routes/health.js";
import { rankRoutes } from "./routes/rank.js";
import { eventRoutes } from "./routes/events.js";
import { userRoutes } from "./routes/users.js";
import { itemRoutes } from "./routes/items.js";
import { modelRoutes } from "./routes/models.js";
import { experimentRoutes } from "./routes/experiments.js";
import { logRoutes } from "./routes/logs.js";

export const routes: RouteSpec[] = [...healthRoutes, ...rankRoutes, ...eventRoutes, ...userRoutes, ...itemRoutes, ...modelRoutes, ...experimentRoutes, ...logRoutes];

export function createApp(config: ServiceConfig): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    c.set("requestId", `r_${crypto.randomUUID()}`);
    c.set("config", config);
    await next();
    c.header("X-Request-Id", c.get("requestId"));
  });

  const document = openApiDocument(routes);
  app.get("/openapi.json", (c) => c.json(document));

  for (const route of routes) {
    app.on(route.method.toUpperCase(), route.path, async (c) => {
      if (route.scope !== null) await authorize(c.req.header("authorization"), route.scope, c.env.API_KEYS);
      const body = route.request === undefined ? undefined : await validBody(c, route.request);
      return route.handler(c, body as never);
    });
  }

  app.notFound((c) => {
    const error = new ApiError("NOT_FOUND", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`);
    return c.json(error.toBody(c.get("requestId")), 404);
  });

  app.onError((err, c) => {
    const requestId = c.get("requestId") ?? "unknown";
    if (err instanceof ApiError) return c.json(err.toBody(requestId), err.status);
    console.error(`serendip: unhandled error in ${c.req.method} ${c.req.path} (${requestId}):`, err);
    return c.json(new ApiError("INTERNAL", "internal error; it has been logged").toBody(requestId), 500);
  });

  return app;
}
