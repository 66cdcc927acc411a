#!/usr/bin/env node
// The forkscope command line: a thin layer over the Kernel API with the host's stdio.

import * as fs from "node:fs";
import * as os from "node:os";
import { createRequire } from "node:module";
import * as path from "node:path";
import { Kernel } from "../system.js";
import { LoadError } from "../kernel/kernel.js";
import { lookup, type Lookup } from "../fs/path.js";
import { utf8ToBytestr } from "../base/bytestr.js";
import { ENOENT } from "../base/errno.js";
import { renderHistory } from "../kernel/tree.js";
import { hostMount } from "./hostfs.js";
import { TmpDir, TmpfsSb } from "../fs/node.js";
import { overlayRoot } from "../fs/overlay.js";
import { loadImage } from "./image.js";
import { InitramfsError } from "../fs/initramfs.js";
import { memorySample, MemorySample } from "./memstats.js";
import { SYSCALLS } from "../syscalls/table.js";
import { VERSION, KERNEL_RELEASE } from "../version.js";
import { EXIT_DEADLOCK, EXIT_INSN_LIMIT, EXIT_INTERNAL, EXIT_QUIT, EXIT_TIMEOUT, HELP, MIN_MEMORY_MIB, Opts, fail, parse } from "./options.js";
import { StdinReader, isTerminal, stdinIsStream, writeAll } from "./stdio.js";
import { HostTerminal } from "./terminal.js";
import { PLAYGROUND_HELP, parsePlayground, servePlayground } from "./playground.js";

/** the largest program file read from the host */
const MAX_PROGRAM_BYTES = 1 << 30;

/** PROGRAM names a guest file: an absolute path that exists in the guest filesystem (the image
 *  and the mounts, symlinks followed); a directory there is an error */
function guestProgram(k: Kernel, program: string): boolean {
  if (!program.startsWith("/")) return false;
  const root = k.rootLoc();
  const lk = lookup(root, root, utf8ToBytestr(program), true);
  if (typeof lk === "number" || lk.missing) return false;
  if (lk.loc.node.isDir()) fail(`${program}: is a directory in the guest`);
  return true;
}

