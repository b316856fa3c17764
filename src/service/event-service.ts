// POST /v1/events without the HTTP: store every event once in D1 (the durable log, unique eventId), then let each
// user's Durable Object learn from it. The object dedupes by eventId too, so an event stored by an earlier,
// failed attempt is forwarded again on redelivery and learned exactly once.
import { loadCatalogue, currentCatalogueVersion } from "../storage/d1/catalogue-repository.js";
import type { Database } from "../storage/d1/database.js";
import { insertNewEvents, storedEventOwners, type EventRow } from "../storage/d1/event-repository.js";
import type { LiveEvent, UserStateObject } from "../storage/durable/user-state-object.js";
import type { EventType } from "../ranking/live-state.js";

export interface IncomingEvent {
  eventId: string; userId: string; itemId: string; type: EventType;
  requestId?: string | undefined; value?: number | undefined; timestamp?: number | undefined;
}

export interface EventDeps {
  db: Database; userState: DurableObjectNamespace<UserStateObject>; now: number; userKey: (userId: string) => Promise<string>;
}

export async function ingestEvents(deps: EventDeps, events: readonly IncomingEvent[]): Promise<{ accepted: number; duplicates: number }> {
  const { db, now } = deps;
  const keys = new Map(await Promise.all([...new Set(events.map((e) => e.userId))].map(async (id) => [id, await deps.userKey(id)] as const)));
  const rows: EventRow[] = events.map((event) => ({
    eventId: event.eventId, userId: keys.get(event.userId)!, itemId: event.itemId, type: event.type, value: event.value ?? null,
    requestId: event.requestId ?? null, timestamp: event.timestamp ?? now, receivedAt: now,
  }));
  const inserted = await insertNewEvents(db, rows);
  const seenBefore = [...new Set(rows.filter((row) => !inserted.has(row.eventId)).map((row) => row.eventId))];
  const owners = await storedEventOwners(db, seenBefore);

  const byUser = new Map<string, LiveEvent[]>();
  const forwarded = new Set<string>();
  for (const row of rows) {
    const sameEvent = inserted.has(row.eventId) || owners.get(row.eventId) === row.userId;
    if (!sameEvent || forwarded.has(row.eventId)) continue;
    forwarded.add(row.eventId);
    const list = byUser.get(row.userId) ?? [];
    list.push({
      eventId: row.eventId, itemId: row.itemId, type: row.type, timestamp: row.timestamp,
      ...(row.value === null || row.value === undefined ? {} : { value: row.value }),
      ...(row.requestId === null || row.requestId === undefined ? {} : { requestId: row.requestId }),
    });
    byUser.set(row.userId, list);
  }
  if (byUser.size > 0) {
    const catalogue = await loadCatalogue(db, await currentCatalogueVersion(db));
    await Promise.all([...byUser].map(([userId, userEvents]) => {
      const vectors: Record<string, Float32Array | null> = {};
      for (const event of userEvents) vectors[event.itemId] = catalogue.byId.get(event.itemId)?.contentVector ?? null;
      return deps.userState.get(deps.userState.idFromName(userId)).apply(userEvents, vectors);
    }));
  }
  return { accepted: inserted.size, duplicates: rows.length - inserted.size };
}
