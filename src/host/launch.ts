#!/usr/bin/env node
// The `forkscope` command's entry (built to dist/forkscope.mjs): loads the bundled CLI
// (dist/forkscope.cjs) through V8's code cache (dist/forkscope.cache, made by the build).
//
// Why: compiling the ~420 KB bundle took ~30 ms of a ~200 ms start-up, and compiling its
// functions lazily while hello runs about as much again. Node 20 has no
// module.enableCompileCache (Node 22), so the bundle is a CommonJS script compiled with
// vm.Script and the bytecode V8 produced after a run of guest/bin/hello. A cache made by
// another Node version (or other V8 flags) is rejected by V8 and the bundle is compiled as
// usual: slower, never wrong. Not part of the core: this is host glue, like cli.ts.

import { createRequire } from "node:module";

// Builtins through require: an ESM import of node:fs builds a namespace of all its exports,
// whose getters load fs/promises and the stream modules (~3 ms)
const require = createRequire(import.meta.url);
const { readFileSync, writeFileSync, renameSync } = require("node:fs") as typeof import("node:fs");
const { fileURLToPath } = require("node:url") as typeof import("node:url");
const { Script } = require("node:vm") as typeof import("node:vm");

const here = fileURLToPath(new URL(".", import.meta.url));
const bundle = here + "forkscope.cjs";
const cacheFile = here + "forkscope.cache";
/** set by the build (scripts/build.mjs) to write the code cache after this run */
const writeCache = process.env.FORKSCOPE_WRITE_CODE_CACHE === "1";

// The build replaces the bundle's first line with "// forkscope bundle ID" (ID: a hash of the
// bundle) and starts the cache with "ID\n": V8 itself only checks the source's length, so a
// cache from an earlier build could otherwise be taken for a new bundle of the same length.
// latin1 is exact for the bundle's code, which esbuild writes in ASCII, and decodes faster
const text = readFileSync(bundle, "latin1");
const id = /^\/\/ forkscope bundle (\w+)/.exec(text)?.[1];
let cachedData: Buffer | undefined;
if (!writeCache && id) {
  try {
    const c = readFileSync(cacheFile);
    if (c.toString("latin1", 0, id.length + 1) === id + "\n") cachedData = c.subarray(id.length + 1);
  } catch {
    // no cache (a build without one): compile from source
  }
}
// the CommonJS wrapper goes on the bundle's first line (a comment) to keep its line numbers
const source = "(function (exports, require, module, __filename, __dirname) {" + text.replace(/^#!/, "//") + "\n})";
const script = new Script(source, { filename: bundle, cachedData });
const wrapper = script.runInThisContext() as (e: object, r: NodeRequire, m: object, f: string, d: string) => void;
const module = { exports: {} };
if (writeCache)
  process.on("exit", () => {
    // after the run, so that the cache also holds the functions compiled lazily on the way
    if (!id) return;
    writeFileSync(cacheFile + ".tmp", Buffer.concat([Buffer.from(id + "\n", "latin1"), script.createCachedData()]));
    renameSync(cacheFile + ".tmp", cacheFile);
  });
wrapper(module.exports, createRequire(bundle), module, bundle, here.slice(0, -1));
