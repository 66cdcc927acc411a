// The kernel: tasks, the scheduler, syscall dispatch, faults and exits.
//
// Everything runs on one host thread. A guest task runs on the interpreter for at most one
// time slice; syscalls that must wait (wait4, pipe and console reads, nanosleep, vfork's
// parent) put the task to sleep on wait queues and are retried when it is woken.

import { Hart, MAX_JIT_THRESHOLD, EXIT_BUDGET, EXIT_EBREAK, EXIT_ECALL, EXIT_FAULT, EXIT_ILLEGAL, EXIT_MISALIGNED } from "../cpu/hart.js";
import { Regs, REG_A0, REG_A7, REG_SP, REG_RA } from "../cpu/regs.js";
import { FramePool, PAGE_SIZE } from "../mm/frames.js";
import { TablePool } from "../mm/pagetable.js";
import { FAULT_ACCERR, FAULT_OOM, FAULT_SIGBUS, Mm } from "../mm/mm.js";
import { FdTable, OpenFile, O_RDONLY, O_WRONLY, O_RDWR } from "../fs/file.js";
import { FsInfo, Loc, childLoc, lookup, locPath, pathFrom } from "../fs/path.js";
import { Mount, SuperBlock, attach, followMounts, rootOf } from "../fs/mount.js";
import { mountinfoText, mountsText } from "../fs/mountinfo.js";
import { Node, TmpDir, TmpFile, fsClock, S_IFDIR } from "../fs/node.js";
import { CharDev, Console, ConsoleDev, HostOutput, nullOps, randomOps, zeroOps } from "../fs/devices.js";
import { makeProcRoot, ProcTask } from "../fs/procfs.js";
import { unpackInitramfs, UnpackResult } from "../fs/initramfs.js";
import { BLOCK, EAGAIN, ENOENT, EBUSY, EEXIST, EINTR, EINVAL, ENOMEM, ENOSYS, EPERM, ESRCH, SysResult, errnoName } from "./errno.js";
import { Clock, DEFAULT_EPOCH_NS, Random } from "./clock.js";
import { Task, TaskState, ThreadGroup, RLimit, RLIM_INFINITY } from "./task.js";
import {
  SIGBUS, SIGCHLD, SIGCONT, SA_NOCLDSTOP, CLD_STOPPED, CLD_CONTINUED, SIGILL, SIGKILL, SIGSEGV, SIGTRAP, SigHand, SigInfo, SigAction, SA_NODEFER, SA_RESETHAND,
  SIG_DFL, SIG_IGN, SA_NOCLDWAIT, SA_RESTART, SA_ONSTACK, SEGV_ACCERR, SEGV_MAPERR, ILL_ILLOPC, TRAP_BRKPT, BUS_ADRALN, CLD_EXITED, CLD_KILLED,
  CLD_DUMPED, sigbit, signalName,
} from "./signals.js";
const SS_AUTODISARM = 0x80000000 | 0;
import { deliverSignals, forceSignal, hasDeliverable, nextDeliverable, sendToGroup } from "./sigdeliver.js";
import { SIGRETURN_TRAMPOLINE, writeFrame } from "./sigframe.js";
import { ElfImage, parseElf } from "./elf.js";
import { execImage } from "./exec.js";
import { PidNamespace, PID_MAX, pidIn } from "./pidns.js";
import { IpcNamespace, SemUndoList } from "./sem.js";
import { tracerExit } from "./ptrace.js";
import { Futexes, futexKey, exitRobustList } from "./futex.js";
import { CgroupNamespace, MntNamespace, NetNamespace, UtsNamespace, nsRoot } from "./namespaces.js";
import { CGROUP_DEV, Cgroup, CgroupHost } from "../fs/cgroupfs.js";
import { INIT_USER_NS } from "./userns.js";
import { NsNode, nsLinkText, taskNamespaces } from "./nsfs.js";
import { readIdMap, writeIdMap } from "./idmap.js";
import { IoContext } from "../syscalls/ipc.js";
import { SYSCALLS, SyscallDef } from "../syscalls/table.js";
import { formatBefore, formatCall, formatResult } from "../syscalls/format.js";
import { utf8ToBytestr } from "../base/bytestr.js";
import { describeTree, TreeTask, TaskRecord, recordTask, recordExit } from "./tree.js";

export interface KernelEvent {
  type: "task-created" | "task-exited" | "syscall" | "signal";
  pid: number;
  tid: number;
  /** for task-created: the parent's tid and the clone flags */
  parent?: number;
  flags?: number;
  /** for task-exited: the wait status */
  status?: number;
  /** for syscall: name, raw result and the trace line */
  name?: string;
  result?: number;
  text?: string;
}

export interface KernelOptions {
  /** seeds the scheduler's slice lengths, getrandom and AT_RANDOM (default 1) */
  seed?: number;
  /** average time slice in instructions (default 200,000) */
  quantum?: number;
  /** guest physical memory in bytes (default 4 GiB) */
  memory?: number;
  /** where guest stdout/stderr go */
  output?: HostOutput;
  /** the console is a terminal (isatty true, TCGETS works) */
  tty?: boolean;
  /** CLOCK_REALTIME from the host instead of a fixed epoch */
  hostTime?: () => number;
  /** receives one strace-style line per syscall */
  trace?: (line: string) => void;
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
  /** a cpio "newc" archive unpacked over the boot root filesystem (Linux: initramfs) */
  initramfs?: Uint8Array;
}

export type RunResult =
  | { state: "exited"; status: number }
  | { state: "input" }
  | { state: "deadlock" }
  | { state: "limit" };

export class LoadError extends Error {}

const RLIMIT_NPROC = 6;
const RLIMIT_NOFILE = 7;

function defaultRlimits(): RLimit[] {
  const inf = { cur: RLIM_INFINITY, max: RLIM_INFINITY };
  const l: RLimit[] = [];
  for (let i = 0; i < 16; i++) l.push({ ...inf });
  l[3] = { cur: 8 << 20, max: RLIM_INFINITY }; // STACK
  l[4] = { cur: 0, max: RLIM_INFINITY }; // CORE
  l[RLIMIT_NPROC] = { cur: 63448, max: 63448 };
  l[RLIMIT_NOFILE] = { cur: 1024, max: 1048576 };
  l[8] = { cur: 8 << 20, max: 8 << 20 }; // MEMLOCK
  l[11] = { cur: 63448, max: 63448 }; // SIGPENDING
  l[12] = { cur: 819200, max: 819200 }; // MSGQUEUE
  return l;
}

/** the shortest time slice, in instructions */
const MIN_SLICE = 16;

