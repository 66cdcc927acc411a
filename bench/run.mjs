#!/usr/bin/env node
// Benchmark runner: the same C benchmarks natively (x86_64), under qemu-riscv64 and under
// forkscope, plus start-up and real programs (esbuild, busybox, shell loops: bench/real.mjs).
// Writes bench/results/latest.{md,json}, fork-latency.svg, and on a full run appends to
// history.json and redraws speed-history.svg (bench/history.mjs). Plain Node, no dependencies.
// See BENCHMARKS.md.
//
//   node bench/run.mjs [--quick] [--only=REGEX] [--runs=N] [--out=DIR]
//
//   --quick      one run per target with fewer samples and a short warm-up (for trying things)
//   --only=RE    only the jobs whose name matches (fork, spawn, cow, futex, memory, cpu, startup,
//                esbuild, busybox, shell, esbuild-rxjs)
//   --runs=N     process runs per micro-benchmark and target (default 3)
//   --out=DIR    where to write the results (default bench/results, or bench/results/tmp with
//                --quick or --only so that a partial run never replaces the committed results)
import { spawnSync, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { realJobs, npmPack, LABELS as REAL_LABELS } from "./real.mjs";
import { summary, appendHistory, drawHistory } from "./history.mjs";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const NATIVE_BIN = path.join(BENCH, "bin/bench-x86_64");
const RISCV_BIN = path.join(BENCH, "bin/bench-riscv64");
const BUILT_CLI = path.join(ROOT, "dist/src/host/cli.js");
/** the bundled command (npm run build): what users run, so start-up is measured with it */
const BUNDLE_FILES = ["forkscope.mjs", "forkscope.cjs", "forkscope.cache", "rootfs.cpio"];
/** forkscope runs from a private copy of dist/, so that a concurrent `npm run build` cannot break a run */
let SNAPSHOT = null;
let CLI = BUILT_CLI;
let BUNDLE = path.join(ROOT, "dist/forkscope.mjs");
const HELLO = path.join(ROOT, "guest/bin/hello");
const PROJ = path.join(ROOT, "test/fixtures/esbuild-proj");
const TARGETS = ["native", "qemu", "forkscope"];
const T0 = process.hrtime.bigint();

// ---------------------------------------------------------------- options

const argv = process.argv.slice(2);
const opt = { quick: false, only: null, runs: 3, out: null };
for (const a of argv) {
  if (a === "--quick") opt.quick = true;
  else if (a.startsWith("--only=")) opt.only = new RegExp(a.slice(7));
  else if (a.startsWith("--runs=")) opt.runs = Math.max(1, parseInt(a.slice(7), 10) || 1);
  else if (a.startsWith("--out=")) opt.out = path.resolve(a.slice(6));
  else if (a === "-h" || a === "--help") {
    console.log(fs.readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n").slice(1, 14).map((l) => l.replace(/^\/\/ ?/, "")).join("\n"));
    process.exit(0);
  } else {
    console.error(`run.mjs: unknown option ${a}`);
    process.exit(2);
  }
}
if (opt.quick) opt.runs = 1;
const OUT = opt.out ?? path.join(BENCH, opt.quick || opt.only ? "results/tmp" : "results");
/** environment for the benchmark programs (passed with --env under forkscope) */
// each timed batch lasts at least 100 ms (and warm-up 3 s) so that forkscope's JIT has settled:
// with a fine clock, short batches measured mostly cold code
const BENCH_ENV = opt.quick ? { BENCH_SAMPLES: "5", BENCH_WARMUP_MS: "300" } : { BENCH_TARGET_MS: "100" };

const log = (s) => process.stderr.write(s + "\n");
const problems = [];
const problem = (s) => {
  problems.push(s);
  log("  PROBLEM: " + s.split("\n")[0]);
};

// ---------------------------------------------------------------- tools

function have(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).status === 0;
}
function firstLine(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).split("\n")[0].trim();
  } catch {
    return null;
  }
}

const skipped = {}; // target -> reason
// the native binary is not committed: rebuild it when a source is newer, or it runs an old suite
const newest = Math.max(...fs.readdirSync(path.join(BENCH, "src")).map((f) => fs.statSync(path.join(BENCH, "src", f)).mtimeMs));
if (fs.existsSync(NATIVE_BIN) && fs.statSync(NATIVE_BIN).mtimeMs < newest) fs.rmSync(NATIVE_BIN);
if (!fs.existsSync(NATIVE_BIN)) {
  if (have("gcc")) {
    log("bench: building the native benchmark binary (bash bench/build.sh native)");
    spawnSync("bash", [path.join(BENCH, "build.sh"), "native"], { stdio: "inherit" });
  }
  if (!fs.existsSync(NATIVE_BIN)) skipped.native = "no bench/bin/bench-x86_64 and no gcc to build it";
}
if (!fs.existsSync(RISCV_BIN)) {
  if (have("riscv64-linux-gnu-gcc")) spawnSync("bash", [path.join(BENCH, "build.sh"), "riscv64"], { stdio: "inherit" });
  if (!fs.existsSync(RISCV_BIN)) skipped.qemu = skipped.forkscope = "no bench/bin/bench-riscv64 (and no riscv64-linux-gnu-gcc to build it)";
}
if (!skipped.qemu && !have("qemu-riscv64")) skipped.qemu = "qemu-riscv64 not found (apt-get install qemu-user)";
if (!skipped.forkscope && !fs.existsSync(BUILT_CLI)) skipped.forkscope = "dist/src/host/cli.js missing: run npm run build (npm run bench does)";
if (!skipped.forkscope) {
  // copy dist/src and check that the copy runs hello; retry while a build may be writing dist/
  for (let attempt = 0; attempt < 5 && !SNAPSHOT; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "forkscope-bench-"));
    fs.cpSync(path.join(ROOT, "dist/src"), path.join(dir, "dist/src"), { recursive: true });
    for (const f of BUNDLE_FILES) if (fs.existsSync(path.join(ROOT, "dist", f))) fs.copyFileSync(path.join(ROOT, "dist", f), path.join(dir, "dist", f));
    fs.writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
    const cli = path.join(dir, "dist/src/host/cli.js");
    const r = spawnSync(process.execPath, [cli, "run", HELLO], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim() === "hello, world") SNAPSHOT = dir;
    else {
      fs.rmSync(dir, { recursive: true, force: true });
      spawnSync("sleep", ["2"]);
    }
  }
  if (SNAPSHOT) {
    CLI = path.join(SNAPSHOT, "dist/src/host/cli.js");
    BUNDLE = path.join(SNAPSHOT, "dist/forkscope.mjs");
    process.on("exit", () => fs.rmSync(SNAPSHOT, { recursive: true, force: true }));
    for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));
  } else skipped.forkscope = "a copy of dist/ could not run guest/bin/hello (is a build writing dist/?)";
}
for (const [t, why] of Object.entries(skipped)) log(`bench: skipping the ${t} column: ${why}`);
const active = TARGETS.filter((t) => !skipped[t]);