function readProgram(file: string, k: Kernel): Uint8Array {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    // `forkscope run sh`: a name the guest has in /bin is run as /bin/NAME
    const inGuest = !file.includes("/") && guestProgram(k, "/bin/" + file) ? ` (the guest's /bin/${file} is run as 'forkscope run /bin/${file}')` : "";
    fail(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : code ?? String(e)}${inGuest}`);
  }
  if (st.isDirectory()) fail(`cannot read ${file}: is a directory`);
  if (!st.isFile()) fail(`cannot read ${file}: not a regular file`);
  if (st.size > MAX_PROGRAM_BYTES) fail(`cannot read ${file}: larger than ${MAX_PROGRAM_BYTES >> 20} MiB`);
  try {
    return fs.readFileSync(file);
  } catch (e) {
    fail(`cannot read ${file}: ${(e as { code?: string }).code ?? String(e)}`);
  }
}

/** how a line forkscope writes to stderr ends: CR LF on the host terminal while it is raw */
function stderrEol(rawTerminal: boolean): string {
  return rawTerminal && isTerminal(2) ? "\r\n" : "\n";
}

function openTrace(o: Opts, rawTerminal: boolean): ((s: string) => void) | undefined {
  const eol = stderrEol(rawTerminal);
  if (o.trace === null) return (s) => process.stderr.write(s + eol);
  if (typeof o.trace !== "string") return undefined;
  let fd: number;
  try {
    fd = fs.openSync(o.trace, "w");
  } catch (e) {
    fail(`cannot write the trace to ${o.trace}: ${(e as { code?: string }).code ?? String(e)}`);
  }
  return (s) => fs.writeSync(fd, s + "\n");
}

/** a promise that resolves after `ms` of host time (never, for Infinity) */
function after(ms: number): Promise<"timeout"> {
  return new Promise((res) => {
    if (Number.isFinite(ms)) setTimeout(() => res("timeout"), Math.max(0, ms)).unref();
  });
}

/** instructions per run() call when a limit or deadline must be checked between calls */
const CHUNK = 20_000_000;
/** instructions per run() call with a terminal console: keys are read between calls */
const TTY_SLICE = 2_000_000;

/** a host timer of `ns` nanoseconds that keeps the process alive until it fires or is cancelled */
function sleepNs(ns: number): { done: Promise<"timer">; cancel: () => void } {
  let h: NodeJS.Timeout | undefined;
  const done = new Promise<"timer">((res) => (h = setTimeout(() => res("timer"), Math.max(0, Math.ceil(ns / 1e6)))));
  return { done, cancel: () => clearTimeout(h) };
}

/** the host clock's origin for the kernel's hostClock */
const HOST_T0 = process.hrtime.bigint();

/** --memory's default: 4 GiB, or half of the host's available memory when that is less (so that
 *  a guest filling its memory cannot take the host down), in whole MiB, at least the minimum */
export function defaultMemory(): number {
  const half = Math.floor(os.freemem() / 2 / 2 ** 20);
  return Math.max(MIN_MEMORY_MIB, Math.min(4096, half)) * 2 ** 20;
}

function makeKernel(o: Opts, initramfs: Uint8Array | undefined): Kernel {
  const tty = isTerminal(1) && isTerminal(0);
  return new Kernel({
    seed: o.seed,
    quantum: o.quantum,
    memory: o.memory ?? defaultMemory(),
    // the console: --dmesg shows every record, otherwise levels below KERN_WARNING ("quiet");
    // while the host terminal is raw (a terminal console) a line ends with CR LF
    kmsg: (line, level) => {
      if (o.dmesg || level < 4) process.stderr.write(line + stderrEol(tty));
    },
    personality: o.personality,
    maxTasks: o.maxTasks,
    tty,
    // with input a person or another program gives over time, virtual time waits for it
    hostClock: tty || stdinIsStream() ? () => Number(process.hrtime.bigint() - HOST_T0) : undefined,
    hostTime: o.hostTime ? () => Math.round((performance.timeOrigin + performance.now()) * 1e6) : undefined,
    trace: openTrace(o, tty),
    traceFilter: o.traceFilter,
    traceStrsize: o.traceStrsize,
    user: o.user,
    jit: o.jit,
    // WebAssembly regions where the host compiles them: faster on every CPU workload measured
    // (bench/results), for ~4 ms of start-up reserving the memory; it holds at most 4 GiB of guest
    // memory, so a larger --memory keeps JavaScript regions
    jitBackend: o.jitBackend ?? ((o.memory ?? 0) > 4096 * 2 ** 20 ? "js" : "wasm"),
    history: o.tree,
    output: { write: (stream, data) => writeAll(stream, data) },
    initramfs,
  });
}

/** the directories of a sysroot the dynamic loader searches, as guest paths (Linux: the system
 *  search path of ld.so, /lib and /usr/lib with their multiarch subdirectories) */
const SYSROOT_DIRS = ["lib", "lib64", "usr/lib", "usr/lib64"];

function sysrootMounts(dir: string): { host: string; guest: string; ro: boolean }[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    fail(`--sysroot ${dir}: no such directory`);
  }
  if (!st.isDirectory()) fail(`--sysroot ${dir}: not a directory`);
  const found = SYSROOT_DIRS.filter((d) => fs.statSync(path.join(dir, d), { throwIfNoEntry: false })?.isDirectory());
  if (found.length === 0) fail(`--sysroot ${dir}: holds none of ${SYSROOT_DIRS.join(", ")}`);
  return found.map((d) => ({ host: path.join(dir, d), guest: "/" + d, ro: true }));
}

/** Debian's cross sysroot, suggested when a dynamically linked program finds no loader */
const DEBIAN_SYSROOT = "/usr/riscv64-linux-gnu";

/** the one line for a program that could not start (kernel.spawn's LoadError) */
function loadFailure(o: Opts, e: LoadError): string {
  if (e.errno === ENOENT && e.message.startsWith("needs its dynamic loader")) {
    const hint = fs.existsSync(path.join(DEBIAN_SYSROOT, "lib")) ? `try --sysroot ${DEBIAN_SYSROOT}` : "give a riscv64 sysroot with --sysroot DIR (Debian: libc6-riscv64-cross)";
    return `${o.program}: ${e.message}; ${hint}`;
  }
  return `${o.program}: ${e.message}`;
}

/** --root: the host directory over /, read-write, or read-only under an in-memory overlay */
function mountHostRoot(k: Kernel, host: string, rw: boolean): void {
  const lower = hostMount(host, !rw);
  if (typeof lower === "string") fail(lower);
  if (!lower.isDir()) fail(`--root ${host}: not a directory`);
  if (rw) {
    k.mountRoot(lower, "hostfs", path.resolve(host), false, false);
    // the host directory is written only by the guest, so missing mount points stay missing: say so
    const missing = ["dev", "proc", "sys", "tmp"].filter((d) => !fs.existsSync(path.join(host, d)));
    if (missing.length > 0) process.stderr.write(`forkscope: --root ${host}:rw has no ${missing.map((d) => "/" + d).join(", ")}: the kernel's filesystems are not mounted there (create the directories to have them)\n`);
  } else {
    const upper = new TmpDir(0o755, TmpfsSb.withDefaults(k.frames));
    k.mountRoot(overlayRoot(lower, upper, k.newAnonDev()), "overlay", "overlay", false, true);
  }
}

