import { sql } from "drizzle-orm";
import type { Database } from "./database.js";

export interface VariantCounts { variant: string; decisions: number; impressions: number; clicks: number }

/** Per variant, from the logged rows: decisions, impressions, and clicks credited to an impression (a click event
 * naming the decision's requestId and one of its items; each (request, item) counts once). */
export async function variantCounts(db: Database): Promise<VariantCounts[]> {
  const [decisionRows, impressionRows, clickRows] = await db.batch([
    db.all<{ variant: string; n: number }>(sql`SELECT variant, count(*) AS n FROM decisions GROUP BY variant`),
    db.all<{ variant: string; n: number }>(sql`SELECT variant, count(*) AS n FROM impressions GROUP BY variant`),
    db.all<{ variant: string; n: number }>(sql`SELECT i.variant AS variant, count(*) AS n FROM impressions i
      WHERE EXISTS (SELECT 1 FROM events e WHERE e.type = 'click' AND e.request_id = i.request_id AND e.item_id = i.item_id)
      GROUP BY i.variant`),
  ]);
  const byVariant = new Map<string, VariantCounts>();
  const entry = (variant: string) => {
    let counts = byVariant.get(variant);
    if (counts === undefined) byVariant.set(variant, (counts = { variant, decisions: 0, impressions: 0, clicks: 0 }));
    return counts;
  };
  for (const row of decisionRows) entry(row.variant).decisions = row.n;
  for (const row of impressionRows) entry(row.variant).impressions = row.n;
  for (const row of clickRows) entry(row.variant).clicks = row.n;
  return [...byVariant.values()];
}
