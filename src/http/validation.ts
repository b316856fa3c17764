// Request bodies are read, size-checked, parsed and validated once, here; handlers receive typed data.
import type { Context } from "hono";
import { z } from "zod";
import { ApiError, type ErrorDetail } from "./errors.js";

export const MAX_BODY_BYTES = 1024 * 1024;

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), "");
}

/** zod issues -> details naming each field; for batch bodies ({ events: [...] }) the entry's index is split out. */
export function issueDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.map((issue) => {
    const [list, index, ...rest] = issue.path;
    const message = issue.code === "unrecognized_keys" ? `unknown field(s): ${issue.keys.join(", ")}` : issue.message;
    if (typeof list === "string" && typeof index === "number") {
      return { index, field: fieldPath([list, index, ...rest]) || "(body)", message };
    }
    return { field: fieldPath(issue.path) || "(body)", message };
  });
}

async function readJson(c: Context): Promise<unknown> {
  const contentType = c.req.header("content-type") ?? "";
  const [mediaType, ...parameters] = contentType.split(";").map((part) => part.trim().toLowerCase());
  if (mediaType !== "application/json") {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", `content-type must be application/json, got ${contentType ? `"${contentType}"` : "none"}`);
  }
  const charset = parameters.find((p) => p.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", `content-type charset must be utf-8, got "${charset}"`);
  }
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new ApiError("PAYLOAD_TOO_LARGE", `body is ${declared} bytes; the limit is ${MAX_BODY_BYTES}`);
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length > MAX_BODY_BYTES) throw new ApiError("PAYLOAD_TOO_LARGE", `body is ${bytes.length} bytes; the limit is ${MAX_BODY_BYTES}`);
  if (bytes.length === 0) throw new ApiError("MALFORMED_JSON", "body is empty; a JSON object is required");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError("MALFORMED_JSON", "body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError("MALFORMED_JSON", `body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads and validates the JSON body against `schema`; throws ApiError (400/413/415) naming the field. */
export async function validBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse(await readJson(c));
  if (!parsed.success) {
    const details = issueDetails(parsed.error.issues);
    const first = details[0]!;
    throw new ApiError("INVALID_REQUEST", `${first.field}: ${first.message}`, details);
  }
  return parsed.data;
}
