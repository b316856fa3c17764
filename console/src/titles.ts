// Item titles for views whose API answers carry only item ids (preview, exposure top list). Titles are learnt
// from every item list the console reads; missing ones are looked up once with GET /v1/items (which searches by
// title and returns at most 500 items, the most shown first), so an item outside those shows its id alone.
import { api, type ItemsResponse } from "./api.js";

const titles = new Map<string, string>();
let bulkLookup: Promise<void> | null = null;

export function rememberTitles(items: readonly { itemId: string; title?: string }[]): void {
  for (const item of items) if (item.title !== undefined && item.title !== "") titles.set(item.itemId, item.title);
}

export function titleOf(itemId: string): string | undefined {
  return titles.get(itemId);
}

/** Makes sure titles are known for these ids as far as the API allows; resolves when the lookup is done. */
export async function ensureTitles(itemIds: readonly string[]): Promise<void> {
  if (itemIds.every((id) => titles.has(id))) return;
  bulkLookup ??= api<ItemsResponse>("GET", "/v1/items?query=&limit=500").then(
    (answer) => rememberTitles(answer.items),
    () => { bulkLookup = null; },
  );
  await bulkLookup;
}

/** Forget the bulk lookup (after new items may have been added) so the next missing title triggers a fresh one. */
export function refreshTitlesLater(): void {
  bulkLookup = null;
}
