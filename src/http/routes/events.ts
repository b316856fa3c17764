import { ingestEvents } from "../../service/event-service.js";
import { ApiError } from "../errors.js";
import { defineRoute } from "../route-spec.js";
import { EventsRequest, EventsResponse, MAX_FUTURE_MS } from "../schemas.js";
import { bindings } from "./deps.js";

export const eventRoutes = [
  defineRoute({
    method: "post", path: "/v1/events", scope: "serve",
    summary: "Record feedback events (1..500); redelivered eventIds count as duplicates and are learned once",
    request: EventsRequest, response: EventsResponse,
    handler: async (c, body) => {
      const deps = bindings(c);
      const future = body.events
        .map((event, index) => ({ event, index }))
        .filter(({ event }) => event.timestamp !== undefined && event.timestamp > deps.now + MAX_FUTURE_MS)
        .map(({ index }) => ({ index, field: `events[${index}].timestamp`, message: "is more than 1 day in the future" }));
      if (future.length > 0) throw new ApiError("INVALID_REQUEST", `${future[0]!.field}: ${future[0]!.message}`, future);
      return c.json(await ingestEvents(deps, body.events));
    },
  }),
];
