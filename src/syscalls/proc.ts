// Process syscalls: clone, exit, wait4, execve, ids, limits, futex.

import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { Handler, arg, iarg, uarg, u32arg } from "./args.js";
import { kernelClone, CloneArgs, CLONE_VFORK, CLONE_PIDFD, CLONE_PARENT_SETTID, CLONE_DETACHED, CLONE_SIGHAND, CLONE_THREAD, CLONE_PARENT, CLONE_UNTRACED, CLONE_FS, CLONE_VM, CLONE_FILES, CLONE_SYSVSEM } from "../kernel/fork.js";
import { Task, TaskState, RLIM_INFINITY } from "../kernel/task.js";
import type { Kernel } from "../kernel/kernel.js";
import { doExecve } from "../kernel/exec.js";
import { SIGCHLD } from "../kernel/signals.js";
import { IpcNamespace, SemUndoList } from "../kernel/sem.js";
import { at } from "./files.js";
import { AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW } from "./args.js";
import { CgroupNamespace, NetNamespace } from "../kernel/namespaces.js";
import { CAP_SYS_ADMIN, CAP_SYS_RESOURCE, INIT_USER_NS } from "../cred/userns.js";
import { enterNewUserns } from "../kernel/fork.js";
import { MAX_PID_NS_LEVEL, PidNamespace, findTask, vtgid, vtid } from "../kernel/pidns.js";
import { ptraceEvent, ptraceRequest, traces, PTRACE_EVENT_CLONE, PTRACE_EVENT_FORK, PTRACE_EVENT_VFORK, PTRACE_EVENT_VFORK_DONE } from "../kernel/ptrace.js";
import { doExit, groupExit } from "../kernel/exit.js";

/** clone(flags, stack, parent_tid, tls, child_tid) — riscv64 argument order */
export const sysClone: Handler = (k, t, r) => {
  if (t.sysState !== null) return cloneContinue(k, t);
  const raw = uarg(r, 0);
  const low = raw % 4294967296;
  if ((low & CLONE_PIDFD) !== 0 && (low & CLONE_PARENT_SETTID) !== 0) {
    k.reason = "CLONE_PIDFD cannot be combined with CLONE_PARENT_SETTID in clone()";
    return -E.EINVAL;
  }
  // legacy clone: only the low 32 bits are flags; the low byte is the exit signal
  const flags = (low - (low & 0xff)) >>> 0;
  const exitSignal = low & 0xff;
  return startClone(k, t, {
    flags, exitSignal, stack: uarg(r, 1), parentTid: uarg(r, 2), tls: uarg(r, 3), childTid: uarg(r, 4),
    pidfd: uarg(r, 2), setTid: [], cgroup: 0,
  });
};

function startClone(k: Kernel, t: Task, a: CloneArgs): number | typeof BLOCK {
  const c = kernelClone(k, t, a);
  if (typeof c === "number") return c;
  t.sysState = { child: c, phase: 0, vfork: (a.flags & CLONE_VFORK) !== 0, event: cloneEvent(t, a) };
  return cloneContinue(k, t);
}

/** which ptrace event a clone reports (Linux: kernel_clone's `trace`), 0 for none */
function cloneEvent(t: Task, a: CloneArgs): number {
  if (a.flags & CLONE_UNTRACED) return 0;
  const ev = a.flags & CLONE_VFORK ? PTRACE_EVENT_VFORK : a.exitSignal !== SIGCHLD ? PTRACE_EVENT_CLONE : PTRACE_EVENT_FORK;
  return traces(t, ev) ? ev : 0;
}

interface CloneProgress {
  child: Task;
  /** 0: report the fork event, 1: wait for vfork, 2: report vfork-done, 3: return */
  phase: number;
  vfork: boolean;
  event: number;
}

/** the parent's side of clone after the child exists: ptrace event stop, vfork wait, vfork-done stop */
function cloneContinue(k: Kernel, t: Task): number | typeof BLOCK {
  const p = t.sysState as CloneProgress;
  const c = p.child;
  if (p.phase === 0) {
    p.phase = 1;
    if (p.event) {
      ptraceEvent(k, t, p.event, vtid(c, t.ptracer!));
      return BLOCK;
    }
  }
  if (p.phase === 1) {
    // the vfork parent sleeps until the child execs or exits (Linux: wait_for_vfork_done)
    if (p.vfork && c.vforkParent === t) {
      k.sched.sleep(t);
      return BLOCK;
    }
    p.phase = 2;
    if (p.vfork && traces(t, PTRACE_EVENT_VFORK_DONE)) {
      ptraceEvent(k, t, PTRACE_EVENT_VFORK_DONE, vtid(c, t.ptracer!));
      return BLOCK;
    }
  }
  return vtid(c, t);
}

