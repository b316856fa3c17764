import { getTableColumns, type Table } from "drizzle-orm";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import * as schema from "./schema/index.js";

export type Database = DrizzleD1Database<typeof schema>;

export function database(d1: D1Database): Database {
  return drizzle(d1, { schema });
}

/** D1 binds at most 100 parameters per statement; multi-row writes are cut into statements under that bound and
 * sent together in one atomic batch. */
export const D1_MAX_PARAMETERS = 100;

export function chunk<T>(values: readonly T[], parametersPerValue: number): T[][] {
  const size = Math.max(1, Math.floor(D1_MAX_PARAMETERS / parametersPerValue));
  const chunks: T[][] = [];
  for (let start = 0; start < values.length; start += size) chunks.push(values.slice(start, start + size));
  return chunks;
}

/** Rows of a multi-row INSERT, chunked by the table's real column count: Drizzle binds every column, defaults
 * included, so counting the keys of the row objects would undercount. */
export function chunkInsert<T>(table: Table, rows: readonly T[]): T[][] {
  return chunk(rows, Object.keys(getTableColumns(table)).length);
}
