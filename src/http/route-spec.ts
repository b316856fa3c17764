// A route is declared once with its scope and schemas; app.ts mounts it (auth + validation) and openapi.ts
// documents it from the same declaration.
import type { Context } from "hono";
import type { z } from "zod";
import type { LearningConfig } from "../ranking/learning-config.js";
import type { ResolvedExperiment } from "../ranking/experiments.js";
import type { Scope } from "./auth.js";

/** Configuration read and validated once when the Worker starts. */
export interface ServiceConfig { experiment: ResolvedExperiment; learning: LearningConfig }

export type AppEnv = { Bindings: Env; Variables: { requestId: string; config: ServiceConfig } };
export type AppContext = Context<AppEnv>;

export interface RouteSpec<S extends z.ZodType | undefined = z.ZodType | undefined> {
  method: "get" | "post" | "put" | "delete";
  /** Hono path syntax (`/v1/users/:userId`). */
  path: string;
  scope: Scope | null;
  summary: string;
  request?: S;
  response: z.ZodType;
  /** Extra documented statuses besides 200 and the shared error ones. */
  errors?: number[];
  handler: (c: AppContext, body: S extends z.ZodType ? z.output<S> : undefined) => Promise<Response>;
}

export function defineRoute<S extends z.ZodType | undefined = undefined>(spec: RouteSpec<S>): RouteSpec {
  return spec as unknown as RouteSpec;
}
