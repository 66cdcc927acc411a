// The WebAssembly backend against the JS one on the same regions (issue 13): whole CPU workloads
// by in-process CPU time (as bench/mips.mjs), interleaved so a shared machine's load falls on
// both alike, then per region: build and compile time, and the cost of one call (entering and
// leaving), JS against wasm.
//
//   node bench/wasm-experiment.mjs [--dist DIR] [--rounds N] [--reps R] [--configs js,wasm,jsmem] [--no-micro] [--compiles] [--jit N] [--node-flag F]... [WORKLOAD...]
//
// Workloads: crc32 fnv1a lcg qsort strings (the default), hello, esbuild (test/.cache's binary).
// --compiles: also count V8's optimising compiles of region code (--trace-opt for JS regions,
// --trace-wasm-compilation-times for wasm ones) in a process per workload and backend.
//
// Configs: js (the default backend, frames in ArrayBuffer chunks), wasm (jitBackend "wasm":
// frames in one WebAssembly.Memory), jsmem (JS regions over the wasm memory's frames: separates
// the memory layout from the code generator). Every (round, workload, config) is a process of its
// own (V8's optimised code and the region caches would otherwise carry over from one config to
// the next), the configs' order alternating by round; the process runs the workload twice on fresh
// Kernels: "cold" (what one forkscope run sees: set-up, V8's warm-up, translation) and "warm" (a
// long-lived host: V8 and the region caches already warm; the faster of a second and a third run). CPU time of the process (all threads,
// so V8's background compilers count), excluding node's start-up and module loading.
import fs from "node:fs";
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = { dist: path.join(ROOT, "dist"), rounds: 3, reps: 3, configs: ["js", "wasm", "jsmem"], micro: true, child: null, flags: [], jit: undefined, compiles: false };
const work = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--dist") opt.dist = path.resolve(args[++i]);
  else if (args[i] === "--child") opt.child = args[++i];
  else if (args[i] === "--node-flag") opt.flags.push(args[++i]);
  else if (args[i] === "--rounds") opt.rounds = Number(args[++i]);
  else if (args[i] === "--reps") opt.reps = Number(args[++i]);
  else if (args[i] === "--jit") opt.jit = Number(args[++i]);
  else if (args[i] === "--configs") opt.configs = args[++i].split(",");
  else if (args[i] === "--no-micro") opt.micro = false;
  else if (args[i] === "--compiles") opt.compiles = true;
  else work.push(args[i]);
}
if (work.length === 0) work.push("crc32", "fnv1a", "lcg", "qsort", "strings");
const imp = (p) => import(pathToFileURL(path.join(opt.dist, p)).href);
const { Kernel } = await imp("src/system.js");
const { DEFAULT_ENV } = await imp("src/defaults.js");
const { regionSource, instantiate } = await imp("src/cpu/jit.js");
const { wasmRegionBytes, wasmInstantiate, WasmArea } = await imp("src/cpu/wasm-jit.js");
const { FramePool } = await imp("src/mm/frames.js");
const { Regs } = await imp("src/cpu/regs.js");
const { Hart } = await imp("src/cpu/hart.js");
const { hostMount } = await imp("src/host/hostfs.js");

const cpu = (t) => {
  const u = process.cpuUsage(t);
  return u.user + u.system;
};
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

/** region entries the js runs translated: [decoded page, entry offset] for the per-region measurements */
let hot = [];

