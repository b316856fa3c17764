// A small client for the service's own admin API, used by ingest and the simulators: batches records under the
// request-size limit and retries transient failures.

export const MAX_REQUEST_BYTES = 900 * 1024; // under the service's 1 MiB body limit, with room for the envelope

export interface ServiceClient { baseUrl: string; key: string }

export async function callService<T>(client: ServiceClient, method: string, path: string, body?: unknown): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(new URL(path, client.baseUrl), {
      method,
      headers: { authorization: `Bearer ${client.key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as T;
    if (response.status < 500 || attempt >= 3) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
  }
}

/** Splits records into batches whose JSON stays under maxBytes and count under maxCount. */
export function batchBySize<T>(records: readonly T[], maxCount: number, maxBytes = MAX_REQUEST_BYTES): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = JSON.stringify(record).length + 1;
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Float32 values as JSON numbers with 9 significant digits: the fewest that always round-trip a float32 exactly,
 * so the service stores bit for bit the vectors the trainer used. */
export function vectorJson(vector: Float32Array | null | undefined): number[] | undefined {
  return vector ? Array.from(vector, (x) => Number(x.toPrecision(9))) : undefined;
}
