// The operator console end to end: a fresh local Worker, seeded through the admin API (a MovieLens 100K subset when
// ../shared/data/ml-100k exists, fixtures otherwise; the suite's name and output say which), a little traffic, then
// headless Chromium signs in and uses every view. Screenshots go to test-results/console/.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callService, type ServiceClient } from "../../offline/service-client.js";
import { launchBrowser } from "./browser.js";
import { EXPLORED_USER, generateTraffic, movieLensDataDir, seedFixtures, seedMovieLens, type Seeded } from "./seed.js";
import { startWorker, type RunningWorker } from "./worker.js";

const OUT = join("test-results", "console");
const ADMIN_KEY = "dev-admin-key";
const SERVE_KEY = "dev-serve-key";
const CANDIDATE = "e2e-candidate.1";
const DATA_DIR = movieLensDataDir();
const SOURCE = DATA_DIR === null ? "fixtures (no ml-100k found)" : "a MovieLens 100K subset";

interface Variant { name: string; decisions: number; impressions: number; clicks: number }
interface ModelsAnswer { live: { version: string } | null; versions: { version: string; live: boolean }[] }

let worker: RunningWorker | undefined;
let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
let admin: ServiceClient;
let seeded: Seeded;
let bundledVersion: string;
let page: Page;
const problems: string[] = [];

const screenshot = (p: Page, name: string) => p.screenshot({ path: join(OUT, name), fullPage: true });
const get = <T>(path: string) => callService<T>(admin, "GET", path);
const variants = async () => (await get<{ experiments: { variants: Variant[] }[] }>("/v1/experiments")).experiments.flatMap((e) => e.variants);

async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const p = await browser!.context.newPage();
  await p.setViewportSize(viewport);
  p.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  p.on("console", (message) => {
    // 401/403 answers are expected (the sign-in and stale-key checks); anything else logged as an error is not.
    if (message.type() === "error" && !/status of 40[13]/.test(message.text())) problems.push(`console error: ${message.text()}`);
  });
  return p;
}

async function signIn(p: Page, hash = ""): Promise<void> {
  await p.goto(`${worker!.baseUrl}/console${hash === "" ? "" : `/${hash}`}`);
  await p.getByLabel("Admin key").fill(ADMIN_KEY);
  await p.getByRole("button", { name: "Sign in" }).click();
  await p.getByRole("navigation", { name: "Views" }).waitFor();
}

/** The canvas has drawn something: some pixel is not fully transparent. */
async function canvasHasInk(p: Page, selector: string): Promise<boolean> {
  return p.$eval(selector, (canvas) => {
    const c = canvas as HTMLCanvasElement;
    if (c.width === 0 || c.height === 0) return false;
    const data = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
    return false;
  });
}

