// Snapshot handling of the retrain: which snapshot it takes, how candidates are named, and the status calls.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { candidateVersion, chooseSnapshot, listSnapshots, setSnapshotStatus, type Snapshot, type SnapshotStatus } from "../../offline/logged-data.js";
import type { ServiceClient } from "../../offline/service-client.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 3, 10);

function snapshot(hour: number, status: SnapshotStatus): Snapshot {
  return { cronSlot: T0 + hour * HOUR, fromTime: hour === 0 ? 0 : T0 + (hour - 1) * HOUR, toTime: T0 + hour * HOUR, decisions: 1, impressions: 10, events: 2, status, createdAt: T0 + hour * HOUR + 5 };
}

describe("chooseSnapshot", () => {
  it("takes the newest pending snapshot", () => {
    const chosen = chooseSnapshot([snapshot(0, "promoted"), snapshot(2, "pending"), snapshot(1, "pending")]);
    expect(chosen).toEqual({ snapshot: snapshot(2, "pending") });
  });

  it("leaves pending snapshots older than a handled one alone (the newer one's window covered them)", () => {
    const snapshots = [snapshot(3, "rejected"), snapshot(2, "pending"), snapshot(1, "promoted")];
    const chosen = chooseSnapshot(snapshots);
    expect("none" in chosen && chosen.none).toMatch(/no pending snapshot newer than .* \(rejected\)/);
    // A snapshot being trained counts as handled too: a second retrain does not start on an older one.
    expect("none" in chooseSnapshot([snapshot(2, "training"), snapshot(1, "pending")])).toBe(true);
  });

  it("says when the cron has not run yet", () => {
    const chosen = chooseSnapshot([]);
    expect("none" in chosen && chosen.none).toMatch(/no snapshot yet/);
  });

  it("takes the one asked for, whatever its status (a rerun), and says when it does not exist", () => {
    const snapshots = [snapshot(2, "failed"), snapshot(1, "promoted")];
    expect(chooseSnapshot(snapshots, T0 + HOUR)).toEqual({ snapshot: snapshot(1, "promoted") });
    const missing = chooseSnapshot(snapshots, 42);
    expect("none" in missing && missing.none).toMatch(/no snapshot with cronSlot 42/);
  });
});

describe("candidateVersion", () => {
  it("is the slot's UTC date and the slot, made unique on a rerun", () => {
    const slot = T0 + 2 * HOUR;
    expect(candidateVersion(slot, new Set())).toBe(`2026-12-03.${slot}`);
    expect(candidateVersion(slot, new Set([`2026-12-03.${slot}`]))).toBe(`2026-12-03.${slot}-2`);
    expect(candidateVersion(slot, new Set([`2026-12-03.${slot}`, `2026-12-03.${slot}-2`]))).toBe(`2026-12-03.${slot}-3`);
    // The Worker's version pattern: 1..64 of letters, digits, '.', '_' or '-'.
    expect(candidateVersion(slot, new Set())).toMatch(/^[\w.-]{1,64}$/);
  });
});

describe("status calls", () => {
  const statuses = new Map<number, SnapshotStatus>([[T0 + HOUR, "pending"]]);
  const posted: { path: string; body: unknown }[] = [];
  let server: Server;
  let client: ServiceClient;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = "";
      req.on("data", (chunk: Buffer) => { text += chunk.toString(); });
      req.on("end", () => {
        const send = (status: number, body: unknown): void => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        };
        if (req.method === "GET" && req.url === "/v1/snapshots") {
          return send(200, { snapshots: [...statuses].map(([slot, status]) => ({ ...snapshot((slot - T0) / HOUR, status) })) });
        }
        const match = /^\/v1\/snapshots\/(\d+)\/status$/.exec(req.url ?? "");
        if (req.method === "POST" && match !== null) {
          const body = JSON.parse(text) as { status: SnapshotStatus };
          posted.push({ path: req.url!, body });
          const slot = Number(match[1]);
          if (!statuses.has(slot)) return send(404, { error: { code: "NOT_FOUND", message: `no snapshot "${slot}"` } });
          statuses.set(slot, body.status);
          return send(200, snapshot((slot - T0) / HOUR, body.status));
        }
        return send(404, {});
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    client = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, key: "k" };
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("marks a snapshot through POST /v1/snapshots/:cronSlot/status and reads it back", async () => {
    const slot = T0 + HOUR;
    expect((await setSnapshotStatus(client, slot, "training")).status).toBe("training");
    expect(posted.at(-1)).toEqual({ path: `/v1/snapshots/${slot}/status`, body: { status: "training" } });
    expect((await listSnapshots(client))[0]!.status).toBe("training");
    await setSnapshotStatus(client, slot, "promoted");
    expect(chooseSnapshot(await listSnapshots(client))).toEqual({ none: `no pending snapshot newer than ${slot} (promoted)` });
  });

  it("fails loudly for an unknown snapshot (no retry on a 4xx)", async () => {
    const before = posted.length;
    await expect(setSnapshotStatus(client, 7, "failed")).rejects.toThrow(/404/);
    expect(posted.length).toBe(before + 1);
  });
});
