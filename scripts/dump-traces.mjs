#!/usr/bin/env node
// Dumps the --trace output (plus stdout, stderr, events, the task history and the exit status)
// of every conformance test, under both schedules of test/conformance.test.ts, and of every guest
// program of test/expected into one file per run in DIR. A refactoring that must not change
// behaviour is checked by dumping before and after and comparing the directories (diff -r).
//   node scripts/dump-traces.mjs DIR [FILTER]      (after npm run build)
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { Kernel, DEFAULT_ENV, renderHistory } = await import(path.join(ROOT, "dist/src/index.js"));

const [outDir, filter] = process.argv.slice(2);
if (!outDir) {
  console.error("usage: dump-traces.mjs DIR [FILTER]");
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

function run(bin, args, opts) {
  const bytes = fs.readFileSync(bin);
  const lines = [];
  const out = [];
  const k = new Kernel({
    ...opts,
    history: true,
    output: { write: (s, d) => out.push(`${s}: ${Buffer.from(d).toString("utf8")}`) },
    trace: (l) => lines.push(l),
    onEvent: (e) => {
      if (e.type !== "syscall") lines.push(`# ${JSON.stringify(e)}`);
    },
  });
  const name = "/bin/" + path.basename(bin);
  k.spawn(bytes, [name, ...args], DEFAULT_ENV, name);
  let end = "";
  for (let guard = 0; guard < 1000; guard++) {
    const r = k.run();
    if (r.state === "input") {
      k.pushInput(null);
      continue;
    }
    end = JSON.stringify(r);
    break;
  }
  return [...lines, "---- output", ...out, "---- history", renderHistory(k), "---- end", end, `instructions ${k.totalInstructions}`].join("\n") + "\n";
}

const jobs = [];
const conform = path.join(ROOT, "conformance/bin/conform-riscv64");
const tests = fs.readdirSync(path.join(ROOT, "conformance/expected")).filter((f) => f.endsWith(".out")).map((f) => f.slice(0, -4)).sort();
for (const t of tests) {
  jobs.push([`conform-${t}`, conform, [t], { seed: 1, quantum: 200_000 }]);
  jobs.push([`conform-${t}-s7`, conform, [t], { seed: 7, quantum: 37, jit: 50 }]);
}
for (const f of fs.readdirSync(path.join(ROOT, "test/expected")).filter((f) => f.endsWith(".stdout")).sort()) {
  const [name, ...args] = f.slice(0, -7).split("-");
  jobs.push([`guest-${f.slice(0, -7)}`, path.join(ROOT, "guest/bin", name), args, {}]);
}
let n = 0;
for (const [id, bin, args, opts] of jobs) {
  if (filter && !id.includes(filter)) continue;
  fs.writeFileSync(path.join(outDir, id + ".trace"), run(bin, args, opts));
  n++;
}
console.log(`${n} traces in ${outDir}`);
