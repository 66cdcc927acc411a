// The kernel object: the state every subsystem shares (tasks, pid and other root namespaces, the
// boot filesystem, the CPU, clock and scheduler) and the embedding API (spawn, run, tree).
// The parts live in their own files: sched.ts (run loop), pid.ts, fork.ts, exec.ts, exit.ts,
// sigdeliver.ts and sigframe.ts (signals), boot.ts; the syscall layer is handed in (SyscallEntry).

import type { SigCounts } from "./sigqueue.js";
import { Hart, MAX_JIT_THRESHOLD } from "../cpu/hart.js";
import { FramePool, PAGE_SIZE } from "../mm/frames.js";
import { TablePool } from "../mm/pagetable.js";
import { Loc, Lookup, lookup } from "../fs/path.js";
import { Mount, SuperBlock, attach, rootOf } from "../fs/mount.js";
import { Node, TmpDir, TmpfsSb, fsClock } from "../fs/node.js";
import type { HostOutput } from "../fs/devices.js";
import { ConsoleSize, HostConsole } from "../tty/console.js";
import { KernelTtyHost, continueMainJob, mainJobStopped } from "./ttyhost.js";
import { CGROUP_DEV, Cgroup } from "../fs/cgroupfs.js";
import { INIT_USER_NS } from "../cred/userns.js";
import { Clock, DEFAULT_EPOCH_NS, Random } from "./clock.js";
import { Task } from "./task.js";
import { PidNamespace } from "./pidns.js";
import { IpcNamespace } from "./sem.js";
import { CgroupNamespace, MntNamespace, NetNamespace, UtsNamespace, nsRoot } from "./namespaces.js";
import { Futexes } from "./futex.js";
import { NsProxy } from "./nsproxy.js";
import { Scheduler, RunResult } from "./sched.js";
import { Timers } from "./timer.js";
import { addFile, bootFs, makeInit, makeKthreadd, mkdirp, mkdirpLoc, mountAt, mountRoot, placeFile, spawn, SpawnOptions } from "./boot.js";
import type { UnpackResult } from "../fs/initramfs.js";
import { cgroupHost } from "./cgroupview.js";
import { describeTree, TreeTask, TaskRecord } from "./tree.js";
import { LoadAvg } from "./loadavg.js";
import { FlockTable } from "../fs/flock.js";
import { makeSysfsRoot } from "./sysfsview.js";
import { TaskState } from "./task.js";
import { HeldOutput } from "./outhold.js";
import type { TraceHooks } from "./tracehook.js";
import { OomState, outOfMemory } from "./oom.js";
import { KernelLog, KERN_NOTICE, printk, timeText } from "./printk.js";
import { Personality, bootBanner } from "./personality.js";

export type { RunResult } from "./sched.js";
export { LoadError } from "./boot.js";

/**
 * What the kernel tells an embedder (options.onEvent):
 *  - "syscall": one line of the trace as --trace prints it (`text`), for a syscall (`name`, and
 *    `result` once it returned) or, without `name`, a signal (`--- SIGCHLD {...} ---`) or exit
 *    (`+++ exited with 0 +++`) line;
 *  - "log": one kernel log record as it is written (`text` is the message, `level` 0-7,
 *    `seq` its sequence number, `usec` its virtual timestamp; /dev/kmsg's fields);
 *  - "task-created", "task-exited", "signal" (a handler is about to run).
 */
export interface KernelEvent {
  type: "task-created" | "task-exited" | "syscall" | "signal" | "log";
  pid: number;
  tid: number;
  /** for task-created: the parent's tid and the clone flags */
  parent?: number;
  flags?: number;
  /** for task-exited: the wait status */
  status?: number;
  /** for syscall: name and raw result (absent on signal and exit lines); for signal: the signal */
  name?: string;
  result?: number;
  /** for syscall: the trace line; for log: the message */
  text?: string;
  /** for log: the record's level (0 emerg .. 7 debug), sequence number and timestamp (us) */
  level?: number;
  seq?: number;
  usec?: number;
}

