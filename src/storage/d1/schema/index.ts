export * from "./items.js";
export * from "./users.js";
export * from "./decisions.js";
export * from "./events.js";
export * from "./models.js";
export * from "./snapshots.js";
