#!/usr/bin/env node
// The forkscope command line: a thin layer over the Kernel API with the host's stdio.

import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { Kernel } from "../system.js";
import { LoadError } from "../kernel/kernel.js";
import { renderHistory } from "../kernel/tree.js";
import { MAX_JIT_THRESHOLD } from "../cpu/hart.js";
import { hostMount } from "./hostfs.js";
import { memorySample, MemorySample } from "./memstats.js";
import { SYSCALLS } from "../syscalls/table.js";

import { DEFAULT_ENV } from "../defaults.js";

const HELP = `usage: forkscope run [options] PROGRAM [ARGS...]
       forkscope syscalls            list the syscall table and what each supports

Runs a static riscv64 Linux program on forkscope's TypeScript kernel and RV64GC CPU.
The guest sees an in-memory filesystem; PROGRAM is placed at /bin/NAME.

options:
  --trace[=FILE]        one strace-style line per syscall (to stderr, or FILE)
  --tree                at exit, print every task of the run as a tree: clone flags, what it
                        shared, how it ended, faults and copy-on-write statistics
  --env K=V             add an environment variable (repeatable; default: ${DEFAULT_ENV.join(" ")})
  --clear-env           start from an empty environment
  --mount HOST:GUEST[:ro|rw]   make a host directory visible (read-only unless :rw)
  --seed N              seed for scheduling and randomness (default 1)
  --quantum N           average time slice in instructions (default 200000)
  --memory MIB          guest memory in MiB (default 4096)
  --host-time           CLOCK_REALTIME from the host (default: a fixed epoch, deterministic)
  --user UID[:GID]      run as this unprivileged user instead of root (no capabilities)
  --stats               print instructions executed and speed to stderr at exit
  --jit N               translate guest code to JavaScript once a jump has reached it N times
                        (default 20000, at most 65534); --jit 0 interprets every instruction
  -h, --help            this help

With --stats, guest and host memory are printed too: at exit, and when the guest waited to read
stdin with the most pages resident (after a full garbage collection).

The exit status is the program's, or 128+N when it was killed by signal N.`;

function fail(msg: string): never {
  process.stderr.write(`forkscope: ${msg}\n`);
  process.exit(2);
}

interface Opts {
  trace: string | null | undefined;
  tree: boolean;
  env: string[];
  clearEnv: boolean;
  mounts: string[];
  seed: number;
  quantum: number | undefined;
  memory: number | undefined;
  hostTime: boolean;
  stats: boolean;
  jit: number | undefined;
  user: { uid: number; gid: number } | undefined;
  program: string;
  args: string[];
}

function parse(argv: string[]): Opts {
  const o: Opts = { trace: undefined, tree: false, env: [], clearEnv: false, mounts: [], seed: 1, quantum: undefined, memory: undefined, hostTime: false, stats: false, jit: undefined, user: undefined, program: "", args: [] };
  let i = 0;
  const val = (name: string): string => {
    if (i + 1 >= argv.length) fail(`${name} needs a value`);
    return argv[++i];
  };
  const num = (name: string, s: string): number => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) fail(`${name} needs a non-negative integer, not '${s}'`);
    return n;
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("-") || a === "-") break;
    if (a === "--") {
      i++;
      break;
    }
    if (a === "-h" || a === "--help") {
      process.stdout.write(HELP + "\n");
      process.exit(0);
    } else if (a === "--trace") o.trace = null;
    else if (a.startsWith("--trace=")) o.trace = a.slice(8);
    else if (a === "--tree") o.tree = true;
    else if (a === "--env") o.env.push(val(a));
    else if (a.startsWith("--env=")) o.env.push(a.slice(6));
    else if (a === "--clear-env") o.clearEnv = true;
    else if (a === "--mount") o.mounts.push(val(a));
    else if (a === "--seed") o.seed = num(a, val(a));
    else if (a === "--quantum") o.quantum = Math.max(1, num(a, val(a)));
    else if (a === "--memory") o.memory = num(a, val(a)) * 1024 * 1024;
    else if (a === "--host-time") o.hostTime = true;
    else if (a === "--stats") o.stats = true;
    else if (a === "--jit") {
      o.jit = num(a, val(a));
      if (o.jit > MAX_JIT_THRESHOLD) fail(`--jit needs a count up to ${MAX_JIT_THRESHOLD}, not ${o.jit}`);
    }
    else if (a === "--user") {
      const v = val(a);
      const m = /^(\d+)(?::(\d+))?$/.exec(v);
      if (!m) fail(`--user needs UID[:GID], not '${v}'`);
      o.user = { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) };
    }
    else fail(`unknown option ${a} (see --help)`);
  }
  if (i >= argv.length) fail("no program given (see --help)");
  o.program = argv[i];
  o.args = argv.slice(i + 1);
  for (const e of o.env) if (!e.includes("=")) fail(`--env needs K=V, not '${e}'`);
  return o;
}