export interface KernelOptions {
  /** seeds the scheduler's slice lengths, getrandom and AT_RANDOM (default 1) */
  seed?: number;
  /** average time slice in instructions (default 200,000) */
  quantum?: number;
  /** guest memory in bytes (default 4 GiB): frames, tmpfs pages, pipe buffers and the kernel's
   *  objects (tasks, VMAs, page tables, inodes, open files, queued signals) all count against it */
  memory?: number;
  /** where guest stdout/stderr go */
  output?: HostOutput;
  /** the console is a terminal with Linux's line discipline (set it when the host's stdin and
   *  stdout are a terminal, or for a terminal emulator in a browser); otherwise it is a byte
   *  stream in each direction, like a pipe, and isatty() is false */
  tty?: boolean;
  /** a terminal console's window size at boot (default 80x24) */
  ttySize?: ConsoleSize;
  /** the host's monotonic clock in ns. Given, virtual time never runs ahead of the host while the
   *  guest waits for external input (a live terminal console, or a read of a stream console):
   *  run() then returns { state: "input", wait } instead of jumping to the next timer, and the
   *  time the host spent until it calls run() (or writes input) again counts, up to that timer.
   *  Without it every wait is instant, as in deterministic runs. See docs/tty-design.md. */
  hostClock?: () => number;
  /** CLOCK_REALTIME from the host instead of a fixed epoch */
  hostTime?: () => number;
  /** receives the trace, one strace -f line at a time (syscalls, signals, exits) */
  trace?: (line: string) => void;
  /** strace -s: how many bytes of a string or buffer the trace shows (default 32) */
  traceStrsize?: number;
  /** strace -e trace=SET: which calls the trace shows (e.g. "process,%signal,write"; default all) */
  traceFilter?: string;
  onEvent?: (e: KernelEvent) => void;
  /** run the first program as this unprivileged user (no capabilities) instead of root */
  user?: { uid: number; gid: number };
  /** most tasks that may exist at once (Linux: kernel.threads-max); default 16,384 */
  maxTasks?: number;
  /** keep a record of every task of the run for renderHistory (the CLI's --tree); off by default:
   *  a long run that creates many tasks would pay for it on every clone and exit */
  history?: boolean;
  /** translate hot guest code to JS after this many arrivals at one code address (default 20,000, at most 65,534); 0 = interpret only */
  jit?: number;
  /** "wasm": translate to WebAssembly where it can (RV64IM; the frames then live in one
   *  WebAssembly.Memory of at most 4 GiB), JS elsewhere; default "js" (see cpu/wasm-jit.ts) */
  jitBackend?: "js" | "wasm";
  /** a cpio "newc" archive unpacked over the boot root filesystem (Linux: initramfs) */
  initramfs?: Uint8Array;
  /** receives every kernel log record as the console prints it ("[    0.000123] text"), with its
   *  level (0 emerg .. 7 debug): the CLI shows levels below 4 (as a "quiet" console does), all
   *  of them with --dmesg */
  kmsg?: (line: string, level: number) => void;
  /** which kernel forkscope is: "linux-6" (default) or "linux-2.6", the kernel of the seeds
   *  (CLONE_STOPPED where 6.x has CLONE_NEWCGROUP, 2.6's namespace rules, a 2.6 uname) */
  personality?: Personality;
}

/** the syscall layer (syscalls/dispatch.ts; src/system.ts hands it in, so that kernel/ does not
 *  import syscalls/) */
export interface SyscallEntry {
  /** the task trapped with ecall: run the syscall numbered in a7 */
  enter(k: Kernel, t: Task): void;
  /** the task was woken while blocked in a syscall: retry it, or give up on a signal */
  resume(k: Kernel, t: Task): void;
  /** a syscall's name and whether signals cannot interrupt its sleep (/proc's D state, wchan) */
  info(nr: number): { name: string; uninterruptible: boolean } | null;
}

