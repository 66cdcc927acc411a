// Process syscalls (Linux: kernel/exit.c, fs/exec.c, kernel/sys.c, kernel/ptrace.c): exit,
// exit_group, execve, execveat, pids and tids, set_tid_address, robust lists, sched_yield,
// prlimit64 and ptrace. clone, clone3 and unshare are in clone.ts, wait4/waitid in wait.ts.

import * as E from "../base/errno.js";
import { Handler, arg, iarg, uarg, uarg64, u32arg, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW } from "./args.js";
import { Task, TaskState } from "../kernel/task.js";
import { RLIM_NLIMITS, RLIMIT_NOFILE } from "../kernel/rlimit.js";
import type { Kernel } from "../kernel/kernel.js";
import type { SysResult } from "../kernel/block.js";
import { MAX_ARG_STRLEN, argLimit, doExecve } from "../kernel/exec.js";
import { at } from "./files.js";
import { ArgArena } from "./execargs.js";
import { INIT_USER_NS } from "../cred/userns.js";
import { CAP_SYS_RESOURCE } from "../cred/capability.js";
import { findTask, vtgid, vtid } from "../kernel/pidns.js";
import { ptraceRequest } from "../kernel/ptrace.js";
import { doExit, groupExit } from "../kernel/exit.js";

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
  return withExecArgs(k, t, uarg(r, 1), uarg(r, 2), (argv, envp) => doExecve(k, t, path, argv, envp));
};

type ExecStrings = Uint8Array[];

/** execve's argument and environment strings, read into an arena charged to guest memory within
 *  one limit for both (Linux: copy_strings of argv then envp), for the time of `run` */
function withExecArgs(
  k: Kernel, t: Task, argvPtr: number, envpPtr: number,
  run: (argv: ExecStrings, envp: ExecStrings) => SysResult,
): SysResult {
  const arena = new ArgArena(k.frames);
  try {
    const room = { left: argLimit(t) };
    const argv = readStrings(t, argvPtr, room, arena);
    if (typeof argv === "number") return argv;
    const envp = readStrings(t, envpPtr, room, arena);
    if (typeof envp === "number") return envp;
    return run(argv, envp);
  } finally {
    arena.release();
  }
}

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
  // the name the new program and its #! interpreter see (Linux: bprm->filename for fd-relative paths)
  const name = path.startsWith("/") ? path : path === "" ? `/dev/fd/${dirfd}` : dirfd === -100 ? path : `/dev/fd/${dirfd}/${path}`;
  return withExecArgs(k, t, uarg(r, 2), uarg(r, 3), (argv, envp) => doExecve(k, t, name, argv, envp, lk));
};

/** an argv or envp array (Linux: count, then copy_strings): a NULL-terminated array of string
 *  pointers, the strings read into the charged arena (execargs.ts). More pointers than the
 *  argument room can hold is E2BIG at once (Linux counts on to MAX_ARG_STRINGS first, and would
 *  report a bad pointer further on as EFAULT) */
function readStrings(t: Task, addr: number, room: { left: number }, arena: ArgArena): Uint8Array[] | number {
  const out: Uint8Array[] = [];
  if (addr === 0) return out;
  const mm = t.mm!;
  for (let i = 0; ; i++) {
    const p = mm.readU64(addr + i * 8);
    if (p === null) return -E.EFAULT;
    if (p === 0) return out;
    // the host copies no more than the arguments' room (argv and envp together)
    const s = arena.read(mm, p, MAX_ARG_STRLEN);
    if (typeof s === "number") return s;
    room.left -= s.length + 1 + 8;
    if (room.left < 0) return -E.E2BIG;
    out.push(s);
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

/** prlimit64(pid, resource, new, old) */
export const sysPrlimit64: Handler = (k, t, r) => {
  const pid = iarg(r, 0);
  const target = pid === 0 ? t : findTask(t, pid);
  if (u32arg(r, 1) >= RLIM_NLIMITS) return -E.EINVAL;
  if (!target || target.state === TaskState.Dead) return -E.ESRCH;
  // another process's limits need matching ids or CAP_SYS_RESOURCE (Linux: check_prlimit_permission)
  if (target.group !== t.group) {
    const c = t.cred;
    const tc = target.cred;
    const same = c.uid === tc.uid && c.uid === tc.euid && c.uid === tc.suid && c.gid === tc.gid && c.gid === tc.egid && c.gid === tc.sgid;
    if (!same && !t.can(CAP_SYS_RESOURCE, tc.userns)) return -E.EPERM;
  }
  return doPrlimit(k, t, target, u32arg(r, 1), uarg(r, 2), uarg(r, 3));
};

/** getrlimit(resource, rlim) and setrlimit(resource, rlim): prlimit on the caller */
export const sysGetrlimit: Handler = (k, t, r) => doPrlimit(k, t, t, u32arg(r, 0), 0, uarg(r, 1));
export const sysSetrlimit: Handler = (k, t, r) => doPrlimit(k, t, t, u32arg(r, 0), uarg(r, 1), 0);

/** Linux do_prlimit: read the old limit, check and install the new one */
function doPrlimit(k: Kernel, t: Task, target: Task, res: number, nw: number, old: number): number {
  if (res >= RLIM_NLIMITS) return -E.EINVAL;
  const lim = target.group.rlimits[res];
  let next = null;
  if (nw !== 0) {
    // struct rlimit64 (and, on 64-bit, struct rlimit): two u64, kept exactly; on 64-bit
    // rlim64_to_rlim stores every value as given (RLIM64_INFINITY is RLIM_INFINITY)
    const b = t.mm!.read(nw, 16);
    if (b === null) return -E.EFAULT;
    const dv = new DataView(b.buffer, b.byteOffset);
    const c = dv.getBigUint64(0, true);
    const m = dv.getBigUint64(8, true);
    if (c > m) return -E.EINVAL;
    if (res === RLIMIT_NOFILE && m > BigInt(k.nrOpen)) return -E.EPERM;
    if (m > lim.max && !t.can(CAP_SYS_RESOURCE, INIT_USER_NS)) return -E.EPERM;
    next = { cur: c, max: m };
  }
  if (old !== 0) {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    dv.setBigUint64(0, lim.cur, true);
    dv.setBigUint64(8, lim.max, true);
    if (!t.mm!.write(old, b)) return -E.EFAULT;
  }
  if (next) target.group.rlimits[res] = next;
  return 0;
}

export { arg };

/** ptrace(request, pid, addr, data) */
export const sysPtrace: Handler = (k, t, r) => ptraceRequest(k, t, arg(r, 0), iarg(r, 1), uarg(r, 2), uarg(r, 3), uarg64(r, 3));