async function run(o: Opts): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(o.program);
  } catch (e) {
    const code = (e as { code?: string }).code;
    fail(`cannot read ${o.program}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code ?? String(e)}`);
  }
  let traceOut: ((s: string) => void) | undefined;
  if (o.trace === null) traceOut = (s) => process.stderr.write(s + "\n");
  else if (typeof o.trace === "string") {
    const fd = fs.openSync(o.trace, "w");
    traceOut = (s) => fs.writeSync(fd, s + "\n");
  }
  const k = new Kernel({
    seed: o.seed,
    quantum: o.quantum,
    memory: o.memory,
    tty: isTerminal(1) && isTerminal(0),
    hostTime: o.hostTime ? () => Math.round((performance.timeOrigin + performance.now()) * 1e6) : undefined,
    trace: traceOut,
    user: o.user,
    jit: o.jit,
    history: o.tree,
    output: {
      write: (stream, data) => {
        writeAll(stream, data);
      },
    },
  });
  for (const m of o.mounts) {
    const parts = m.split(":");
    const mode = parts.length > 2 ? parts.pop()! : "ro";
    if (parts.length !== 2 || !parts[1].startsWith("/") || (mode !== "ro" && mode !== "rw")) fail(`--mount needs HOST:/GUEST[:ro|rw], not '${m}'`);
    const node = hostMount(parts[0], mode === "ro");
    if (typeof node === "string") fail(node);
    k.mount(parts[1], node, "hostfs", path.resolve(parts[0]), mode === "ro");
  }
  const name = path.basename(o.program);
  const guestPath = "/bin/" + name;
  const env = [...(o.clearEnv ? [] : DEFAULT_ENV), ...o.env];
  try {
    k.spawn(bytes, [guestPath, ...o.args], env, guestPath);
  } catch (e) {
    if (e instanceof LoadError) fail(`${o.program}: ${e.message}`);
    throw e;
  }
  // process.hrtime, not performance.now(): the first use of `performance` loads perf_hooks (~10 ms)
  const t0 = process.hrtime.bigint();
  const stdin = new StdinReader();
  let status = 0;
  /** with --stats: host memory when the guest, waiting for stdin, had the most pages resident */
  let inputSample: MemorySample | null = null;
  for (;;) {
    const r = k.run();
    if (r.state === "exited") {
      status = r.status;
      break;
    }
    if (r.state === "input") {
      if (o.stats && k.frames.stats.inUse > (inputSample?.frames ?? -1)) inputSample = memorySample(k, true);
      k.pushInput(await stdin.next());
      continue;
    }
    if (r.state === "deadlock") {
      process.stderr.write("forkscope: every task is blocked and nothing can wake them (deadlock)\n");
      status = 0x7f00 | 1;
      break;
    }
  }
  stdin.close();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (o.tree) process.stderr.write(renderHistory(k) + "\n");
  if (o.stats && inputSample) process.stderr.write(`forkscope: memory at stdin read: ${inputSample.text}\n`);
  if (o.stats) process.stderr.write(`forkscope: memory at exit: ${memorySample(k, false).text}\n`);
  if (o.stats) {
    const n = k.totalInstructions;
    process.stderr.write(`forkscope: ${n} instructions in ${secs.toFixed(3)} s (${(n / secs / 1e6).toFixed(1)} MIPS)\n`);
    const j = k.hart.jitStats;
    process.stderr.write(`forkscope: translated to JS: ${j.regions} regions, ${j.blocks} blocks, ${j.insns} instructions; ${((j.executed / Math.max(1, n)) * 100).toFixed(1)}% of instructions ran translated\n`);
  }
  if ((status & 0x7f) === 0x7f) return status >> 8;
  if ((status & 0x7f) !== 0) return 128 + (status & 0x7f);
  return (status >> 8) & 0xff;
}