export class Kernel {
  readonly frames: FramePool;
  readonly tables = new TablePool();
  readonly hart: Hart;
  readonly clock: Clock;
  readonly rand: Random;
  readonly sched: Scheduler;
  readonly timers: Timers;
  readonly futex = new Futexes();
  /** every task by its pid in the root pid namespace */
  readonly tasks = new Map<number, Task>();
  readonly root: TmpDir;
  /** the console (embedding API: write input, end, resize, onOutput; tty/console.ts) */
  readonly console: HostConsole;
  /** the tty layer's view of tasks (kernel/ttyhost.ts) */
  readonly ttyHost: KernelTtyHost;
  readonly rootIpc = new IpcNamespace(INIT_USER_NS, true);
  readonly rootUts = new UtsNamespace("forkscope", "(none)", INIT_USER_NS, true);
  readonly rootMnt: MntNamespace;
  readonly rootNet = new NetNamespace(INIT_USER_NS, true);
  readonly cgroupRoot: Cgroup;
  readonly rootCgroup: CgroupNamespace;
  /** the superblock every cgroup2 mount shares */
  readonly cgroupSb: SuperBlock = { fstype: "cgroup2", dev: CGROUP_DEV, ro: false };
  readonly rootPidns = new PidNamespace(null);
  /** the namespaces of the boot tasks (Linux: init_nsproxy) */
  readonly initNsproxy: NsProxy;
  readonly init: Task;
  /** pid 2: the parent of kernel threads */
  readonly kthreadd: Task;
  current: Task | null = null;
  /** the program started by spawn(): the run ends when its thread group is gone */
  main: Task | null = null;
  /** what unpacking options.initramfs did (null without one) */
  initramfs: UnpackResult | null = null;
  mainStatus: number | null = null;
  /** user tasks that have not exited, counted as they come and go */
  liveUser = 0;
  readonly quantum: number;
  /** kernel.threads-max (writable through /proc/sys) */
  maxTasks: number;
  /** tasks created since boot (/proc/stat processes; Linux: total_forks) */
  forks = 0;
  readonly loadavg = new LoadAvg();
  /** vm.overcommit_memory, vm.overcommit_ratio, vm.max_map_count (Linux: mm/util.c, mm/mmap.c) */
  readonly vm = { overcommitMemory: 0, overcommitRatio: 50, maxMapCount: 65530 };
  /** fs.nr_open: the largest RLIMIT_NOFILE setrlimit accepts */
  nrOpen = 1048576;
  /** flock(2) locks */
  readonly flocks = new FlockTable();
  /** /sys, made once: every sysfs mount shows it */
  readonly sysfsRoot: Node = makeSysfsRoot();
  private anonDev = 0x20;
  readonly trace: ((line: string) => void) | null;
  readonly onEvent: ((e: KernelEvent) => void) | null;
  /** the syscall tracer (trace/printer.ts) when trace or onEvent is set */
  tracer: TraceHooks | null = null;
  /** the console's output on its way to the host, held while a traced call's line is open */
  readonly heldOutput: HeldOutput;
  totalInstructions = 0;
  /** syscall work charged to run()'s budget so far, in instructions (sched.ts): a caller that
   *  bounds a run by its own count adds this to totalInstructions */
  totalWork = 0;
  /** queued signals by real uid, against RLIMIT_SIGPENDING (sigqueue.ts) */
  readonly sigCounts: SigCounts = new Map();
  /** the OOM killer's state */
  readonly oom = new OomState();
  /** the kernel log (printk's ring buffer): dmesg, syslog(2), /dev/kmsg */
  readonly log: KernelLog;
  readonly personality: Personality;
  /** 2.6 do_fork's `static int count = 100`: CLONE_STOPPED warnings left */
  cloneStoppedWarnings = 100;
  /** every task of the run, for --tree (when the history option is on) */
  readonly history = new Map<number, TaskRecord>();
  readonly recordHistory: boolean;

  constructor(readonly options: KernelOptions, readonly syscalls: SyscallEntry) {
    const mem = options.memory ?? 4 * 2 ** 30;
    this.frames = new FramePool(Math.floor(mem / PAGE_SIZE), options.jitBackend === "wasm");
    this.tables.charge = this.frames;
    // a frame that cannot be had wakes the OOM killer (Linux: __alloc_pages_may_oom)
    this.frames.onExhausted = () => outOfMemory(this, this.current);
    this.root = new TmpDir(0o755, TmpfsSb.withDefaults(this.frames));
    this.hart = new Hart(this.frames);
    this.clock = new Clock(DEFAULT_EPOCH_NS, options.hostTime ?? null);
    this.timers = new Timers(this.clock);
    // clock_settime moves CLOCK_REALTIME timers and sleeps (Linux: clock_was_set)
    this.clock.onSet = () => {
      this.timers.clockWasSet();
      this.sched.clockWasSet();
    };
    this.personality = options.personality ?? "linux-6";
    this.log = new KernelLog(() => this.clock.approx());
    this.log.onRecord = (r) => {
      if (options.kmsg) for (const l of r.text.split("\n")) options.kmsg(`${timeText(r.usec)} ${l}`, r.level);
      this.onEvent?.({ type: "log", pid: 0, tid: 0, text: r.text, level: r.level, seq: r.seq, usec: r.usec });
    };
    this.hart.timeNow = () => this.clock.ticks();
    this.recordHistory = options.history ?? false;
    if (options.jit !== undefined) this.hart.jitThreshold = Math.min(options.jit, MAX_JIT_THRESHOLD);
    if (options.jitBackend === "wasm") this.hart.jitBackend = "wasm";
    fsClock.now = () => this.clock.realtimeApprox();
    this.rand = new Random(options.seed ?? 1);
    this.quantum = options.quantum ?? 200_000;
    this.maxTasks = options.maxTasks ?? 16384;
    this.trace = options.trace ?? null;
    this.onEvent = options.onEvent ?? null;
    // start_kernel's first line (pr_notice("%s", linux_banner))
    printk(this.log, KERN_NOTICE, bootBanner(this.personality));
    this.sched = new Scheduler(this);
    this.ttyHost = new KernelTtyHost(this);
    this.heldOutput = new HeldOutput(options.output ?? { write: () => {} });
    this.console = new HostConsole(this.heldOutput, options.tty ? this.ttyHost : null, options.ttySize);
    this.console.beforeInput = () => this.sched.catchUp();
    // as on a booted Linux system, "/" is mounted on top of the hidden rootfs at the bottom of
    // the mount tree (that is what lets pivot_root move it)
    const rootfs = new TmpDir(0o755, TmpfsSb.withDefaults(this.frames));
    this.rootMnt = new MntNamespace(new Mount({ fstype: "rootfs", dev: rootfs.dev, ro: false }, rootfs, [], "rootfs", false), INIT_USER_NS);
    attach(new Mount({ fstype: "tmpfs", dev: this.root.dev, ro: false }, this.root, [], "tmpfs", false), rootOf(this.rootMnt.root));
    this.cgroupRoot = new Cgroup(null, "", cgroupHost(this));
    // as on a booted system whose init enabled it: cgroups below the root have pids.max
    this.cgroupRoot.subtree.add("pids");
    this.rootCgroup = new CgroupNamespace(INIT_USER_NS, this.cgroupRoot, true);
    this.initNsproxy = new NsProxy({ uts: this.rootUts, ipc: this.rootIpc, mnt: this.rootMnt, net: this.rootNet, cgroup: this.rootCgroup, pidForChildren: this.rootPidns });
    bootFs(this);
    this.init = makeInit(this);
    this.kthreadd = makeKthreadd(this);
  }

