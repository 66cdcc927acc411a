#!/usr/bin/env node
// Builds the `forkscope` command after tsc (npm run build):
//   dist/forkscope.cjs    the CLI (src/host/cli.ts) bundled into one CommonJS script
//   dist/forkscope.mjs    the entry (src/host/launch.ts), which loads forkscope.cjs
//   dist/forkscope.cache  V8's code cache for forkscope.cjs, written by a run of guest/bin/hello
// The cache only saves start-up time: without it (or with another Node version) the entry
// compiles the bundle from source. See src/host/launch.ts.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const DIST = path.join(ROOT, "dist");
const common = { bundle: true, platform: "node", target: "node20", logLevel: "warning", write: false };

const cli = await build({ ...common, entryPoints: [path.join(ROOT, "src/host/cli.ts")], format: "cjs" });
// the first line names this build, so that the entry never pairs the bundle with an older cache
let text = cli.outputFiles[0].text.replace(/^#!.*\n/, "");
// the entry runs the bundle as a vm.Script, where import() has no module loader to call
if (/\bimport\(/.test(text)) throw new Error("build: the CLI bundle uses import(); use createRequire in src/host instead (see src/host/launch.ts)");
const id = createHash("sha256").update(text).digest("hex").slice(0, 16);
text = `// forkscope bundle ${id}\n` + text;

const entry = await build({ ...common, entryPoints: [path.join(ROOT, "src/host/launch.ts")], format: "esm" });

fs.mkdirSync(DIST, { recursive: true });
fs.rmSync(path.join(DIST, "forkscope.cache"), { force: true });
fs.writeFileSync(path.join(DIST, "forkscope.cjs"), text);
fs.writeFileSync(path.join(DIST, "forkscope.mjs"), entry.outputFiles[0].text, { mode: 0o755 });
fs.chmodSync(path.join(DIST, "forkscope.mjs"), 0o755);

const r = spawnSync(process.execPath, [path.join(DIST, "forkscope.mjs"), "run", path.join(ROOT, "guest/bin/hello")], {
  env: { ...process.env, FORKSCOPE_WRITE_CODE_CACHE: "1" },
  encoding: "utf8",
});
if (r.status !== 0 || r.stdout !== "hello, world\n" || !fs.existsSync(path.join(DIST, "forkscope.cache")))
  console.warn(`build: no code cache (the hello run ${r.error ? r.error.message : `exited ${r.status}`}): forkscope starts slower\n${r.stderr ?? ""}`);
