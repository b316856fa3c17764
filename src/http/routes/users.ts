import { z } from "zod";
import { assignVariant } from "../../ranking/experiments.js";
import { encodeVector } from "../../ranking/vectors.js";
import { describeUser, eraseUserEverywhere } from "../../service/user-service.js";
import { upsertUsers } from "../../storage/d1/user-repository.js";
import { ApiError } from "../errors.js";
import { defineRoute, type AppContext } from "../route-spec.js";
import { DeletedResponse, Id, UpsertedResponse, UsersRequest } from "../schemas.js";
import { bindings } from "./deps.js";
import { checkDimension, dimensions } from "./dimensions.js";

function userIdParam(c: AppContext): string {
  const parsed = Id.safeParse(c.req.param("userId"));
  if (!parsed.success) throw new ApiError("INVALID_REQUEST", `userId: ${parsed.error.issues[0]!.message}`, [{ field: "userId", message: parsed.error.issues[0]!.message }]);
  return parsed.data;
}

const UserViewResponse = z.object({
  userId: z.string(), variant: z.string(),
  profile: z.object({ ratingCount: z.number(), ratingMean: z.number(), attributes: z.record(z.string(), z.unknown()), updatedAt: z.number() }).nullable(),
  interests: z.object({
    longTerm: z.array(z.object({ tag: z.string(), share: z.number() })),
    shortTerm: z.array(z.object({ itemId: z.string(), title: z.string(), similarity: z.number() })),
  }),
  counts: z.object({ decisions: z.number(), impressions: z.number(), events: z.number(), liveEvents: z.record(z.string(), z.number()) }),
  learning: z.object({
    clusters: z.array(z.object({ cluster: z.number(), tags: z.array(z.string()), meanReward: z.number(), observations: z.number() })),
    fatiguedItems: z.number(), consumedItems: z.number(),
    credited: z.object({ rewards: z.number(), late: z.number(), notInDecision: z.number(), expiredUnrewarded: z.number() }),
  }).nullable(),
  recentEvents: z.array(z.object({ eventId: z.string(), itemId: z.string(), type: z.string(), value: z.number().optional(), timestamp: z.number() })),
});

export const userRoutes = [
  defineRoute({
    method: "get", path: "/v1/users/:userId", scope: "serve", errors: [404],
    summary: "The user's profile and live state: top interests, counts, recent events, assigned variant",
    response: UserViewResponse,
    handler: async (c) => {
      const userId = userIdParam(c);
      const { experiment, learning } = c.get("config");
      const view = await describeUser(bindings(c), userId, assignVariant(experiment.config, userId).name, learning.clusterCount);
      if (view === null) throw new ApiError("NOT_FOUND", `userId: the service holds nothing about user "${userId}"`);
      return c.json(view);
    },
  }),
  defineRoute({
    method: "delete", path: "/v1/users/:userId", scope: "serve",
    summary: "Erase everything held about the user: profile, live state, decisions, impressions, events",
    response: DeletedResponse,
    handler: async (c) => {
      await eraseUserEverywhere(bindings(c), userIdParam(c));
      return c.json({ deleted: true as const });
    },
  }),
  defineRoute({
    method: "put", path: "/v1/users", scope: "admin",
    summary: "Upsert user profiles (1..500): collaborative and content vectors, tag affinity, rating stats (used by ingest)",
    request: UsersRequest, response: UpsertedResponse,
    handler: async (c, body) => {
      const { db, now, userKey } = bindings(c);
      const dims = dimensions(c.env);
      body.users.forEach((user, index) => {
        checkDimension("users", index, "collabVector", user.collabVector, dims.collab);
        checkDimension("users", index, "contentVector", user.contentVector, dims.content);
      });
      const keys = await Promise.all(body.users.map((user) => userKey(user.userId)));
      await upsertUsers(db, body.users.map((user, i) => ({
        userId: keys[i]!,
        collabVector: user.collabVector ? encodeVector(Float32Array.from(user.collabVector)) : null,
        contentVector: user.contentVector ? encodeVector(Float32Array.from(user.contentVector)) : null,
        tagAffinity: user.tagAffinity, ratingCount: user.ratingCount, ratingMean: user.ratingMean,
        attributes: user.attributes, updatedAt: now,
      })));
      return c.json({ upserted: body.users.length });
    },
  }),
];
