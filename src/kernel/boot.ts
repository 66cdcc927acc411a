// Booting (Linux: init/main.c, init/do_mounts.c, kernel/kthread.c): the initial filesystem with
// /dev, /etc, /proc and /sys/fs/cgroup, init (pid 1) and kthreadd (pid 2), kernel threads, and
// spawn(), which loads the first user program as a job of the launcher (a kernel task standing for
// the shell that ran forkscope).

import { Regs } from "../cpu/regs.js";
import { BLOCK, ENOENT, errnoName } from "../base/errno.js";
import { FdTable, OpenFile, O_RDONLY, O_WRONLY } from "../fs/file.js";
import { FsInfo, Loc, Lookup, childLoc, lookup } from "../fs/path.js";
import { unpackInitramfs } from "../fs/initramfs.js";
import { utf8ToBytestr } from "../base/bytestr.js";
import { Mount, attach, followMounts } from "../fs/mount.js";
import { Node, TmpDir, TmpFile, TmpSymlink, TmpfsSb, S_IFDIR } from "../fs/node.js";
import { CharDev, fullOps, nullOps, randomOps, zeroOps } from "../fs/devices.js";
import { addTtyDevices, consoleFiles } from "./ttydev.js";
import type { Kernel } from "./kernel.js";
import { NO_ALTSTACK, Task, TaskState } from "./task.js";
import { defaultRlimits } from "./rlimit.js";
import { SIGCHLD, SigHand } from "./signals.js";
import { doExecve } from "./exec.js";
import { SemUndoList } from "./sem.js";
import { IoContext } from "./iocontext.js";
import { INIT_CRED } from "../cred/cred.js";
import { allocPids, attachTask, forgetTask } from "./pid.js";
import { reap } from "./exit.js";
import { recordTask } from "./tree.js";
import { procRootFor } from "./procview.js";
import { devkmsgOps } from "./kmsg.js";

/** a program spawn() cannot start; errno is execve's (ENOEXEC, ENOENT, ...) when it has one */
export class LoadError extends Error {
  constructor(message: string, readonly errno = 0) {
    super(message);
  }
}