// ---------------------------------------------------------------- running

/** the command line that runs the benchmark binary with args on a target */
function benchCmd(target, args, { stats = true, options = [] } = {}) {
  if (target === "native") return [NATIVE_BIN, ...args];
  if (target === "qemu") return ["qemu-riscv64", RISCV_BIN, ...args];
  const env = Object.entries(BENCH_ENV).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
  return [process.execPath, CLI, "run", "--host-time", ...(stats ? ["--stats"] : []), ...options, ...env, RISCV_BIN, ...args];
}

const rel = (p) => (path.isAbsolute(p) && p.startsWith(ROOT + "/") ? path.relative(ROOT, p) : p);
const show = (cmd) =>
  cmd.map((a) => (a === process.execPath ? "node" : SNAPSHOT && a.startsWith(SNAPSHOT + "/") ? a.slice(SNAPSHOT.length + 1) : rel(a))).join(" ");

/** GNU time, when installed, reports each timed process's CPU time (user + system, children included) */
const TIME = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
const TIME_OUT = path.join(os.tmpdir(), `forkscope-bench-time-${process.pid}`);

/**
 * run a command; returns { ok, stdout, stderr, seconds, cpu_s, status, signal }; records a problem
 * on failure. With `cpu`, the command runs under /usr/bin/time and cpu_s is its CPU seconds (user +
 * system of the process and its waited-for children), which other work on the machine disturbs
 * less than wall time.
 */
function run(cmd, { timeout = 900_000, input, cwd, env, cpu = false, encoding = "utf8" } = {}) {
  const timed = cpu && TIME;
  const argv = timed ? [TIME, "-o", TIME_OUT, "-f", "%U %S", ...cmd] : cmd;
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), {
    encoding,
    timeout,
    input,
    cwd,
    maxBuffer: 256 << 20,
    env: { ...process.env, ...BENCH_ENV, ...env },
  });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  let cpu_s;
  if (timed)
    try {
      const [u, s] = fs.readFileSync(TIME_OUT, "utf8").trim().split("\n").pop().split(" ").map(Number);
      if (isFinite(u) && isFinite(s)) cpu_s = +(u + s).toFixed(3);
    } catch {}
  const ok = r.status === 0 && !r.error;
  if (!ok) {
    const why = r.error ? String(r.error.message) : r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`;
    const tail = String(r.stderr ?? "").trim().split("\n").slice(-15).join("\n");
    problem(`\`${show(cmd)}\` failed (${why})` + (tail ? `:\n\n    ${tail.replace(/\n/g, "\n    ")}\n` : ""));
  }
  const stderr = typeof r.stderr === "string" ? r.stderr : (r.stderr?.toString("utf8") ?? "");
  return { ok, stdout: r.stdout ?? "", stderr, seconds, cpu_s, status: r.status, signal: r.signal };
}

