import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import * as schema from "./schema/index.js";

export type Database = DrizzleD1Database<typeof schema>;

export function database(d1: D1Database): Database {
  return drizzle(d1, { schema });
}

/** D1 binds at most 100 parameters per statement; multi-row inserts are cut into statements under that bound,
 * counted on the real column count, and sent together in one atomic batch. */
export const D1_MAX_PARAMETERS = 100;

export function chunkRows<T>(rows: readonly T[], columnCount: number): T[][] {
  const size = Math.max(1, Math.floor(D1_MAX_PARAMETERS / columnCount));
  const chunks: T[][] = [];
  for (let start = 0; start < rows.length; start += size) chunks.push(rows.slice(start, start + size));
  return chunks;
}

export function columnCount(row: Record<string, unknown>): number {
  return Object.keys(row).length;
}