async function run(o: Opts): Promise<number> {
  const image = loadImage(o.image);
  if (typeof image === "string") fail(image);
  let k: Kernel;
  try {
    k = makeKernel(o, image.bytes);
  } catch (e) {
    if (e instanceof InitramfsError) fail(`cannot unpack image ${image.name}: ${e.message}`);
    throw e;
  }
  const skipped = k.initramfs?.skipped ?? [];
  if (skipped.length > 0) process.stderr.write(`forkscope: image ${image.name}: ${k.initramfs!.skippedCount} entries not unpacked (${skipped[0].name}: ${skipped[0].why}${skipped.length > 1 ? ", ..." : ""})\n`);

  // a host program goes into /bin as found before the mounts, so that a mount over /bin (or /)
  // hides it the way a mount hides any file, without taking its place
  const bin = k.dirLoc("/bin");
  if (o.root !== undefined) mountHostRoot(k, o.root.host, o.root.rw);
  const mounts = [...(o.sysroot !== undefined ? sysrootMounts(o.sysroot) : []), ...o.mounts];
  for (const m of mounts) {
    const node = hostMount(m.host, m.ro);
    if (typeof node === "string") fail(node);
    try {
      k.mount(m.guest, node, "hostfs", path.resolve(m.host), m.ro);
    } catch (e) {
      if (e instanceof LoadError) fail(e.message);
      throw e;
    }
  }
  const guest = guestProgram(k, o.program);
  let argv0: string;
  let file: Lookup | undefined;
  if (guest) argv0 = o.program;
  else {
    const bytes = readProgram(o.program, k);
    argv0 = "/bin/" + path.basename(o.program);
    try {
      file = k.placeFile(bin, utf8ToBytestr(path.basename(o.program)), bytes);
    } catch (e) {
      if (e instanceof LoadError) fail(`cannot place ${o.program} at ${argv0}: ${e.message}`);
      throw e;
    }
  }
  try {
    k.spawn(null, [argv0, ...o.args], o.env, argv0, { cwd: o.cwd, file, asInit: o.init });
  } catch (e) {
    if (e instanceof LoadError) fail(loadFailure(o, e));
    throw e;
  }
  // process.hrtime, not performance.now(): the first use of `performance` loads perf_hooks (~10 ms)
  const t0 = process.hrtime.bigint();
  const deadline = Date.now() + o.timeout * 1000;
  let status = 0;
  /** forkscope's own outcome, when the program did not end by itself */
  let own: number | null = null;
  const stop = (code: number, why: string) => {
    if (term) term.restore();
    process.stderr.write(`forkscope: ${why}\n`);
    own = code;
  };
  // a terminal console: the host terminal in raw mode, keys and resizes straight to the guest
  // (they poke the loop when it waits), Ctrl-] q to quit
  let poke: (() => void) | null = null;
  const wakeLoop = () => {
    const p = poke;
    poke = null;
    p?.();
  };
  let quit = false;
  const term = k.console.isTty
    ? new HostTerminal({
        keys: (b) => (k.console.write(b), wakeLoop()),
        resize: (cols, rows) => (k.console.resize(cols, rows), wakeLoop()),
        quit: () => ((quit = true), wakeLoop()),
        end: () => (k.console.end(), wakeLoop()),
        // the host shell's fg: the guest's job is continued in the foreground, as a shell does
        continued: () => (k.continueMain(), wakeLoop()),
      })
    : null;
  if (term) {
    if (!term.start()) fail("cannot put the terminal in raw mode (stty failed); run with stdin or stdout redirected for a non-terminal console");
    k.console.resize(...term.size());
  }
  const stdin = term ? null : new StdinReader();
  /** a read of the host's stdin still under way (a stream console), kept across timer wake-ups */
  let reading: Promise<Uint8Array | null> | null = null;
  /** with --stats: host memory when the guest, waiting for stdin, had the most pages resident */
  let inputSample: MemorySample | null = null;
  const limited = Number.isFinite(o.timeout) || Number.isFinite(o.maxInstructions);
  // interactive runs come back to the event loop between slices, so keys get in during a busy job
  const slice = term ? TTY_SLICE : limited ? CHUNK : Infinity;
  try {
    while (own === null) {
      if (quit) {
        stop(EXIT_QUIT, "quit (Ctrl-] q): the guest was killed");
        break;
      }
      const r = k.run(Math.min(o.maxInstructions - k.totalInstructions, slice));
      if (r.state === "exited") {
        status = r.status;
        break;
      }
      if (r.state === "limit") {
        if (k.totalInstructions >= o.maxInstructions) stop(EXIT_INSN_LIMIT, `stopped after ${k.totalInstructions} instructions (--max-instructions)`);
        else if (Date.now() >= deadline) stop(EXIT_TIMEOUT, `stopped after ${o.timeout} s of host time (--timeout)`);
        else if (term) await new Promise((res) => setImmediate(res));
      } else if (r.state === "input") {
        // ^Z stopped the program's job: forkscope stops too, as the job of the host shell it is
        // (fg continues both)
        if (term && k.mainStopped) term.suspend();
        if (o.stats && k.frames.stats.inUse > (inputSample?.frames ?? -1)) inputSample = memorySample(k, true);
        // wait for input, for the guest's next timer (in host time: docs/tty-design.md), or --timeout
        const timer = r.wait === null ? null : sleepNs(r.wait);
        const waits: Promise<unknown>[] = [after(deadline - Date.now())];
        if (timer) waits.push(timer.done);
        if (term) waits.push(new Promise<void>((res) => (poke = res)));
        else waits.push((reading ??= stdin!.next()));
        const got = await Promise.race(waits);
        timer?.cancel();
        poke = null;
        if (got === "timeout") stop(EXIT_TIMEOUT, `stopped after ${o.timeout} s of host time (--timeout) while the guest waited for input`);
        else if (!term && got !== "timer") {
          reading = null;
          k.pushInput(got as Uint8Array | null);
        }
      } else stop(EXIT_DEADLOCK, "every task is blocked and nothing can wake them (deadlock)");
    }
  } finally {
    term?.restore();
  }
  stdin?.close();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (o.tree) process.stderr.write(renderHistory(k) + "\n");
  if (o.stats && inputSample) process.stderr.write(`forkscope: memory at stdin read: ${inputSample.text}\n`);
  if (o.stats) process.stderr.write(`forkscope: memory at exit: ${memorySample(k, false).text}\n`);
  if (o.stats) {
    const n = k.totalInstructions;
    process.stderr.write(`forkscope: ${n} instructions in ${secs.toFixed(3)} s (${(n / secs / 1e6).toFixed(1)} MIPS)\n`);
    const j = k.hart.jitStats;
    process.stderr.write(`forkscope: translated: ${j.regions} regions (${j.wasm} to WebAssembly, ${j.regions - j.wasm} to JS), ${j.blocks} blocks, ${j.insns} instructions; ${((j.executed / Math.max(1, n)) * 100).toFixed(1)}% of instructions ran translated\n`);
  }
  if (own !== null) return own;
  if ((status & 0x7f) === 0x7f) return status >> 8;
  if ((status & 0x7f) !== 0) return 128 + (status & 0x7f);
  return (status >> 8) & 0xff;
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
  if (argv[0] === "--version" || argv[0] === "-V") {
    process.stdout.write(`forkscope ${VERSION} (reports Linux ${KERNEL_RELEASE} riscv64)\n`);
    return;
  }
  if (argv[0] === "syscalls") {
    if (argv[1] === "-h" || argv[1] === "--help") {
      process.stdout.write("usage: forkscope syscalls [--markdown]\n\nLists the riscv64 syscall numbers forkscope implements and what each supports;\n--markdown writes the table as docs/syscalls.md holds it.\n");
      return;
    }
    if (argv.length > 2 || (argv[1] !== undefined && argv[1] !== "--markdown")) fail(`syscalls takes only --markdown, not '${argv.slice(1).join(" ")}'`);
    process.stdout.write(argv[1] === "--markdown" ? syscallMarkdown() : syscallTable() + "\n");
    return;
  }

  if (argv[0] === "playground") {
    const o = parsePlayground(argv.slice(1), fail);
    if (o === "help") process.stdout.write(PLAYGROUND_HELP + "\n");
    else await servePlayground(o, (s) => process.stdout.write(s + "\n")).catch((e: Error) => fail(e.message));
    return;
  }
  if (argv[0] !== "run") fail(`unknown command '${argv[0]}' (try 'forkscope run PROGRAM')`);
  const code = await run(parse(argv.slice(1)));
  process.exitCode = code;
}

main().catch((e) => {
  process.stderr.write(`forkscope: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  if (process.env.FORKSCOPE_DEBUG) process.stderr.write(String(e?.stack) + "\n");
  process.exit(EXIT_INTERNAL);
});