  /** Load a program as the first user process (a child of init). Throws LoadError on bad input. */
  spawn(bytes: Uint8Array | null, argv: string[], env: string[], path = "/bin/" + (argv[0] ?? "program").replace(/^.*\//, ""), opts: SpawnOptions = {}): Task {
    return spawn(this, bytes, argv, env, path, opts);
  }

  /** Run guest code until the main program is gone, input is needed, or nothing can run. */
  run(instructionLimit = Infinity): RunResult {
    return this.sched.run(instructionLimit);
  }

  /** make run() return { state: "limit" } before more guest code runs (from onEvent after a
   *  syscall: single-stepping one syscall at a time); the run goes on as without the stop */
  requestStop(): void {
    this.sched.requestStop();
  }

  /** the process tree with shared objects and copy-on-write statistics */
  tree(): TreeTask[] {
    return describeTree(this);
  }

  /** host input for the console: bytes, or null for the end of input (kernel.console has more) */
  pushInput(data: Uint8Array | null): void {
    if (data === null) this.console.end();
    else this.console.write(data);
  }

  /** the first program's job was stopped by job control (^Z): a host that stands for the shell
   *  that ran it stops too, and calls continueMain() when it is continued */
  get mainStopped(): boolean {
    return mainJobStopped(this);
  }

  /** continue the first program's stopped job in the foreground, as a shell's fg does */
  continueMain(): void {
    continueMainJob(this);
  }

  /** mount a node (a host directory adapter, say) at an absolute guest path */
  mount(path: string, node: Node, fstype: string, source: string, ro: boolean): void {
    mountAt(this, path, node, fstype, source, ro);
  }

  /** mount a node over / with the kernel's /dev, /proc, /sys and /tmp on top (--root) */
  mountRoot(node: Node, fstype: string, source: string, ro: boolean, makeMountpoints: boolean): void {
    mountRoot(this, node, fstype, source, ro, makeMountpoints);
  }

  /** place a file in the guest filesystem */
  addFile(path: string, bytes: Uint8Array, mode = 0o755): void {
    addFile(this, path, bytes, mode);
  }

  /** create directories along an absolute path of the initial mount namespace */
  mkdirp(path: string): Node {
    return mkdirp(this, path);
  }

  /** a device number for a new in-memory filesystem (Linux: get_anon_bdev) */
  newAnonDev(): number {
    return this.anonDev++;
  }

  /** t sleeps in a syscall that signals cannot interrupt (TASK_UNINTERRUPTIBLE or
   *  TASK_KILLABLE: /proc shows D, and it counts for the load average) */
  uninterruptible(t: Task): boolean {
    return t.state === TaskState.Sleeping && t.blockedCall !== null && (this.syscalls.info(t.blockedNr)?.uninterruptible ?? false);
  }

  /** the directory at an absolute path of the initial mount namespace, created if missing */
  dirLoc(path: string): Loc {
    return mkdirpLoc(this, path);
  }

  /** put a file into a directory (see boot.ts placeFile); spawn({ file }) runs it */
  placeFile(dir: Loc, name: string, bytes: Uint8Array, mode = 0o755): Lookup {
    return placeFile(dir, name, bytes, mode);
  }

  emit(e: KernelEvent): void {
    this.onEvent?.(e);
  }

  /** where a task of the initial mount namespace starts: its root */
  rootLoc(): Loc {
    return nsRoot(this.rootMnt);
  }

  /** resolve a path for a task (helper for syscalls) */
  resolve(t: Task, path: string, follow: boolean, dirLoc?: Loc) {
    return lookup(t.fs.root, dirLoc ?? t.fs.cwd, path, follow);
  }
}