/** the directories, devices and files of a freshly booted system, and the /proc and cgroup2 mounts */
export function bootFs(k: Kernel): void {
  const r = k.root;
  for (const d of ["bin", "dev", "etc", "home", "proc", "root", "tmp", "usr", "usr/bin", "var", "sys"]) mkdirp(k, "/" + d);
  (r.lookup("tmp") as TmpDir).mode = S_IFDIR | 0o1777;
  const dev = r.lookup("dev") as TmpDir;
  dev.add("null", new CharDev(1, 3, nullOps));
  dev.add("zero", new CharDev(1, 5, zeroOps));
  dev.add("full", new CharDev(1, 7, fullOps));
  const rnd = randomOps((d) => k.rand.fill(d));
  dev.add("random", new CharDev(1, 8, rnd));
  dev.add("urandom", new CharDev(1, 9, rnd));
  const devpts = addTtyDevices(k, dev);
  // what udev and systemd make on a booted system (Linux: the links of devtmpfs setups)
  for (const [name, target] of [["fd", "/proc/self/fd"], ["stdin", "/proc/self/fd/0"], ["stdout", "/proc/self/fd/1"], ["stderr", "/proc/self/fd/2"]]) {
    dev.add(name, new TmpSymlink(target));
  }
  dev.add("shm", new TmpDir(0o1777));
  // crw-r--r-- 1,11 (drivers/char/mem.c devlist: "kmsg", 0644)
  dev.add("kmsg", new CharDev(1, 11, devkmsgOps(k), 0o644));
  const etc = r.lookup("etc") as TmpDir;
  writeFile(etc, "hostname", "forkscope\n");
  writeFile(etc, "passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
  writeFile(etc, "group", "root:x:0:\nnogroup:x:65534:\n");
  // the root filesystem image, unpacked over what is there as Linux's populate_rootfs does
  if (k.options.initramfs) k.initramfs = unpackInitramfs(k.rootLoc(), k.options.initramfs);
  mountAt(k, "/proc", procRootFor(k, k.rootPidns), "proc", "proc", false);
  attach(new Mount({ fstype: "devpts", dev: devpts.dev, ro: false }, devpts, [], "devpts", false), mkdirpLoc(k, "/dev/pts"));
  mountAt(k, "/sys", k.sysfsRoot, "sysfs", "sysfs", false);
  attach(new Mount(k.cgroupSb, k.cgroupRoot.dir, [], "cgroup2", false), mkdirpLoc(k, "/sys/fs/cgroup"));
  // /dev/shm: a tmpfs of its own, as a booted system mounts it (POSIX shared memory, sem_open)
  const shm = new TmpDir(0o1777, TmpfsSb.withDefaults(k.frames));
  shm.dev = k.newAnonDev();
  mountAt(k, "/dev/shm", shm, "tmpfs", "tmpfs", false);
}

function writeFile(dir: TmpDir, name: string, text: string): void {
  const f = dir.create(name, 0o644) as TmpFile;
  f.setContents(new TextEncoder().encode(text));
}

/** create directories along an absolute path of the initial mount namespace (host glue: mount
 *  points, program location) */
export function mkdirpLoc(k: Kernel, path: string): Loc {
  return walkLoc(k, path, true)!;
}

/** the directory at an absolute path, its missing directories made (make) or null */
function walkLoc(k: Kernel, path: string, make: boolean): Loc | null {
  let cur = k.rootLoc();
  for (const p of utf8ToBytestr(path).split("/").filter((x) => x)) {
    const n = cur.node.lookup(p) ?? (make ? (cur.node.create(p, S_IFDIR | 0o755) as Node) : null);
    if (n === null) return null;
    cur = followMounts(childLoc(cur, p, n));
  }
  return cur;
}

export function mkdirp(k: Kernel, path: string): Node {
  return mkdirpLoc(k, path).node;
}

/** mount a node (a host directory or file adapter, say) at an absolute guest path */
export function mountAt(k: Kernel, path: string, node: Node, fstype: string, source: string, ro: boolean): void {
  let at: Loc;
  if (node.isDir()) at = mkdirpLoc(k, path);
  else {
    // a file is mounted on a file (Linux refuses a file over a directory): make an empty one
    const name = utf8ToBytestr(path).replace(/^.*\//, "");
    const dir = mkdirpLoc(k, path.replace(/\/[^/]*$/, ""));
    const f = dir.node.lookup(name) ?? dir.node.create(name, 0o644);
    if (typeof f === "number") throw new LoadError(`cannot mount on ${path}: ${errnoName(-f)}`);
    at = followMounts(childLoc(dir, name, f));
  }
  attach(new Mount({ fstype, dev: node.dev, ro }, node, [], utf8ToBytestr(source), ro), at);
}

/** the kernel's own filesystems a new root gets on top, in mount order: /dev and /tmp (bound from
 *  the boot tmpfs) and the mounts made at boot */
const KERNEL_MOUNTS = ["/dev", "/dev/pts", "/dev/shm", "/proc", "/sys", "/sys/fs/cgroup", "/tmp"];

/** mount `node` over / (--root) and put the kernel's /dev, /proc, /sys and /tmp back on top of
 *  it, as an init does after switch_root; makeMountpoints: create missing mount points in the new
 *  root (false: a host directory mounted read-write is not written, a missing one is skipped) */
export function mountRoot(k: Kernel, node: Node, fstype: string, source: string, ro: boolean, makeMountpoints: boolean): void {
  const keep = new Map<string, Mount>();
  for (const p of KERNEL_MOUNTS) {
    const at = mkdirpLoc(k, p);
    // /dev and /tmp are directories of the boot tmpfs: bound as they are
    keep.set(p, p === "/dev" || p === "/tmp" ? new Mount(at.mnt.sb, at.node, [p.slice(1)], at.mnt.source, false) : at.mnt);
  }
  mountAt(k, "/", node, fstype, source, ro);
  for (const p of KERNEL_MOUNTS) {
    const at = walkLoc(k, p, makeMountpoints);
    if (at === null || !at.node.isDir()) continue;
    const m = keep.get(p)!;
    attach(new Mount(m.sb, m.root, m.rootNames, m.source, m.ro), at);
  }
}

/** place a file in the guest filesystem (the program being run) */
export function addFile(k: Kernel, hostPath: string, bytes: Uint8Array, mode = 0o755): void {
  const path = utf8ToBytestr(hostPath);
  const slash = path.lastIndexOf("/");
  placeFile(mkdirpLoc(k, path.slice(0, slash)), path.slice(slash + 1), bytes, mode);
}

/** put a file into a directory, replacing what had its name, and return the lookup execve takes
 *  for it: a directory found before a mount went over it keeps the file beneath the mount, where
 *  lookups no longer see it but spawn({ file }) still runs it */
export function placeFile(dir: Loc, name: string, bytes: Uint8Array, mode = 0o755): Lookup {
  dir.node.unlink(name);
  const f = dir.node.create(name, mode);
  if (typeof f === "number") throw new LoadError(`cannot create ${name}: ${errnoName(-f)}`, -f);
  (f as TmpFile).setContents(bytes);
  return { loc: childLoc(dir, name, f), parent: dir, name, missing: false };
}

/** a task of the booted system with objects of its own and the initial namespaces and
 *  credentials: init, kthreadd, kernel threads and the first program */
function bootTask(k: Kernel, parent: Task | null, regs: Regs | null, comm: string, pgid: number, kfn: (() => number | typeof BLOCK) | null, cred = INIT_CRED): Task {
  const pids = allocPids(null, k.rootPidns) as number[];
  const tid = pids[0];
  const t = new Task({
    pids, pidns: k.rootPidns, parent, regs, comm,
    group: { pgid: pgid < 0 ? tid : pgid, sid: pgid < 0 ? tid : pgid, rlimits: defaultRlimits(), cgroup: k.cgroupRoot, joins: false },
    mm: null, files: new FdTable(k.frames), fs: new FsInfo(k.rootLoc(), k.rootLoc()), sighand: new SigHand(), io: new IoContext(0),
    semUndo: new SemUndoList(k.rootIpc), cred, nsproxy: k.initNsproxy.get(), exitSignal: kfn ? -1 : SIGCHLD, blocked: 0n,
    altstack: NO_ALTSTACK, noNewPrivs: false, kfn, startTime: k.clock.now, onWake: (w) => k.sched.makeRunnable(w),
  });
  attachTask(k, t);
  t.group.threads.push(t);
  if (parent) parent.children.push(t);
  return t;
}

/** a kernel-side task (init, kthreadd, kernel threads) */
function makeKernelTask(k: Kernel, parent: Task | null, comm: string, pgid: number, fn: () => number | typeof BLOCK): Task {
  const t = bootTask(k, parent, null, comm, pgid, fn);
  recordTask(k, t, parent ? "kernel_thread" : "boot");
  k.sched.makeRunnable(t);
  return t;
}

/** pid 1: reaps every child it inherits, forever (what an init process does with wait) */
export function makeInit(k: Kernel): Task {
  let self: Task | null = null;
  const t = makeKernelTask(k, null, "init", 1, () => initLoop(k, self!)());
  self = t;
  return t;
}

function initLoop(k: Kernel, t: Task): () => number | typeof BLOCK {
  return () => {
    for (;;) {
      const z = t.children.find((c) => c.isLeader && c.state === TaskState.Zombie && c.group.live().length === 0);
      if (!z) break;
      reap(k, z);
    }
    t.group.childWait.add(t);
    return BLOCK;
  };
}

/** pid 2: the parent of kernel threads; it only sleeps */
export function makeKthreadd(k: Kernel): Task {
  const t: Task = makeKernelTask(k, k.init, "kthreadd", 0, () => {
    k.sched.sleep(t);
    return BLOCK;
  });
  return t;
}

/** Linux kernel_thread(): run a TypeScript function as a task, a child of kthreadd. The
 *  function returns BLOCK after registering on wait queues to sleep, or an exit code. */
export function kernelThread(k: Kernel, name: string, fn: () => number | typeof BLOCK): Task {
  return makeKernelTask(k, k.kthreadd, name, 0, fn);
}

/** undo bootTask for a first program whose execve failed */
function unspawn(k: Kernel, t: Task): void {
  forgetTask(k, t);
  const siblings = t.parent!.children;
  siblings.splice(siblings.indexOf(t), 1);
  t.group.threads.length = 0;
  t.mm?.put();
  t.mm = null;
  t.files.put();
  t.fs.put();
}

export interface SpawnOptions {
  /** the working directory (a guest path; default /) */
  cwd?: string;
  /** false: the caller placed the file at `path` already (before mounting over it, say) */
  install?: boolean;
  /** the file to run, looked up already (placeFile's answer); `path` is then only its name */
  file?: Lookup;
  /** run the program as pid 1 instead of as a job of the launcher (Linux: kernel_init's
   *  run_init_process, `init=PROGRAM`): orphans come to it, signals it does not handle do not
   *  reach it, and its exit panics the kernel ("Attempted to kill init!") */
  asInit?: boolean;
}

/**
 * The first program runs as a command typed at a shell does: a job in a process group of its own,
 * in the session of its parent, the launcher (a kernel task standing for the shell that ran
 * forkscope, which reaps it). So its group is not orphaned: stop signals stop it as on Linux
 * (kernel/sigdeliver.ts drops them for orphaned groups). With a terminal console the launcher is
 * the session leader that owns it, and the program's group is the foreground job.
 */
function startAsJob(k: Kernel, t: Task): void {
  const launcher: Task = makeKernelTask(k, k.init, "launcher", -1, () => {
    for (;;) {
      const z = launcher.children.find((c) => c.isLeader && c.state === TaskState.Zombie && c.group.live().length === 0);
      if (!z) break;
      reap(k, z);
    }
    launcher.group.childWait.add(launcher);
    return BLOCK;
  });
  k.init.children.splice(k.init.children.indexOf(t), 1);
  launcher.children.push(t);
  t.parent = launcher;
  t.group.pgid = t.tid;
  t.group.sid = launcher.tid;
  const tty = k.console.tty;
  if (tty) {
    // what a shell does: it has the terminal as its controlling tty, the job inherits it, and
    // tcsetpgrp puts the job in the foreground
    tty.session = launcher.tid;
    tty.pgrp = t.tid;
    launcher.group.tty.ctty = tty;
    t.group.tty.ctty = tty;
  }
}

/** Load a program as the first user process (a job of the launcher, startAsJob), through execve as Linux's
 *  kernel_execve runs /init: `bytes` is placed at `path` first (unless opts.install is false,
 *  or bytes is null: a file already in the guest filesystem). Throws LoadError on bad input. */
export function spawn(k: Kernel, bytes: Uint8Array | null, argv: string[], env: string[], path: string, opts: SpawnOptions = {}): Task {
  let cwd = k.rootLoc();
  if (opts.cwd !== undefined) {
    const lk = lookup(cwd, cwd, utf8ToBytestr(opts.cwd), true);
    if (typeof lk === "number" || lk.missing) throw new LoadError(`working directory ${opts.cwd}: ${errnoName(typeof lk === "number" ? -lk : ENOENT)}`);
    if (!lk.loc.node.isDir()) throw new LoadError(`working directory ${opts.cwd}: ENOTDIR`);
    cwd = lk.loc;
  }
  if (bytes !== null && opts.install !== false) addFile(k, path, bytes);
  // --user: an unprivileged user without capabilities (the bounding set stays full)
  const u = k.options.user;
  const cred = u
    ? INIT_CRED.with({ uid: u.uid, euid: u.uid, suid: u.uid, fsuid: u.uid, gid: u.gid, egid: u.gid, sgid: u.gid, fsgid: u.gid, capEff: 0n, capPrm: 0n, capAmb: 0n, capInh: 0n })
    : INIT_CRED;
  const t = opts.asInit ? initBecomesUser(k, cred) : bootTask(k, k.init, new Regs(), "", -1, null, cred);
  t.fs.cwd = cwd;
  k.current = t;
  const enc = new TextEncoder();
  const r = doExecve(k, t, utf8ToBytestr(path), argv.map((a) => enc.encode(a)), env.map((e) => enc.encode(e)), opts.file);
  if (typeof r !== "number" || r < 0) {
    // the task never ran: take it out again, so that a failed spawn leaves the kernel as it was
    if (opts.asInit) initStaysKernel(k, t);
    else unspawn(k, t);
    const errno = typeof r === "number" ? -r : r.errno;
    throw new LoadError(typeof r === "number" ? `cannot load program: ${errnoName(errno)}` : r.reason, errno);
  }
  // only a program that starts gets its launcher and its console (opened as itself: a terminal
  // console is then its controlling terminal, inherited from the launcher's session). init gets
  // the console as fds 0-2 but no controlling terminal, as Linux's console_on_rootfs opens
  // /dev/console, which never becomes one (tty_open's noctty for TTYAUX_MAJOR,1)
  if (!opts.asInit) startAsJob(k, t);
  for (const f of consoleFiles(k)) t.files.alloc(f, false);
  k.main = t;
  if (opts.asInit) {
    k.liveUser++;
    recordTask(k, t, "boot");
    k.emit({ type: "task-created", pid: t.tgid, tid: t.tid, parent: 0, flags: 0 });
  } else {
    recordTask(k, t, "spawn");
    k.emit({ type: "task-created", pid: t.tgid, tid: t.tid, parent: t.parent!.tid, flags: 0 });
  }
  k.tracer?.created(t);
  k.sched.makeRunnable(t);
  return t;
}

/** --init: pid 1, a kernel task until now, becomes the user program, as Linux's kernel_init ends
 *  in kernel_execve (init/main.c run_init_process). Its process group and session are 0 as
 *  kernel_init's (init_struct_pid) until the program calls setsid. kthreadd stays a child of
 *  pid 0, as on Linux, so the program's wait() never sees it. */
function initBecomesUser(k: Kernel, cred: typeof INIT_CRED): Task {
  const t = k.init;
  if (t.regs !== null || k.main !== null) throw new LoadError("only the first program can be init");
  t.kfn = null;
  t.regs = new Regs();
  t.cred = cred;
  t.group.pgid = 0;
  t.group.sid = 0;
  const kt = k.kthreadd;
  t.children.splice(t.children.indexOf(kt), 1);
  kt.parent = null;
  recordTask(k, kt, "kernel_thread", null);
  return t;
}

/** undo initBecomesUser for a program whose execve failed: pid 1 reaps again */
function initStaysKernel(k: Kernel, t: Task): void {
  t.regs = null;
  t.kfn = initLoop(k, t);
  t.cred = INIT_CRED;
  t.group.pgid = 1;
  t.group.sid = 1;
  k.kthreadd.parent = t;
  t.children.push(k.kthreadd);
  recordTask(k, k.kthreadd, "kernel_thread");
  t.mm?.put();
  t.mm = null;
}
