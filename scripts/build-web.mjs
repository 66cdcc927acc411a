#!/usr/bin/env node
// Builds the browser playground into dist/web/ (npm run build:web): static files only, so any
// static host can serve it.
//   index.html, app.js, app.css  the page (src/web/main.ts and its panes, web/style.css, xterm.js)
//   boot.js                     starts the first run's worker before app.js has loaded (src/web/boot.ts)
//   worker.js                   the kernel in a Web Worker (src/web/worker.ts and the core)
//   rootfs.cpio.gz              the root filesystem image (dist/rootfs.cpio, built by npm run build)
//   programs/NAME.gz            the gallery's programs, fetched when they are run
// and dist/forkscope.browser.mjs, the kernel as one ES module for other pages (package.json
// "exports" browser condition). Prints the sizes the budget is about.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as zlib from "node:zlib";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const OUT = path.join(ROOT, "dist/web");
const quiet = process.argv.includes("--quiet");

/** the programs of the gallery (src/web/gallery.ts names them by these file names) */
const PROGRAMS = {
  hello: "guest/bin/hello",
  forkcow: "guest/bin/forkcow",
  cloneexplore: "guest/bin/cloneexplore",
  conform: "conformance/bin/conform-riscv64",
};

const gzip = (b) => zlib.gzipSync(b, { level: 9 });

fs.rmSync(OUT, { recursive: true, force: true });
fs.mkdirSync(path.join(OUT, "programs"), { recursive: true });

const common = { bundle: true, minify: true, platform: "browser", target: "es2022", logLevel: "warning", legalComments: "none" };
await build({ ...common, entryPoints: [path.join(ROOT, "src/web/main.ts")], format: "iife", outfile: path.join(OUT, "app.js") });
await build({ ...common, entryPoints: [path.join(ROOT, "src/web/worker.ts")], format: "iife", outfile: path.join(OUT, "worker.js") });
await build({ ...common, entryPoints: [path.join(ROOT, "web/style.css")], outfile: path.join(OUT, "app.css") });
await build({ ...common, entryPoints: [path.join(ROOT, "src/index.ts")], format: "esm", outfile: path.join(ROOT, "dist/forkscope.browser.mjs") });
await build({ ...common, entryPoints: [path.join(ROOT, "src/web/boot.ts")], format: "iife", outfile: path.join(OUT, "boot.js") });
fs.copyFileSync(path.join(ROOT, "web/index.html"), path.join(OUT, "index.html"));

const cpio = path.join(ROOT, "dist/rootfs.cpio");
if (!fs.existsSync(cpio)) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts/build-image.mjs"), "--quiet"], { stdio: "inherit" });
  if (r.status !== 0) throw new Error("build-web: could not build dist/rootfs.cpio");
}
fs.writeFileSync(path.join(OUT, "rootfs.cpio.gz"), gzip(fs.readFileSync(cpio)));
for (const [name, file] of Object.entries(PROGRAMS)) fs.writeFileSync(path.join(OUT, "programs", name + ".gz"), gzip(fs.readFileSync(path.join(ROOT, file))));

const size = (f) => {
  const b = fs.readFileSync(path.join(OUT, f));
  return { raw: b.length, gz: gzip(b).length };
};
const kb = (n) => (n / 1024).toFixed(1) + " KB";
const app = ["app.js", "app.css", "worker.js", "index.html", "boot.js"].map((f) => [f, size(f)]);
const total = app.reduce((n, [, s]) => n + s.gz, 0);
if (!quiet) {
  for (const [f, s] of app) console.log(`  ${f.padEnd(12)} ${kb(s.raw).padStart(10)}  ${kb(s.gz).padStart(9)} gzipped`);
  console.log(`  app total ${kb(total)} gzipped (budget 400 KB); loaded on demand: rootfs.cpio.gz ${kb(fs.statSync(path.join(OUT, "rootfs.cpio.gz")).size)}, ` +
    Object.keys(PROGRAMS).map((p) => `${p} ${kb(fs.statSync(path.join(OUT, "programs", p + ".gz")).size)}`).join(", "));
}
if (total > 400 * 1024) {
  console.error(`build-web: the app is ${kb(total)} gzipped, over the 400 KB budget`);
  process.exit(1);
}
