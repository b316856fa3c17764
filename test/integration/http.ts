// Helpers for calling the Worker under test.
import { SELF } from "cloudflare:test";

export const SERVE_KEY = "dev-serve-key";
export const ADMIN_KEY = "dev-admin-key";

export async function call(method: string, path: string, options: { key?: string | null; body?: unknown; rawBody?: BodyInit; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? SERVE_KEY : options.key;
  if (key !== null) headers["authorization"] = `Bearer ${key}`;
  let body: BodyInit | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await SELF.fetch(`http://serendip.test${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let json: any = null;
  try { json = JSON.parse(text); } catch { /* not JSON: json stays null and the assertion on it fails */ }
  return { status: response.status, json, headers: response.headers };
}
