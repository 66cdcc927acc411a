// The command line of `forkscope run`: its help text, its options and their checks. Every bad
// value ends in one `forkscope:` line and exit status 2, never in the kernel.

import { MAX_JIT_THRESHOLD } from "../cpu/hart.js";
import { DEFAULT_ENV } from "../defaults.js";
import { TraceFilter } from "../trace/filter.js";
import { PERSONALITIES, type Personality } from "../kernel/personality.js";

/** exit statuses of forkscope's own outcomes: outside 129-192, where a guest killed by a signal is */
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 70;
export const EXIT_TIMEOUT = 124;
export const EXIT_INSN_LIMIT = 125;
export const EXIT_DEADLOCK = 126;
/** the user quit with the escape key (Ctrl-] q), as a shell reports an interrupted program */
export const EXIT_QUIT = 130;

/** the largest guest memory accepted (MiB): frames are host memory, so beyond this the host suffers */
export const MAX_MEMORY_MIB = 65536;
/** the smallest: a static glibc program needs its image, a stack and a few page tables */
export const MIN_MEMORY_MIB = 4;

export const HELP = `usage: forkscope run [options] PROGRAM [ARGS...]
       forkscope syscalls [--markdown]   list the syscall table and what each call supports
       forkscope playground [--port N]   serve the browser playground on 127.0.0.1
       forkscope --version

Runs a riscv64 Linux program on forkscope's TypeScript kernel and RV64GC CPU, through the
kernel's own execve (so a #! script or a dynamically linked program runs too).
PROGRAM is a guest file when it is an absolute path that exists in the guest filesystem (the
image and --mount/--sysroot, after symlinks): 'forkscope run /bin/sh -c CMD' runs the image's
shell. Otherwise PROGRAM is a host file (a relative path is relative to the host's working
directory), copied into the guest as /bin/NAME and run from there.

options:
  --trace[=FILE]        trace syscalls, signals and exits as strace -f prints them (to stderr, or FILE)
  --trace-filter SET    which calls --trace shows, as strace's -e trace=SET: names, classes
                        (%file %process %signal %network %ipc %desc %memory %creds %clock ...),
                        /regex, all, none; a leading ! inverts (e.g. 'process,write', '!%memory')
  --trace-strsize N     bytes of each string or buffer --trace shows (strace -s; default 32)
  --tree                at exit, print every task of the run as a tree: clone flags, what it
                        shared, how it ended, faults and copy-on-write statistics
  --dmesg               print the kernel log to stderr as it is written ("[    0.001234] text", as
                        a console does); without it only messages of KERN_ERR and worse (as a
                        "quiet" console prints them: OOM kills); busybox dmesg reads the whole log
  --init                run PROGRAM as pid 1, as a booted system runs /sbin/init (Linux's init=):
                        orphans are reparented to it, signals it has no handler for do not reach
                        it, it has the console as fds 0-2 without a controlling terminal, and
                        its end panics the kernel ("Attempted to kill init!"); the exit status
                        is still the program's
  --personality P       linux-6 (default) or linux-2.6: the kernel of the seeds, where clone's bit
                        0x02000000 is CLONE_STOPPED, CLONE_NEWUSER needs CAP_SYS_ADMIN, CAP_SETUID
                        and CAP_SETGID, new namespaces need CAP_SYS_ADMIN, uname -r is 2.6.37 and
                        clone3, setns and the pidfd calls do not exist (ENOSYS)
  --env K=V             set an environment variable, replacing a default of the same name
                        (repeatable; later wins; default: ${DEFAULT_ENV.join(" ")})
  --clear-env           start from an empty environment
  --mount HOST:GUEST[:ro|rw]   make a host directory or file visible at GUEST (read-only unless :rw)
  --root DIR[:rw]       a host directory as / (a whole riscv64 userland): read-only, with writes
                        going to an in-memory layer over it (an overlay, as Linux's overlayfs; the
                        host directory is never written), or written through with :rw. The
                        kernel's /dev, /proc, /sys and /tmp are mounted on top; no image is
                        unpacked (--image FILE with --root is an error)
  --sysroot DIR         a riscv64 sysroot for dynamically linked programs: DIR's lib, lib64,
                        usr/lib and usr/lib64 (those that exist) mounted read-only at /lib, ...
                        as the dynamic loader expects (e.g. --sysroot /usr/riscv64-linux-gnu,
                        Debian's libc6-riscv64-cross; like qemu-riscv64 -L)
  --image default|none|FILE    the root filesystem unpacked at boot: a cpio newc archive
                        (Linux's initramfs format; gzip allowed). default: the built-in image
                        (busybox as /bin/sh with its applets in /bin and /usr/bin, /etc, /root,
                        /tmp); none: an empty root with /dev, /proc, /sys and /tmp
  --cwd DIR             the program's working directory (a guest path; default /)
  --seed N              seed for scheduling and randomness (default 1)
  --quantum N           average time slice in instructions (default 200000)
  --memory MIB          guest memory in MiB (${MIN_MEMORY_MIB} to ${MAX_MEMORY_MIB}; default 4096, or half of the
                        host's available memory when that is less). Everything the guest makes
                        counts: its pages, tmpfs files, pipe buffers, tasks, mappings, open files,
                        queued signals; when it is full the OOM killer ends the largest process
                        ("[    1.234567] Out of memory: Killed process ..." on stderr)
  --max-tasks N         most tasks that may exist at once (kernel.threads-max; default 16384)
  --max-instructions N  stop the run after N guest instructions
  --timeout SECONDS     stop the run after this much host time
  --host-time           CLOCK_REALTIME from the host (default: a fixed epoch, deterministic)
  --user UID[:GID]      run as this unprivileged user instead of root (no capabilities)
  --stats               print instructions executed and speed to stderr at exit
  --jit N               translate guest code to JavaScript once a jump has reached it N times
                        (default 20000, at most ${MAX_JIT_THRESHOLD}); --jit 0 interprets every instruction
  --jit-backend B       wasm (default up to --memory 4096) or js: translate hot code to WebAssembly
                        where it can (RV64IM code; guest memory then lives in one WebAssembly.Memory
                        of at most 4 GiB) or to JavaScript
  --version             print forkscope's version and the Linux release it reports
  -h, --help            this help

With --stats, guest and host memory are printed too: at exit, and when the guest waited to read
stdin with the most pages resident (after a full garbage collection).

In a terminal (stdin and stdout both one), the guest's console is a terminal too (/dev/ttyS0, with
Linux's line discipline, job control and window size): the host terminal is put in raw mode and
every key goes to the guest, so ^C, ^Z and ^\ reach its foreground job. To leave forkscope itself,
press Ctrl-] then q (the guest is killed, exit status ${EXIT_QUIT}); Ctrl-] Ctrl-] sends one Ctrl-].
The terminal is restored when forkscope ends, however it ends. ^Z to a program that is not a
shell stops it and forkscope with it, as a job of your shell (fg continues both). Otherwise stdin and stdout are
plain byte streams for the guest (isatty() is false). While the guest waits for the person or
for input from a pipe, its virtual clock follows the host's: sleep 10 at a prompt takes 10 s.

Exit status: the program's, or 128+N when it was killed by signal N. forkscope's own outcomes:
  ${EXIT_USAGE}    bad command line or a program that cannot be loaded (one line on stderr)
  ${EXIT_INTERNAL}   an internal error (a bug in forkscope: please report it)
  ${EXIT_TIMEOUT}  --timeout expired          ${EXIT_INSN_LIMIT}  --max-instructions reached
  ${EXIT_DEADLOCK}  every task is blocked and nothing can wake them (deadlock)
  ${EXIT_QUIT}  quit with Ctrl-] q (a terminal console)`;