function runOne(w, config, round) {
  // as bench/mips.mjs: the CPU workloads of bench-riscv64, hello, or esbuild bundling a small project
  let bin = path.join(ROOT, "bench/bin/bench-riscv64");
  let argv = ["/bin/bench", "cpu", w, String(opt.reps)];
  let mounts = [];
  if (w === "hello") (bin = path.join(ROOT, "guest/bin/hello")), (argv = ["/bin/hello"]);
  else if (w === "esbuild") {
    bin = path.join(ROOT, "test/.cache/esbuild-riscv64-0.28.2");
    argv = ["/bin/esbuild", "/proj/src/index.ts", "--bundle", "--minify"];
    mounts = [{ host: path.join(ROOT, "test/fixtures/esbuild-proj"), guest: "/proj" }];
  }
  const out = [];
  // the CPU time includes making the kernel: the wasm pool reserves its memory there
  const t = process.cpuUsage();
  const k = new Kernel({ jit: opt.jit, jitBackend: config === "js" ? "js" : "wasm", output: { write: (s, d) => out.push(Buffer.from(d)) }, hostTime: () => Math.round((performance.timeOrigin + performance.now()) * 1e6) });
  if (config === "jsmem") k.hart.jitBackend = "js";
  for (const m of mounts) k.mount(m.guest, hostMount(m.host, true), "hostfs", m.host, true);
  k.spawn(fs.readFileSync(bin), argv, [...DEFAULT_ENV, "BENCH_TARGET_MS=100"], argv[0]);
  for (let g = 0; g < 1000; g++) {
    const r = k.run();
    if (r.state === "exited") break;
    if (r.state === "input") { k.pushInput(null); continue; }
    throw new Error(r.state);
  }
  const us = cpu(t);
  const n = k.totalInstructions;
  const j = k.hart.jitStats;
  const text = Buffer.concat(out).toString();
  // the workload's checksum (the instruction count depends on the clock: the benchmark times itself)
  const sum = /CHECK name=\S+ value=(\S+)/.exec(text)?.[1] ?? `${text.length} bytes of output, ${text.slice(0, 40).replace(/\n/g, " ")}`;
  if (opt.child === "micro") {
    // the entries this run translated (decoded as the JS translator reads them), for the per-region measurements
    for (const jp of k.hart.jitPages) if (jp !== null) for (let s = 0; s < 2048; s++) if (jp.heat[s] === k.hart.jitThreshold) hot.push([jp.code, 2 * s]);
  }
  return { n, us, mips: n / us, translated: j.executed / n, regions: j.regions, wasm: j.wasm, sum };
}

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");
if (opt.child === "micro") {
  // the entries a JS run of each workload translates, re-translated both ways
  for (const w of work) runOne(w, "js", 0);
  micro();
} else if (opt.child !== null) {
  const cold = runOne(work[0], opt.child, 0);
  // the faster of two more runs: V8 may still be compiling (TurboFan for JS, tier-up for wasm) in the second
  const [w1, w2] = [runOne(work[0], opt.child, 1), runOne(work[0], opt.child, 2)];
  console.log(JSON.stringify({ cold, warm: w1.us <= w2.us ? w1 : w2 }));
} else {
  console.log(`# ${new Date().toISOString()} node ${process.version}, ${os.cpus().length} CPUs, load average ${load()}; reps ${opt.reps}, ${opt.rounds} rounds, jit threshold ${opt.jit ?? "default"}${opt.flags.length ? ", node " + opt.flags.join(" ") : ""}`);
  const child = (extra) => {
    const r = spawnSync(process.execPath, [...opt.flags, fileURLToPath(import.meta.url), "--dist", opt.dist, "--reps", String(opt.reps), ...(opt.jit === undefined ? [] : ["--jit", String(opt.jit)]), ...extra], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout;
  };
  const results = {};
  for (let round = 0; round < opt.rounds; round++) {
    for (const w of work) {
      for (const c of round % 2 === 0 ? opt.configs : [...opt.configs].reverse()) {
        const r = JSON.parse(child(["--child", c, w]));
        ((results[w] ??= {})[c] ??= []).push(r);
        const f = (x) => `${(x.us / 1e6).toFixed(3).padStart(7)} s ${x.mips.toFixed(1).padStart(7)} MIPS`;
        console.log(`round ${round} ${w.padEnd(8)} ${c.padEnd(6)} cold ${f(r.cold)}  warm ${f(r.warm)}  ${String(r.cold.n).padStart(11)} insns, translated ${(100 * r.cold.translated).toFixed(1)}%, regions ${r.cold.regions} (wasm ${r.cold.wasm})  load ${load()}`);
      }
    }
  }
  if (opt.rounds > 0) console.log(`\n# medians over ${opt.rounds} rounds: MIPS (CPU s), cold / warm; load average now ${load()}`);
  for (const w of opt.rounds > 0 ? work : []) {
    const row = opt.configs.map((c) => {
      const m = (k) => {
        const rs = results[w][c].map((r) => r[k]);
        return `${median(rs.map((r) => r.mips)).toFixed(1)} (${median(rs.map((r) => r.us / 1e6)).toFixed(3)})`;
      };
      return `${c} ${m("cold")} / ${m("warm")}`;
    });
    const sums = new Set(opt.configs.flatMap((c) => results[w][c].flatMap((r) => [r.cold.sum, r.warm.sum])));
    console.log(`${w.padEnd(8)} ${row.join("   ")}   same result: ${sums.size === 1}`);
  }
  if (opt.micro) process.stdout.write(child(["--child", "micro", "crc32", "fnv1a", "lcg", "qsort", "strings"]));
  if (opt.compiles) {
    // V8's own account of its compiles of the regions, from its tracing flags (one process each)
    console.log(`\n# V8's optimising compiles of region code in one process (three runs of the workload), ms of compile-thread time`);
    for (const w of work) {
      const js = spawnSync(process.execPath, ["--trace-opt", fileURLToPath(import.meta.url), "--reps", String(opt.reps), "--child", "js", w], { encoding: "utf8" }).stdout;
      const times = [...js.matchAll(/completed compiling .*<JSFunction region_\d+ .* took ([\d.]+), ([\d.]+), ([\d.]+) ms/g)].map((m) => Number(m[1]) + Number(m[2]) + Number(m[3]));
      const wasm = spawnSync(process.execPath, ["--trace-wasm-compilation-times", fileURLToPath(import.meta.url), "--reps", String(opt.reps), "--child", "wasm", w], { encoding: "utf8" }).stdout;
      const tier = (t) => [...wasm.matchAll(new RegExp(`^Compiled function .* using ${t}, took (\\d+) ms`, "gm"))].map((m) => Number(m[1]));
      const sum = (a) => a.reduce((x, y) => x + y, 0);
      const [lo, tf] = [tier("Liftoff"), tier("TurboFan")];
      console.log(`${w.padEnd(8)} JS: ${times.length} TurboFan compiles of regions (re-compiles after deopts included), ${sum(times).toFixed(0)} ms;  wasm: ${lo.length} Liftoff compiles, ${sum(lo)} ms, ${tf.length} TurboFan tier-ups, ${sum(tf)} ms`);
    }
  }
}



/** Per region: JS source build + new Function, wasm bytes + WebAssembly.Module + Instance, the
 *  first call (V8 compiles both lazily: bytecode for JS, Liftoff for wasm), and the steady cost of
 *  one call that runs no block (budget 0: enter, check the first block's budget, leave). */
function micro() {
  const pool = new FramePool(4096, true);
  const hart = new Hart(pool);
  const area = hart.wasmArea;
  const regs = new Regs();
  const noDecode = () => {
    throw new Error("undecoded");
  };
  const fns = [];
  for (const pass of ["first pass (the generators themselves still cold)", "second pass (generators warm)"]) {
    const t = { jsBuild: 0n, jsMake: 0n, jsFirst: 0n, wBuild: 0n, wMake: 0n, wFirst: 0n };
    let jsChars = 0, wBytes = 0, n = 0;
    for (const [code, off] of hot) {
      const t0 = process.hrtime.bigint();
      const src = regionSource(code, off, noDecode);
      const t1 = process.hrtime.bigint();
      // a different source text, or instantiate's cache would hand back the run's own function
      const jsFn = instantiate(src.src.replace("return function", `/* ${Math.random()} */ return function`), src.starts);
      const t2 = process.hrtime.bigint();
      jsFn(hart, regs.x, regs.f, 0x10000, off, 0, regs);
      const t3 = process.hrtime.bigint();
      const wb = wasmRegionBytes(code, off, noDecode, area.at);
      const t4 = process.hrtime.bigint();
      if (wb === null) continue;
      // a module of its own (wasmInstantiate's cache would hand back the first one)
      const mod = new WebAssembly.Module(wb.bytes);
      const run = new WebAssembly.Instance(mod, { m: { mem: pool.wasm } }).exports.run;
      const t5 = process.hrtime.bigint();
      run(-1, 0, 0x10000);
      const t6 = process.hrtime.bigint();
      t.jsBuild += t1 - t0; t.jsMake += t2 - t1; t.jsFirst += t3 - t2; t.wBuild += t4 - t3; t.wMake += t5 - t4; t.wFirst += t6 - t5;
      jsChars += src.src.length; wBytes += wb.bytes.length; n++;
      if (fns.length < 8) fns.push([jsFn, wasmInstantiate(wb.bytes, wb.starts, area), off]);
    }
    const us = (ns) => (Number(ns) / n / 1000).toFixed(1);
    console.log(`\n# per region, ${pass}: ${n} regions (the entries JS runs of the CPU workloads translated), wall time`);
    console.log(`JS:   source ${us(t.jsBuild)} µs, new Function ${us(t.jsMake)} µs, first call ${us(t.jsFirst)} µs; ${Math.round(jsChars / n)} chars (TurboFan later, in the background)`);
    console.log(`wasm: bytes ${us(t.wBuild)} µs, Module + Instance ${us(t.wMake)} µs, first call ${us(t.wFirst)} µs; ${Math.round(wBytes / n)} bytes (Liftoff; TurboFan tier-up later, in the background)`);
  }
  const list = fns.slice(0, 8);
  for (const [name, k] of [["JS", 0], ["wasm", 1]]) {
    const N = 2_000_000;
    const go = () => {
      const c = process.cpuUsage();
      for (let i = 0; i < N; i++) {
        const e = list[(i & 7) % list.length];
        e[k](hart, k === 1 ? area.regs : regs.x, regs.f, 0x10000, e[2], 0, regs);
      }
      return cpu(c);
    };
    const first = go();
    const steady = go();
    console.log(`${name.padEnd(4)}  one call that runs no block${k === 1 ? " (registers already in the wasm memory, as Hart.run puts them)" : ""} (${list.length} regions in turn): ${((steady * 1000) / N).toFixed(1)} ns (first ${N} calls: ${((first * 1000) / N).toFixed(1)} ns each)`);
  }
}
