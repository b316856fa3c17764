// POST /v1/bench/score (admin): runs the served model `runs` times on a random batch inside the Worker, so the
// benchmark can measure scoring on the real edge runtime from outside (workerd's clocks are coarse and, deployed,
// only advance on I/O, so timing is taken over HTTP: T(runs) - T(0), divided by runs).
import { z } from "zod";
import bundledFp32Bytes from "../../../models/ranker.fp32.onnx";
import { sha256Hex } from "../../model/model-loader.js";
import { BUNDLED_MANIFEST, BUNDLED_MODEL_BYTES } from "../../model/model-provider.js";
import { createOrtRunModel } from "../../model/ort-runtime.js";
import { FEATURE_COUNT } from "../../ranking/features.js";
import type { RunModel } from "../../ranking/scorer/model-scorer.js";
import { seededRandom } from "../../ranking/random.js";
import { defineRoute } from "../route-spec.js";

// One session per precision per isolate, created on first use (the same reason the live model is cached).
const sessions = new Map<string, Promise<RunModel>>();

async function session(precision: "int8" | "fp32"): Promise<RunModel> {
  let run = sessions.get(precision);
  if (run === undefined) {
    const bytes = precision === "int8" ? BUNDLED_MODEL_BYTES : new Uint8Array(bundledFp32Bytes);
    run = sha256Hex(bytes).then((sha256) => createOrtRunModel(bytes, { ...BUNDLED_MANIFEST, sha256, precision }));
    sessions.set(precision, run);
  }
  return run;
}

export const benchRoutes = [
  defineRoute({
    method: "post", path: "/v1/bench/score", scope: "admin",
    summary: "Diagnostics: score a random batch `runs` times with the bundled int8 or fp32 model inside the Worker",
    // Bounded to about a second of scoring, so a diagnostic cannot stall the isolate.
    request: z.strictObject({
      precision: z.enum(["int8", "fp32"]),
      batch: z.number().int().min(1).max(10_000),
      runs: z.number().int().min(0).max(10_000),
    }).refine((body) => body.batch * body.runs <= 2_000_000, { message: "batch x runs must be at most 2,000,000 rows", path: ["runs"] }),
    response: z.object({ precision: z.string(), batch: z.number(), runs: z.number(), checksum: z.number() }),
    handler: async (c, body) => {
      const run = await session(body.precision);
      const random = seededRandom(body.batch);
      const features = Float32Array.from({ length: body.batch * FEATURE_COUNT }, () => random());
      // The checksum keeps the work observable, so no run can be skipped.
      let checksum = 0;
      for (let i = 0; i < body.runs; i++) checksum += (await run(features, body.batch)).score[0]!;
      return c.json({ precision: body.precision, batch: body.batch, runs: body.runs, checksum });
    },
  }),
];
