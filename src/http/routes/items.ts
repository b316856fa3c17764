import { upsertItems } from "../../storage/d1/catalogue-repository.js";
import { itemRow } from "../../storage/d1/row-mapping.js";
import { defineRoute } from "../route-spec.js";
import { ItemsRequest, UpsertedResponse } from "../schemas.js";
import { bindings } from "./deps.js";
import { checkDimension, dimensions } from "./dimensions.js";

export const itemRoutes = [
  defineRoute({
    method: "put", path: "/v1/items", scope: "admin",
    summary: "Upsert catalogue items (1..500) with optional content vector, collaborative vector and popularity",
    request: ItemsRequest, response: UpsertedResponse,
    handler: async (c, body) => {
      const { db, now } = bindings(c);
      const dims = dimensions(c.env);
      body.items.forEach((item, index) => {
        checkDimension("items", index, "vector", item.vector, dims.content);
        checkDimension("items", index, "collabVector", item.collabVector, dims.collab);
      });
      await upsertItems(db, body.items.map((item) => itemRow({
        itemId: item.itemId, title: item.title, text: item.text, tags: item.tags, createdAt: item.createdAt ?? now,
        active: item.active, vector: item.vector ? Float32Array.from(item.vector) : null,
        collabVector: item.collabVector ? Float32Array.from(item.collabVector) : null,
        ratingCount: item.popularity?.ratingCount ?? 0, ratingMean: item.popularity?.ratingMean ?? 0,
      }, now)));
      return c.json({ upserted: body.items.length });
    },
  }),
];