export function fail(msg: string): never {
  process.stderr.write(`forkscope: ${msg}\n`);
  process.exit(EXIT_USAGE);
}

export interface Opts {
  trace: string | null | undefined;
  traceFilter: string | undefined;
  traceStrsize: number | undefined;
  tree: boolean;
  init: boolean;
  dmesg: boolean;
  personality: Personality;
  env: string[];
  mounts: { host: string; guest: string; ro: boolean }[];
  /** --root DIR[:rw]: a host directory as / (rw false: read-only under an in-memory overlay) */
  root: { host: string; rw: boolean } | undefined;
  sysroot: string | undefined;
  cwd: string | undefined;
  image: string;
  seed: number;
  quantum: number | undefined;
  memory: number | undefined;
  maxTasks: number | undefined;
  maxInstructions: number;
  timeout: number;
  hostTime: boolean;
  stats: boolean;
  jit: number | undefined;
  jitBackend: "js" | "wasm" | undefined;
  user: { uid: number; gid: number } | undefined;
  program: string;
  args: string[];
}

/** `--env` values over the defaults: a name given again replaces the earlier value in place, as
 *  env(1) does, so getenv sees the user's value */
export function mergeEnv(base: string[], extra: string[]): string[] {
  const out = [...base];
  for (const e of extra) {
    const name = e.slice(0, e.indexOf("="));
    const i = out.findIndex((x) => x.slice(0, x.indexOf("=")) === name);
    if (i >= 0) out[i] = e;
    else out.push(e);
  }
  return out;
}

/** HOST:GUEST[:ro|rw], where HOST may itself hold colons (the mode and guest path are the last fields) */
function parseMount(m: string): { host: string; guest: string; ro: boolean } {
  let rest = m;
  let ro = true;
  const mode = /:(ro|rw)$/.exec(rest);
  if (mode) {
    ro = mode[1] === "ro";
    rest = rest.slice(0, -3);
  }
  const i = rest.lastIndexOf(":/");
  if (i <= 0) fail(`--mount needs HOST:/GUEST[:ro|rw], not '${m}'`);
  return { host: rest.slice(0, i), guest: rest.slice(i + 1), ro };
}

