// The simulation loop: simulated users arrive round after round, each asks the service to rank the catalogue (k
// slots), looks at the slate and clicks according to the ground truth (ground-truth.ts); clicks go back to the
// service as events tied to the request. The service is reached through SimulationService, so the loop runs
// against a live Worker over HTTP (httpService) or, in tests, against an in-process fake.
import { stableHash32 } from "../../src/ranking/hash.js";
import { seededRandom, type Random } from "../../src/ranking/random.js";
import { callService, type ServiceClient } from "../service-client.js";
import { clickProbabilities, examination, shuffled, type GroundTruth, type PositionBias } from "./ground-truth.js";
import { expectedClicks, oracleSlate } from "./metrics.js";

export interface RankedItem { itemId: string; rank: number; score: number; propensity: number; explore: boolean; reason: string }

/** The parts of the POST /v1/rank response the simulation reads. */
export interface RankResponse {
  requestId: string;
  variant: string;
  policy: string;
  fallback: boolean;
  items: RankedItem[];
}

export interface ClickEvent { eventId: string; userId: string; itemId: string; type: "click"; requestId: string; value: number }

export interface SimulationService {
  rank(request: { userId: string; k: number; exclude: string[] }): Promise<RankResponse>;
  events(events: ClickEvent[]): Promise<void>;
}

/** The service over HTTP with a serve-scope key: POST /v1/rank (from the catalogue) and POST /v1/events. A request
 * the connection drops (the local Worker restarting) is sent again after a pause, up to `attempts` times: a rank
 * request again simply ranks again, and events are deduplicated by their ids. */
export function httpService(client: ServiceClient, attempts = 5): SimulationService {
  const call = async <T>(path: string, body: unknown): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await callService<T>(client, "POST", path, body);
      } catch (error) {
        // callService has already retried 5xx answers; an HTTP answer is final, a dropped connection is not.
        if (/ answered \d{3}:/.test((error as Error).message) || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      }
    }
  };
  return {
    rank: (request) => call<RankResponse>("/v1/rank", request.exclude.length === 0 ? { userId: request.userId, k: request.k } : request),
    events: async (events) => {
      if (events.length > 0) await call("/v1/events", { events });
    },
  };
}

export interface SimulatedUser {
  userId: string;
  /** Ground-truth factors before the drift round, and from it on. */
  before: Float64Array;
  after: Float64Array;
  /** The MovieLens user whose taste this user takes at the drift. */
  driftTo: string;
}

export interface SimulationSettings {
  rounds: number;
  k: number;
  /** First round with the drifted tastes; rounds >= this are "after". */
  driftRound: number;
  seed: number;
  /** Requests in flight at once (different users; a round waits for all its requests before the next starts). */
  concurrency: number;
  positionBias: PositionBias;
  /** Prefix of event ids, unique per run, so a rerun against the same Worker is not deduplicated away. */
  runId: string;
}

/** One request as the simulation saw it. */
export interface RequestRecord {
  user: number;
  round: number;
  variant: string;
  policy: string;
  fallback: boolean;
  /** Catalogue indices of the served items in rank order (-1: an id the catalogue does not hold). */
  items: number[];
  /** Served slots marked explore by the service. */
  explored: number;
  /** The service's reason per served slot ("exploit", "explore:epsilon", "diversity", ...). */
  reasons: string[];
  clicks: number;
  /** Expected clicks of the served slate under the ground truth, and of the oracle's slate. */
  expected: number;
  oracle: number;
  latencyMs: number;
}

/** Runs every round for every user and returns one record per request, in completion order. */
export async function runSimulation(
  truth: GroundTruth, users: readonly SimulatedUser[], service: SimulationService, settings: SimulationSettings,
  onRequest: (record: RequestRecord) => void = () => {},
): Promise<RequestRecord[]> {
  const records: RequestRecord[] = [];
  const clicked = users.map(() => new Set<number>());
  const history = users.map((u) => truth.history.get(u.userId) ?? new Set<number>());
  const probabilities = new Map<string, Float64Array>();
  const probabilitiesOf = (user: number, after: boolean) => {
    const key = `${user}:${after}`;
    let p = probabilities.get(key);
    if (p === undefined) probabilities.set(key, (p = after ? clickProbabilities(truth, users[user]!.after, truth.after) : clickProbabilities(truth, users[user]!.before, truth.before)));
    return p;
  };
  const arrivals: Random = seededRandom(stableHash32(`arrivals:${settings.seed}`));

  for (let round = 0; round < settings.rounds; round++) {
    const queue = shuffled(users.map((_, i) => i), arrivals);
    const step = async (user: number) => {
      const simulated = users[user]!;
      const p = probabilitiesOf(user, round >= settings.driftRound);
      const consumed = (i: number) => history[user]!.has(i) || clicked[user]!.has(i);
      const oracle = oracleSlate(p, (i) => !consumed(i), settings.k).map((i) => p[i]!);
      const started = performance.now();
      const response = await service.rank({ userId: simulated.userId, k: settings.k, exclude: [...clicked[user]!].map((i) => truth.itemIds[i]!) });
      const latencyMs = performance.now() - started;
      const items = response.items.map((item) => truth.itemIndex.get(item.itemId) ?? -1);
      const served = items.map((i) => (i < 0 || consumed(i) ? 0 : p[i]!));
      // The user's clicks on this slate: a stream of their own per (seed, user, round), so they do not depend on
      // the order in which concurrent requests complete.
      const random = seededRandom(stableHash32(`clicks:${settings.seed}:${simulated.userId}:${round}`));
      const events: ClickEvent[] = [];
      served.forEach((probability, r) => {
        if (random() < examination(r + 1, settings.positionBias) * probability) {
          const itemId = response.items[r]!.itemId;
          events.push({ eventId: `sim-${settings.runId}-${simulated.userId}-${round}-${itemId}`, userId: simulated.userId, itemId, type: "click", requestId: response.requestId, value: 1 });
          clicked[user]!.add(items[r]!);
        }
      });
      await service.events(events);
      const record: RequestRecord = {
        user, round, variant: response.variant, policy: response.policy, fallback: response.fallback, items,
        explored: response.items.filter((item) => item.explore).length, reasons: response.items.map((item) => item.reason), clicks: events.length,
        expected: expectedClicks(served, settings.positionBias), oracle: expectedClicks(oracle, settings.positionBias), latencyMs,
      };
      records.push(record);
      onRequest(record);
    };
    await Promise.all(Array.from({ length: Math.max(1, settings.concurrency) }, async () => {
      for (let user = queue.shift(); user !== undefined; user = queue.shift()) await step(user);
    }));
  }
  return records;
}
