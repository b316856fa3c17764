// What the routes hand to the services: typed bindings and a clock.
import { database, type Database } from "../../storage/d1/database.js";
import type { UserStateObject } from "../../storage/durable/user-state-object.js";
import { pseudonymize } from "../../storage/pseudonym.js";
import { ApiError } from "../errors.js";
import type { AppContext } from "../route-spec.js";

export interface Bindings {
  db: Database;
  userState: DurableObjectNamespace<UserStateObject>;
  now: number;
  /** The pseudonym under which a user's data is stored. */
  userKey: (userId: string) => Promise<string>;
}

export function bindings(c: AppContext): Bindings {
  const secret = c.env.PSEUDONYM_KEY;
  return {
    db: database(c.env.DB),
    userState: c.env.USER_STATE,
    now: Date.now(),
    userKey: (userId) => {
      if (!secret) throw new ApiError("NOT_READY", "PSEUDONYM_KEY is not configured; see .dev.vars.example");
      return pseudonymize(userId, secret);
    },
  };
}
