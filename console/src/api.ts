// The console's only way to the service: same-origin fetches to /v1/* with the admin key as a bearer token.
// Every API error has the shape { error: { code, message, requestId } }; it becomes an ApiError whose message is
// the service's own, so views show exactly what the service said.
import { clearKey, readKey } from "./session.js";

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly requestId: string | null) {
    super(message);
  }
}

/** Called when the service answers 401: the stored key is wrong or revoked, so the console asks for one again. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export async function api<T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown, key = readKey()): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
  } catch (err) {
    throw new ApiError(0, "NETWORK", `could not reach the service (${err instanceof Error ? err.message : String(err)})`, null);
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text === "" ? null : JSON.parse(text);
  } catch {
    // not JSON: handled below
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string; requestId?: string } } | null)?.error;
    const apiError = new ApiError(response.status, error?.code ?? `HTTP_${response.status}`,
      error?.message ?? `${method} ${path} answered ${response.status} ${response.statusText}`, error?.requestId ?? null);
    if (response.status === 401 && key === readKey()) {
      clearKey();
      onUnauthorized();
    }
    throw apiError;
  }
  if (json === null) throw new ApiError(response.status, "BAD_RESPONSE", `${method} ${path} did not answer JSON`, null);
  return json as T;
}

// Response shapes, as documented by GET /openapi.json (only the fields the console reads).

export interface Variant {
  name: string; weight: number; policy: string; modelVersion: string | null;
  decisions: number; impressions: number; clicks: number; ctr: number | null; ctrCi95: [number, number];
}
export interface ExperimentsResponse { experiments: { name: string; variants: Variant[] }[] }
export interface TimelinePoint { bucketStart: number; impressions: number; clicks: number; ctr: number; ctrCi95: [number, number] }
export interface TimelineResponse { bucketMs: number; series: { variant: string; points: TimelinePoint[] }[] }

export interface ModelSummary {
  version: string; sha256: string; createdAt: number; promotedAt: number | null; live: boolean;
  precision: string; featureLayout: string; metrics: Record<string, number>;
}
export interface ModelsResponse { live: ModelSummary | null; versions: ModelSummary[]; refused: { version: string; reason: string } | null }

export interface RankedItem { itemId: string; rank: number; score: number; propensity: number; explore: boolean; reason: string; title?: string }
export interface RankResponse {
  requestId: string; userId: string; variant: string; policy: string; modelVersion: string | null; fallback: boolean; items: RankedItem[];
}

export interface UserView {
  userId: string; variant: string;
  profile: { ratingCount: number; ratingMean: number; attributes: Record<string, unknown>; updatedAt: number } | null;
  interests: { longTerm: { tag: string; share: number }[]; shortTerm: { itemId: string; title: string; similarity: number }[] };
  counts: { decisions: number; impressions: number; events: number; liveEvents: Record<string, number> };
  learning: {
    clusters: { cluster: number; tags: string[]; meanReward: number; observations: number }[];
    fatiguedItems: number; consumedItems: number;
    credited: { rewards: number; late: number; notInDecision: number; expiredUnrewarded: number };
  } | null;
  recentEvents: { eventId: string; itemId: string; type: string; value?: number; timestamp: number }[];
}

export interface CatalogueItem {
  itemId: string; title: string; tags: string[]; active: boolean; cold: boolean; createdAt: number;
  ratingCount: number; impressions: number; clicks: number;
}
export interface ItemsResponse { items: CatalogueItem[] }
export interface ExposureResponse {
  items: number; impressions: number; gini: number; neverShown: number;
  lorenz: [number, number][]; top: { itemId: string; impressions: number }[];
}
