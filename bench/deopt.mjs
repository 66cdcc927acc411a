// V8 deoptimisations of forkscope's CPU on each CPU benchmark (issue 13: "no deoptimisation"):
// runs `bench cpu NAME REPS` in-process under `node --trace-deopt --trace-opt` and counts, per
// phase (set-up and first repetition = warm-up, then each later repetition), the deopts and
// TurboFan compiles of translated regions (`region_*` functions from src/cpu/jit.ts), of the
// interpreter (`interpret`, src/cpu/interp.gen.ts) and of everything else.
//
//   node bench/deopt.mjs [--dist DIR] [--reps R] [--out DIR] [WORKLOAD...]   (default: all five)
//
// Writes OUT/deopt.md and OUT/deopt.json (default bench/results). V8 writes its traces to a file
// (--redirect-code-traces-to), which it opens and closes around each trace, so the phase markers
// this script appends to the same file land in order.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), "..");
const BIN = path.join(ROOT, "bench/bin/bench-riscv64");
const ALL = ["crc32", "fnv1a", "lcg", "qsort", "strings"];

const args = process.argv.slice(2);
const opt = { dist: path.join(ROOT, "dist"), reps: 5, out: path.join(ROOT, "bench/results"), child: null };
const work = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--dist") opt.dist = path.resolve(args[++i]);
  else if (args[i] === "--reps") opt.reps = Number(args[++i]);
  else if (args[i] === "--out") opt.out = path.resolve(args[++i]);
  else if (args[i] === "--child") opt.child = JSON.parse(args[++i]);
  else work.push(args[i]);
}

/** run `bench cpu w reps` in a fresh Kernel; calls mark(k) whenever the instruction count passes a threshold */
async function runWorkload(w, reps, thresholds = [], mark = () => {}) {
  const { Kernel } = await import(pathToFileURL(path.join(opt.dist, "src/system.js")).href);
  const { DEFAULT_ENV } = await import(pathToFileURL(path.join(opt.dist, "src/defaults.js")).href);
  const argv = ["/bin/bench", "cpu", w, String(reps)];
  const out = [];
  const k = new Kernel({ output: { write: (_s, d) => out.push(Buffer.from(d)) }, hostTime: () => Math.round((performance.timeOrigin + performance.now()) * 1e6) });
  k.spawn(fs.readFileSync(BIN), argv, [...DEFAULT_ENV], argv[0]);
  let next = 0;
  for (let g = 0; g < 1e6; g++) {
    const limit = next < thresholds.length ? Math.max(1, thresholds[next] - k.totalInstructions) : Infinity;
    const r = k.run(limit);
    while (next < thresholds.length && k.totalInstructions >= thresholds[next]) mark(next++, k.totalInstructions);
    if (r.state === "exited") break;
    if (r.state === "input") k.pushInput(null);
    else if (r.state !== "limit") throw new Error(`bench cpu ${w}: ${r.state}`);
  }
  return { instructions: k.totalInstructions, output: Buffer.concat(out).toString() };
}

// ---------------------------------------------------------------- child: the traced run

if (opt.child) {
  const { w, reps, thresholds, trace } = opt.child;
  fs.appendFileSync(trace, `@@PHASE 0 start\n`);
  const r = await runWorkload(w, reps, thresholds, (i, n) => fs.appendFileSync(trace, `@@PHASE ${i + 1} at ${n}\n`));
  fs.appendFileSync(trace, `@@END ${r.instructions}\n`);
  process.stdout.write(r.output);
  process.exit(0);
}

// ---------------------------------------------------------------- parent

