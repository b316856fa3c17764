// The per-user Durable Object: the only writer of a user's live state. Each event is applied exactly once
// (eventId dedupe in its own SQLite storage, in the same transaction as the state change), so redelivery and
// concurrent retries cannot double-count. It holds:
// - the short-term interest vector (time-decayed, reward-weighted; live-state.ts),
// - fatigue per item (impressions without engagement, last impression, last dismissal, consumed),
// - the decisions served in the reward window, so a reward is credited to the decision that showed the item,
// - the bandit state (cluster Beta counts and the NeuralLinear posterior; bandit-state.ts).
// Storage is bounded whatever the number of events: every table is capped, the bandit state has a fixed size.
import { DurableObject } from "cloudflare:workers";
import { alignBanditState, createBanditState, updateBandit, type BanditState } from "../../ranking/bandit-state.js";
import { isConsumed, parseLearningConfig, type LearningConfig } from "../../ranking/learning-config.js";
import { addToInterest, eventReward, type EventType, type InterestState } from "../../ranking/live-state.js";
import type { ItemFatigue } from "../../ranking/policies/policy.js";
import { decodeVector, encodeVector } from "../../ranking/vectors.js";
import type { DecisionLog } from "../../service/decision-log.js";
import { database } from "../d1/database.js";
import { logDecision } from "../d1/decision-repository.js";

export interface LiveEvent {
  eventId: string;
  itemId: string;
  type: EventType;
  value?: number | undefined;
  requestId?: string | undefined;
  timestamp: number;
}

export interface ServedItem {
  itemId: string;
  cluster: number | null;
  /** The item's hidden-layer row when served (null: the fallback scorer answered). */
  hidden: number[] | null;
  score: number;
}

export interface RankContext {
  shortTermVector: Float32Array | null;
  /** Fatigue of every item the user has a record for; items absent here are fresh. */
  fatigue: Record<string, ItemFatigue>;
  bandit: BanditState;
}

export interface LiveSummary {
  eventCounts: Record<string, number>;
  recentEvents: LiveEvent[];
  shortTermVector: Float32Array | null;
  interestUpdatedAt: number | null;
  clusterRates: { cluster: number; alpha: number; beta: number }[];
  fatiguedItems: number;
  consumedItems: number;
  credited: { rewards: number; late: number; notInDecision: number; expiredUnrewarded: number };
}

/** How many applied eventIds are remembered for dedupe (older redeliveries are caught by D1's unique eventId). */
export const DEDUPE_CAPACITY = 20_000;
export const RECENT_EVENTS = 50;
/** Items with fatigue records kept per user (least recently touched dropped first). */
export const ITEM_STATE_CAPACITY = 5_000;
/** Open decisions kept per user (oldest closed first, as if their window had ended). */
export const OPEN_DECISIONS = 200;

/** First retry of a queued decision log; later ones back off exponentially. */
export const OUTBOX_RETRY_MS = 5_000;

const ENGAGEMENTS: ReadonlySet<EventType> = new Set(["click", "dwell", "purchase", "rating"]);

interface OpenDecision { servedAt: number; items: (ServedItem & { credited: boolean })[] }

