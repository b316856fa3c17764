import { chunkInsert, type Database } from "./database.js";
import { decisions, impressions } from "./schema/index.js";

export type DecisionRow = typeof decisions.$inferInsert;
export type ImpressionRow = typeof impressions.$inferInsert;

/** Logs a decision and its impressions atomically (one D1 batch), so a logged decision always has its propensities. */
export async function logDecision(db: Database, decision: DecisionRow, rows: readonly ImpressionRow[]): Promise<void> {
  const impressionStatements = rows.length === 0 ? [] : chunkInsert(impressions, rows).map((rowsChunk) => db.insert(impressions).values(rowsChunk));
  await db.batch([db.insert(decisions).values(decision), ...impressionStatements]);
}