/** isatty(fd) without loading node:tty (and with it net and streams, ~3 ms of start-up) when
 *  fstat already says no: a file, a pipe, or a memory device such as /dev/null (major 1) */
function isTerminal(fd: number): boolean {
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch {
    return false;
  }
  if (!st.isCharacterDevice() || ((st.rdev >> 8) & 0xfff) === 1) return false;
  // a synchronous require of the builtin (which resolves from any path): the bundle is CommonJS,
  // where a dynamic import() would not work, and tsc's output is ESM, which has no require
  const tty = createRequire("/")("node:tty") as typeof import("node:tty");
  return tty.isatty(fd);
}

function writeAll(fd: 1 | 2, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(fd, data, off, data.length - off);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "EAGAIN") continue;
      if (code === "EPIPE") return;
      throw e;
    }
  }
}

/** host stdin as a sequence of chunks, read only when a guest task waits for input */
class StdinReader {
  private chunks: (Uint8Array | null)[] = [];
  private waiting: ((c: Uint8Array | null) => void) | null = null;
  private started = false;

  next(): Promise<Uint8Array | null> {
    if (!this.started) {
      this.started = true;
      process.stdin.on("data", (c: Buffer) => this.deliver(new Uint8Array(c)));
      process.stdin.on("end", () => this.deliver(null));
      process.stdin.on("error", () => this.deliver(null));
    }
    process.stdin.resume();
    const c = this.chunks.shift();
    if (c !== undefined) return Promise.resolve(c);
    return new Promise((res) => (this.waiting = res));
  }

  private deliver(c: Uint8Array | null): void {
    process.stdin.pause();
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(c);
    } else this.chunks.push(c);
  }

  close(): void {
    if (this.started) process.stdin.destroy();
  }
}

function syscallMarkdown(): string {
  const rows = SYSCALLS.map((d) => `| ${d.nr} | \`${d.name}\` | ${d.status} | ${d.note ?? ""} |`);
  return [
    "# Syscall table",
    "",
    "Generated by `forkscope syscalls --markdown` from `src/syscalls/table.ts`. Numbers are riscv64's.",
    "Every number not listed returns `-ENOSYS` and shows up in `--trace` as `syscall_N(...) = -1 ENOSYS`.",
    "",
    "| nr | name | status | notes |",
    "|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

function syscallTable(): string {
  const rows = SYSCALLS.map((d) => `${String(d.nr).padStart(4)}  ${d.name.padEnd(18)} ${d.status.padEnd(8)} ${d.note ?? ""}`);
  return ["  nr  name               status   notes", ...rows, "", "Every other syscall number returns -ENOSYS (and shows up in --trace)."].join("\n");
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv[0] === "-h" || argv[0] === "--help") {
    process.stdout.write(HELP + "\n");
    process.exit(argv.length === 0 ? 2 : 0);
  }
  if (argv[0] === "syscalls") {
    process.stdout.write(argv[1] === "--markdown" ? syscallMarkdown() : syscallTable() + "\n");
    return;
  }
  if (argv[0] !== "run") fail(`unknown command '${argv[0]}' (try 'forkscope run PROGRAM')`);
  const code = await run(parse(argv.slice(1)));
  process.exitCode = code;
}

main().catch((e) => {
  process.stderr.write(`forkscope: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  if (process.env.FORKSCOPE_DEBUG) process.stderr.write(String(e?.stack) + "\n");
  process.exit(70);
});
