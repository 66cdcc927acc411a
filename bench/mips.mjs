// Guest instructions per second of one workload, in-process, by CPU time (not wall time), for
// A/B comparisons of CPU changes on a shared machine: `node bench/mips.mjs [--dist DIR] [--jit N]
// [--reps R] WORKLOAD...` runs `bench cpu WORKLOAD R` (or `hello`, or `esbuild`) under the
// Kernel API of DIR (default dist/) and prints instructions, CPU seconds and MIPS.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = { dist: path.join(ROOT, "dist"), jit: undefined, reps: 3 };
const work = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--dist") opt.dist = path.resolve(args[++i]);
  else if (args[i] === "--jit") opt.jit = Number(args[++i]);
  else if (args[i] === "--reps") opt.reps = Number(args[++i]);
  else work.push(args[i]);
}
const t0 = process.cpuUsage();
const { Kernel } = await import(pathToFileURL(path.join(opt.dist, "src/system.js")).href);
const { DEFAULT_ENV } = await import(pathToFileURL(path.join(opt.dist, "src/defaults.js")).href);
const { hostMount } = await import(pathToFileURL(path.join(opt.dist, "src/host/hostfs.js")).href);
const loadUs = cpuSince(t0);

function cpuSince(t) {
  const u = process.cpuUsage(t);
  return u.user + u.system;
}

function runOne(w) {
  let bin, argv, mounts;
  if (w === "hello") (bin = path.join(ROOT, "guest/bin/hello")), (argv = ["/bin/hello"]);
  else if (w === "esbuild") {
    bin = path.join(ROOT, "test/.cache/esbuild-riscv64-0.28.2");
    argv = ["/bin/esbuild", "/proj/src/index.ts", "--bundle", "--minify"];
    mounts = [{ host: path.join(ROOT, "test/fixtures/esbuild-proj"), guest: "/proj" }];
  } else (bin = path.join(ROOT, "bench/bin/bench-riscv64")), (argv = ["/bin/bench", "cpu", w, String(opt.reps)]);
  const out = [];
  const k = new Kernel({ jit: opt.jit, output: { write: (s, d) => out.push(Buffer.from(d)) }, hostTime: () => Math.round((performance.timeOrigin + performance.now()) * 1e6) });
  if (mounts) for (const m of mounts) k.mount(m.guest, hostMount(m.host, true), "hostfs", m.host, true);
  const t = process.cpuUsage();
  k.spawn(fs.readFileSync(bin), argv, [...DEFAULT_ENV, "BENCH_TARGET_MS=100"], argv[0]);
  for (let g = 0; g < 1000; g++) {
    const r = k.run();
    if (r.state === "exited") break;
    if (r.state === "input") { k.pushInput(null); continue; }
    throw new Error(r.state);
  }
  const us = cpuSince(t);
  const n = k.totalInstructions;
  const j = k.hart.jitStats;
  const text = Buffer.concat(out).toString();
  const res = /RESULT .*median=(\S+)/.exec(text)?.[1] ?? "-";
  console.log(`${w.padEnd(8)} ${String(n).padStart(11)} insns ${(us / 1e6).toFixed(3).padStart(7)} s cpu ${(n / us).toFixed(1).padStart(7)} MIPS  median/rep ${res}  translated ${((100 * j.executed) / n).toFixed(1)}% regions ${j.regions} (module load ${(loadUs / 1000).toFixed(0)} ms)`);
}
for (const w of work) runOne(w);
