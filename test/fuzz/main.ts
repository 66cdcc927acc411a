// The fuzzer's driver: `npm run fuzz -- --seed S --cases N [--minutes M] [--mode sys|insn|mix]`.
// Generates cases from (seed, case index), runs each in a watched child process, and for every new
// host failure (exception, hang, memory blow-up, crash of the runner, or a difference between the
// interpreter and the translation to JS) delta-minimizes the case and writes a reproducer.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Rng } from "./rng.js";
import { Program, SysProgram, InsnProgram, Call, build, allCalls } from "./program.js";
import { genSys } from "./gen-sys.js";
import { genInsn } from "./gen-insn.js";
import { Pool, Result, Failure, signature } from "./pool.js";
import { reproducer } from "./repro.js";
import type { Job, Outcome } from "./runner.js";

interface Opts {
  seed: number;
  cases: number;
  minutes: number;
  mode: "sys" | "insn" | "mix";
  out: string;
  hangMs: number;
  memMb: number;
  calls: number;
  units: number;
  minimize: boolean;
  only: number;
  ci: boolean;
  quiet: boolean;
}

function parseArgs(argv: string[]): Opts {
  const o: Opts = {
    seed: 1, cases: Infinity, minutes: Infinity, mode: "mix", out: "", hangMs: 10000, memMb: 1536,
    calls: 400, units: 1500, minimize: true, only: -1, ci: false, quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === "--seed") o.seed = Number(v());
    else if (a === "--cases") o.cases = Number(v());
    else if (a === "--minutes") o.minutes = Number(v());
    else if (a === "--mode") o.mode = v() as Opts["mode"];
    else if (a === "--out") o.out = v();
    else if (a === "--hang-ms") o.hangMs = Number(v());
    else if (a === "--mem-mb") o.memMb = Number(v());
    else if (a === "--calls") o.calls = Number(v());
    else if (a === "--units") o.units = Number(v());
    else if (a === "--no-minimize") o.minimize = false;
    else if (a === "--case") o.only = Number(v());
    else if (a === "--ci") o.ci = true;
    else if (a === "--quiet") o.quiet = true;
    else if (a === "--help" || a === "-h") {
      console.log(`usage: npm run fuzz -- [--seed S] [--cases N] [--minutes M] [--mode sys|insn|mix] [--case C]
  [--out DIR] [--hang-ms MS] [--mem-mb MB] [--calls N] [--units N] [--no-minimize] [--ci] [--quiet]
Runs random syscall sequences and instruction streams against the kernel; every host exception, hang,
memory blow-up or interpreter/translation difference is minimized and saved as a reproducer in DIR
(default test/fuzz/findings; with --ci a temporary directory, and the exit status is 1 on any finding).`);
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (o.cases === Infinity && o.minutes === Infinity && o.only < 0) o.cases = 100;
  return o;
}

type JobSpec = Omit<Job, "stuckFile" | "hangMs" | "memLimit">;

interface Case {
  index: number;
  mode: "sys" | "insn";
  program: Program;
  kernel: Job["kernel"];
  limit: number;
}

export function makeCase(o: Pick<Opts, "seed" | "mode" | "calls" | "units">, index: number): Case {
  const rng = new Rng(o.seed, index);
  const mode = o.mode === "mix" ? (rng.chance(0.75) ? "sys" : "insn") : o.mode;
  const kernel: Job["kernel"] = {
    seed: rng.u32(),
    memory: rng.chance(0.85) ? 256 * 2 ** 20 : 32 * 2 ** 20,
    jit: rng.chance(0.3) ? 1 : 0,
    quantum: rng.pick([200000, 50000, 5000, 997, 101]),
    maxTasks: 64,
    // translation to JavaScript in even cases, to WebAssembly in odd ones (the CLI's default),
    // chosen without drawing from rng so that the cases themselves stay what they were
    jitBackend: index % 2 === 0 ? "js" : "wasm",
  };
  if (rng.chance(0.2)) kernel.user = { uid: 1000, gid: 1000 };
  if (mode === "sys") {
    const program = genSys(rng, { calls: rng.range(Math.min(100, o.calls), o.calls), children: rng.chance(0.7) });
    return { index, mode, program, kernel, limit: 3_000_000 };
  }
  const program = genInsn(rng, { units: rng.range(100, o.units) });
  return { index, mode, program, kernel, limit: 1_000_000 };
}

const jobOf = (c: Case, program: Program, jit = c.kernel.jit, id = 0): JobSpec => ({ id, elf: build(program), kernel: { ...c.kernel, jit }, limit: c.limit });

let jobIds = 1;

/** run a case: one job, or for instruction streams the interpreter and the translation side by side */
async function runCase(pool: Pool, c: Case, program: Program, hangMs?: number): Promise<{ fail: Failure | null; outs: Outcome[]; jits: number[] }> {
  const jits = c.mode === "insn" ? [0, 1] : [c.kernel.jit];
  const outs: Outcome[] = [];
  for (const jit of jits) {
    const r: Result = await pool.run(jobOf(c, program, jit, jobIds++), hangMs);
    if (!r.ok) return { fail: r.fail, outs, jits: [jit] };
    outs.push(r.out);
  }
  if (outs.length === 2) {
    const [a, b] = outs;
    const key = (x: Outcome) => `${x.state}/${x.status}/${x.instructions}/${x.syscalls}/${x.outHash}/${x.outLen}`;
    if (key(a) !== key(b)) {
      return { fail: { kind: "divergence", detail: `interpreter ${key(a)} vs translated ${key(b)} (state/status/instructions/syscalls/output hash/length)`, frames: [], lastNr: -1 }, outs, jits };
    }
  }
  return { fail: null, outs, jits };
}

function keepCalls(calls: Call[], keep: Set<number>): Call[] {
  return calls.filter((c) => keep.has(c.id)).map((c) => (c.child ? { ...c, child: keepCalls(c.child, keep) } : c));
}

function subProgram(p: Program, keep: number[]): Program {
  const set = new Set(keep);
  if (p.kind === "sys") return { ...p, calls: keepCalls(p.calls, set) } as SysProgram;
  // instruction units become nops of the same length, so branches keep their targets
  return { ...p, units: p.units.map((u, i) => (set.has(i) ? u : u.len === 2 ? { w: 0x0001, len: 2 as const } : { w: 0x13, len: 4 as const })) } as InsnProgram;
}

function unitsOf(p: Program): number[] {
  return p.kind === "sys" ? allCalls(p.calls).map((c) => c.id) : p.units.map((_, i) => i);
}

/** Zeller's ddmin over the case's calls (or instruction units), bounded by a number of tries */
async function minimize(pool: Pool, c: Case, f: Failure, maxTries: number, log: (s: string) => void): Promise<Program> {
  const sig = signature(f);
  const hangMs = 5000;
  const same = async (p: Program) => {
    const r = await runCase(pool, c, p, f.kind === "hang" ? hangMs : undefined);
    if (!r.fail || r.fail.kind !== f.kind) return false;
    if (f.kind === "exception") return signature(r.fail) === sig;
    // a hang or blow-up is a sample of where the host was: the innermost function must recur
    const top = f.frames.find((l) => l.includes("dist/src/"))?.split(" ")[0];
    return top === undefined || r.fail.frames.some((l) => l.split(" ")[0] === top);
  };
  let units = unitsOf(c.program);
  let n = 2;
  let tries = 0;
  while (units.length >= 2 && tries < maxTries) {
    const chunk = Math.ceil(units.length / n);
    let reduced = false;
    for (let i = 0; i < n && tries < maxTries; i++) {
      const cand = units.slice(0, i * chunk).concat(units.slice((i + 1) * chunk));
      if (cand.length === 0) continue;
      tries++;
      if (await same(subProgram(c.program, cand))) {
        units = cand;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (n >= units.length) break;
      n = Math.min(units.length, n * 2);
    }
  }
  log(`  minimized to ${units.length}/${unitsOf(c.program).length} in ${tries} tries`);
  return subProgram(c.program, units);
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../..");
  const out = o.out || (o.ci ? fs.mkdtempSync(path.join(os.tmpdir(), "forkscope-fuzz-")) : path.join(root, "test/fuzz/findings"));
  fs.mkdirSync(out, { recursive: true });
  const memLimit = o.memMb * 2 ** 20;
  const pool = new Pool(o.hangMs, memLimit);
  const log = (s: string) => console.log(s);
  const seen = new Map<string, number>();
  const stats = { cases: 0, sysCases: 0, insnCases: 0, sysSyscalls: 0, sysEntries: 0, sysSigreturns: 0, insnSyscalls: 0, sysInstructions: 0, insnInstructions: 0, failures: 0 };
  const t0 = Date.now();
  let lastReport = t0;
  const first = o.only >= 0 ? o.only : 0;
  const last = o.only >= 0 ? o.only + 1 : first + o.cases;
  log(`fuzz: seed ${o.seed}, cases ${o.only >= 0 ? o.only : `${first}..${last - 1}`}${o.minutes < Infinity ? `, at most ${o.minutes} min` : ""}, mode ${o.mode}, findings in ${out}`);
  // SIGTERM or SIGINT ends the run after the current case, with the totals printed
  let stop = false;
  process.on("SIGTERM", () => (stop = true));
  process.on("SIGINT", () => (stop = true));
  for (let i = first; i < last; i++) {
    if (stop || Date.now() - t0 > o.minutes * 60000) break;
    const c = makeCase(o, i);
    const r = await runCase(pool, c, c.program);
    stats.cases++;
    for (const x of r.outs) {
      if (c.mode === "sys") (stats.sysSyscalls += x.syscalls), (stats.sysEntries += x.entries), (stats.sysSigreturns += x.sigreturns), (stats.sysInstructions += Math.round(x.instructions));
      else (stats.insnSyscalls += x.syscalls), (stats.insnInstructions += Math.round(x.instructions));
    }
    if (c.mode === "sys") stats.sysCases++;
    else stats.insnCases++;
    if (r.fail) {
      stats.failures++;
      const sig = signature(r.fail);
      const count = (seen.get(sig) ?? 0) + 1;
      seen.set(sig, count);
      log(`case ${i} (${c.mode}): ${sig}${count > 1 ? ` (seen ${count} times)` : ""}\n  ${r.fail.detail}\n  ${r.fail.frames.slice(0, 4).join("\n  ")}`);
      if (count === 1) {
        // a hang costs seconds per try: fewer of them
        const tries = o.ci || r.fail.kind === "hang" ? 40 : 150;
        const prog = o.minimize ? await minimize(pool, c, r.fail, tries, log) : c.program;
        const kept = unitsOf(prog).length;
        const slug = sig.replace(/^(\w+) /, "").replace(/[^A-Za-z0-9@.<]+/g, "_").replace(/[@<]/g, "-").slice(0, 60);
        const name = `${r.fail.kind}-${slug}-s${o.seed}-c${i}`;
        const job = jobOf(c, prog, r.jits[0]);
        const kept2 = prog.kind === "sys" ? kept : prog.units.filter((u) => u.w !== 0x13 && u.w !== 1).length;
        const text = reproducer({ name, fail: r.fail, seed: o.seed, caseIndex: i, mode: c.mode, kept: kept2, total: unitsOf(c.program).length }, prog, job, memLimit, r.jits);
        const file = path.join(out, name + ".mjs");
        fs.writeFileSync(file, text);
        fs.appendFileSync(path.join(out, "fuzz-log.jsonl"), JSON.stringify({ sig, kind: r.fail.kind, detail: r.fail.detail, seed: o.seed, case: i, file: path.basename(file) }) + "\n");
        log(`  reproducer: ${file}`);
      }
    }
    if (Date.now() - lastReport > (o.quiet ? 120000 : 10000)) {
      lastReport = Date.now();
      log(`[${Math.round((Date.now() - t0) / 1000)} s] ${JSON.stringify(stats)}`);
    }
  }
  pool.close();
  const secs = (Date.now() - t0) / 1000;
  log(`fuzz done in ${secs.toFixed(0)} s: ${JSON.stringify({ seed: o.seed, ...stats, distinct: seen.size })}`);
  for (const [sig, n] of seen) log(`  ${n} x ${sig}`);
  if (o.ci && stats.failures > 0) process.exitCode = 1;
}

if (process.argv[1] && process.argv[1].endsWith("main.js")) void main();