/** "KEY=VALUE ..." -> object (numbers where they parse) */
function fields(s) {
  const o = {};
  for (const m of s.matchAll(/(\w+)=(\S+)/g)) o[m[1]] = /^-?[\d.]+(e[-+]?\d+)?$/i.test(m[2]) ? Number(m[2]) : m[2];
  return o;
}
function parseOutput(out) {
  const results = [], checks = {}, info = {}, unsupported = [];
  for (const line of out.split("\n")) {
    if (line.startsWith("RESULT ")) results.push(fields(line.slice(7)));
    else if (line.startsWith("UNSUPPORTED ")) unsupported.push(fields(line.slice(12)));
    else if (line.startsWith("CHECK ")) {
      const f = fields(line.slice(6));
      checks[f.name] = String(f.value);
    } else if (line.startsWith("INFO ")) Object.assign(info, fields(line.slice(5)));
  }
  return { results, checks, info, unsupported };
}
/** forkscope --stats memory lines: { input: {...} | null, exit: {...} | null } (see src/host/memstats.ts) */
function parseMemory(stderr) {
  const at = (label) => {
    const m = new RegExp(`forkscope: memory at ${label}: (.*)`).exec(stderr);
    return m ? fields(m[1]) : null;
  };
  return { input: at("stdin read"), exit: at("exit") };
}
function parseStats(stderr) {
  const m = /forkscope: (\d+) instructions in ([\d.]+) s/.exec(stderr);
  return m ? { instructions: Number(m[1]), seconds: Number(m[2]) } : null;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

// rows: id -> { id, group, label, unit, cells: { target: { median, min, max, n, runs: [...] } | { error } } }
const rows = new Map();
function row(id, group, label, unit) {
  if (!rows.has(id)) rows.set(id, { id, group, label, unit, cells: {} });
  return rows.get(id);
}
function addRun(id, target, r) {
  const cell = (rows.get(id).cells[target] ??= { runs: [] });
  cell.runs.push(r);
}
/** combine per-run results: the median of the run medians, the extreme min and max */
function finish() {
  for (const r of rows.values())
    for (const [t, c] of Object.entries(r.cells)) {
      if (!c.runs || c.runs.length === 0) continue;
      c.median = median(c.runs.map((x) => x.median));
      c.min = Math.min(...c.runs.map((x) => x.min));
      c.max = Math.max(...c.runs.map((x) => x.max));
      c.n = c.runs.reduce((a, x) => a + (x.n ?? 1), 0);
      if (c.runs.every((x) => x.cpu_median !== undefined)) c.cpu_median = median(c.runs.map((x) => x.cpu_median));
      if (!isFinite(c.median) && !c.unsupported) delete r.cells[t];
    }
}

const LABELS = {
  fork_1m: ["fork + _exit + waitpid, 1 MiB touched", "process"],
  fork_64m: ["fork + _exit + waitpid, 64 MiB touched", "process"],
  fork_512m: ["fork + _exit + waitpid, 512 MiB touched", "process"],
  fork_2048m: ["fork + _exit + waitpid, 2 GiB touched", "process"],
  vfork: ["vfork + _exit + waitpid", "process"],
  clone_vm: ["clone(CLONE_VM|SIGCHLD) + exit + waitpid", "process"],
  pthread: ["pthread_create + pthread_join", "process"],
  touch_fresh: ["first write to a fresh anonymous page, per page", "memory"],
  cow_write: ["first write to a copy-on-write page after fork, per page", "memory"],
  private_write: ["write to an already-private page, per page (baseline)", "memory"],
  futex_wake: ["futex wake-to-run (ping-pong round trip / 2)", "sync"],
  cpu_crc32: ["crc32, table-driven, 6 × 1 MiB", "cpu"],
  cpu_fnv1a: ["FNV-1a, 12 × 1 MiB", "cpu"],
  cpu_lcg: ["64-bit LCG, 12.5 M steps", "cpu"],
  cpu_qsort: ["qsort() of 100,000 ints", "cpu"],
  cpu_strings: ["strings: 50,000 × snprintf/strlen/strcmp/memcpy/strchr", "cpu"],
  children_fork_64m: ["fork with the earlier children alive (1,000 children of a 64 MiB parent), per fork", "process"],
  children_total_64m: ["1,000 children of a 64 MiB parent: fork all, end and reap all", "process"],
  host_per_page: ["host memory per resident guest page: heap + external, pools by use (64 → 256 MiB)", "hostmem"],
  host_per_page_rss: ["host memory per resident guest page: RSS (64 → 256 MiB)", "hostmem"],
  host_per_child: ["host memory per live child (1,000 children of a 64 MiB parent vs none)", "hostmem"],
  copies_per_child: ["pages copied per child (copy-on-write)", "hostmem"],
  tables_per_child: ["page tables (2 KiB each) allocated per child", "hostmem"],
  startup: ["start-up: hello, world (whole process)", "program"],
  esbuild: ["esbuild --bundle --minify of test/fixtures/esbuild-proj", "program"],
  ...REAL_LABELS,
};
const labelOf = (id) => LABELS[id] ?? [id, "other"];

/** a job running the benchmark binary `runs` times per target, interleaving the targets */
function microJob(args, runs, perTarget = {}) {
  const meta = { args, runs: {} };
  for (let i = 0; i < runs; i++)
    for (const t of active) {
      const a = perTarget[t] ?? args;
      const cmd = benchCmd(t, a);
      log(`  [${t} ${i + 1}/${runs}] ${show(cmd)}`);
      const r = run(cmd);
      const { results, info, unsupported } = parseOutput(r.stdout);
      if (r.ok && results.length === 0) problem(`\`${show(cmd)}\` printed no RESULT line`);
      for (const u of unsupported) {
        const [label, group] = labelOf(u.name);
        row(u.name, group, label, "us").cells[t] ??= { runs: [], unsupported: u.errno ?? "unsupported" };
      }
      for (const res of results) {
        const [label, group] = labelOf(res.name);
        row(res.name, group, label, res.unit);
        addRun(res.name, t, { ...res, info, wall_s: +r.seconds.toFixed(3) });
        if (res.name === "cow_write" && info.cow_write_short_passes)
          log(`    note: ${info.cow_write_short_passes} cow pass(es) shorter than the sample target on ${t}`);
      }
      const fsStats = t === "forkscope" ? { stats: parseStats(r.stderr), memory: parseMemory(r.stderr) } : {};
      (meta.runs[t] ??= []).push({ ok: r.ok, wall_s: +r.seconds.toFixed(3), info, ...fsStats });
    }
  return meta;
}

// ---------------------------------------------------------------- jobs

const raw = { jobs: {} };
const mips = [];

const JOBS = [
  ["fork", () => {
    for (const mib of [1, 64, 512, 2048]) {
      // the 2 GiB touch costs ~10 s under forkscope: fewer samples and runs there
      const big = mib === 2048;
      const n = big ? "7" : "11";
      raw.jobs[`fork_${mib}m`] = microJob(["fork", String(mib), "11"], big ? Math.min(opt.runs, 2) : opt.runs, {
        qemu: ["fork", String(mib), n],
        forkscope: ["fork", String(mib), n],
      });
    }
  }],
  ["spawn", () => (raw.jobs.spawn = microJob(["spawn"], opt.runs))],
  ["cow", () => (raw.jobs.cow = microJob(["cow", "128"], opt.runs))],
  ["futex", () => (raw.jobs.futex = microJob(["futex"], opt.runs))],
  ["memory", memoryJob],
  ["cpu", cpuJob],
  ["startup", startupJob],
  ["esbuild", esbuildJob],
  ...realJobs({ wallRows, problem, log, raw, quick: opt.quick, active, bundle: () => BUNDLE, guestEsbuild }),
];

/**
 * Host memory, from forkscope's --stats sample taken while the guest waits in a read of stdin
 * (bench/src/mem.c reads stdin once at the moment to measure; stdin is empty here, so the read
 * returns at once natively). Each value compares two runs: per page, `resident 64` against
 * `resident 256`; per child, `children 0 64` against `children 1000 64`. Host bytes are
 * heap_used + external (after a full collection; external includes the ArrayBuffers), with the
 * frame and table pools counted by what is in use.
 */
function memoryJob() {
  const N = 1000;
  const jobs = (raw.jobs.memory = { children: microJob(["children", String(N), "64"], opt.runs), pairs: [] });
  if (!active.includes("forkscope")) return;
  const sample = (args) => {
    const cmd = benchCmd("forkscope", args);
    log(`  [forkscope] ${show(cmd)}`);
    const r = run(cmd, { input: "" });
    const m = parseMemory(r.stderr).input;
    if (r.ok && !m) problem(`\`${show(cmd)}\` printed no "memory at stdin read" line`);
    return m;
  };
  // host bytes with the frame and page-table pools counted by the frames and tables in use
  // (4 KiB, 2 KiB) rather than by the 16 MiB and 2 MiB blocks they grow in, whose granularity
  // would otherwise decide a difference of 1,000 children
  const bytes = (m) => m.heap_used + m.external - m.frame_pool_bytes - m.table_pool_bytes + m.frames * 4096 + m.page_tables * 2048;
  const add = (id, v) => {
    const [label, group] = labelOf(id);
    row(id, group, label, { host_per_child: "KiB", copies_per_child: "pages", tables_per_child: "tables" }[id] ?? "B");
    if (isFinite(v)) addRun(id, "forkscope", { median: v, min: v, max: v, n: 1 });
  };
  const alive = jobs.children.runs.forkscope ?? [];
  for (let i = 0; i < opt.runs; i++) {
    const lo = sample(["resident", "64"]), hi = sample(["resident", "256"]);
    if (lo && hi) {
      const pages = hi.frames - lo.frames;
      add("host_per_page", (bytes(hi) - bytes(lo)) / pages);
      add("host_per_page_rss", (hi.rss - lo.rss) / pages);
    }
    const none = sample(["children", "0", "64"]);
    const many = alive[i]?.memory?.input;
    if (none && many) {
      add("host_per_child", (bytes(many) - bytes(none)) / N / 1024);
      add("copies_per_child", (many.cow_copies - none.cow_copies) / N);
      add("tables_per_child", (many.page_tables - none.page_tables) / N);
    }
    jobs.pairs.push({ resident: [lo, hi], children: [none, many] });
  }
}

function cpuJob() {
  const reps = opt.quick ? { native: 3, qemu: 3, forkscope: 1 } : { native: 21, qemu: 11, forkscope: 5 };
  const checks = {};
  for (const w of ["crc32", "fnv1a", "lcg", "qsort", "strings"]) {
    const id = `cpu_${w}`;
    const [label, group] = labelOf(id);
    row(id, group, label, "s");
    const m = { workload: w, reps: {} };
    let setup = null;
    for (const t of active) {
      const cmd = benchCmd(t, ["cpu", w, String(reps[t])]);
      log(`  [${t}] ${show(cmd)}`);
      const r = run(cmd);
      const { results, checks: c } = parseOutput(r.stdout);
      if (c[w]) (checks[w] ??= {})[t] = c[w];
      const res = results.find((x) => x.name === id);
      if (res) addRun(id, t, { ...res, wall_s: +r.seconds.toFixed(3) });
      else if (r.ok) problem(`\`${show(cmd)}\` printed no RESULT line`);
      m.reps[t] = reps[t];
      if (t === "forkscope") {
        m.forkscope_stats = parseStats(r.stderr);
        // the set-up alone, to subtract its instructions
        const c0 = benchCmd(t, ["cpu", w, "0"]);
        log(`  [${t}] ${show(c0)}`);
        const r0 = run(c0);
        setup = parseStats(r0.stderr);
        m.forkscope_setup_stats = setup;
        if (m.forkscope_stats && setup) m.instructions_per_rep = Math.round((m.forkscope_stats.instructions - setup.instructions) / reps[t]);
        // the same with every instruction interpreted (--jit 0): what the interpreter alone reaches
        const ci = benchCmd(t, ["cpu", w, String(Math.min(3, reps[t]))], { options: ["--jit", "0"] });
        log(`  [${t}] ${show(ci)}`);
        const ri = run(ci);
        const resi = parseOutput(ri.stdout).results.find((x) => x.name === id);
        if (resi) m.interpreter = { median: resi.median, min: resi.min, max: resi.max, n: resi.n };
        else if (ri.ok) problem(`\`${show(ci)}\` printed no RESULT line`);
        // the same with the regions compiled to JavaScript (--jit-backend js; WebAssembly is the default)
        const cw = benchCmd(t, ["cpu", w, String(reps[t])], { options: ["--jit-backend", "js"] });
        log(`  [${t}] ${show(cw)}`);
        const rw = run(cw);
        const resw = parseOutput(rw.stdout).results.find((x) => x.name === id);
        if (resw) m.js = { median: resw.median, min: resw.min, max: resw.max, n: resw.n };
        else if (rw.ok) problem(`\`${show(cw)}\` printed no RESULT line`);
      }
    }
    mips.push(m);
  }
  // every platform must compute the same values
  for (const [w, byTarget] of Object.entries(checks)) {
    const vals = new Set(Object.values(byTarget));
    if (vals.size > 1) problem(`cpu ${w}: the checksums differ: ${Object.entries(byTarget).map(([t, v]) => `${t} ${v}`).join(", ")}`);
  }
  raw.jobs.cpu = { reps, checks };
}

/**
 * wall time of whole processes, timed here: median, min, max over n runs after one warm-up.
 * cmds[target] is a command line or { cmd, cwd, env }; n and warmup may be numbers/booleans or
 * per-target objects (the long real workloads run fewer times, without a warm-up run under
 * forkscope). With `cpu`, each run's CPU time (see run()) is kept next to its wall time, and the
 * cell's cpu_median is their median; the rows of short processes (start-up, the small esbuild
 * project) leave it off, as /usr/bin/time's own fork and exec would add 1-20 ms to their wall
 * time. Returns each target's output of its first run.
 */
function wallRows(id, n, cmds, expect, { warmup = true, encoding = "utf8", cpu = true } = {}) {
  const [label, group] = labelOf(id);
  row(id, group, label, "ms");
  const outputs = {};
  const per = (v, t) => (v !== null && typeof v === "object" ? v[t] : v);
  for (const t of active) {
    const spec = Array.isArray(cmds[t]) ? { cmd: cmds[t] } : cmds[t];
    if (!spec?.cmd) continue;
    const runs = per(n, t), warm = per(warmup, t) ? 1 : 0;
    log(`  [${t}] ${runs}${warm ? " + 1 warm-up" : ""} × ${show(spec.cmd)}`);
    const times = [], cpus = [];
    let stats = null;
    for (let i = 0; i < runs + warm; i++) {
      const r = run(spec.cmd, { cwd: spec.cwd, env: spec.env, cpu, encoding });
      if (!r.ok) break;
      if (i === 0) {
        outputs[t] = r.stdout;
        stats = parseStats(r.stderr);
        if (expect && !expect(r.stdout, t)) problem(`\`${show(spec.cmd)}\`: unexpected output ${JSON.stringify(String(r.stdout.slice(0, 200)))}`);
      }
      if (i < warm) continue; // warm-up (disk cache)
      times.push(r.seconds * 1e3);
      if (r.cpu_s !== undefined) cpus.push(r.cpu_s * 1e3);
    }
    if (times.length)
      addRun(id, t, {
        median: median(times), min: Math.min(...times), max: Math.max(...times), n: times.length,
        samples: times.map((x) => +x.toFixed(2)),
        ...(cpus.length === times.length ? { cpu_median: +median(cpus).toFixed(1), cpu_samples: cpus.map((x) => +x.toFixed(1)) } : {}),
        stats, load: +os.loadavg()[0].toFixed(2),
      });
  }
  return outputs;
}

function startupJob() {
  const fsCmd = [process.execPath, BUNDLE, "run", HELLO];
  wallRows("startup", opt.quick ? 3 : 10, {
    native: fs.existsSync(NATIVE_BIN) ? [NATIVE_BIN, "hello"] : null,
    qemu: ["qemu-riscv64", HELLO],
    forkscope: fsCmd,
  }, (out) => out.trim() === "hello, world", { cpu: false });
  raw.jobs.startup = { native: "bench/bin/bench-x86_64 hello (static)", qemu: "qemu-riscv64 guest/bin/hello", forkscope: "node dist/forkscope.mjs run guest/bin/hello" };
}

/** the riscv64 esbuild of the host's version: test/.cache's (npm test fetches it) or npm pack'ed into bench/.cache */
function guestEsbuild(version) {
  const cached = path.join(ROOT, `test/.cache/esbuild-riscv64-${version}`);
  if (fs.existsSync(cached)) return cached;
  const old = path.join(BENCH, `.cache/esbuild-riscv64-${version}`); // where runs before 2026-12-04 put it
  if (fs.existsSync(old) && fs.statSync(old).isFile()) return old;
  if (!active.includes("qemu") && !active.includes("forkscope")) return null;
  try {
    return path.join(npmPack(`@esbuild/linux-riscv64@${version}`, path.join(BENCH, `.cache/esbuild-riscv64-${version}`)), "bin/esbuild");
  } catch (e) {
    problem(`esbuild: could not fetch @esbuild/linux-riscv64@${version}: ${e.message}`);
    return null;
  }
}

function esbuildJob() {
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/esbuild/package.json"), "utf8")).version;
  const host = path.join(ROOT, "node_modules/.bin/esbuild");
  const guest = guestEsbuild(version) ?? "";
  const args = ["--bundle", "--minify"];
  const cmds = {
    native: fs.existsSync(host) ? [host, path.join(PROJ, "src/index.ts"), ...args] : null,
    qemu: fs.existsSync(guest) ? ["qemu-riscv64", guest, path.join(PROJ, "src/index.ts"), ...args] : null,
    // the bundled command, as for start-up: what users run (the module graph of dist/src costs
    // each run a few hundred ms of loading that the bundle's code cache avoids)
    forkscope: fs.existsSync(guest) ? [process.execPath, BUNDLE, "run", "--stats", "--mount", `${PROJ}:/proj`, guest, "/proj/src/index.ts", ...args] : null,
  };
  const outs = wallRows("esbuild", opt.quick ? 2 : 5, cmds, null, { cpu: false });
  const ref = outs.native ?? outs.qemu;
  for (const [t, o] of Object.entries(outs))
    if (ref !== undefined && o !== ref) problem(`esbuild: the ${t} output differs from the ${outs.native !== undefined ? "native" : "qemu"} one`);
  raw.jobs.esbuild = { version, guest: rel(guest), host: rel(host), args };
}

// ---------------------------------------------------------------- main

const loadStart = os.loadavg();
if (loadStart[0] > 1.0) log(`bench: note: load average is ${loadStart.map((x) => x.toFixed(2)).join(" ")} on ${os.cpus().length} CPUs: other work will add noise`);
for (const [name, fn] of JOBS) {
  if (opt.only && !opt.only.test(name)) continue;
  log(`bench: ${name}`);
  try {
    fn();
  } catch (e) {
    problem(`job ${name} crashed: ${e.stack ?? e}`);
  }
}
finish();
const loadEnd = os.loadavg();
const runtime = Number(process.hrtime.bigint() - T0) / 1e9;

// ---------------------------------------------------------------- report

const cpuModel = (() => {
  try {
    return /model name\s*:\s*(.*)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1].trim() ?? os.cpus()[0]?.model;
  } catch {
    return os.cpus()[0]?.model ?? "?";
  }
})();
const git = (args) => firstLine("git", ["-C", ROOT, ...args]);
const meta = {
  date: new Date().toISOString(),
  nproc: Number(firstLine("nproc", [])) || os.cpus().length,
  cpu: cpuModel,
  memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1),
  kernel: `${os.type()} ${os.release()}`,
  node: process.version,
  qemu: have("qemu-riscv64") ? firstLine("qemu-riscv64", ["--version"]) : null,
  gcc: have("gcc") ? firstLine("gcc", ["--version"]) : null,
  riscv_gcc: have("riscv64-linux-gnu-gcc") ? firstLine("riscv64-linux-gnu-gcc", ["--version"]) : null,
  commit: (git(["rev-parse", "--short", "HEAD"]) ?? "?") + (git(["status", "--porcelain", "--", "src"]) ? " + uncommitted changes in src/" : ""),
  load_average_start: loadStart.map((x) => +x.toFixed(2)),
  load_average_end: loadEnd.map((x) => +x.toFixed(2)),
  runtime_s: +runtime.toFixed(1),
  options: { quick: opt.quick, only: opt.only?.source ?? null, runs: opt.runs, env: BENCH_ENV },
  skipped,
};

