// Helpers for the browser tests: the playground served from dist/web on a free port, and
// Debian's chromium driven by playwright-core (headless, no sandbox, a fresh profile).
import { chromium } from "playwright-core";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { servePlayground } from "../../dist/src/host/playground.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SHOTS = path.join(ROOT, "test/browser/screenshots");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** start the server and the browser; returns what the tests need and a close() */
export async function setup({ noEval = false } = {}) {
  if (!fs.existsSync(path.join(ROOT, "dist/web/index.html"))) throw new Error("dist/web is missing: npm run build:web");
  const server = await servePlayground({ port: 0, dir: path.join(ROOT, "dist/web"), noEval }, () => {});
  const url = `http://127.0.0.1:${server.address().port}/`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "forkscope-chromium-"));
  // a fresh profile directory: playwright passes it to chromium as --user-data-dir
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync",
    ],
  });
  fs.mkdirSync(SHOTS, { recursive: true });
  return {
    url,
    context,
    async close() {
      await context.close();
      await new Promise((r) => server.close(r));
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** a new page that records console errors and page errors (a test fails on any), at the
 *  playground with `hash` (null: not navigated yet) */
export async function openPage(env, hash = "") {
  const page = await env.context.newPage();
  const errors = [];
  const log = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console.error: ${m.text()}`);
    else log.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  const t0 = Date.now();
  if (hash !== null) await page.goto(env.url + hash);
  return { page, errors, t0, log };
}

export async function shot(page, name) {
  const file = path.join(SHOTS, name + ".png");
  await page.screenshot({ path: file });
  return file;
}

/** wait until fn (run in the page) returns something truthy; returns it */
export async function until(page, fn, arg, timeout = 60_000) {
  const h = await page.waitForFunction(fn, arg, { timeout, polling: 50 });
  return h.jsonValue();
}

export const prompt = (page, timeout) => until(page, () => /forkscope:~# $/m.test(window.forkscope.screen()), undefined, timeout);
