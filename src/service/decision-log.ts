// Writing the decision log without making the client wait, and without losing it. The rank response leaves first;
// the decision and its impression rows (with the propensities the response carried) are then written to D1 in one
// atomic batch, retried a few times; if D1 still refuses, they are handed to the user's Durable Object, which keeps
// them in its own storage and retries from an alarm until D1 takes them. A failure is logged, never silent.
import type { Database } from "../storage/d1/database.js";
import { logDecision, type DecisionRow, type ImpressionRow } from "../storage/d1/decision-repository.js";

export interface DecisionLog { decision: DecisionRow; impressions: ImpressionRow[] }

export interface DecisionLogOutbox { queueDecisionLog(log: DecisionLog): Promise<void> }

export const LOG_ATTEMPTS = 3;

export async function writeDecisionLog(db: Database, log: DecisionLog, outbox: DecisionLogOutbox): Promise<"logged" | "queued"> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= LOG_ATTEMPTS; attempt++) {
    try {
      await logDecision(db, log.decision, log.impressions);
      return "logged";
    } catch (error) {
      // A retried batch whose first attempt did commit fails on the primary key: it is logged.
      if (/UNIQUE constraint failed: decisions\.request_id/.test(String(error))) return "logged";
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
  console.error(`serendip: decision ${log.decision.requestId} could not be logged to D1 after ${LOG_ATTEMPTS} attempts; queued in the user's Durable Object: ${String(lastError)}`);
  await outbox.queueDecisionLog(log);
  return "queued";
}