function fmt(x) {
  if (x === undefined || x === null || !isFinite(x)) return "–";
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString("en-US");
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}
function ratio(a, b) {
  if (!a || !b || !isFinite(a.median) || !isFinite(b.median) || b.median === 0) return "–";
  const r = a.median / b.median;
  return (r >= 100 ? Math.round(r).toLocaleString("en-US") : r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)) + "×";
}
const UNIT = { us: "µs", ms: "ms", s: "s" };
const cellText = (c) => (c && isFinite(c.median) ? `${fmt(c.median)} (${fmt(c.min)}–${fmt(c.max)})` : c?.unsupported ? `n/a (${c.unsupported})` : "–");
const mdEscape = (s) => s.replace(/\|/g, "\\|");

const GROUPS = [
  ["process", "Process and thread creation"],
  ["memory", "Page faults"],
  ["sync", "Synchronisation"],
  ["hostmem", "Host memory (forkscope's --stats; no native or qemu equivalent)"],
  ["cpu", "CPU-bound (seconds per repetition)"],
  ["program", "Whole programs (wall time of the process)"],
  ["real", "Real workloads (wall time of the process; the same program on every platform)"],
  ["other", "Other"],
];

function mainTable() {
  const lines = [];
  lines.push("| benchmark | unit | native x86_64 | qemu-riscv64 | forkscope | forkscope / native | forkscope / qemu |");
  lines.push("|---|---|---:|---:|---:|---:|---:|");
  for (const [g, title] of GROUPS) {
    const rs = [...rows.values()].filter((r) => r.group === g);
    if (!rs.length) continue;
    lines.push(`| **${title}** | | | | | | |`);
    for (const r of rs) {
      const c = r.cells;
      lines.push(`| ${mdEscape(r.label)} | ${UNIT[r.unit] ?? r.unit} | ${cellText(c.native)} | ${cellText(c.qemu)} | ${cellText(c.forkscope)} | ${ratio(c.forkscope, c.native)} | ${ratio(c.forkscope, c.qemu)} |`);
    }
  }
  return lines.join("\n");
}