export class UserStateObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly config: LearningConfig;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.config = parseLearningConfig(env.LEARNING);
    this.createSchema();
  }

  private createSchema(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS applied_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS recent_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, item_id TEXT NOT NULL, type TEXT NOT NULL, value REAL, timestamp INTEGER NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS event_counts (type TEXT PRIMARY KEY, n INTEGER NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS interest (id INTEGER PRIMARY KEY CHECK (id = 1), vector TEXT, updated_at INTEGER NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS item_state (item_id TEXT PRIMARY KEY, unengaged INTEGER NOT NULL DEFAULT 0,
      last_impression_at INTEGER, last_dismiss_at INTEGER, consumed INTEGER NOT NULL DEFAULT 0, touched INTEGER NOT NULL)`);
    this.sql.exec(`CREATE INDEX IF NOT EXISTS item_state_touched ON item_state (touched)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS decisions (request_id TEXT PRIMARY KEY, served_at INTEGER NOT NULL, items TEXT NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS bandit (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS log_outbox (request_id TEXT PRIMARY KEY, payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)`);
  }

  /** Keeps a decision log that D1 refused and retries it from an alarm (see service/decision-log.ts). */
  async queueDecisionLog(log: DecisionLog): Promise<void> {
    this.sql.exec(`INSERT OR IGNORE INTO log_outbox (request_id, payload) VALUES (?, ?)`, log.decision.requestId, JSON.stringify(log));
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + OUTBOX_RETRY_MS);
  }

  /** Flushes the log outbox to D1; what still fails waits for the next alarm, with a growing delay. */
  override async alarm(): Promise<void> {
    const db = database(this.env.DB);
    let maxAttempts = 0;
    for (const row of this.sql.exec<{ request_id: string; payload: string; attempts: number }>(`SELECT request_id, payload, attempts FROM log_outbox`).toArray()) {
      const log = JSON.parse(row.payload) as DecisionLog;
      try {
        await logDecision(db, log.decision, log.impressions);
        this.sql.exec(`DELETE FROM log_outbox WHERE request_id = ?`, row.request_id);
      } catch (error) {
        if (/UNIQUE constraint failed: decisions\.request_id/.test(String(error))) {
          this.sql.exec(`DELETE FROM log_outbox WHERE request_id = ?`, row.request_id);
          continue;
        }
        this.sql.exec(`UPDATE log_outbox SET attempts = attempts + 1 WHERE request_id = ?`, row.request_id);
        maxAttempts = Math.max(maxAttempts, row.attempts + 1);
        console.error(`serendip: queued decision ${row.request_id} still not logged (attempt ${row.attempts + 1}): ${String(error)}`);
      }
    }
    if (maxAttempts > 0) await this.ctx.storage.setAlarm(Date.now() + OUTBOX_RETRY_MS * 2 ** Math.min(maxAttempts, 10));
  }

  outboxSize(): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM log_outbox`).one().n;
  }

  /** What ranking needs from this user, in one call. */
  rankContext(now: number): RankContext {
    return this.ctx.storage.transactionSync(() => {
      let bandit = this.readBandit();
      bandit = this.closeExpiredDecisions(now, bandit);
      const fatigue: Record<string, ItemFatigue> = {};
      for (const row of this.sql.exec<{ item_id: string; unengaged: number; last_impression_at: number | null; last_dismiss_at: number | null; consumed: number }>(
        `SELECT item_id, unengaged, last_impression_at, last_dismiss_at, consumed FROM item_state`)) {
        fatigue[row.item_id] = {
          unengagedImpressions: row.unengaged,
          msSinceImpression: row.last_impression_at === null ? null : Math.max(0, now - row.last_impression_at),
          msSinceDismiss: row.last_dismiss_at === null ? null : Math.max(0, now - row.last_dismiss_at),
          consumed: row.consumed === 1,
        };
      }
      return { shortTermVector: this.readInterest().vector, fatigue, bandit };
    });
  }

  /** Remembers a served slate: each item counts one impression, and rewards for it are credited within the window. */
  recordDecision(requestId: string, servedAt: number, items: ServedItem[], modelVersion: string | null, hiddenSize: number): void {
    this.ctx.storage.transactionSync(() => {
      // A fallback answer (no model, no hidden layer) leaves the linear model as it is: it is about the live model.
      let bandit = modelVersion === null ? this.readBandit() : alignBanditState(this.readBandit(), modelVersion, hiddenSize);
      bandit = this.closeExpiredDecisions(servedAt, bandit);
      const open: OpenDecision = { servedAt, items: items.map((item) => ({ ...item, credited: false })) };
      this.sql.exec(`INSERT OR IGNORE INTO decisions (request_id, served_at, items) VALUES (?, ?, ?)`, requestId, servedAt, JSON.stringify(open.items));
      for (const item of items) {
        this.touchItem(item.itemId, servedAt, `unengaged = unengaged + 1, last_impression_at = ?`, servedAt);
      }
      // Over capacity, the oldest decisions close early: their unrewarded items count as shown without reward.
      const overflow = this.sql.exec<{ request_id: string; served_at: number; items: string }>(
        `SELECT request_id, served_at, items FROM decisions ORDER BY served_at DESC, request_id LIMIT -1 OFFSET ?`, OPEN_DECISIONS).toArray();
      for (const row of overflow) bandit = this.closeDecision(row.request_id, JSON.parse(row.items), bandit);
      this.writeBandit(bandit);
      this.capItems();
    });
  }

  /** Applies new events; `vectors` maps itemId to its content vector (or null when the catalogue has none). */
  apply(events: LiveEvent[], vectors: Record<string, Float32Array | null>): { applied: number; duplicates: number } {
    return this.ctx.storage.transactionSync(() => {
      let applied = 0;
      let interest = this.readInterest();
      let bandit = this.readBandit();
      for (const event of events) {
        const inserted = this.sql.exec(`INSERT OR IGNORE INTO applied_events (event_id) VALUES (?) RETURNING seq`, event.eventId).toArray();
        if (inserted.length === 0) continue;
        applied++;
        this.sql.exec(`INSERT INTO event_counts (type, n) VALUES (?, 1) ON CONFLICT(type) DO UPDATE SET n = n + 1`, event.type);
        this.sql.exec(`INSERT INTO recent_events (event_id, item_id, type, value, timestamp) VALUES (?, ?, ?, ?, ?)`,
          event.eventId, event.itemId, event.type, event.value ?? null, event.timestamp);
        const reward = eventReward(event.type, event.value, this.config.rewards);
        const vector = vectors[event.itemId];
        if (vector) interest = addToInterest(interest, vector, reward, event.timestamp, this.config.interestHalfLifeMs);
        this.applyFatigue(event);
        if (event.requestId !== undefined && event.type !== "impression") bandit = this.credit(event, reward, bandit);
      }
      if (applied > 0) {
        this.sql.exec(`INSERT INTO interest (id, vector, updated_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET vector = excluded.vector, updated_at = excluded.updated_at`,
          interest.vector === null ? null : encodeVector(interest.vector), interest.updatedAt);
        this.writeBandit(bandit);
        this.sql.exec(`DELETE FROM applied_events WHERE seq <= (SELECT MAX(seq) FROM applied_events) - ?`, DEDUPE_CAPACITY);
        this.sql.exec(`DELETE FROM recent_events WHERE seq <= (SELECT MAX(seq) FROM recent_events) - ?`, RECENT_EVENTS);
        this.capItems();
      }
      return { applied, duplicates: events.length - applied };
    });
  }

  summary(): LiveSummary | null {
    const counts = this.sql.exec<{ type: string; n: number }>(`SELECT type, n FROM event_counts`).toArray();
    const interest = this.readInterest();
    const decisions = this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM decisions`).one().n;
    if (counts.length === 0 && interest.vector === null && decisions === 0) return null;
    const recent = this.sql.exec<{ event_id: string; item_id: string; type: string; value: number | null; timestamp: number }>(
      `SELECT event_id, item_id, type, value, timestamp FROM recent_events ORDER BY seq DESC LIMIT 20`).toArray();
    const items = this.sql.exec<{ fatigued: number; consumed: number }>(
      `SELECT sum(unengaged >= 1) AS fatigued, sum(consumed) AS consumed FROM item_state`).one();
    const bandit = this.readBandit();
    const counter = (name: string) => this.sql.exec<{ n: number }>(`SELECT coalesce((SELECT n FROM counters WHERE name = ?), 0) AS n`, name).one().n;
    return {
      eventCounts: Object.fromEntries(counts.map((row) => [row.type, row.n])),
      recentEvents: recent.map((row) => ({
        eventId: row.event_id, itemId: row.item_id, type: row.type as EventType,
        ...(row.value === null ? {} : { value: row.value }), timestamp: row.timestamp,
      })),
      shortTermVector: interest.vector,
      interestUpdatedAt: interest.vector === null ? null : interest.updatedAt,
      clusterRates: bandit.clusterAlpha.map((alpha, cluster) => ({ cluster, alpha, beta: bandit.clusterBeta[cluster]! })),
      fatiguedItems: items.fatigued ?? 0,
      consumedItems: items.consumed ?? 0,
      credited: { rewards: counter("credited"), late: counter("late"), notInDecision: counter("not_in_decision"), expiredUnrewarded: counter("expired_unrewarded") },
    };
  }

  /** Erases everything this object holds (privacy: DELETE /v1/users/:userId). */
  async erase(): Promise<void> {
    await this.ctx.storage.deleteAll();
    this.createSchema();
  }

  private applyFatigue(event: LiveEvent): void {
    const t = event.timestamp;
    if (event.type === "dismiss") this.touchItem(event.itemId, t, `last_dismiss_at = max(coalesce(last_dismiss_at, 0), ?)`, t);
    // A client impression tied to a served decision was already counted when the decision was recorded.
    if (event.type === "impression" && event.requestId === undefined) {
      this.touchItem(event.itemId, t, `unengaged = unengaged + 1, last_impression_at = max(coalesce(last_impression_at, 0), ?)`, t);
    }
    if (ENGAGEMENTS.has(event.type)) this.touchItem(event.itemId, t, `unengaged = 0`);
    if (isConsumed(event.type, this.config)) this.touchItem(event.itemId, t, `consumed = 1`);
  }

  /** Upserts an item's fatigue row, applying `assignments` (SQL SET clause) to the existing row. */
  private touchItem(itemId: string, timestamp: number, assignments: string, ...parameters: (number | string)[]): void {
    this.sql.exec(`INSERT INTO item_state (item_id, touched) VALUES (?, ?) ON CONFLICT(item_id) DO NOTHING`, itemId, timestamp);
    this.sql.exec(`UPDATE item_state SET ${assignments}, touched = max(touched, ?) WHERE item_id = ?`, ...parameters, timestamp, itemId);
  }

  private capItems(): void {
    this.sql.exec(`DELETE FROM item_state WHERE item_id IN (SELECT item_id FROM item_state ORDER BY touched DESC LIMIT -1 OFFSET ?)`, ITEM_STATE_CAPACITY);
  }

  /** Credits a reward to the decision that served the item, once per item, within the reward window. */
  private credit(event: LiveEvent, reward: number, bandit: BanditState): BanditState {
    const row = this.sql.exec<{ served_at: number; items: string }>(`SELECT served_at, items FROM decisions WHERE request_id = ?`, event.requestId!).toArray()[0];
    if (row === undefined || event.timestamp - row.served_at > this.config.rewardWindowMs) {
      // Too late (or its decision already closed): kept as behaviour (interest, fatigue) but not learned from.
      this.count("late");
      return bandit;
    }
    const items = JSON.parse(row.items) as OpenDecision["items"];
    const item = items.find((candidate) => candidate.itemId === event.itemId);
    if (item === undefined) {
      this.count("not_in_decision");
      return bandit;
    }
    if (item.credited) return bandit;
    item.credited = true;
    this.sql.exec(`UPDATE decisions SET items = ? WHERE request_id = ?`, JSON.stringify(items), event.requestId!);
    this.count("credited");
    return updateBandit(bandit, { cluster: item.cluster, hidden: item.hidden, score: item.score, reward });
  }

  /** Decisions whose window has ended close: each item shown but never rewarded is learned as reward 0. */
  private closeExpiredDecisions(now: number, bandit: BanditState): BanditState {
    const expired = this.sql.exec<{ request_id: string; items: string }>(
      `SELECT request_id, items FROM decisions WHERE served_at < ?`, now - this.config.rewardWindowMs).toArray();
    for (const row of expired) bandit = this.closeDecision(row.request_id, JSON.parse(row.items), bandit);
    if (expired.length > 0) this.writeBandit(bandit);
    return bandit;
  }

  private closeDecision(requestId: string, items: OpenDecision["items"], bandit: BanditState): BanditState {
    for (const item of items) {
      if (item.credited) continue;
      this.count("expired_unrewarded");
      bandit = updateBandit(bandit, { cluster: item.cluster, hidden: item.hidden, score: item.score, reward: 0 });
    }
    this.sql.exec(`DELETE FROM decisions WHERE request_id = ?`, requestId);
    return bandit;
  }

  private count(name: string): void {
    this.sql.exec(`INSERT INTO counters (name, n) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET n = n + 1`, name);
  }

  private readBandit(): BanditState {
    const row = this.sql.exec<{ state: string }>(`SELECT state FROM bandit WHERE id = 1`).toArray()[0];
    if (row !== undefined) return JSON.parse(row.state) as BanditState;
    return createBanditState({ clusterCount: this.config.clusterCount, dimension: 16 });
  }

  private writeBandit(state: BanditState): void {
    this.sql.exec(`INSERT INTO bandit (id, state) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state`, JSON.stringify(state));
  }

  private readInterest(): InterestState {
    const row = this.sql.exec<{ vector: string | null; updated_at: number }>(`SELECT vector, updated_at FROM interest WHERE id = 1`).toArray()[0];
    return row === undefined ? { vector: null, updatedAt: 0 } : { vector: row.vector === null ? null : decodeVector(row.vector), updatedAt: row.updated_at };
  }
}