export class Kernel {
  readonly frames: FramePool;
  readonly tables = new TablePool();
  readonly hart: Hart;
  readonly clock: Clock;
  readonly rand: Random;
  readonly tasks = new Map<number, Task>();
  readonly root = new TmpDir();
  readonly console: Console;
  readonly rootIpc = new IpcNamespace(INIT_USER_NS, true);
  readonly rootUts = new UtsNamespace("forkscope", "(none)", INIT_USER_NS, true);
  readonly rootMnt: MntNamespace;
  readonly rootNet = new NetNamespace(INIT_USER_NS, true);
  readonly cgroupRoot: Cgroup;
  readonly rootCgroup: CgroupNamespace;
  /** the superblock every cgroup2 mount shares */
  readonly cgroupSb: SuperBlock = { fstype: "cgroup2", dev: CGROUP_DEV, ro: false };
  readonly rootPidns = new PidNamespace(null);
  readonly init: Task;
  /** pid 2: the parent of kernel threads */
  readonly kthreadd: Task;
  current: Task | null = null;
  /** the program started by spawn(): the run ends when its thread group is gone */
  main: Task | null = null;
  mainStatus: number | null = null;
  readonly quantum: number;
  readonly maxTasks: number;
  private runq: Task[] = [];
  private sleepers = new Set<Task>();
  readonly trace: ((line: string) => void) | null;
  private readonly onEvent: ((e: KernelEvent) => void) | null;
  /** why the last syscall failed, shown in the trace (e.g. "CLONE_SIGHAND requires CLONE_VM") */
  reason = "";
  totalInstructions = 0;
  /** every task of the run, for --tree (when the history option is on) */
  readonly history = new Map<number, TaskRecord>();
  readonly recordHistory: boolean;
  readonly syscalls: (SyscallDef | undefined)[];
  /** what unpacking options.initramfs did (null without one) */
  initramfs: UnpackResult | null = null;

  constructor(readonly options: KernelOptions = {}) {
    const mem = options.memory ?? 4 * 2 ** 30;
    this.frames = new FramePool(Math.floor(mem / PAGE_SIZE));
    this.hart = new Hart(this.frames);
    this.clock = new Clock(DEFAULT_EPOCH_NS, options.hostTime ?? null);
    this.hart.timeNow = () => this.clock.ticks();
    this.recordHistory = options.history ?? false;
    if (options.jit !== undefined) this.hart.jitThreshold = Math.min(options.jit, MAX_JIT_THRESHOLD);
    fsClock.now = () => this.clock.realtime();
    this.rand = new Random(options.seed ?? 1);
    this.quantum = options.quantum ?? 200_000;
    this.maxTasks = options.maxTasks ?? 16384;
    this.trace = options.trace ?? null;
    this.onEvent = options.onEvent ?? null;
    this.console = new Console(options.output ?? { write: () => {} }, options.tty ?? false);
    this.syscalls = [];
    for (const d of SYSCALLS) this.syscalls[d.nr] = d;
    // as on a booted Linux system, "/" is mounted on top of the hidden rootfs at the bottom of
    // the mount tree (that is what lets pivot_root move it)
    const rootfs = new TmpDir();
    this.rootMnt = new MntNamespace(new Mount({ fstype: "rootfs", dev: rootfs.dev, ro: false }, rootfs, [], "rootfs", false), INIT_USER_NS);
    attach(new Mount({ fstype: "tmpfs", dev: this.root.dev, ro: false }, this.root, [], "rootfs", false), rootOf(this.rootMnt.root));
    this.cgroupRoot = new Cgroup(null, "", this.cgroupHost());
    // as on a booted system whose init enabled it: cgroups below the root have pids.max
    this.cgroupRoot.subtree.add("pids");
    this.rootCgroup = new CgroupNamespace(INIT_USER_NS, this.cgroupRoot, true);
    this.buildFs();
    this.init = this.makeInit();
    this.kthreadd = this.makeKernelTask(this.init, "kthreadd", () => {
      this.sleep(this.kthreadd);
      return BLOCK;
    });
  }

  // ---- filesystem ----