const CLONE_ARGS_SIZE_VER0 = 64;
const CLONE_ARGS_SIZE_VER2 = 88;
const CLONE_LEGACY_FLAGS = 0xffffffff - 0xff;

/** clone3(struct clone_args *, size) (Linux: copy_clone_args_from_user, clone3_args_valid) */
export const sysClone3: Handler = (k, t, r) => {
  if (t.sysState !== null) return cloneContinue(k, t);
  const addr = uarg(r, 0);
  const size = uarg(r, 1);
  if (size > 4096) {
    k.reason = "clone_args larger than a page";
    return -E.E2BIG;
  }
  if (size < CLONE_ARGS_SIZE_VER0) {
    k.reason = "clone_args smaller than version 0 (64 bytes)";
    return -E.EINVAL;
  }
  const b = t.mm!.read(addr, size);
  if (b === null) return -E.EFAULT;
  for (let i = CLONE_ARGS_SIZE_VER2; i < size; i++) {
    if (b[i] !== 0) {
      k.reason = "unknown clone_args fields are not zero";
      return -E.E2BIG;
    }
  }
  const dv = new DataView(b.buffer);
  const u64 = (o: number) => (o + 8 <= size ? dv.getUint32(o, true) + dv.getUint32(o + 4, true) * 4294967296 : 0);
  const hi32 = (o: number) => (o + 8 <= size ? dv.getUint32(o + 4, true) : 0);
  const flags = u64(0);
  const exitSignal = u64(32);
  const stack = u64(40);
  const stackSize = u64(48);
  const setTidAddr = u64(64);
  const setTidSize = u64(72);
  const cgroup = u64(80);
  const fail = (why: string) => {
    k.reason = why;
    return -E.EINVAL;
  };
  if (setTidSize > 32) return fail("set_tid_size larger than the maximum pid namespace depth");
  if (setTidAddr === 0 && setTidSize > 0) return fail("set_tid_size without set_tid");
  if (setTidAddr !== 0 && setTidSize === 0) return fail("set_tid without set_tid_size");
  if (hi32(32) !== 0 || exitSignal > 64) return fail("exit_signal is not a valid signal");
  if (flags >= 2 ** 34 || hi32(0) > 3) return fail("unknown clone3 flags");
  // the low byte is the exit signal in legacy clone; clone3 allows only CLONE_NEWTIME there
  if ((flags % 2 ** 32 & 0x7f) !== 0) return fail("the low byte of clone3 flags must be 0 (use exit_signal)");
  const lowFlags = flags % 2 ** 32;
  const into = flags >= 2 ** 33;
  if (into && (cgroup > 0x7fffffff || size < CLONE_ARGS_SIZE_VER2)) return fail("CLONE_INTO_CGROUP needs a valid cgroup fd in a version 2 clone_args");
  if (lowFlags & CLONE_DETACHED) return fail("clone3 does not accept CLONE_DETACHED");
  if ((lowFlags & CLONE_SIGHAND) !== 0 && Math.floor(flags / 2 ** 32) % 2 === 1) return fail("CLONE_CLEAR_SIGHAND cannot be combined with CLONE_SIGHAND");
  if ((lowFlags & (CLONE_THREAD | CLONE_PARENT)) !== 0 && exitSignal !== 0) return fail("an exit signal cannot be combined with CLONE_THREAD or CLONE_PARENT");
  if ((stack === 0) !== (stackSize === 0)) return fail("stack and stack_size must be given together");
  void CLONE_LEGACY_FLAGS;
  const setTid: number[] = [];
  for (let i = 0; i < setTidSize; i++) {
    const v = t.mm!.readU32(setTidAddr + 4 * i);
    if (v === null) return -E.EFAULT;
    setTid.push(v | 0);
  }
  return startClone(k, t, {
    flags, exitSignal, stack: stack === 0 ? 0 : stack + stackSize, parentTid: u64(24), childTid: u64(16), tls: u64(56),
    pidfd: u64(8), setTid, cgroup,
  });
};

export const sysExit: Handler = (k, t, r) => {
  doExit(k, t, (iarg(r, 0) & 0xff) << 8);
  return 0;
};

