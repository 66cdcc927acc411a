// A real multithreaded Go program: esbuild's riscv64 build from npm runs unmodified. It makes
// threads with clone, parks them on futexes, preempts goroutines with tgkill, uses sigaltstack
// and epoll. Its output must equal the host's esbuild of the same version.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { ROOT } from "./lib/run.js";

const require = createRequire(import.meta.url);
const VERSION: string = require(path.join(ROOT, "node_modules/esbuild/package.json")).version;
const CACHE = path.join(ROOT, "test/.cache");
const GUEST = path.join(CACHE, `esbuild-riscv64-${VERSION}`);
const HOST = path.join(ROOT, "node_modules/.bin/esbuild");
const CLI = path.join(ROOT, "dist/forkscope.mjs");
const PROJ = path.join(ROOT, "test/fixtures/esbuild-proj");

/** the riscv64 binary comes from the npm registry (its cpu field is riscv64, so npm pack, not install) */
function fetchGuest(): void {
  if (fs.existsSync(GUEST)) return;
  fs.mkdirSync(CACHE, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(CACHE, "pack-"));
  const out = execFileSync("npm", ["pack", "--silent", `@esbuild/linux-riscv64@${VERSION}`], { cwd: tmp, encoding: "utf8" }).trim();
  execFileSync("tar", ["xzf", out.split("\n").pop()!], { cwd: tmp });
  fs.copyFileSync(path.join(tmp, "package/bin/esbuild"), GUEST);
  fs.chmodSync(GUEST, 0o755);
  fs.rmSync(tmp, { recursive: true, force: true });
}

function guest(args: string[]) {
  return spawnSync(process.execPath, [CLI, "run", "--mount", `${PROJ}:/proj`, GUEST, ...args], { encoding: "utf8", timeout: 300_000 });
}

test("esbuild --version matches the host esbuild", () => {
  fetchGuest();
  const host = execFileSync(HOST, ["--version"], { encoding: "utf8" });
  const r = guest(["--version"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, host);
  assert.equal(r.stdout.trim(), VERSION);
});

test("esbuild bundles and minifies a multi-file TypeScript project byte for byte like the host", () => {
  fetchGuest();
  for (const extra of [["--format=esm"], ["--format=iife", "--target=es2015"]]) {
    const host = execFileSync(HOST, [path.join(PROJ, "src/index.ts"), "--bundle", "--minify", ...extra], { encoding: "utf8" });
    const r = guest(["/proj/src/index.ts", "--bundle", "--minify", ...extra]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, host, `output differs for ${extra.join(" ")}`);
    assert.ok(host.length > 100);
  }
});
