// What the routes hand to the services: typed bindings and a clock.
import { database, type Database } from "../../storage/d1/database.js";
import type { UserStateObject } from "../../storage/durable/user-state-object.js";
import type { AppContext } from "../route-spec.js";

export function bindings(c: AppContext): { db: Database; userState: DurableObjectNamespace<UserStateObject>; now: number } {
  return {
    db: database(c.env.DB),
    userState: c.env.USER_STATE,
    now: Date.now(),
  };
}