function mipsTable() {
  if (!mips.length) return "";
  const lines = [];
  lines.push("| workload | riscv64 instructions per repetition | native (rv64-equivalent) | qemu-riscv64 | forkscope | forkscope / qemu | forkscope, interpreter only (`--jit 0`) | interpreter / qemu | forkscope, `--jit-backend js` | js / qemu |");
  lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const m of mips) {
    const r = rows.get(`cpu_${m.workload}`);
    const n = m.instructions_per_rep;
    const rate = (t) => (n && r?.cells[t] && isFinite(r.cells[t].median) ? n / r.cells[t].median / 1e6 : undefined);
    m.mips = { native_equivalent: rate("native"), qemu: rate("qemu"), forkscope: rate("forkscope") };
    for (const k of Object.keys(m.mips)) if (m.mips[k] !== undefined) m.mips[k] = +m.mips[k].toFixed(1);
    if (n && m.interpreter) m.mips.forkscope_interpreter = +(n / m.interpreter.median / 1e6).toFixed(1);
    if (n && m.js) m.mips.forkscope_js = +(n / m.js.median / 1e6).toFixed(1);
    const q = m.mips.qemu, f = m.mips.forkscope, i = m.mips.forkscope_interpreter, wa = m.mips.forkscope_js;
    const ratio = (a, b) => (a && b ? (a / b).toPrecision(2) + "×" : "–");
    lines.push(`| ${m.workload} | ${n ? n.toLocaleString("en-US") : "–"} | ${fmt(m.mips.native_equivalent)} | ${fmt(q)} | ${fmt(f)} | ${ratio(f, q)} | ${fmt(i)} | ${ratio(i, q)} | ${fmt(wa)} | ${ratio(wa, q)} |`);
  }
  return lines.join("\n");
}

