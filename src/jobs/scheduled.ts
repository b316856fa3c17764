// The cron trigger: snapshot the logs since the last slot and record a retrain request for `npm run retrain`,
// which runs outside the Worker (training is too heavy for an isolate).
import { database } from "../storage/d1/database.js";
import { recordSnapshot } from "../storage/d1/snapshot-repository.js";

export async function runScheduled(env: Env, scheduledTime: number): Promise<void> {
  const snapshot = await recordSnapshot(database(env.DB), scheduledTime, Date.now());
  if (snapshot === null) {
    console.log(`serendip: cron slot ${scheduledTime} already has a snapshot; nothing to do`);
  } else {
    console.log(`serendip: snapshot ${snapshot.cronSlot} recorded (${snapshot.decisions} decisions, ${snapshot.events} events); retrain requested`);
  }
}