const kindOf = (name) => (/^region_/.test(name) ? "region" : name === "interpret" ? "interpreter" : "other");
/** the trace file -> per phase: deopts and compiles by kind, and the deopts' functions and reasons */
function parseTrace(text) {
  const phases = [];
  let cur = null;
  for (const line of text.split("\n")) {
    const m = /^@@PHASE (\d+)/.exec(line);
    if (m) {
      cur = { deopts: { region: 0, interpreter: 0, other: 0 }, compiles: { region: 0, interpreter: 0, other: 0 }, details: {}, regions: {} };
      phases[Number(m[1])] = cur;
      continue;
    }
    if (!cur) continue;
    const d = /^\[bailout \(kind: ([^,]+), reason: ([^)]*)\): begin\. deoptimizing \S+ <JSFunction (\S*)/.exec(line);
    if (d) {
      const name = d[3] || "(anonymous)";
      cur.deopts[kindOf(name)]++;
      // a region is told apart by its function's shared info (its name is only its entry offset)
      if (kindOf(name) === "region") cur.regions[`${name} ${/sfi = (\w+)/.exec(line)?.[1]}`] = (cur.regions[`${name} ${/sfi = (\w+)/.exec(line)?.[1]}`] ?? 0) + 1;
      const key = `${kindOf(name) === "region" ? "region_*" : name}: ${d[1]}, ${d[2]}`;
      cur.details[key] = (cur.details[key] ?? 0) + 1;
      continue;
    }
    const c = /^\[compiling method \S+ <JSFunction (\S*) .*\(target TURBOFAN\)/.exec(line);
    if (c) cur.compiles[kindOf(c[1] || "(anonymous)")]++;
  }
  return phases;
}

const sum = (phases, from, field, kind) => phases.slice(from).reduce((a, p) => a + (p ? p[field][kind] : 0), 0);
const results = [];
const load0 = os.loadavg()[0];
for (const w of work.length ? work : ALL) {
  // the instruction counts of the set-up alone and of the whole run place the phase markers
  // (counted in this process, untraced; the traced run executes exactly the same instructions)
  const setup = (await runWorkload(w, 0)).instructions;
  const total = (await runWorkload(w, opt.reps)).instructions;
  const per = (total - setup) / opt.reps;
  // phase 0: the set-up; phase i: repetition i; phase reps + 1: the report and exit
  const thresholds = Array.from({ length: opt.reps + 1 }, (_, i) => Math.round(setup + i * per));
  const trace = path.join(os.tmpdir(), `forkscope-deopt-${process.pid}-${w}.txt`);
  fs.rmSync(trace, { force: true });
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--trace-deopt", "--trace-opt", "--redirect-code-traces", `--redirect-code-traces-to=${trace}`, SELF, "--dist", opt.dist, "--child", JSON.stringify({ w, reps: opt.reps, thresholds, trace })], { encoding: "utf8", maxBuffer: 64 << 20 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`bench cpu ${w} (traced) failed: ${r.stderr}`);
  const phases = parseTrace(fs.readFileSync(trace, "utf8"));
  fs.rmSync(trace, { force: true });
  // warm-up: the set-up and the first repetition (phases 0 and 1)
  const warm = { deopts: {}, compiles: {} }, after = { deopts: {}, compiles: {} };
  for (const k of ["region", "interpreter", "other"]) {
    for (const f of ["deopts", "compiles"]) {
      warm[f][k] = sum(phases.slice(0, 2), 0, f, k);
      after[f][k] = sum(phases, 2, f, k);
    }
  }
  const perRep = phases.slice(1, opt.reps + 1).map((p) => (p ? p.deopts.region + p.deopts.interpreter + p.deopts.other : 0));
  // how many region functions deopted after warm-up, and the most deopts of one of them
  const regionCounts = {};
  for (const p of phases.slice(2)) for (const [k, v] of Object.entries(p?.regions ?? {})) regionCounts[k] = (regionCounts[k] ?? 0) + v;
  const regionsDeopted = Object.keys(regionCounts).length, regionMaxDeopts = Math.max(0, ...Object.values(regionCounts));
  const afterDetails = {};
  for (const p of phases.slice(2)) for (const [k, v] of Object.entries(p?.details ?? {})) afterDetails[k] = (afterDetails[k] ?? 0) + v;
  const res = { workload: w, reps: opt.reps, instructions: { setup, per_rep: Math.round(per), total }, seconds: +seconds.toFixed(1), warmup: warm, after_warmup: after, deopts_per_rep: perRep, regions_deopted_after_warmup: regionsDeopted, region_max_deopts_after_warmup: regionMaxDeopts, after_warmup_details: afterDetails, checksum: /CHECK name=\S+ value=(\S+)/.exec(r.stdout)?.[1] };
  results.push(res);
  console.error(`${w}: warm-up deopts region ${warm.deopts.region} interpreter ${warm.deopts.interpreter} other ${warm.deopts.other}; after warm-up region ${after.deopts.region} interpreter ${after.deopts.interpreter} other ${after.deopts.other} (per repetition ${perRep.join(" ")}); TurboFan compiles after warm-up ${after.compiles.region + after.compiles.interpreter + after.compiles.other}`);
}

// ---------------------------------------------------------------- report

const git = spawnSync("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).stdout.trim();
const meta = { date: new Date().toISOString(), commit: git, node: process.version, load_average_start: +load0.toFixed(2), load_average_end: +os.loadavg()[0].toFixed(2), reps: opt.reps };
const lines = [
  "# V8 deoptimisations of the CPU benchmarks",
  "",
  `Generated by \`node bench/deopt.mjs\` on ${meta.date} at ${meta.commit}, Node ${meta.node}, load average ${meta.load_average_start} at the start and ${meta.load_average_end} at the end. Each workload runs \`bench cpu NAME ${opt.reps}\` in one process under \`node --trace-deopt --trace-opt\` (translation on, default threshold); warm-up is the set-up and the first repetition. "region" counts translated regions (\`region_*\`, src/cpu/jit.ts), "interpreter" the generated interpreter (\`interpret\`), "other" every other function (the hart's dispatch, memory, system calls, Node). Compiles are TurboFan compiles started.`,
  "",
  "| workload | warm-up deopts: region / interpreter / other | after warm-up: region / interpreter / other | regions deopted after warm-up (most deopts of one) | deopts per repetition (1…N) | TurboFan compiles after warm-up |",
  "|---|---:|---:|---:|---|---:|",
  ...results.map((r) => `| ${r.workload} | ${r.warmup.deopts.region} / ${r.warmup.deopts.interpreter} / ${r.warmup.deopts.other} | ${r.after_warmup.deopts.region} / ${r.after_warmup.deopts.interpreter} / ${r.after_warmup.deopts.other} | ${r.regions_deopted_after_warmup} (${r.region_max_deopts_after_warmup}) | ${r.deopts_per_rep.join(", ")} | ${r.after_warmup.compiles.region + r.after_warmup.compiles.interpreter + r.after_warmup.compiles.other} |`),
  "",
  "Deopts after warm-up, by function and reason:",
  "",
  ...results.flatMap((r) => {
    const d = Object.entries(r.after_warmup_details).sort((a, b) => b[1] - a[1]);
    return [`- ${r.workload}: ${d.length ? d.map(([k, v]) => `${v} × ${k}`).join("; ") : "none"}`];
  }),
  "",
];
fs.mkdirSync(opt.out, { recursive: true });
fs.writeFileSync(path.join(opt.out, "deopt.md"), lines.join("\n"));
fs.writeFileSync(path.join(opt.out, "deopt.json"), JSON.stringify({ meta, results }, null, 1) + "\n");
console.log(lines.join("\n"));