function targetsLine() {
  const t = [];
  t.push(`native: \`bench/bin/bench-x86_64\` (gcc -static -O2)${skipped.native ? ` — skipped: ${skipped.native}` : ""}`);
  t.push(`qemu: \`qemu-riscv64 bench/bin/bench-riscv64\` (${meta.qemu ?? "not installed"})${skipped.qemu ? ` — skipped: ${skipped.qemu}` : ""}`);
  t.push(`forkscope: \`node dist/src/host/cli.js run --host-time --stats bench/bin/bench-riscv64\` at ${meta.commit ?? "?"}${skipped.forkscope ? ` — skipped: ${skipped.forkscope}` : ""}`);
  return t.map((x) => `- ${x}`).join("\n");
}

/** CPU time (user + system, /usr/bin/time) of the whole-process rows, less disturbed by other work than wall time */
function cpuTable() {
  const rs = [...rows.values()].filter((r) => (r.group === "program" || r.group === "real") && Object.values(r.cells).some((c) => c.cpu_median !== undefined));
  if (!rs.length) return "";
  const c = (x) => (x?.cpu_median !== undefined ? fmt(x.cpu_median) : "–");
  const q = (a, b) => (a?.cpu_median && b?.cpu_median ? ratio({ median: a.cpu_median }, { median: b.cpu_median }) : "–");
  const lines = ["| benchmark | native x86_64 | qemu-riscv64 | forkscope | forkscope / native | forkscope / qemu |", "|---|---:|---:|---:|---:|---:|"];
  for (const r of rs) lines.push(`| ${mdEscape(r.label)} | ${c(r.cells.native)} | ${c(r.cells.qemu)} | ${c(r.cells.forkscope)} | ${q(r.cells.forkscope, r.cells.native)} | ${q(r.cells.forkscope, r.cells.qemu)} |`);
  return lines.join("\n");
}

