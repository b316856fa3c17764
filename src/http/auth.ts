// Bearer keys with scopes. Keys are configured as sha256 hashes (API_KEYS secret, see .dev.vars.example); the
// presented key is hashed and compared to each configured hash in constant time.
import { z } from "zod";
import { ApiError } from "./errors.js";
import type { RateLimit } from "./rate-limit.js";

export type Scope = "serve" | "admin";

const KeyConfig = z.array(z.strictObject({
  id: z.string().min(1),
  scope: z.enum(["serve", "admin"]),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters"),
  /** Optional per-key rate limit (see rate-limit.ts). */
  rateLimit: z.strictObject({ ratePerSecond: z.number().positive(), burst: z.number().int().min(1) }).optional(),
})).min(1);
type KeyConfig = z.infer<typeof KeyConfig>;

let parsedKeys: { source: string; keys: KeyConfig } | null = null;

function configuredKeys(source: string | undefined): KeyConfig {
  if (source === undefined || source.trim() === "") {
    throw new ApiError("NOT_READY", "API_KEYS is not configured; see .dev.vars.example");
  }
  if (parsedKeys?.source === source) return parsedKeys.keys;
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch {
    throw new ApiError("NOT_READY", "API_KEYS is not valid JSON; see .dev.vars.example");
  }
  const result = KeyConfig.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ApiError("NOT_READY", `API_KEYS[${issue.path.join(".")}]: ${issue.message}`);
  }
  parsedKeys = { source, keys: result.data };
  return result.data;
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

function hexBytes(hex: string): Uint8Array {
  return new Uint8Array(hex.match(/../g)!.map((pair) => parseInt(pair, 16)));
}

/** Returns the caller's key id, scope and rate limit, or throws 401/403. */
export async function authorize(header: string | undefined, required: Scope, keySource: string | undefined): Promise<{ keyId: string; scope: Scope; rateLimit?: RateLimit | undefined }> {
  const keys = configuredKeys(keySource);
  // The scheme name is case-insensitive (RFC 9110 11.1).
  const match = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header ?? "");
  if (match === null) throw new ApiError("UNAUTHORIZED", "Authorization header must be \"Bearer <key>\"");
  const presented = await sha256(match[1]!);
  let found: KeyConfig[number] | undefined;
  for (const key of keys) {
    // Every configured key is compared, whatever matched, so timing does not reveal which one did.
    if (crypto.subtle.timingSafeEqual(presented, hexBytes(key.sha256)) && found === undefined) found = key;
  }
  if (found === undefined) throw new ApiError("UNAUTHORIZED", "the API key is not valid");
  if (required === "admin" && found.scope !== "admin") {
    throw new ApiError("FORBIDDEN", `this route needs the admin scope; key "${found.id}" has scope ${found.scope}`);
  }
  return { keyId: found.id, scope: found.scope, rateLimit: found.rateLimit };
}