export const sysExitGroup: Handler = (k, t, r) => {
  groupExit(k, t, (iarg(r, 0) & 0xff) << 8);
  return 0;
};

export const sysExecve: Handler = (k, t, r) => {
  const mm = t.mm!;
  const path = mm.readString(uarg(r, 0), 4096);
  if (path === null) return -E.EFAULT;
  if (path === undefined) return -E.ENAMETOOLONG;
  const argv = readStrings(k, t, uarg(r, 1));
  if (typeof argv === "number") return argv;
  const envp = readStrings(k, t, uarg(r, 2));
  if (typeof envp === "number") return envp;
  return doExecve(k, t, path, argv, envp);
};

/** execveat(dirfd, path, argv, envp, flags): AT_EMPTY_PATH runs the file dirfd refers to */
export const sysExecveat: Handler = (k, t, r) => {
  const dirfd = iarg(r, 0);
  const flags = iarg(r, 4);
  if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) return -E.EINVAL;
  const path = t.mm!.readString(uarg(r, 1), 4096);
  if (path === null) return -E.EFAULT;
  if (path === undefined) return -E.ENAMETOOLONG;
  const lk = at(k, t, dirfd, uarg(r, 1), (flags & AT_SYMLINK_NOFOLLOW) === 0, flags);
  if (typeof lk === "number") return lk;
  if (!lk.missing && (lk.loc.node.mode & 0o170000) === 0o120000) return -E.ELOOP;
  const argv = readStrings(k, t, uarg(r, 2));
  if (typeof argv === "number") return argv;
  const envp = readStrings(k, t, uarg(r, 3));
  if (typeof envp === "number") return envp;
  // the name the new program and its #! interpreter see (Linux: bprm->filename for fd-relative paths)
  const name = path.startsWith("/") ? path : path === "" ? `/dev/fd/${dirfd}` : dirfd === -100 ? path : `/dev/fd/${dirfd}/${path}`;
  return doExecve(k, t, name, argv, envp, lk);
};

function readStrings(_k: Kernel, t: Task, addr: number): Uint8Array[] | number {
  const out: Uint8Array[] = [];
  if (addr === 0) return out;
  const mm = t.mm!;
  const enc = new TextEncoder();
  for (let i = 0; ; i++) {
    if (i > 0x20000) return -E.E2BIG;
    const p = mm.readU64(addr + i * 8);
    if (p === null) return -E.EFAULT;
    if (p === 0) return out;
    const s = mm.readString(p, 32 * 4096);
    if (s === null) return -E.EFAULT;
    if (s === undefined) return -E.E2BIG;
    out.push(enc.encode(s));
  }
}

export const sysGetpid: Handler = (_k, t) => vtgid(t, t);
export const sysGettid: Handler = (_k, t) => vtid(t, t);
export const sysGetppid: Handler = (_k, t) => {
  const p = t.group.leader.parent;
  return p ? vtgid(p, t) : 0;
};

export const sysSetTidAddress: Handler = (_k, t, r) => {
  t.clearChildTid = uarg(r, 0);
  return vtid(t, t);
};

export const sysSetRobustList: Handler = (_k, t, r) => {
  if (uarg(r, 1) !== 24) return -E.EINVAL;
  t.robustList = uarg(r, 0);
  t.robustLen = 24;
  return 0;
};

export const sysSchedYield: Handler = (_k, t) => {
  t.slice = 0;
  return 0;
};

const RLIM_NLIMITS = 16;

/** prlimit64(pid, resource, new, old) */
export const sysPrlimit64: Handler = (k, t, r) => {
  const pid = iarg(r, 0);
  const res = u32arg(r, 1);
  const nw = uarg(r, 2);
  const old = uarg(r, 3);
  if (res >= RLIM_NLIMITS) return -E.EINVAL;
  const target = pid === 0 ? t : findTask(t, pid);
  if (!target || target.state === TaskState.Dead) return -E.ESRCH;
  const lim = target.group.rlimits[res];
  let next = null;
  if (nw !== 0) {
    const cur = t.mm!.readU64(nw);
    const max = t.mm!.readU64(nw + 8);
    if (cur === null || max === null) return -E.EFAULT;
    const c = cur >= 2 ** 63 ? RLIM_INFINITY : cur;
    const m = max >= 2 ** 63 ? RLIM_INFINITY : max;
    if (c > m) return -E.EINVAL;
    if (m > lim.max && !t.can(CAP_SYS_RESOURCE, INIT_USER_NS)) return -E.EPERM;
    next = { cur: c, max: m };
  }
  if (old !== 0) {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    const put = (o: number, v: number) => {
      if (v === RLIM_INFINITY) { dv.setInt32(o, -1, true); dv.setInt32(o + 4, -1, true); }
      else { dv.setUint32(o, v % 4294967296, true); dv.setUint32(o + 4, Math.floor(v / 4294967296), true); }
    };
    put(0, lim.cur);
    put(8, lim.max);
    if (!t.mm!.write(old, b)) return -E.EFAULT;
  }
  if (next) target.group.rlimits[res] = next;
  return 0;
};

