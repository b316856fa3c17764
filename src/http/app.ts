// The Hono app: request ids, the route table (auth + validation), and the one place errors are rendered.
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { cors } from "hono/cors";
import { authorize } from "./auth.js";
import { ApiError } from "./errors.js";
import { openApiDocument } from "./openapi.js";
import type { AppEnv, RouteSpec, ServiceConfig } from "./route-spec.js";
import { validBody } from "./validation.js";
import { takeToken } from "./rate-limit.js";
import { healthRoutes } from "./routes/health.js";
import { rankRoutes } from "./routes/rank.js";
import { eventRoutes } from "./routes/events.js";
import { userRoutes } from "./routes/users.js";
import { itemRoutes } from "./routes/items.js";
import { modelRoutes } from "./routes/models.js";
import { experimentRoutes } from "./routes/experiments.js";
import { logRoutes } from "./routes/logs.js";
import { benchRoutes } from "./routes/bench.js";
import { insightRoutes } from "./routes/insights.js";

export const routes: RouteSpec[] = [...healthRoutes, ...rankRoutes, ...eventRoutes, ...userRoutes, ...itemRoutes, ...modelRoutes, ...experimentRoutes, ...logRoutes, ...benchRoutes, ...insightRoutes];

export function createApp(config: ServiceConfig): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    c.set("requestId", `r_${crypto.randomUUID()}`);
    c.set("config", config);
    await next();
    c.header("X-Request-Id", c.get("requestId"));
  });

  // An API, not a page: nothing may frame it, sniff it or cache its answers.
  app.use(secureHeaders({ xFrameOptions: "DENY", referrerPolicy: "no-referrer", crossOriginResourcePolicy: "same-origin" }));
  app.use("/v1/*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  });
  // Browsers may call the API only from the origins listed in CORS_ORIGINS (comma-separated); none by default,
  // because a browser holding a bearer key is the exception (the console is served from the same origin).
  app.use("/v1/*", async (c, next) => {
    const origins = (c.env.CORS_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean);
    if (origins.length === 0) return next();
    return cors({ origin: origins, allowHeaders: ["authorization", "content-type"], allowMethods: ["GET", "POST", "PUT", "DELETE"], maxAge: 600 })(c, next);
  });

  const document = openApiDocument(routes);
  app.get("/openapi.json", (c) => c.json(document));

  for (const route of routes) {
    app.on(route.method.toUpperCase(), route.path, async (c) => {
      if (route.scope !== null) {
        const key = await authorize(c.req.header("authorization"), route.scope, c.env.API_KEYS);
        takeToken(key.keyId, key.rateLimit, Date.now());
      }
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
    if (err instanceof ApiError) {
      if (err.retryAfterSeconds !== undefined) c.header("Retry-After", String(err.retryAfterSeconds));
      return c.json(err.toBody(requestId), err.status);
    }
    console.error(`serendip: unhandled error in ${c.req.method} ${c.req.path} (${requestId}):`, err);
    return c.json(new ApiError("INTERNAL", "internal error; it has been logged").toBody(requestId), 500);
  });

  return app;
}