const table = mainTable();
const ctable = cpuTable();
const mtable = mipsTable();
/** a sentence on esbuild's instruction rate: forkscope's count over each riscv64 wall time */
function esbuildLine() {
  const r = rows.get("esbuild");
  const f = r?.cells.forkscope, q = r?.cells.qemu;
  const n = f?.runs?.[0]?.stats?.instructions;
  if (!n) return "";
  const rate = (c) => (c && isFinite(c.median) ? `${fmt(n / (c.median / 1e3) / 1e6)} MIPS` : "–");
  if (raw.jobs.esbuild) raw.jobs.esbuild.instructions = n;
  return `esbuild executes ${n.toLocaleString("en-US")} riscv64 instructions (forkscope's count; the scheduling of its threads makes it vary a little from run to run): over the median wall time of the whole process that is ${rate(f)} under forkscope and ${rate(q)} under qemu-riscv64.`;
}
const eline = esbuildLine();
const md = [
  "# forkscope benchmark results",
  "",
  `Generated by \`npm run bench\` (bench/run.mjs) on ${meta.date}. How the numbers are made: [BENCHMARKS.md](../../BENCHMARKS.md).`,
  "",
  `- machine: ${meta.nproc} CPUs (${meta.cpu}), ${meta.memory_gib} GiB, ${meta.kernel}`,
  `- Node ${meta.node}; load average ${meta.load_average_start.join(" ")} at the start, ${meta.load_average_end.join(" ")} at the end`,
  `- runner time: ${meta.runtime_s} s; ${opt.runs} process run(s) per micro-benchmark and target${opt.quick ? " (--quick)" : ""}`,
  targetsLine(),
  "",
  "Each cell is the median with the minimum–maximum in parentheses. A ratio above 1× means forkscope is slower.",
  "",
  table,
  "",
  ...(mtable ? ["## Guest instructions per second (MIPS) of the CPU-bound workloads", "", "The instruction count per repetition comes from forkscope's `--stats` (a run with the repetitions minus a run with the set-up only), and the same binary executes the same instructions under qemu, so both rates divide one count by each one's median time. The native column divides the riscv64 count by the x86_64 time: a yardstick, not a real instruction rate. The forkscope column translates hot guest code to WebAssembly (the CLI's default); the interpreter-only column is a separate run with `--jit 0` (at most 3 repetitions), the js column one with `--jit-backend js` (the translation to JavaScript instead, the default before 2026-12-04 and the browser's).", "", mtable, ""] : []),
  ...(eline ? [eline, ""] : []),
  ...(ctable ? ["## CPU time of the whole-process rows (ms, median)", "", "User + system time of the process and its children (`/usr/bin/time`), for the same runs as the wall times above; forkscope's includes V8's compiler and collector threads, qemu's the emulator's. Other work on the machine disturbs it less than wall time.", "", ctable, ""] : []),
  ...(rows.has("fork_1m") ? ["## fork latency against resident memory", "", "![fork + exit + wait latency against touched memory](fork-latency.svg)", ""] : []),
  "## Problems",
  "",
  problems.length ? problems.map((p) => `- ${p}`).join("\n") : "None: every run exited 0, the CPU checksums agree on every platform and the esbuild outputs are identical.",
  "",
].join("\n");

// ---------------------------------------------------------------- chart

