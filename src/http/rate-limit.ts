// Per-key rate limiting: a token bucket per API key, refilled at the key's configured rate. Buckets live in the
// isolate, so the limit holds per location rather than globally; deployments that need a global limit put the
// Workers Rate Limiting binding in front. A key without a configured rate is not limited here.
import { ApiError } from "./errors.js";

export interface RateLimit { ratePerSecond: number; burst: number }

const buckets = new Map<string, { tokens: number; updatedAt: number }>();

export function takeToken(keyId: string, limit: RateLimit | undefined, now: number): void {
  if (limit === undefined) return;
  const bucket = buckets.get(keyId) ?? { tokens: limit.burst, updatedAt: now };
  bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.ratePerSecond);
  bucket.updatedAt = now;
  if (bucket.tokens < 1) {
    buckets.set(keyId, bucket);
    const waitSeconds = Math.ceil((1 - bucket.tokens) / limit.ratePerSecond);
    throw new ApiError("RATE_LIMITED", `key "${keyId}" is limited to ${limit.ratePerSecond} requests/s (burst ${limit.burst}); retry in ${waitSeconds} s`, undefined, waitSeconds);
  }
  bucket.tokens -= 1;
  buckets.set(keyId, bucket);
}
