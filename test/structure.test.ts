// The shape of the source tree: no import cycle between the top-level folders of src/, a core
// (every folder but src/host and src/web) that imports nothing from Node and compiles without Node's types or
// the DOM (tsconfig.core.json), so that it runs unchanged in a browser, and files of one job.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT } from "./lib/run.js";

const SRC = path.join(ROOT, "src");
/** the folders that are not core: the CLI and its host adapters (Node), and the browser
 *  playground (src/web: the DOM and xterm.js from npm) */
const HOST_FOLDERS = new Set(["host", "web"]);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** every module specifier a file names: import/export ... from, import "x", import("x"), require("x") */
function specifiers(text: string): string[] {
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"']+)["']/g;
  return [...text.matchAll(re)].map((m) => m[1]);
}

/** the top-level unit of src/ a file belongs to: its folder, or the file itself at the top */
const unitOf = (file: string): string => path.relative(SRC, file).split(path.sep)[0];

const files = sources(SRC);

test("no import cycle between the top-level folders of src/", () => {
  const edges = new Map<string, Map<string, string[]>>();
  for (const f of files) {
    const from = unitOf(f);
    for (const s of specifiers(fs.readFileSync(f, "utf8"))) {
      if (!s.startsWith(".")) continue;
      const to = unitOf(path.resolve(path.dirname(f), s));
      if (to === from || to.startsWith("..")) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      const m = edges.get(from)!;
      if (!m.has(to)) m.set(to, []);
      m.get(to)!.push(`${path.relative(SRC, f)} -> ${s}`);
    }
  }
  // Tarjan's strongly connected components: a component of more than one unit is a cycle
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) cycles.push(comp.sort());
    }
  };
  for (const v of new Set(files.map(unitOf))) if (!index.has(v)) visit(v);
  const report = cycles.map((c) => {
    const why = c.flatMap((a) => c.filter((b) => b !== a && edges.get(a)?.has(b)).map((b) => `  ${a} -> ${b}: ${edges.get(a)!.get(b)!.slice(0, 3).join(", ")}`));
    return `cycle ${c.join(" <-> ")}\n${why.join("\n")}`;
  });
  assert.deepEqual(report, [], report.join("\n"));
});

test("the core imports nothing from Node or any package", () => {
  const bad: string[] = [];
  for (const f of files) {
    if (HOST_FOLDERS.has(unitOf(f))) continue;
    for (const s of specifiers(fs.readFileSync(f, "utf8"))) if (!s.startsWith(".")) bad.push(`${path.relative(SRC, f)}: ${s}`);
  }
  assert.deepEqual(bad, []);
});

/** files that may be longer: the CPU, which the speed work reshapes */
const LONG_OK = new Set(["cpu"]);

test("no source file of src/ is longer than 600 lines (src/cpu excepted)", () => {
  const long = files
    .filter((f) => !LONG_OK.has(unitOf(f)))
    .map((f) => [path.relative(SRC, f), fs.readFileSync(f, "utf8").split("\n").length - 1] as const)
    .filter(([, n]) => n > 600);
  assert.deepEqual(long, []);
});

test("the core compiles without Node's types and without the DOM (tsconfig.core.json)", () => {
  const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.core.json")], { encoding: "utf8", cwd: ROOT });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