export function parse(argv: string[]): Opts {
  const o: Opts = {
    trace: undefined, traceFilter: undefined, traceStrsize: undefined, tree: false, init: false, dmesg: false, personality: "linux-6", env: [], mounts: [], root: undefined, sysroot: undefined, cwd: undefined, image: "default", seed: 1, quantum: undefined, memory: undefined, maxTasks: undefined,
    maxInstructions: Infinity, timeout: Infinity, hostTime: false, stats: false, jit: undefined, jitBackend: undefined, user: undefined, program: "", args: [],
  };
  let clearEnv = false;
  let imageGiven = false;
  const extraEnv: string[] = [];
  let i = 0;
  const val = (name: string): string => {
    if (i + 1 >= argv.length) fail(`${name} needs a value`);
    return argv[++i];
  };
  const num = (name: string, s: string, min = 0, max = Number.MAX_SAFE_INTEGER): number => {
    const n = /^\d+$/.test(s) ? Number(s) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) fail(`${name} needs an integer from ${min} to ${max}, not '${s}'`);
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
    else if (a === "--trace-filter" || a.startsWith("--trace-filter=")) {
      const v = a === "--trace-filter" ? val(a) : a.slice(15);
      const f = TraceFilter.parse(v);
      if (typeof f === "string") fail(`--trace-filter: ${f}`);
      o.traceFilter = v;
    } else if (a === "--trace-strsize") o.traceStrsize = num(a, val(a), 0, 1 << 20);
    else if (a === "--tree") o.tree = true;
    else if (a === "--init") o.init = true;
    else if (a === "--dmesg") o.dmesg = true;
    else if (a === "--personality" || a.startsWith("--personality=")) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : val(a);
      if (!(PERSONALITIES as readonly string[]).includes(v)) fail(`--personality: ${v}: one of ${PERSONALITIES.join(", ")}`);
      o.personality = v as Personality;
    }
    else if (a === "--env") extraEnv.push(val(a));
    else if (a.startsWith("--env=")) extraEnv.push(a.slice(6));
    else if (a === "--clear-env") clearEnv = true;
    else if (a === "--mount") o.mounts.push(parseMount(val(a)));
    else if (a === "--sysroot") o.sysroot = val(a);
    else if (a.startsWith("--sysroot=")) o.sysroot = a.slice(10);
    else if (a === "--image") (o.image = val(a)), (imageGiven = true);
    else if (a.startsWith("--image=")) (o.image = a.slice(8)), (imageGiven = true);
    else if (a === "--root" || a.startsWith("--root=")) {
      const v = a === "--root" ? val(a) : a.slice(7);
      const rw = v.endsWith(":rw");
      o.root = { host: rw ? v.slice(0, -3) : v.replace(/:ro$/, ""), rw };
      if (o.root.host === "") fail("--root needs a host directory: --root DIR[:rw]");
    }
    else if (a === "--cwd") {
      o.cwd = val(a);
      if (!o.cwd.startsWith("/")) fail(`--cwd needs an absolute guest path, not '${o.cwd}'`);
    } else if (a === "--seed") o.seed = num(a, val(a), 0, 2 ** 32 - 1);
    else if (a === "--quantum") o.quantum = num(a, val(a), 1, 2 ** 30);
    else if (a === "--memory") o.memory = num(a, val(a), MIN_MEMORY_MIB, MAX_MEMORY_MIB) * 1024 * 1024;
    else if (a === "--max-tasks") o.maxTasks = num(a, val(a), 1, 4 * 1024 * 1024);
    else if (a === "--max-instructions") o.maxInstructions = num(a, val(a), 1);
    else if (a === "--timeout") {
      const v = val(a);
      const s = /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
      if (!(s > 0)) fail(`--timeout needs a positive number of seconds, not '${v}'`);
      o.timeout = s;
    } else if (a === "--host-time") o.hostTime = true;
    else if (a === "--stats") o.stats = true;
    else if (a === "--jit") o.jit = num(a, val(a), 0, MAX_JIT_THRESHOLD);
    else if (a === "--jit-backend") {
      const v = val(a);
      if (v !== "js" && v !== "wasm") fail(`--jit-backend needs js or wasm, not '${v}'`);
      o.jitBackend = v;
    }
    else if (a === "--user") {
      const v = val(a);
      const m = /^(\d+)(?::(\d+))?$/.exec(v);
      // (uid_t)-1 means "no change" to the kernel, so it cannot be anyone's id
      const ok = (s: string) => Number(s) <= 0xfffffffe;
      if (!m || !ok(m[1]) || (m[2] !== undefined && !ok(m[2]))) fail(`--user needs UID[:GID] (each 0 to 4294967294), not '${v}'`);
      o.user = { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) };
    } else fail(`unknown option ${a} (see --help)`);
  }
  if (i >= argv.length) fail("no program given (see --help)");
  o.program = argv[i];
  o.args = argv.slice(i + 1);
  // --root replaces the image: the two roots would only hide each other, so asking for both is an error
  if (o.root !== undefined) {
    if (imageGiven && o.image !== "none") fail("--root and --image conflict: with --root no image is unpacked");
    o.image = "none";
  }
  for (const e of extraEnv) if (!/^[^=]+=/.test(e)) fail(`--env needs K=V, not '${e}'`);
  o.env = mergeEnv(clearEnv ? [] : DEFAULT_ENV, extraEnv);
  return o;
}
