// The per-user Durable Object: the only writer of a user's live state. Each event is applied exactly once
// (eventId dedupe in its own SQLite storage, in the same transaction as the state change), so redelivery and
// concurrent retries cannot double-count. Storage is bounded: dedupe ids and recent events are capped.
import { DurableObject } from "cloudflare:workers";
import { addToInterest, eventReward, type EventType, type InterestState } from "../../ranking/live-state.js";
import { decodeVector, encodeVector } from "../../ranking/vectors.js";

export interface LiveEvent {
  eventId: string;
  itemId: string;
  type: EventType;
  value?: number | undefined;
  timestamp: number;
}

export interface LiveSummary {
  eventCounts: Record<string, number>;
  recentEvents: LiveEvent[];
  shortTermVector: Float32Array | null;
  interestUpdatedAt: number | null;
}

/** How many applied eventIds are remembered for dedupe (older redeliveries are caught by D1's unique eventId). */
export const DEDUPE_CAPACITY = 20_000;
export const RECENT_EVENTS = 50;

export class UserStateObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.createSchema();
  }

  private createSchema(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS applied_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS recent_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, item_id TEXT NOT NULL, type TEXT NOT NULL, value REAL, timestamp INTEGER NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS event_counts (type TEXT PRIMARY KEY, n INTEGER NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS interest (id INTEGER PRIMARY KEY CHECK (id = 1), vector TEXT, updated_at INTEGER NOT NULL)`);
  }

  /** Applies new events; `vectors` maps itemId to its content vector (or null when the catalogue has none). */
  apply(events: LiveEvent[], vectors: Record<string, Float32Array | null>): { applied: number; duplicates: number } {
    return this.ctx.storage.transactionSync(() => {
      let applied = 0;
      let interest = this.readInterest();
      for (const event of events) {
        const inserted = this.sql.exec(`INSERT OR IGNORE INTO applied_events (event_id) VALUES (?) RETURNING seq`, event.eventId).toArray();
        if (inserted.length === 0) continue;
        applied++;
        this.sql.exec(`INSERT INTO event_counts (type, n) VALUES (?, 1) ON CONFLICT(type) DO UPDATE SET n = n + 1`, event.type);
        this.sql.exec(`INSERT INTO recent_events (event_id, item_id, type, value, timestamp) VALUES (?, ?, ?, ?, ?)`,
          event.eventId, event.itemId, event.type, event.value ?? null, event.timestamp);
        const vector = vectors[event.itemId];
        if (vector) interest = addToInterest(interest, vector, eventReward(event.type, event.value), event.timestamp);
      }
      if (applied > 0) {
        this.sql.exec(`INSERT INTO interest (id, vector, updated_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET vector = excluded.vector, updated_at = excluded.updated_at`,
          interest.vector === null ? null : encodeVector(interest.vector), interest.updatedAt);
        this.sql.exec(`DELETE FROM applied_events WHERE seq <= (SELECT MAX(seq) FROM applied_events) - ?`, DEDUPE_CAPACITY);
        this.sql.exec(`DELETE FROM recent_events WHERE seq <= (SELECT MAX(seq) FROM recent_events) - ?`, RECENT_EVENTS);
      }
      return { applied, duplicates: events.length - applied };
    });
  }

  summary(): LiveSummary | null {
    const counts = this.sql.exec<{ type: string; n: number }>(`SELECT type, n FROM event_counts`).toArray();
    const interest = this.readInterest();
    if (counts.length === 0 && interest.vector === null) return null;
    const recent = this.sql.exec<{ event_id: string; item_id: string; type: string; value: number | null; timestamp: number }>(
      `SELECT event_id, item_id, type, value, timestamp FROM recent_events ORDER BY seq DESC LIMIT 20`).toArray();
    return {
      eventCounts: Object.fromEntries(counts.map((row) => [row.type, row.n])),
      recentEvents: recent.map((row) => ({
        eventId: row.event_id, itemId: row.item_id, type: row.type as EventType,
        ...(row.value === null ? {} : { value: row.value }), timestamp: row.timestamp,
      })),
      shortTermVector: interest.vector,
      interestUpdatedAt: interest.vector === null ? null : interest.updatedAt,
    };
  }

  shortTermVector(): Float32Array | null {
    return this.readInterest().vector;
  }

  /** Erases everything this object holds (privacy: DELETE /v1/users/:userId). */
  async erase(): Promise<void> {
    await this.ctx.storage.deleteAll();
    this.createSchema();
  }

  private readInterest(): InterestState {
    const row = this.sql.exec<{ vector: string | null; updated_at: number }>(`SELECT vector, updated_at FROM interest WHERE id = 1`).toArray()[0];
    return row === undefined ? { vector: null, updatedAt: 0 } : { vector: row.vector === null ? null : decodeVector(row.vector), updatedAt: row.updated_at };
  }
}
