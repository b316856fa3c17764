// GET /openapi.json: generated from the route table and the very schemas that validate requests.
import { z } from "zod";
import type { RouteSpec } from "./route-spec.js";
import { ErrorResponse } from "./schemas.js";

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid input (the message and details name the field)", 401: "Missing or invalid API key",
  403: "The key lacks the scope", 404: "Not found", 413: "Body over 1 MiB", 415: "Not application/json",
  422: "Valid JSON, impossible request", 503: "Not ready",
};

export function openApiDocument(routes: readonly RouteSpec[]): object {
  const paths: Record<string, Record<string, object>> = {};
  const errorSchema = z.toJSONSchema(ErrorResponse);
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, "{$1}");
    const parameters = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const statuses = [...(route.scope ? [401, 403] : []), ...(route.request ? [400, 413, 415] : []), ...(route.errors ?? [])];
    const responses: Record<string, object> = {
      200: { description: "OK", content: { "application/json": { schema: z.toJSONSchema(route.response, { io: "output", unrepresentable: "any" }) } } },
    };
    for (const status of statuses) {
      responses[status] = { description: ERROR_DESCRIPTIONS[status] ?? "Error", content: { "application/json": { schema: errorSchema } } };
    }
    (paths[path] ??= {})[route.method] = {
      summary: route.summary,
      ...(route.scope ? { security: [{ bearer: [] }], "x-scope": route.scope } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(route.request ? { requestBody: { required: true, content: { "application/json": { schema: z.toJSONSchema(route.request, { io: "input", unrepresentable: "any" }) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Serendip", version: "1.0.0", description: "Edge ranking that balances exploring and exploiting each user's interests." },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "Scopes: serve (rank, events, users) and admin (everything)" } } },
    paths,
  };
}
