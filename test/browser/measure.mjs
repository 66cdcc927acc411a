#!/usr/bin/env node
// Measures the playground's budgets (issue 12) in headless chromium on this machine and prints
// them; not a test (timings depend on the machine and its load). Run after npm run build:web:
//   node test/browser/measure.mjs [--loads N]
// - the app's own JS+CSS, gzipped (programs and the image load on demand)
// - navigation to the shell's prompt on screen: the first load in a fresh profile, then N more
// - a keystroke to its echo on screen
// - 1,000 forks at the shell: the longest main-thread task and animation-frame gap meanwhile
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import * as os from "node:os";
import { ROOT, setup, openPage, prompt, until, shot } from "./lib.mjs";

const loads = Number(process.argv[process.argv.indexOf("--loads") + 1]) || 5;
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const out = {};

const web = path.join(ROOT, "dist/web");
out.bundle = Object.fromEntries(
  ["app.js", "app.css", "worker.js", "index.html", "boot.js"].map((f) => {
    const b = fs.readFileSync(path.join(web, f));
    return [f, { raw: b.length, gzip: zlib.gzipSync(b, { level: 9 }).length }];
  }),
);
out.bundle.appTotalGzip = Object.values(out.bundle).reduce((n, s) => n + s.gzip, 0);
out.onDemand = Object.fromEntries(
  ["rootfs.cpio.gz", ...fs.readdirSync(path.join(web, "programs")).map((p) => "programs/" + p)].map((f) => [f, fs.statSync(path.join(web, f)).size]),
);
out.machine = { cpus: os.cpus().length, loadavg: os.loadavg().map((x) => +x.toFixed(2)) };

const env = await setup();
try {
  // navigation to prompt: the first load compiles everything from scratch
  const times = [];
  for (let i = 0; i <= loads; i++) {
    const { page, t0 } = await openPage(env);
    await prompt(page, 60_000);
    times.push(Date.now() - t0);
    if (i < loads) await page.close();
    else {
      // keystroke echo: from the key's keydown in the page to the character in the terminal's buffer
      await page.click("#term");
      const echo = [];
      for (const ch of "abcdefghij") {
        const wait = page.evaluate(
          (ch) =>
            new Promise((res) => {
              const ta = document.querySelector(".xterm-helper-textarea");
              let t0 = 0;
              ta.addEventListener("keydown", () => (t0 = performance.now()), { once: true, capture: true });
              const poll = () => {
                const line = window.forkscope.screen().split("\n").at(-1);
                if (t0 && line.endsWith(ch)) res(performance.now() - t0);
                else setTimeout(poll, 0);
              };
              poll();
            }),
          ch,
        );
        await page.waitForTimeout(30);
        await page.keyboard.type(ch);
        echo.push(await wait);
      }
      out.keystrokeEchoMs = { median: +median(echo).toFixed(1), max: +Math.max(...echo).toFixed(1), mode: await page.evaluate(() => document.getElementById("term-mode").textContent) };
      await page.keyboard.press("Control+U");
      await page.keyboard.press("Backspace");

      // 1,000 forks: the main thread's longest task and frame gap while the tree follows them
      await page.evaluate(() => {
        window.__gaps = { longest: 0, frames: 0, maxGap: 0, last: performance.now() };
        new PerformanceObserver((l) => {
          for (const e of l.getEntries()) window.__gaps.longest = Math.max(window.__gaps.longest, e.duration);
        }).observe({ type: "longtask", buffered: false });
        const tick = () => {
          const now = performance.now();
          window.__gaps.maxGap = Math.max(window.__gaps.maxGap, now - window.__gaps.last);
          window.__gaps.last = now;
          window.__gaps.frames++;
          if (!window.__gaps.stop) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      const t1 = Date.now();
      await page.keyboard.type("i=0; while [ $i -lt 1000 ]; do sleep 1000 & i=$((i+1)); done; echo forked $i\n");
      await until(page, () => /forked 1000/.test(window.forkscope.output()), undefined, 600_000);
      const forkSecs = (Date.now() - t1) / 1000;
      await page.waitForTimeout(600);
      const seen = await page.evaluate(() => {
        window.__gaps.stop = true;
        const ts = window.forkscope.tasks().filter((t) => t.comm === "sleep" || t.comm === "sh");
        return { tasks: ts.length, ...window.__gaps, status: window.forkscope.status() };
      });
      await shot(page, "measure-1000-forks");
      out.thousandForks = {
        seconds: +forkSecs.toFixed(1),
        tasksInTree: seen.tasks,
        longestMainThreadTaskMs: Math.round(seen.longest),
        longestFrameGapMs: Math.round(seen.maxGap),
        frames: seen.frames,
        guestInstructions: seen.status.instructions,
        mips: +(seen.status.instructions / forkSecs / 1e6).toFixed(1),
      };
      await page.close();
    }
  }
  out.promptMs = { firstLoad: times[0], later: times.slice(1), median: median(times.slice(1)) };
} finally {
  await env.close();
}
console.log(JSON.stringify(out, null, 2));