/** Elements that stick out past the right edge of the viewport (outside scrollable regions): none on a phone. */
const overflowing = (p: Page) => p.evaluate(() => {
  if (document.documentElement.scrollWidth <= innerWidth) return [];
  return Array.from(document.querySelectorAll("body *"))
    .filter((el) => el.getBoundingClientRect().right > innerWidth + 1 && el.closest(".table-scroll") === null)
    .slice(0, 10).map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)}px)`);
});

const tableRows = (p: Page, name: string) => p.$$eval(`table[data-table="${name}"] tbody tr`, (rows) =>
  rows.map((row) => Array.from(row.querySelectorAll("th, td")).map((cell) => (cell.textContent ?? "").trim())));

describe(`operator console (seeded with ${SOURCE})`, () => {
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    const started = Date.now();
    worker = await startWorker(join(OUT, "wrangler.log"));
    admin = { baseUrl: worker.baseUrl, key: ADMIN_KEY };
    seeded = DATA_DIR === null ? await seedFixtures(admin) : await seedMovieLens(admin, DATA_DIR);
    console.log(`e2e: seeded with ${seeded.detail}`);
    const traffic = await generateTraffic({ baseUrl: worker.baseUrl, key: SERVE_KEY }, seeded.userIds);
    console.log(`e2e: traffic ${traffic.ranks} rank requests, ${traffic.clicks} clicks`);

    // A candidate model: the bundled ranker under a new version, with example ope_* gate metrics in its manifest.
    const manifest = JSON.parse(readFileSync("models/ranker.manifest.json", "utf8")) as { version: string; metrics: Record<string, number> };
    bundledVersion = manifest.version;
    await callService(admin, "POST", "/v1/models", {
      manifest: { ...manifest, version: CANDIDATE, metrics: { ...manifest.metrics, ope_promote: 1, ope_margin: 0.005, ope_delta_logloss_high: -0.002, ope_impressions: 1200 } },
      bytes: readFileSync("models/ranker.onnx").toString("base64"),
    });
    browser = await launchBrowser();
    page = await newPage();
    console.log(`e2e: Worker at ${worker.baseUrl}, seeded and browser up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
  });

  it("is served as static assets at /console/ with a restrictive CSP", async () => {
    const response = await fetch(`${worker!.baseUrl}/console/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect((await fetch(`${worker!.baseUrl}/console/app.js`)).status).toBe(200);
    // The API is untouched: unknown paths still get the service's JSON error.
    const missing = await fetch(`${worker!.baseUrl}/no-such-path`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  });

  it("refuses a serve key with the service's message, then signs in with the admin key kept in sessionStorage only", async () => {
    const refusal = await fetch(`${worker!.baseUrl}/v1/experiments`, { headers: { authorization: `Bearer ${SERVE_KEY}` } });
    const expected = ((await refusal.json()) as { error: { message: string } }).error.message;

    await page.goto(`${worker!.baseUrl}/console`);
    await page.getByLabel("Admin key").fill(SERVE_KEY);
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain(expected);
    await screenshot(page, "1-sign-in-refused.png");

    await page.getByLabel("Admin key").fill(ADMIN_KEY);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Views" }).waitFor();
    const storage = await page.evaluate(() => ({ session: Object.values(sessionStorage), local: localStorage.length, cookie: document.cookie }));
    expect(storage).toEqual({ session: [ADMIN_KEY], local: 0, cookie: "" });
  });

  it("experiments: the variant table shows the logged counts and the click-rate chart renders with data", async () => {
    const expected = await variants();
    expect(expected.reduce((n, v) => n + v.impressions, 0)).toBeGreaterThan(0);
    expect(expected.reduce((n, v) => n + v.clicks, 0)).toBeGreaterThan(0);

    await page.locator("canvas#timeline-chart").waitFor();
    await page.locator('table[data-table="variants"]').waitFor();
    const rows = await tableRows(page, "variants");
    expect(rows.map((r) => r[0])).toEqual(expected.map((v) => v.name));
    for (const v of expected) {
      const row = rows.find((r) => r[0] === v.name)!;
      expect(row.slice(4, 7).map((cell) => Number(cell.replace(/,/g, "")))).toEqual([v.decisions, v.impressions, v.clicks]);
    }
    const shown = rows.map((r) => Number(r[5]!.replace(/,/g, "")));
    expect(shown.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(await canvasHasInk(page, "canvas#timeline-chart")).toBe(true);
    const timeline = await tableRows(page, "timeline");
    expect(timeline.length).toBeGreaterThan(0);
    expect(timeline.some((r) => Number(r[2]) > 0)).toBe(true);
    await screenshot(page, "2-experiments.png");
  });

  it(`user explorer: user ${EXPLORED_USER} gets 10 items with reasons, their learnt state, and each variant's slate; nothing is logged`, async () => {
    const decisionsBefore = (await variants()).reduce((n, v) => n + v.decisions, 0);
    await page.getByRole("link", { name: "User explorer" }).click();
    await page.getByLabel("User id").fill(EXPLORED_USER);
    await page.getByLabel("User id").press("Enter");
    await page.locator('table[data-table="preview"] tbody tr').nth(9).waitFor();
    expect(page.url()).toContain(`#/users/${EXPLORED_USER}`);

    const rows = await tableRows(page, "preview");
    expect(rows).toHaveLength(10);
    for (const [rank, item, score, propensity, explore, reason] of rows) {
      expect(Number(rank)).toBeGreaterThan(0);
      expect(item).toMatch(/\S.* #\S+$/); // a title, then the item id
      expect(Number.isFinite(Number(score))).toBe(true);
      expect(Number(propensity)).toBeGreaterThan(0);
      expect(["explore", "exploit"]).toContain(explore);
      expect(reason!.length).toBeGreaterThan(3);
    }
    const user = await callService<{ variant: string; interests: { longTerm: unknown[] }; learning: unknown }>({ ...admin }, "GET", `/v1/users/${EXPLORED_USER}`);
    expect(await page.getByRole("heading", { name: "Interests" }).isVisible()).toBe(true);
    expect(await page.locator("ul.bars li").count()).toBe(user.interests.longTerm.length);
    expect(await page.getByRole("heading", { name: "Learning state" }).isVisible()).toBe(true);
    expect(user.learning).not.toBeNull();

    const names = (await variants()).map((v) => v.name);
    const columns = page.locator("[data-variant]");
    expect(await columns.count()).toBe(names.length);
    for (const name of names) expect(await page.locator(`[data-variant="${name}"] ol.slate li`).count()).toBe(10);
    expect(await page.locator(`[data-variant="${user.variant}"]`).textContent()).toContain("user's variant");

    expect((await variants()).reduce((n, v) => n + v.decisions, 0)).toBe(decisionsBefore);
    await screenshot(page, `3-user-${EXPLORED_USER}.png`);
  });

  it("models: promote the uploaded candidate from the UI, then roll back", async () => {
    await page.getByRole("link", { name: "Models" }).click();
    const row = page.locator(`tr[data-version="${CANDIDATE}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain("gate: promote");
    await row.getByRole("button", { name: `Promote ${CANDIDATE}` }).click();
    await row.getByRole("button", { name: `Confirm: make ${CANDIDATE} live` }).click();
    await page.getByText(`Model ${CANDIDATE} is now live.`).waitFor();
    expect((await get<ModelsAnswer>("/v1/models")).live?.version).toBe(CANDIDATE);
    await page.locator(`[data-live-version="${CANDIDATE}"]`).waitFor();
    expect(await page.locator(`tr[data-version="${CANDIDATE}"] .badge-live`).textContent()).toBe("live");
    await screenshot(page, "4-models-promoted.png");

    const previous = page.locator(`tr[data-version="${bundledVersion}"]`);
    await previous.getByRole("button", { name: `Roll back to ${bundledVersion}` }).click();
    await previous.getByRole("button", { name: `Confirm: make ${bundledVersion} live` }).click();
    await page.getByText(`Model ${bundledVersion} is now live.`).waitFor();
    expect((await get<ModelsAnswer>("/v1/models")).live?.version).toBe(bundledVersion);
  });

  it("models: a refused model is shown with its reason", async () => {
    // The service refuses a model when it is loaded for serving; a stored bad model cannot be made in one step over
    // the API (uploads are checked), so the answer is patched in the browser to show how the console presents it.
    const reason = "sha256 of the bytes does not match the manifest";
    await page.route("**/v1/models", async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: { ...(await response.json()), refused: { version: "broken.1", reason } } });
    });
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.getByRole("heading", { name: "Refused model: broken.1" }).waitFor();
    expect(await page.locator(".card.warn").textContent()).toContain(reason);
    await page.unroute("**/v1/models");
  });

  it("catalogue: title search, cold items, and exposure concentration with a Lorenz curve", async () => {
    await page.getByRole("link", { name: "Catalogue" }).click();
    await page.locator('table[data-table="items"]').waitFor();
    const query = seeded.source === "movielens" ? "Star" : "film 1";
    await page.getByLabel("Title contains").fill(query);
    await page.getByRole("button", { name: "Search" }).click();
    await page.locator(`table[data-table="items"][data-query="${query}"][data-cold="false"]`).waitFor();
    const found = await tableRows(page, "items");
    expect(found.length).toBeGreaterThan(0);
    for (const row of found) expect(row[0]!.toLowerCase()).toContain(query.toLowerCase());
    if (seeded.source === "movielens") expect(found.map((r) => r[0])).toContain("Star Wars (1977)");

    await page.getByLabel("Title contains").fill("");
    await page.getByLabel(/Cold items only/).check();
    await page.getByRole("button", { name: "Search" }).click();
    await page.locator(`table[data-table="items"][data-query=""][data-cold="true"]`).waitFor();
    const cold = await tableRows(page, "items");
    expect(cold).toHaveLength(10);
    for (const row of cold) expect(row[3]).toContain("cold");

    const exposure = await get<{ gini: number; neverShown: number }>("/v1/items/exposure");
    await page.locator("canvas#lorenz-chart").waitFor();
    expect(Number(await page.locator("dd[data-gini]").textContent())).toBeCloseTo(exposure.gini, 3);
    expect(exposure.gini).toBeGreaterThan(0);
    expect(await canvasHasInk(page, "canvas#lorenz-chart")).toBe(true);
    expect((await tableRows(page, "top")).length).toBeGreaterThan(0);
    await screenshot(page, "5-catalogue.png");
  });

  it("keyboard: skip link, views reachable with Tab and Enter, focus moves to the view heading", async () => {
    const p = await newPage();
    await p.goto(`${worker!.baseUrl}/console/`);
    await p.waitForFunction(() => document.activeElement?.id === "admin-key"); // the key field takes focus on arrival
    await p.keyboard.type(ADMIN_KEY);
    await p.keyboard.press("Enter");
    await p.getByRole("navigation", { name: "Views" }).waitFor();
    const focused = () => p.evaluate(() => ({ tag: document.activeElement?.tagName, text: document.activeElement?.textContent?.trim(), outline: getComputedStyle(document.activeElement!).outlineStyle }));
    await p.keyboard.press("Tab");
    expect((await focused()).text).toBe("Skip to content");
    await p.keyboard.press("Tab");
    expect(await focused()).toMatchObject({ tag: "A", text: "Experiments", outline: "solid" });
    await p.keyboard.press("Tab");
    expect((await focused()).text).toBe("Models");
    await p.keyboard.press("Enter");
    await p.waitForFunction(() => document.activeElement?.tagName === "H2");
    expect((await focused()).text).toBe("Models");
    expect(p.url()).toMatch(/#\/models$/);
    await p.close();
  });

  it("phone-sized screen: the user explorer fits the width", async () => {
    const p = await newPage({ width: 390, height: 844 });
    await signIn(p, `#/users/${EXPLORED_USER}`);
    await p.locator('table[data-table="preview"] tbody tr').nth(9).waitFor();
    expect(await overflowing(p)).toEqual([]);
    await p.screenshot({ path: join(OUT, `6-phone-user-${EXPLORED_USER}.png`) }); // the first screen, as a phone shows it
    await p.goto(`${worker!.baseUrl}/console/#/experiments`);
    await p.locator("canvas#timeline-chart").waitFor();
    expect(await overflowing(p)).toEqual([]);
    await p.screenshot({ path: join(OUT, "7-phone-experiments.png") });
    await p.close();
  });

  it("a key the service stops accepting sends the operator back to sign in, with the reason", async () => {
    await page.evaluate(() => sessionStorage.setItem("serendip.console.adminKey", "revoked-key"));
    await page.reload();
    await page.getByText("The service no longer accepts the stored key; sign in again.").waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it("logged no script errors or CSP violations", () => {
    expect(problems).toEqual([]);
  });
});