  private buildFs(): void {
    const r = this.root;
    for (const d of ["bin", "dev", "etc", "home", "proc", "root", "tmp", "usr", "usr/bin", "var", "sys"]) this.mkdirp("/" + d);
    (r.lookup("tmp") as TmpDir).mode = S_IFDIR | 0o1777;
    const dev = r.lookup("dev") as TmpDir;
    dev.add("null", new CharDev(1, 3, nullOps));
    dev.add("zero", new CharDev(1, 5, zeroOps));
    const rnd = randomOps((d) => this.rand.fill(d));
    dev.add("random", new CharDev(1, 8, rnd));
    dev.add("urandom", new CharDev(1, 9, rnd));
    dev.add("console", new ConsoleDev(this.console, 1, 1));
    dev.add("tty", new ConsoleDev(this.console, 0, 1));
    const etc = r.lookup("etc") as TmpDir;
    this.writeFile(etc, "hostname", "forkscope\n");
    this.writeFile(etc, "passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
    this.writeFile(etc, "group", "root:x:0:\nnogroup:x:65534:\n");
    if (this.options.initramfs) this.initramfs = unpackInitramfs(this.rootLoc(), this.options.initramfs);
    this.mount("/proc", this.procRootFor(this.rootPidns), "proc", "proc", false);
    attach(new Mount(this.cgroupSb, this.cgroupRoot.dir, [], "cgroup2", false), this.mkdirpLoc("/sys/fs/cgroup"));
  }

  private writeFile(dir: TmpDir, name: string, text: string): void {
    const f = dir.create(name, 0o644) as TmpFile;
    f.setContents(new TextEncoder().encode(text));
  }

  rootLoc(): Loc {
    return nsRoot(this.rootMnt);
  }

  /** create directories along an absolute path of the initial mount namespace (host glue: mount
   *  points, program location) */
  private mkdirpLoc(path: string): Loc {
    let cur = this.rootLoc();
    for (const p of utf8ToBytestr(path).split("/").filter((x) => x)) {
      const n = cur.node.lookup(p) ?? (cur.node.create(p, S_IFDIR | 0o755) as Node);
      cur = followMounts(childLoc(cur, p, n));
    }
    return cur;
  }

  mkdirp(path: string): Node {
    return this.mkdirpLoc(path).node;
  }

  /** mount a node (a host directory adapter, say) at an absolute guest path */
  mount(path: string, node: Node, fstype: string, source: string, ro: boolean): void {
    let at: Loc;
    if (node.isDir()) at = this.mkdirpLoc(path);
    else {
      // a file is mounted on a file (Linux refuses a file over a directory): make an empty one
      const name = utf8ToBytestr(path).replace(/^.*\//, "");
      const dir = this.mkdirpLoc(path.replace(/\/[^/]*$/, ""));
      const f = dir.node.lookup(name) ?? dir.node.create(name, 0o644);
      if (typeof f === "number") throw new LoadError(`cannot mount on ${path}: ${errnoName(-f)}`);
      at = followMounts(childLoc(dir, name, f));
    }
    attach(new Mount({ fstype, dev: node.dev, ro }, node, [], utf8ToBytestr(source), ro), at);
  }

  /** place a file in the guest filesystem (the program being run) */
  addFile(hostPath: string, bytes: Uint8Array, mode = 0o755): void {
    const path = utf8ToBytestr(hostPath);
    const slash = path.lastIndexOf("/");
    const dir = this.mkdirp(path.slice(0, slash));
    const name = path.slice(slash + 1);
    dir.unlink(name);
    const f = dir.create(name, mode) as TmpFile;
    f.setContents(bytes);
  }

  // ---- tasks ----

  /** undo newTask for a clone that failed before its point of no return */
  forgetTask(t: Task): void {
    if (t.regs !== null) this.liveUser--;
    this.unhashPids(t);
    this.history.delete(t.tid);
  }

  /**
   * A task with a pid in `ns` and every ancestor namespace (Linux: alloc_pid). setTid asks
   * for specific pids, innermost first (clone3 set_tid). Returns -errno on failure.
   */
  newTask(parent: Task | null, regs: Regs | null, comm: string, ns: PidNamespace = this.rootPidns, setTid: number[] = []): Task | number {
    if (setTid.length > ns.level + 1) {
      this.reason = "set_tid_size is larger than the pid namespace nesting";
      return -EINVAL;
    }
    if (ns.dead) {
      this.reason = "the pid namespace's init has exited";
      return -ENOMEM;
    }
    const pids: number[] = new Array(ns.level + 1);
    let i = 0;
    for (let n: PidNamespace | null = ns; n; n = n.parent, i++) {
      const want = i < setTid.length ? setTid[i] : 0;
      if (i < setTid.length) {
        if (want < 1 || want >= PID_MAX) return (this.reason = "set_tid outside 1..pid_max"), -EINVAL;
        if (want !== 1 && n.init === null) return (this.reason = "set_tid in a namespace without an init must be 1"), -EINVAL;
        if (parent && !parent.can(21) && !parent.can(40)) return (this.reason = "set_tid requires CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE"), -EPERM;
        if (n.tasks.has(want)) return (this.reason = "set_tid names a pid that is in use"), -EEXIST;
        pids[n.level] = want;
      } else {
        const p = n.alloc();
        if (p < 0) return (this.reason = "no free pid"), -EAGAIN;
        pids[n.level] = p;
      }
    }
    const t = new Task(pids[0], parent, regs, comm, (w) => this.makeRunnable(w));
    if (regs !== null) this.liveUser++;
    t.pids = pids;
    t.pidns = ns;
    t.pidnsChildren = ns;
    t.startTime = this.clock.now;
    this.hashPids(t);
    if (ns.init === null) ns.init = t;
    return t;
  }

  private hashPids(t: Task): void {
    this.tasks.set(t.tid, t);
    for (let n: PidNamespace | null = t.pidns; n; n = n.parent) n.tasks.set(t.pids[n.level], t);
  }

  private unhashPids(t: Task): void {
    if (this.tasks.get(t.tid) === t) this.tasks.delete(t.tid);
    for (let n: PidNamespace | null = t.pidns; n; n = n.parent) if (n.tasks.get(t.pids[n.level]) === t) n.tasks.delete(t.pids[n.level]);
  }

  /** a kernel-side task with its own objects (init and kthreadd) */
  private makeKernelTask(parent: Task | null, comm: string, fn: () => number | typeof BLOCK): Task {
    const t = this.newTask(parent, null, comm) as Task;
    t.group = new ThreadGroup(t, 0, 0, defaultRlimits());
    t.group.threads.push(t);
    t.files = new FdTable();
    t.fs = new FsInfo(this.rootLoc(), this.rootLoc());
    t.sighand = new SigHand();
    this.giveIpc(t);
    t.kfn = fn;
    t.exitSignal = -1;
    if (parent) parent.children.push(t);
    recordTask(this, t, parent ? "kernel_thread" : "boot");
    this.makeRunnable(t);
    return t;
  }

  /** pid 1: reaps every child it inherits, forever (what an init process does with wait) */
  private makeInit(): Task {
    const t = this.makeKernelTask(null, "init", () => {
      for (;;) {
        const z = t.children.find((c) => c.isLeader && c.state === TaskState.Zombie && c.group.live().length === 0);
        if (!z) break;
        this.reap(z);
      }
      t.group.childWait.add(t);
      return BLOCK;
    });
    t.group.pgid = t.group.sid = 1;
    return t;
  }

  /** Linux kernel_thread(): run a TypeScript function as a task, a child of kthreadd. The
   *  function returns BLOCK after registering on wait queues to sleep, or an exit code. */
  kernelThread(name: string, fn: () => number | typeof BLOCK): Task {
    return this.makeKernelTask(this.kthreadd, name, fn);
  }

  /** Load a program as the first user process (a child of init). Throws LoadError on bad input. */
  /**
   * Start the first program from its bytes, placed at `path` (unless opts.install is false: the
   * caller put it there already, before mounting over it, say). opts.cwd: its working directory.
   */
  spawn(bytes: Uint8Array, argv: string[], env: string[], path = "/bin/" + (argv[0] ?? "program").replace(/^.*\//, ""), opts: { cwd?: string; install?: boolean } = {}): Task {
    const img = parseElf(bytes);
    if (typeof img === "string") throw new LoadError(img);
    let cwd = this.rootLoc();
    if (opts.cwd !== undefined) {
      const lk = lookup(cwd, cwd, utf8ToBytestr(opts.cwd), true);
      if (typeof lk === "number" || lk.missing) throw new LoadError(`working directory ${opts.cwd}: ${errnoName(typeof lk === "number" ? -lk : ENOENT)}`);
      if (!lk.loc.node.isDir()) throw new LoadError(`working directory ${opts.cwd}: ENOTDIR`);
      cwd = lk.loc;
    }
    if (opts.install !== false) this.addFile(path, bytes);
    const t = this.newTask(this.init, new Regs(), "") as Task;
    this.init.children.push(t);
    t.group = new ThreadGroup(t, t.tid, t.tid, defaultRlimits());
    t.group.threads.push(t);
    t.files = new FdTable();
    t.fs = new FsInfo(this.rootLoc(), cwd);
    t.sighand = new SigHand();
    this.giveIpc(t);
    const u = this.options.user;
    if (u) {
      t.uid = t.euid = t.suid = t.fsuid = u.uid;
      t.gid = t.egid = t.sgid = t.fsgid = u.gid;
      t.capEff = t.capPrm = t.capAmb = t.capInh = 0n;
    }
    const out = new ConsoleDev(this.console, 1, 1);
    const err = new ConsoleDev(this.console, 1, 2);
    const stdin = new OpenFile(out, O_RDONLY, out.fileOps(), "/dev/console");
    const stdout = new OpenFile(out, O_WRONLY, out.fileOps(), "/dev/console");
    const stderr = new OpenFile(err, O_WRONLY, err.fileOps(), "/dev/console");
    t.files.alloc(stdin, false);
    t.files.alloc(stdout, false);
    t.files.alloc(stderr, false);
    void O_RDWR;
    const enc = new TextEncoder();
    this.current = t;
    const r = execImage(this, t, img as ElfImage, bytes, utf8ToBytestr(path), argv.map((a) => enc.encode(a)), env.map((e) => enc.encode(e)));
    if (r < 0) throw new LoadError(`cannot load program: ${errnoName(-r)}`);
    this.main = t;
    recordTask(this, t, "spawn");
    this.emit({ type: "task-created", pid: t.tgid, tid: t.tid, parent: 1, flags: 0 });
    this.makeRunnable(t);
    return t;
  }

  private giveIpc(t: Task): void {
    t.ipcns = this.rootIpc;
    t.utsns = this.rootUts;
    t.mntns = this.rootMnt;
    t.netns = this.rootNet;
    t.cgroupns = this.rootCgroup;
    if (!t.group.cgroup) t.group.cgroup = this.cgroupRoot;
    t.semUndo = new SemUndoList();
    t.io = new IoContext(0);
  }

  emit(e: KernelEvent): void {
    this.onEvent?.(e);
  }

  makeRunnable(t: Task): void {
    if (t.state === TaskState.Zombie || t.state === TaskState.Dead) return;
    t.state = TaskState.Runnable;
    this.sleepers.delete(t);
    t.deadline = -1;
    if (!t.queued && t !== this.running) {
      t.queued = true;
      this.runq.push(t);
    }
  }

  /** the task the scheduler is executing right now (not on the run queue) */
  private running: Task | null = null;

  /** put the current task to sleep until woken or until the deadline (virtual ns) */
  sleep(t: Task, deadline = -1): void {
    t.state = TaskState.Sleeping;
    t.deadline = deadline;
    // only timed sleepers are scanned for deadlines
    if (deadline >= 0) this.sleepers.add(t);
    else this.sleepers.delete(t);
  }

  /** a signal arrived for a sleeping task: wake it so its syscall can see it */
  interrupt(t: Task): void {
    this.makeRunnable(t);
  }

  // ---- the scheduler ----

  /** set by requestStop(): run() returns before it runs guest code again */
  private stopRequested = false;

  /** Make run() return { state: "limit" } before it runs any more guest code, as when its
   *  instruction limit is used up (so the run goes on exactly as without the stop). Called
   *  from onEvent, after a syscall event, it single-steps the system one syscall at a time. */
  requestStop(): void {
    this.stopRequested = true;
  }

  /** Run guest code until the main program is gone, input is needed, or nothing can run. */
  run(instructionLimit = Infinity): RunResult {
    let budget = instructionLimit;
    this.stopRequested = false;
    for (;;) {
      if (this.mainStatus !== null && this.main !== null && this.liveUserTasks() === 0) {
        return { state: "exited", status: this.mainStatus };
      }
      const t = this.pickNext();
      if (t === null) {
        if (this.console.wantsInput) return { state: "input" };
        if (this.mainStatus !== null) return { state: "exited", status: this.mainStatus };
        return { state: "deadlock" };
      }
      if (budget <= 0 || this.stopRequested) {
        t.queued = true;
        this.runq.unshift(t);
        return { state: "limit" };
      }
      this.current = t;
      this.running = t;
      if (t.kfn !== null) {
        const r = t.kfn();
        if (r === BLOCK) {
          if (t.state === TaskState.Runnable) this.sleep(t);
        } else this.doExit(t, (r & 0xff) << 8, true);
        this.requeue(t);
        continue;
      }
      if (t.blockedSyscall >= 0) {
        this.retrySyscall(t);
        if (t.state !== TaskState.Runnable) {
          this.requeue(t);
          continue;
        }
        if (this.stopRequested) {
          // the retried syscall finished: stop before the task runs on, in front of the queue
          this.running = null;
          t.queued = true;
          this.runq.unshift(t);
          return { state: "limit" };
        }
      }
      if (!this.prepareReturn(t)) {
        this.requeue(t);
        continue;
      }
      // a slice is never shorter than RISC-V's constrained LR/SC loop (16 instructions): the CPU
      // drops its reservation when it switches tasks, so shorter slices could livelock an lr/sc
      // retry loop forever (--quantum 1)
      if (t.slice <= 0) t.slice = Math.max(MIN_SLICE, this.quantum / 2 + this.rand.below(this.quantum));
      const n = Math.min(t.slice, budget);
      const exit = this.hart.run(t.regs!, t.mm!, n);
      const ran = this.hart.executed;
      t.slice -= ran;
      t.utime += ran;
      budget -= ran;
      this.totalInstructions += ran;
      this.clock.now += ran;
      this.handleExit(t, exit);
      this.requeue(t);
    }
  }

  /** back on the run queue after running: in front while its slice lasts */
  private requeue(t: Task): void {
    this.running = null;
    if (t.state !== TaskState.Runnable || t.queued) return;
    t.queued = true;
    if (t.slice > 0) this.runq.unshift(t);
    else this.runq.push(t);
  }

  /** user tasks that have not exited, counted as they come and go */
  private liveUser = 0;

  private liveUserTasks(): number {
    return this.liveUser;
  }

  private pickNext(): Task | null {
    for (;;) {
      while (this.runq.length > 0) {
        const t = this.runq.shift()!;
        t.queued = false;
        if (t.state === TaskState.Runnable) return t;
      }
      // nothing runnable: jump the clock to the earliest timed sleeper or timer
      let first = -1;
      for (const s of this.sleepers) if (s.deadline >= 0 && (first < 0 || s.deadline < first)) first = s.deadline;
      for (const tm of this.timers) if (first < 0 || tm.deadline < first) first = tm.deadline;
      if (first < 0) return null;
      if (first > this.clock.now) this.clock.now = first;
      this.fireTimers();
    }
  }

  /** kernel timers (interval timers, POSIX timers), ordered by deadline */
  private timers: { deadline: number; fire: () => void; id: number }[] = [];
  private nextTimer = 1;

  addTimer(deadline: number, fire: () => void): number {
    const id = this.nextTimer++;
    this.timers.push({ deadline, fire, id });
    this.timers.sort((a, b) => a.deadline - b.deadline || a.id - b.id);
    return id;
  }

  cancelTimer(id: number): number {
    const i = this.timers.findIndex((t) => t.id === id);
    if (i < 0) return -1;
    const d = this.timers[i].deadline;
    this.timers.splice(i, 1);
    return d;
  }

  timerDeadline(id: number): number {
    return this.timers.find((t) => t.id === id)?.deadline ?? -1;
  }

  /** wake timed sleepers and fire timers whose deadline passed while others ran */
  private fireTimers(): void {
    while (this.timers.length > 0 && this.timers[0].deadline <= this.clock.now) this.timers.shift()!.fire();
    if (this.sleepers.size === 0) return;
    for (const s of [...this.sleepers]) if (s.deadline >= 0 && s.deadline <= this.clock.now) this.makeRunnable(s);
  }

  /** signals on the way back to user mode; false when the task stopped or died */
  private prepareReturn(t: Task): boolean {
    this.fireTimers();
    if (t.pending.length === 0 && t.group.pending.length === 0 && !t.group.groupExit && t.pendingPtraceStop === null && t.injectSignal === 0) return true;
    return deliverSignals(this, t) && t.state === TaskState.Runnable;
  }

  private handleExit(t: Task, exit: number): void {
    const h = this.hart;
    switch (exit) {
      case EXIT_BUDGET:
        return;
      case EXIT_ECALL:
        this.syscall(t);
        return;
      case EXIT_FAULT:
        if (h.faultCode === FAULT_SIGBUS) {
          forceSignal(this, t, { signo: SIGBUS, code: 2 /* BUS_ADRERR */, addr: h.faultAddr });
        } else if (h.faultCode === FAULT_OOM) {
          this.reason = "out of memory";
          forceSignal(this, t, { signo: SIGKILL, code: 0x80 });
        } else {
          forceSignal(this, t, { signo: SIGSEGV, code: h.faultCode === FAULT_ACCERR ? SEGV_ACCERR : SEGV_MAPERR, addr: h.faultAddr });
        }
        break;
      case EXIT_ILLEGAL:
        forceSignal(this, t, { signo: SIGILL, code: ILL_ILLOPC, addr: t.regs!.pc });
        break;
      case EXIT_EBREAK:
        forceSignal(this, t, { signo: SIGTRAP, code: TRAP_BRKPT, addr: t.regs!.pc });
        break;
      case EXIT_MISALIGNED:
        forceSignal(this, t, { signo: SIGBUS, code: BUS_ADRALN, addr: h.faultAddr });
        break;
    }
    t.slice = 0;
  }

  // ---- syscalls ----

  private syscall(t: Task): void {
    const r = t.regs!;
    const nr = r.x[2 * REG_A7];
    const def = this.syscalls[nr];
    t.stime++;
    this.reason = "";
    t.traceArgs = this.trace !== null || this.onEvent !== null ? formatBefore(t, def, r) : null;
    // calls that do not return are traced before they run, as strace shows them (`= ?`)
    if (def?.noReturn) this.traceCall(t, nr, def, 0, r);
    const res: SysResult = def ? def.handler(this, t, r) : -ENOSYS;
    if (def?.noReturn) return;
    if (t.regs !== r && res !== BLOCK) {
      // execve replaced the image: nothing to return to
      this.traceCall(t, nr, def, 0, r);
      return;
    }
    if (res === BLOCK) {
      // the handler registered on its wait queues; sleep until one of them wakes us
      if (t.state === TaskState.Runnable) this.sleep(t, t.deadline);
      t.blockedSyscall = nr;
      return;
    }
    this.finishSyscall(t, nr, def, res, r);
  }

  private retrySyscall(t: Task): void {
    const r = t.regs!;
    const nr = t.blockedSyscall;
    const def = this.syscalls[nr]!;
    this.reason = "";
    let res: SysResult;
    if (t.group.groupExit || t.pending.some((p) => p.signo === SIGKILL) || t.group.pending.some((p) => p.signo === SIGKILL)) {
      // a fatal signal: abandon the syscall, the task dies on its way out
      t.sysCleanup?.();
      t.sysCleanup = null;
      t.blockedSyscall = -1;
      t.sysState = null;
      return;
    }
    // like Linux, the call looks at its condition first and only then at pending signals
    res = def.handler(this, t, r);
    if (res === BLOCK) {
      if (def.seesSignals || def.noInterrupt || !hasDeliverable(t)) {
        if (t.state === TaskState.Runnable) this.sleep(t, t.deadline);
        return;
      }
      t.sysCleanup?.();
      this.sleepers.delete(t);
      t.state = TaskState.Runnable;
      t.deadline = -1;
      if (this.restarts(t, def)) {
        // restart: pc stays on the ecall and a0 was never written, so the call runs again
        // after the signal is handled (Linux: ERESTARTSYS / ERESTARTNOHAND)
        t.blockedSyscall = -1;
        t.sysState = null;
        t.sysCleanup = null;
        return;
      }
      res = -EINTR;
    }
    t.blockedSyscall = -1;
    t.sysState = null;
    this.finishSyscall(t, nr, def, res as number, r);
  }

  /** will the syscall interrupted by the next deliverable signal be restarted? */
  private restarts(t: Task, def: SyscallDef): boolean {
    const kind = typeof def.restart === "function" ? def.restart(t) : def.restart ?? "sys";
    if (kind === "never") return false;
    const sig = nextDeliverable(t);
    if (sig === 0) return true;
    const act = t.sighand.actions[sig];
    const handled = act.handler !== SIG_DFL && act.handler !== SIG_IGN;
    if (!handled) return true;
    return kind === "sys" && (act.flags & SA_RESTART) !== 0;
  }

  private finishSyscall(t: Task, nr: number, def: SyscallDef | undefined, res: number, r: Regs): void {
    t.blockedSyscall = -1;
    t.sysState = null;
    t.sysCleanup = null;
    if (t.state === TaskState.Dead || t.state === TaskState.Zombie) {
      this.traceCall(t, nr, def, res, r);
      return;
    }
    if (!def?.noReturn) {
      r.set(REG_A0, res);
      r.pc += 4;
    }
    this.traceCall(t, nr, def, res, r);
  }

  private traceCall(t: Task, nr: number, def: SyscallDef | undefined, res: number, r: Regs): void {
    if (this.trace === null && this.onEvent === null) return;
    const call = formatCall(this, t, nr, def, r, t.traceArgs, res);
    const line = `[pid ${t.tid}] ${call} = ${formatResult(def, res, this.reason)}`;
    this.trace?.(line);
    this.emit({ type: "syscall", pid: t.tgid, tid: t.tid, name: def?.name ?? `syscall_${nr}`, result: res, text: line });
  }

  // ---- exit ----

  /** exit_group and fatal signals: the whole thread group dies with this wait status */
  groupExit(t: Task, status: number): void {
    const g = t.group;
    if (!g.groupExit) {
      g.groupExit = true;
      g.exitStatus = status;
      for (const o of g.threads) if (o !== t && o.state !== TaskState.Zombie && o.state !== TaskState.Dead) this.makeRunnable(o);
    }
    this.doExit(t, g.exitStatus, true);
  }

  /** a stop signal's default action: every thread of the group stops (Linux: do_signal_stop) */
  groupStop(t: Task, sig: number): void {
    const g = t.group;
    g.stopped = true;
    g.stopSignal = sig;
    g.reportStop = true;
    g.reportCont = false;
    for (const th of g.live()) {
      th.state = TaskState.Stopped;
      this.sleepers.delete(th);
    }
    this.notifyStopCont(g.leader, CLD_STOPPED, sig);
  }

  /** SIGCONT: resume a stopped group (Linux: prepare_signal's SIGCONT branch) */
  groupContinue(g: ThreadGroup): void {
    if (!g.stopped) return;
    g.stopped = false;
    g.reportStop = false;
    g.reportCont = true;
    for (const th of g.live()) if (th.state === TaskState.Stopped && !th.ptraceStopped) this.makeRunnable(th);
    this.notifyStopCont(g.leader, CLD_CONTINUED, SIGCONT);
  }

  /** tell the parent (Linux: do_notify_parent_cldstop): SIGCHLD unless SA_NOCLDSTOP, and wake waiters */
  private notifyStopCont(leader: Task, code: number, sig: number): void {
    const parent = leader.parent;
    if (!parent || parent === this.init) return;
    const act = parent.sighand.actions[SIGCHLD];
    if ((act.flags & SA_NOCLDSTOP) === 0) {
      sendToGroup(this, parent.group, { signo: SIGCHLD, code, sender: leader, uid: leader.uid, status: sig });
    }
    parent.group.childWait.wakeAll();
  }

  /** Linux do_exit: release what the task holds, become a zombie, tell the parent */
  doExit(t: Task, status: number, _group: boolean): void {
    if (t.state === TaskState.Zombie || t.state === TaskState.Dead) return;
    t.exitStatus = status;
    if (t.regs !== null) this.liveUser--;
    recordExit(this, t, status);
    if (t.pidns.init === t && t.pidns !== this.rootPidns) this.zapPidNamespace(t);
    exitRobustList(this, t);
    if (t.clearChildTid !== 0 && t.mm !== null && t.mm.users > 1) {
      t.mm.writeU32(t.clearChildTid, 0);
      this.futexWake(t.mm, t.clearChildTid, 1);
    }
    this.releaseMm(t);
    if (t.tracees.length) tracerExit(this, t);
    if (--t.files.users === 0) t.files.closeAll();
    t.fs.users--;
    t.sighand.users--;
    if (--t.semUndo.users === 0) t.semUndo.apply(t.ipcns, t.tgid);
    t.io.users--;
    this.sleepers.delete(t);
    t.state = TaskState.Zombie;
    this.reparentChildren(t);
    const g = t.group;
    const last = g.live().length === 0;
    this.emit({ type: "task-exited", pid: t.tgid, tid: t.tid, status });
    g.exitWait.wakeAll();
    if (!t.isLeader) {
      // threads are reaped by the kernel at once (Linux: release_task for non-leaders)
      this.release(t);
      if (last && g.leader.state === TaskState.Zombie) this.notifyParent(g.leader);
      return;
    }
    if (last) this.notifyParent(t);
  }

  private releaseMm(t: Task): void {
    const mm = t.mm;
    if (mm === null) return;
    t.mm = null;
    if (t.vforkParent) {
      const p = t.vforkParent;
      t.vforkParent = null;
      // only a sleeping parent is woken; a stopped one sees the release when it resumes
      p.wake();
    }
    if (--mm.users === 0) mm.destroy();
  }

  /** the init of a pid namespace is exiting: everything inside dies with it, and it reaps
   *  what was reparented to it (Linux: zap_pid_ns_processes); later forks there fail */
  private zapPidNamespace(init: Task): void {
    const ns = init.pidns;
    ns.dead = true;
    for (const x of [...ns.tasks.values()]) {
      if (x === init || x.state === TaskState.Zombie || x.state === TaskState.Dead) continue;
      if (x.group === init.group) continue;
      x.group.groupExit = true;
      x.group.exitStatus = SIGKILL;
      this.doExit(x, SIGKILL, true);
    }
    for (const c of [...init.children]) {
      if (c.isLeader && c.state === TaskState.Zombie && c.group.live().length === 0) this.reap(c);
    }
  }

  /** the whole group is dead: the leader's zombie now reports to the parent */
  private notifyParent(leader: Task): void {
    const g = leader.group;
    const status = g.groupExit ? g.exitStatus : leader.exitStatus;
    leader.exitStatus = status;
    if (leader === this.main) {
      this.mainStatus = status;
      // the run ends with the program: what it left behind is killed, as a container's init would
      for (const t of this.tasks.values()) {
        if (t.regs !== null && t.isLeader && t.group !== g && t.group.live().length > 0) sendToGroup(this, t.group, { signo: SIGKILL, code: 0x80 });
      }
    }
    g.exitWait.wakeAll();
    if (leader.ptracer && leader.ptracer.group !== leader.parent?.group) leader.ptracer.group.childWait.wakeAll();
    const parent = leader.parent!;
    if (parent.kfn !== null) {
      // kernel-side parents (init) are woken to reap; they take no signals
      parent.group.childWait.wakeAll();
      return;
    }
    const pact = parent.sighand.actions[SIGCHLD];
    const autoReap = leader.exitSignal === SIGCHLD && (pact.handler === SIG_IGN || (pact.flags & SA_NOCLDWAIT) !== 0);
    if (leader.exitSignal > 0 && leader.exitSignal <= 64) {
      const code = (status & 0x7f) === 0 ? CLD_EXITED : status & 0x80 ? CLD_DUMPED : CLD_KILLED;
      sendToGroup(this, parent.group, {
        signo: leader.exitSignal, code, sender: leader, uid: 0,
        status: code === CLD_EXITED ? (status >> 8) & 0xff : status & 0x7f,
      });
    }
    parent.group.childWait.wakeAll();
    if (autoReap) this.reap(leader);
  }

  /** de_thread's pid exchange: t becomes the group leader under the leader's pid */
  takeOverLeader(t: Task, leader: Task): void {
    const g = t.group;
    const oldTid = t.tid;
    this.unhashPids(t);
    this.unhashPids(leader);
    this.history.delete(oldTid);
    t.tid = leader.tid;
    t.pids = leader.pids;
    t.pidns = leader.pidns;
    this.hashPids(t);
    if (t.pidns.init === leader) t.pidns.init = t;
    t.parent = leader.parent;
    t.exitSignal = leader.exitSignal;
    if (t.parent) {
      const i = t.parent.children.indexOf(leader);
      if (i >= 0) t.parent.children[i] = t;
    }
    t.children.push(...leader.children.filter((c) => c !== t));
    for (const c of leader.children) c.parent = t;
    leader.children = [];
    g.threads = g.threads.filter((x) => x !== leader);
    g.leader = t;
    leader.state = TaskState.Dead;
    if (this.main === leader) this.main = t;
    const h = this.history.get(t.tid);
    if (h) h.status = null;
  }

  /** remove a dead task from every list (Linux: release_task) */
  reap(t: Task): void {
    t.state = TaskState.Dead;
    const p = t.parent;
    if (p) {
      const i = p.children.indexOf(t);
      if (i >= 0) p.children.splice(i, 1);
      p.group.cutime += t.utime;
    }
    for (const th of [...t.group.threads]) if (th !== t) this.release(th);
    this.release(t);
  }

  private release(t: Task): void {
    t.state = TaskState.Dead;
    if (t.ptracer) t.ptracer.tracees = t.ptracer.tracees.filter((x) => x !== t);
    const g = t.group;
    const i = g.threads.indexOf(t);
    if (i >= 0 && t !== g.leader) g.threads.splice(i, 1);
    if (t === g.leader && g.threads.every((x) => x.state === TaskState.Dead)) g.threads = [];
    this.unhashPids(t);
  }

  /** children of an exiting task go to another live thread, the nearest subreaper, or init */
  private reparentChildren(t: Task): void {
    if (t.children.length === 0) return;
    // Linux find_new_reaper: another thread, else a subreaper ancestor in the same pid
    // namespace, else the namespace's init
    let heir: Task | null = t.group.live().find((x) => x !== t) ?? null;
    const ns = t.pidns;
    if (heir === null) {
      for (let a = t.parent; a !== null && a.pidns === ns && a !== ns.init; a = a.parent) {
        if (a.group.isSubreaper && a.group.live().length > 0) {
          heir = a.group.live()[0];
          break;
        }
      }
    }
    if (heir === null) heir = ns.init && ns.init.state !== TaskState.Dead && ns.init !== t ? ns.init : this.init;
    for (const c of t.children) {
      c.parent = heir;
      heir.children.push(c);
      if (c.pdeathSignal) sendToGroup(this, c.group, { signo: c.pdeathSignal, code: 0 });
      if (c.state === TaskState.Zombie && c.isLeader && c.group.live().length === 0) heir.group.childWait.wakeAll();
    }
    t.children = [];
  }

  // ---- signal frames ----

  setupFrame(t: Task, info: SigInfo, act: SigAction): boolean {
    const r = t.regs!;
    let sp = r.get(REG_SP);
    const alt = t.altstack;
    const onAlt = alt.size > 0 && sp > alt.sp && sp <= alt.sp + alt.size;
    if (act.flags & SA_ONSTACK && alt.size > 0 && !(alt.flags & 2) && !onAlt) sp = alt.sp + alt.size;
    // sigsuspend's caller gets its own mask back when the handler returns
    const oldMask = t.savedMask ?? t.blocked;
    t.savedMask = null;
    // uc_stack records the alternate stack as it was (Linux: __save_altstack), with SS_AUTODISARM
    const disabled = alt.size === 0 || (alt.flags & 2) !== 0;
    const ssFlags = (disabled ? 2 : onAlt ? 1 : 0) | (alt.flags & SS_AUTODISARM);
    const usesAlt = act.flags & SA_ONSTACK && !disabled && !onAlt;
    const frame = writeFrame(t.mm!, r, sp, info, oldMask, { sp: alt.sp, flags: ssFlags, size: alt.size }, t);
    if (frame < 0) {
      // no room for a frame: SIGSEGV with its default action, so the task dies (Linux: force_sigsegv)
      t.sighand.resetHandler(SIGSEGV);
      forceSignal(this, t, { signo: SIGSEGV, code: 0x80 });
      return false;
    }
    if (usesAlt && alt.flags & SS_AUTODISARM) t.altstack = { sp: 0, size: 0, flags: 2 };
    r.set(REG_SP, frame);
    r.set(REG_A0, info.signo);
    r.set(REG_A0 + 1, frame);
    r.set(REG_A0 + 2, frame + 128);
    r.set(REG_RA, SIGRETURN_TRAMPOLINE);
    r.pc = act.handler;
    t.blocked |= act.mask;
    if ((act.flags & SA_NODEFER) === 0) t.blocked |= sigbit(info.signo);
    t.blocked &= ~(sigbit(SIGKILL) | sigbit(19));
    // SA_RESETHAND: back to the default action; the flags stay (Linux: SA_ONESHOT)
    if (act.flags & SA_RESETHAND) t.sighand.resetHandler(info.signo);
    this.emit({ type: "signal", pid: t.tgid, tid: t.tid, name: signalName(info.signo) });
    return true;
  }

  // ---- futex ----

  readonly futex = new Futexes();

  /** FUTEX_WAKE on a word as the kernel does for CLONE_CHILD_CLEARTID (a shared futex) */
  futexWake(mm: Mm, addr: number, n: number): number {
    const key = futexKey(mm, addr, false);
    return typeof key === "string" ? this.futex.wake(this, key, n) : 0;
  }

  // ---- inspection ----

  /** the cgroup hierarchy's view of processes, from the calling task */
  private cgroupHost(): CgroupHost {
    const live = () => [...this.tasks.values()].filter((t) => t.state !== TaskState.Dead && t.state !== TaskState.Zombie);
    return {
      members: (cg, threads) => {
        const viewer = this.current;
        const seen = new Set<ThreadGroup>();
        const ts = live().filter((t) => t.group.cgroup === cg && (threads || (!seen.has(t.group) && seen.add(t.group))));
        ts.sort((a, b) => a.group.cgroupSeq - b.group.cgroupSeq || a.tid - b.tid);
        // a process outside the reader's pid namespace shows as 0 (Linux: task_pid_vnr)
        return ts.map((t) => (viewer ? pidIn(threads ? t : t.group.leader, viewer.pidns) : t.tid));
      },
      count: (cg, below) => live().filter((t) => (below ? t.group.cgroup.within(cg) : t.group.cgroup === cg)).length,
      charged: (cg) => [...this.tasks.values()].filter((t) => t.state !== TaskState.Dead && t.group.cgroup.within(cg)).length,
      find: (pid) => {
        const viewer = this.current!;
        const t = pid === 0 ? viewer : viewer.pidns.tasks.get(pid);
        if (!t || t.state === TaskState.Dead) return -ESRCH;
        // kthreadd and kernel threads stay in the root cgroup (Linux: no_cgroup_migration)
        if (t.regs === null && t !== this.init) return -EINVAL;
        const g = t.group;
        return { cgroup: g.cgroup, exiting: g.live().length === 0 || g.groupExit, join: (cg) => g.joinCgroup(cg) };
      },
    };
  }

  /** a /proc showing the pids of one pid namespace (the mounter's) */
  procRootFor(ns: PidNamespace): Node {
    return makeProcRoot({
      selfPid: () => (this.current ? pidIn(this.current.group.leader, ns) : 0),
      selfTid: () => (this.current ? pidIn(this.current, ns) : 0),
      task: (pid) => {
        const t = ns.tasks.get(pid);
        return t && t.state !== TaskState.Dead ? makeProcTask(this, t, ns) : null;
      },
      pids: () => [...ns.tasks.values()].filter((t) => t.isLeader && t.state !== TaskState.Dead).map((t) => pidIn(t, ns)),
      netDev: () => {
        const net = this.current?.netns ?? this.rootNet;
        const head = "Inter-|   Receive                                                |  Transmit\n" +
          " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";
        return head + net.devices.map((i) => `${i.name.padStart(6)}: ${Array(16).fill("0").map((z, j) => (j === 0 || j === 8 ? z.padStart(7) : z.padStart(j === 1 || j === 9 ? 7 : 4))).join(" ")}\n`).join("");
      },
    });
  }

  /** the process tree with shared objects and copy-on-write statistics */
  tree(): TreeTask[] {
    return describeTree(this);
  }

  pushInput(data: Uint8Array | null): void {
    this.console.push(data);
  }

  /** resolve a path for a task (helper for syscalls) */
  resolve(t: Task, path: string, follow: boolean, dirLoc?: Loc) {
    return lookup(t.fs.root, dirLoc ?? t.fs.cwd, path, follow);
  }
}

function makeProcTask(k: Kernel, t: Task, ns: PidNamespace): ProcTask {
  return {
    pid: pidIn(t, ns),
    exe: () => t.mm?.exe ?? "",
    cwd: () => pathFrom(t.fs.cwd, (k.current ?? t).fs.root) ?? locPath(t.fs.cwd),
    comm: () => t.comm,
    cmdline: () => {
      const mm = t.mm;
      if (!mm || mm.argEnd <= mm.argStart) return new Uint8Array(0);
      return mm.read(mm.argStart, mm.argEnd - mm.argStart) ?? new Uint8Array(0);
    },
    maps: () => formatMaps(t.mm),
    status: () =>
      [
        `Name:\t${t.comm}`, `Umask:\t${t.fs.umask.toString(8).padStart(4, "0")}`, `State:\t${t.state}`,
        `Tgid:\t${pidIn(t.group.leader, ns)}`, `Pid:\t${pidIn(t, ns)}`, `PPid:\t${t.parent ? pidIn(t.group.leader.parent ?? t.parent, ns) : 0}`, `Uid:\t${t.uid}\t${t.euid}\t${t.euid}\t${t.euid}`,
        `Gid:\t${t.gid}\t${t.egid}\t${t.egid}\t${t.egid}`, `Threads:\t${t.group.live().length}`,
        `NStgid:\t${t.group.leader.pids.slice(ns.level).join("\t")}`, `NSpid:\t${t.pids.slice(ns.level).join("\t")}`, "",
      ].join("\n"),
    mounts: () => mountsText(t.mntns.mounts(), t.fs.root),
    mountinfo: () => mountinfoText(t.mntns.mounts(), t.fs.root, (k.current ?? t).cgroupns.root),
    // a zombie keeps its cgroup, which may be gone by now (Linux: proc_cgroup_show)
    cgroup: () => `0::${t.group.cgroup.relativeTo((k.current ?? t).cgroupns.root)}${t.group.cgroup.dead ? " (deleted)" : ""}\n`,
    fds: () => t.files.fds.flatMap((e, fd) => (e ? [[fd, e.file.path] as [number, string]] : [])),
    owner: () => (t.dumpable ? [t.euid, t.egid] : [0, 0]),
    namespaces: () => taskNamespaces(t).map(([type, ns]) => [type, nsLinkText(type, ns), () => new NsNode(type, ns)]),
    idMap: (which) => readIdMap(k.current ?? t, t.userns, which),
    writeIdMap: (which, text) => writeIdMap(k, k.current ?? t, t.userns, which, text),
  };
}

export function formatMaps(mm: Mm | null): string {
  if (!mm) return "";
  const hex = (n: number, w: number) => n.toString(16).padStart(w, "0");
  return mm.vmas
    .map((v) => {
      const perms = (v.prot & 1 ? "r" : "-") + (v.prot & 2 ? "w" : "-") + (v.prot & 4 ? "x" : "-") + (v.shared ? "s" : "p");
      const name = v.file && v.file.path !== "[vdso]" ? v.file.path : v.name;
      const off = v.file ? v.pgoff * 4096 : 0;
      const line = `${hex(v.start, 8)}-${hex(v.end, 8)} ${perms} ${hex(off, 8)} 00:00 0`;
      return name ? line.padEnd(73) + name : line + " ";
    })
    .join("\n") + (mm.vmas.length ? "\n" : "");
}