export { arg };

/** ptrace(request, pid, addr, data) */
export const sysPtrace: Handler = (k, t, r) => ptraceRequest(k, t, arg(r, 0), iarg(r, 1), uarg(r, 2), uarg(r, 3));

/** unshare(flags) for the non-namespace resources (Linux: ksys_unshare, check_unshare_flags) */
export const sysUnshare: Handler = (k, t, r) => {
  let flags = uarg(r, 0) % 2 ** 32;
  const NS = 0x7e020080; // CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWTIME
  const allowed = CLONE_THREAD | CLONE_FS | CLONE_SIGHAND | CLONE_VM | CLONE_FILES | CLONE_SYSVSEM | NS;
  if (flags & ~allowed) return -E.EINVAL;
  // unsharing a user namespace implies the thread group and fs; a mount namespace implies fs
  if (flags & 0x10000000) flags |= CLONE_THREAD | CLONE_FS;
  if (flags & 0x20000) flags |= CLONE_FS;
  if (flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) {
    if (t.group.live().length > 1) return -E.EINVAL;
  }
  if (flags & (CLONE_SIGHAND | CLONE_VM)) {
    if (t.sighand.users > 1 && flags & CLONE_SIGHAND) return -E.EINVAL;
    if (t.mm!.users > 1 && flags & CLONE_VM) return -E.EINVAL;
  }
  if (flags & NS & ~0x10000000 && !(flags & 0x10000000) && !t.can(CAP_SYS_ADMIN)) {
    k.reason = "creating namespaces other than user namespaces requires CAP_SYS_ADMIN";
    return -E.EPERM;
  }
  const NEWPID = 0x20000000;
  if (flags & NEWPID) {
    if (t.pidnsChildren !== t.pidns) {
      k.reason = "unshare(CLONE_NEWPID) again before a child was created";
      return -E.EINVAL;
    }
    if (t.pidns.level + 1 > MAX_PID_NS_LEVEL) return -E.ENOSPC;
  }
  const NEWUSER = 0x10000000;
  if (flags & NEWUSER && (t.userns.level + 1 > 32)) return -E.EUSERS;
  if (flags & 0x80) {
    k.reason = "time namespaces are not implemented";
    return -E.EINVAL;
  }
  if (flags & CLONE_FS && t.fs.users > 1) {
    t.fs.users--;
    t.fs = t.fs.copy();
  }
  if (flags & CLONE_FILES && t.files.users > 1) {
    t.files.users--;
    t.files = t.files.copy();
  }
  if (flags & NEWUSER) {
    const why = enterNewUserns(t);
    if (why !== null) {
      k.reason = why;
      return -E.EPERM;
    }
  }
  if (flags & NEWPID) t.pidnsChildren = new PidNamespace(t.pidns, t.userns);
  if (flags & 0x04000000) t.utsns = t.utsns.copy(t.userns);
  if (flags & 0x08000000) {
    // a new IPC namespace starts with an empty undo list (Linux: exit_sem in unshare)
    if (--t.semUndo.users === 0) t.semUndo.apply(t.ipcns, t.tgid);
    t.semUndo = new SemUndoList();
    t.ipcns = new IpcNamespace(t.userns);
  }
  if (flags & 0x20000) t.mntns = t.mntns.copy(t.userns, t.fs);
  if (flags & 0x40000000) t.netns = new NetNamespace(t.userns);
  if (flags & 0x02000000) t.cgroupns = new CgroupNamespace(t.userns, t.group.cgroup);
  if (flags & CLONE_SYSVSEM) {
    // leaving a shared undo list applies nothing; the list is dropped like at exit (exit_sem)
    if (--t.semUndo.users === 0) t.semUndo.apply(t.ipcns, t.tgid);
    t.semUndo = new SemUndoList();
  }
  return 0;
};