function svgChart() {
  const sizes = [1, 64, 512, 2048];
  const series = TARGETS.map((t) => ({
    t,
    pts: sizes.map((s) => ({ s, c: rows.get(`fork_${s}m`)?.cells[t] })).filter((p) => p.c && isFinite(p.c.median)),
  })).filter((s) => s.pts.length);
  if (!series.length) return null;
  const W = 760, H = 460, L = 80, R = 40, T = 56, B = 60;
  const all = series.flatMap((s) => s.pts.flatMap((p) => [p.c.min, p.c.max, p.c.median])).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(...all))), hi = Math.ceil(Math.log10(Math.max(...all)));
  const x = (s) => L + (Math.log2(s) / Math.log2(2048)) * (W - L - R - 60) + 20;
  const y = (v) => T + (1 - (Math.log10(v) - lo) / (hi - lo || 1)) * (H - T - B);
  const COLOR = { native: "#1f77b4", qemu: "#d62728", forkscope: "#2ca02c" };
  const NAME = { native: "native x86_64", qemu: "qemu-riscv64", forkscope: "forkscope" };
  const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const dur = (us) => (us >= 1000 ? `${fmt(us / 1000)} ms` : `${fmt(us)} µs`);
  const o = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  o.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  o.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">fork + _exit + waitpid latency against touched private memory</text>`);
  o.push(`<text x="${W / 2}" y="42" text-anchor="middle" fill="#555">median per fork, bars from min to max, log scale; ${esc(meta.date.slice(0, 10))}, ${meta.nproc} × ${esc(meta.cpu)}</text>`);
  // grid: decades, with 2 and 5 as faint lines
  for (let d = lo; d <= hi; d++) {
    const v = 10 ** d;
    o.push(`<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ccc"/>`);
    const tick = v >= 1e6 ? `${v / 1e6} s` : v >= 1e3 ? `${v / 1e3} ms` : `${+v.toPrecision(1)} µs`;
    o.push(`<text x="${L - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${tick}</text>`);
    if (d < hi)
      for (const k of [2, 5]) o.push(`<line x1="${L}" x2="${W - R}" y1="${y(k * v).toFixed(1)}" y2="${y(k * v).toFixed(1)}" stroke="#eee"/>`);
  }
  for (const s of sizes) {
    o.push(`<line x1="${x(s).toFixed(1)}" x2="${x(s).toFixed(1)}" y1="${T}" y2="${H - B}" stroke="#eee"/>`);
    o.push(`<text x="${x(s).toFixed(1)}" y="${H - B + 18}" text-anchor="middle">${s >= 1024 ? s / 1024 + " GiB" : s + " MiB"}</text>`);
  }
  o.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#888"/>`);
  o.push(`<text x="${(L + W - R) / 2}" y="${H - 18}" text-anchor="middle">private anonymous memory touched before fork (log scale)</text>`);
  o.push(`<text transform="translate(18 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">time per fork + exit + wait</text>`);
  // labels: at each size, spread vertically so they do not overlap
  const labels = [];
  for (const { t, pts } of series) {
    const c = COLOR[t];
    o.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map((p) => `${x(p.s).toFixed(1)},${y(p.c.median).toFixed(1)}`).join(" ")}"/>`);
    for (const p of pts) {
      const px = x(p.s);
      o.push(`<line x1="${px.toFixed(1)}" x2="${px.toFixed(1)}" y1="${y(p.c.min).toFixed(1)}" y2="${y(p.c.max).toFixed(1)}" stroke="${c}" stroke-opacity="0.45" stroke-width="5"/>`);
      o.push(`<circle cx="${px.toFixed(1)}" cy="${y(p.c.median).toFixed(1)}" r="4" fill="${c}"><title>${NAME[t]}, ${p.s} MiB: median ${dur(p.c.median)}, min ${dur(p.c.min)}, max ${dur(p.c.max)}</title></circle>`);
      labels.push({ s: p.s, x: px + 9, y: y(p.c.median) + 4, text: dur(p.c.median), c });
    }
  }
  for (const s of sizes) {
    const at = labels.filter((l) => l.s === s).sort((a, b) => a.y - b.y);
    for (let i = 1; i < at.length; i++) if (at[i].y - at[i - 1].y < 14) at[i].y = at[i - 1].y + 14;
    for (const l of at) {
      // a white backing keeps the lines from striking through the label
      o.push(`<rect x="${(l.x - 2).toFixed(1)}" y="${(l.y - 11).toFixed(1)}" width="${l.text.length * 7 + 4}" height="14" rx="2" fill="#fff" fill-opacity="0.85"/>`);
      o.push(`<text x="${l.x.toFixed(1)}" y="${l.y.toFixed(1)}" fill="${l.c}" font-weight="bold">${esc(l.text)}</text>`);
    }
  }
  // legend
  series.forEach(({ t }, i) => {
    const ly = T + 16 + i * 18;
    o.push(`<line x1="${L + 12}" x2="${L + 36}" y1="${ly - 4}" y2="${ly - 4}" stroke="${COLOR[t]}" stroke-width="2"/><circle cx="${L + 24}" cy="${ly - 4}" r="4" fill="${COLOR[t]}"/>`);
    o.push(`<text x="${L + 42}" y="${ly}">${NAME[t]}</text>`);
  });
  o.push("</svg>");
  return o.join("\n") + "\n";
}

// ---------------------------------------------------------------- write

fs.mkdirSync(OUT, { recursive: true });
const json = {
  meta,
  rows: [...rows.values()].map((r) => ({
    ...r,
    cells: Object.fromEntries(Object.entries(r.cells).map(([t, c]) => [t, c.unsupported ? { unsupported: c.unsupported } : { median: c.median, min: c.min, max: c.max, n: c.n, ...(c.cpu_median !== undefined ? { cpu_median: c.cpu_median } : {}), runs: c.runs }])),
  })),
  mips,
  raw,
  problems,
};
fs.writeFileSync(path.join(OUT, "latest.json"), JSON.stringify(json, null, 2) + "\n");
fs.writeFileSync(path.join(OUT, "latest.md"), md);
const svg = svgChart();
if (svg) fs.writeFileSync(path.join(OUT, "fork-latency.svg"), svg);

// a full run also keeps its summary in history.json, redraws speed-history.svg and refreshes the
// copy of the table in BENCHMARKS.md, between its markers
const DOC = path.join(ROOT, "BENCHMARKS.md");
const full = !opt.quick && !opt.only && !opt.out;
if (full) drawHistory(appendHistory(summary(json, "bench/results/latest.json")));
if (full && fs.existsSync(DOC)) {
  const doc = fs.readFileSync(DOC, "utf8");
  const begin = "<!-- bench:begin -->", end = "<!-- bench:end -->";
  const i = doc.indexOf(begin), j = doc.indexOf(end);
  if (i >= 0 && j > i) {
    const body = [
      `Measured on ${meta.date.slice(0, 10)}: ${meta.nproc} CPUs (${meta.cpu}), Node ${meta.node}, ${meta.qemu ?? "no qemu"}, forkscope at ${meta.commit ?? "?"}; load average ${meta.load_average_start[0]} at the start; ${meta.runtime_s} s in all. Full details, the MIPS table and any problems: [bench/results/latest.md](bench/results/latest.md) (raw data: [latest.json](bench/results/latest.json)).`,
      "",
      table,
      "",
      "![fork + exit + wait latency against touched memory](bench/results/fork-latency.svg)",
      "",
      "Earlier runs: [History](#history).",
    ].join("\n");
    fs.writeFileSync(DOC, doc.slice(0, i + begin.length) + "\n" + body + "\n" + doc.slice(j));
  }
}

console.log(table);
if (eline) console.log("\n" + eline);
if (mtable) console.log("\nGuest MIPS (CPU-bound workloads):\n\n" + mtable);
if (problems.length) console.log("\nProblems:\n" + problems.map((p) => "- " + p).join("\n"));
console.log(`\nbench: ${runtime.toFixed(1)} s; wrote ${rel(OUT)}/latest.md, latest.json${svg ? ", fork-latency.svg" : ""}${full ? ", history.json, speed-history.svg" : ""}`);
