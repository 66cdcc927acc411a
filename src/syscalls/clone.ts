// clone, clone3 and unshare (Linux: kernel/fork.c sys_clone, sys_clone3, ksys_unshare): the flags
// word is split into halves here, at the syscall boundary; kernel/fork.ts makes the task.

import * as E from "../base/errno.js";
import { Handler, UARG_HUGE, argHi, uarg, uarg64, u32arg } from "./args.js";
import { TASK_SIZE } from "../mm/pagetable.js";
import type { Kernel } from "../kernel/kernel.js";
import { Task } from "../kernel/task.js";
import { Block, type SysResult } from "../kernel/block.js";
import { kernelClone, CloneArgs, enterNewUserns } from "../kernel/fork.js";
import {
  CLONE_DETACHED, CLONE_FILES, CLONE_FS, CLONE_HI_KNOWN, CLONE_INTO_CGROUP_HI, CLONE_CLEAR_SIGHAND_HI, CLONE_NEWCGROUP, CLONE_NEWIPC,
  CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWTIME, CLONE_NEWUSER, CLONE_NEWUTS, CLONE_NEW_ANY, CLONE_PARENT, CLONE_PARENT_SETTID,
  CLONE_PIDFD, CLONE_SIGHAND, CLONE_SYSVSEM, CLONE_THREAD, CLONE_UNTRACED, CLONE_VFORK, CLONE_VM, CSIGNAL, CloneFlags,
  checkNamespaceCreation,
} from "../kernel/cloneflags.js";
import { SIGCHLD } from "../kernel/signals.js";
import { IpcNamespace, SemUndoList } from "../kernel/sem.js";
import { CgroupNamespace, NetNamespace } from "../kernel/namespaces.js";
import { PidNamespace, vtid } from "../kernel/pidns.js";
import { NsProxyChanges, switchNamespaces } from "../kernel/nsproxy.js";
import { ptraceEvent, traces, PTRACE_EVENT_CLONE, PTRACE_EVENT_FORK, PTRACE_EVENT_VFORK, PTRACE_EVENT_VFORK_DONE } from "../kernel/ptrace.js";
import { refuse } from "../base/errno.js";
import { CLONE_STOPPED, UNSHARE_KNOWN_26 } from "../kernel/personality.js";
import { CAP_SYS_ADMIN } from "../cred/capability.js";
import { INIT_USER_NS } from "../cred/userns.js";

/** clone(flags, stack, parent_tid, tls, child_tid) — riscv64 argument order */
export const sysClone: Handler = (k, t, r) => {
  // legacy clone: only the low 32 bits are flags; the low byte is the exit signal
  let low = u32arg(r, 0);
  // 2.6: bit 0x02000000 is CLONE_STOPPED (not CLONE_NEWCGROUP) and 0x1000 no flag at all
  // (CLONE_PIDFD came in 5.2; 2.6's copy_process never looked at that bit)
  const stopped = k.personality === "linux-2.6" && (low & CLONE_STOPPED) !== 0;
  if (k.personality === "linux-2.6") low &= ~(CLONE_STOPPED | CLONE_PIDFD);
  if ((low & CLONE_PIDFD) !== 0 && (low & CLONE_PARENT_SETTID) !== 0) {
    return refuse(E.EINVAL, "CLONE_PIDFD cannot be combined with CLONE_PARENT_SETTID in clone()");
  }
  return startClone(k, t, {
    flags: new CloneFlags(low & ~CSIGNAL), exitSignal: low & CSIGNAL, stack: uarg64(r, 1), parentTid: uarg(r, 2), tls: uarg64(r, 3),
    childTid: uarg(r, 4), pidfd: uarg(r, 2), setTid: [], cgroup: 0, stopped,
  });
};

function startClone(k: Kernel, t: Task, a: CloneArgs): SysResult {
  const c = kernelClone(k, t, a);
  if (!(c instanceof Task)) return c;
  return afterClone(k, t, c, a.flags.has(CLONE_VFORK), cloneEvent(t, a));
}

/** which ptrace event a clone reports (Linux: kernel_clone's `trace`), 0 for none */
function cloneEvent(t: Task, a: CloneArgs): number {
  if (a.flags.has(CLONE_UNTRACED)) return 0;
  const ev = a.flags.has(CLONE_VFORK) ? PTRACE_EVENT_VFORK : a.exitSignal !== SIGCHLD ? PTRACE_EVENT_CLONE : PTRACE_EVENT_FORK;
  return traces(t, ev) ? ev : 0;
}

/** the parent's side of clone once the child exists (Linux: the tail of kernel_clone), in three
 *  states: the fork event stop for a tracer, the vfork wait, the vfork-done stop; then the
 *  child's pid is the result */
function afterClone(k: Kernel, t: Task, c: Task, vfork: boolean, event: number): SysResult {
  const result = (): SysResult => vtid(c, t);
  const vforkDone = (): SysResult => {
    if (vfork && traces(t, PTRACE_EVENT_VFORK_DONE)) {
      ptraceEvent(k, t, PTRACE_EVENT_VFORK_DONE, vtid(c, t.ptrace.tracer!));
      return new Block(result);
    }
    return result();
  };
  // the vfork parent sleeps until the child execs or exits (Linux: wait_for_vfork_done)
  const vforkWait = (): SysResult => {
    if (vfork && c.vforkParent === t) {
      k.sched.sleep(t);
      return new Block(vforkWait);
    }
    return vforkDone();
  };
  if (event) {
    ptraceEvent(k, t, event, vtid(c, t.ptrace.tracer!));
    return new Block(vforkWait);
  }
  return vforkWait();
}

const CLONE_ARGS_SIZE_VER0 = 64;
const CLONE_ARGS_SIZE_VER2 = 88;

/** clone3(struct clone_args *, size) (Linux: copy_clone_args_from_user, clone3_args_valid) */
export const sysClone3: Handler = (k, t, r) => {
  const addr = uarg(r, 0);
  const size = uarg(r, 1);
  if (size > 4096) {
    return refuse(E.E2BIG, "clone_args larger than a page");
  }
  if (size < CLONE_ARGS_SIZE_VER0) {
    return refuse(E.EINVAL, "clone_args smaller than version 0 (64 bytes)");
  }
  const b = t.mm!.read(addr, size);
  if (b === null) return -E.EFAULT;
  for (let i = CLONE_ARGS_SIZE_VER2; i < size; i++) {
    if (b[i] !== 0) {
      return refuse(E.E2BIG, "unknown clone_args fields are not zero");
    }
  }
  const dv = new DataView(b.buffer);
  // the fields are u64, read exactly; a pointer becomes a number only below 2^53 (above, no user
  // address: UARG_HUGE, as uarg gives)
  const u64 = (o: number): bigint => (o + 8 <= size ? dv.getBigUint64(o, true) : 0n);
  const ptr = (o: number): number => {
    const v = u64(o);
    return v < 1n << 53n ? Number(v) : UARG_HUGE;
  };
  const flags = new CloneFlags(dv.getUint32(0, true), dv.getUint32(4, true));
  const exitSignal64 = u64(32);
  const stack = u64(40);
  const stackSize = u64(48);
  const setTidAddr = ptr(64);
  const setTidSize64 = u64(72);
  const cgroup64 = u64(80);
  const fail = (why: string) => {
    return refuse(E.EINVAL, why);
  };
  if (setTidSize64 > 32n) return fail("set_tid_size larger than the maximum pid namespace depth");
  const setTidSize = Number(setTidSize64);
  if (setTidAddr === 0 && setTidSize > 0) return fail("set_tid_size without set_tid");
  if (setTidAddr !== 0 && setTidSize === 0) return fail("set_tid without set_tid_size");
  if (exitSignal64 > 64n) return fail("exit_signal is not a valid signal");
  const exitSignal = Number(exitSignal64);
  if ((flags.hi & ~CLONE_HI_KNOWN) !== 0) return fail("unknown clone3 flags");
  // the low byte is the exit signal in legacy clone; clone3 allows only CLONE_NEWTIME there
  if (flags.has(CSIGNAL & ~CLONE_NEWTIME)) return fail("the low byte of clone3 flags must be 0 (use exit_signal)");
  if (flags.hasHigh(CLONE_INTO_CGROUP_HI) && (cgroup64 > 0x7fffffffn || size < CLONE_ARGS_SIZE_VER2))
    return fail("CLONE_INTO_CGROUP needs a valid cgroup fd in a version 2 clone_args");
  if (flags.has(CLONE_DETACHED)) return fail("clone3 does not accept CLONE_DETACHED");
  if (flags.has(CLONE_SIGHAND) && flags.hasHigh(CLONE_CLEAR_SIGHAND_HI)) return fail("CLONE_CLEAR_SIGHAND cannot be combined with CLONE_SIGHAND");
  if (flags.has(CLONE_THREAD | CLONE_PARENT) && exitSignal !== 0) return fail("an exit signal cannot be combined with CLONE_THREAD or CLONE_PARENT");
  if ((stack === 0n) !== (stackSize === 0n)) return fail("stack and stack_size must be given together");
  // clone3_stack_valid: access_ok(stack, stack_size), on the exact values
  if (stack !== 0n && (stack > BigInt(TASK_SIZE) || stackSize > BigInt(TASK_SIZE) - stack)) return fail("the stack is not in user space");
  const cgroup = Number(cgroup64 & 0xffffffffn);
  const setTid: number[] = [];
  for (let i = 0; i < setTidSize; i++) {
    const v = t.mm!.readU32(setTidAddr + 4 * i);
    if (v === null) return -E.EFAULT;
    setTid.push(v | 0);
  }
  return startClone(k, t, {
    flags, exitSignal, stack: stack === 0n ? 0n : stack + stackSize, parentTid: ptr(24), childTid: ptr(16), tls: u64(56),
    pidfd: ptr(8), setTid, cgroup,
  });
};

/** unshare(flags) (Linux: ksys_unshare, check_unshare_flags) */
export const sysUnshare: Handler = (k, t, r) => {
  // ksys_unshare(unsigned long): check_unshare_flags refuses every bit outside the known set,
  // bits 32..63 included
  if (argHi(r, 0) !== 0) return refuse(E.EINVAL, "unshare flags above bit 31 are unknown");
  let f = new CloneFlags(u32arg(r, 0));
  const allowed = CLONE_THREAD | CLONE_FS | CLONE_SIGHAND | CLONE_VM | CLONE_FILES | CLONE_SYSVSEM | CLONE_NEW_ANY;
  if (f.lo & ~allowed) return -E.EINVAL;
  // 2.6.37 sys_unshare: "Return -EINVAL for all unsupported flags" (no user, pid or cgroup
  // namespaces), and CAP_SYS_ADMIN for the namespaces it had (unshare_nsproxy_namespaces)
  if (k.personality === "linux-2.6") {
    if (f.lo & ~UNSHARE_KNOWN_26) return refuse(E.EINVAL, "unshare of 2.6.37 knows no CLONE_NEWUSER, CLONE_NEWPID or CLONE_NEWCGROUP");
    if (f.has(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET) && !t.can(CAP_SYS_ADMIN, INIT_USER_NS)) return refuse(E.EPERM, "new namespaces need CAP_SYS_ADMIN (2.6)");
  }
  // unsharing a user namespace implies the thread group and fs; a mount namespace implies fs
  if (f.has(CLONE_NEWUSER)) f = f.with(CLONE_THREAD | CLONE_FS);
  if (f.has(CLONE_NEWNS)) f = f.with(CLONE_FS);
  if (f.has(CLONE_THREAD | CLONE_SIGHAND | CLONE_VM) && t.group.live().length > 1) return -E.EINVAL;
  if (f.has(CLONE_SIGHAND) && t.sighand.users > 1) return -E.EINVAL;
  if (f.has(CLONE_VM) && t.mm!.users > 1) return -E.EINVAL;
  const no = checkNamespaceCreation(t, f, "unshare");
  if (no !== null) return no;
  if (f.has(CLONE_NEWTIME)) {
    return refuse(E.EINVAL, "time namespaces are not implemented");
  }
  if (f.has(CLONE_FS) && t.fs.users > 1) {
    t.fs.put();
    t.fs = t.fs.copy();
  }
  if (f.has(CLONE_FILES) && t.files.users > 1) {
    t.files.put();
    t.files = t.files.copy();
  }
  if (f.has(CLONE_NEWUSER)) enterNewUserns(t);
  // the new namespaces belong to the caller's user namespace (the new one with CLONE_NEWUSER)
  const owner = t.cred.userns;
  const p = t.nsproxy;
  const next: NsProxyChanges = {};
  if (f.has(CLONE_NEWPID)) next.pidForChildren = new PidNamespace(t.pidns, owner);
  if (f.has(CLONE_NEWUTS)) next.uts = p.uts.copy(owner);
  if (f.has(CLONE_NEWIPC)) {
    next.ipc = new IpcNamespace(owner);
    // a new IPC namespace starts with an empty undo list (Linux: exit_sem in unshare)
    t.semUndo.put(t.tgid);
    t.semUndo = new SemUndoList(next.ipc);
  }
  if (f.has(CLONE_NEWNS)) next.mnt = p.mnt.copy(owner, t.fs);
  if (f.has(CLONE_NEWNET)) next.net = new NetNamespace(owner);
  if (f.has(CLONE_NEWCGROUP)) next.cgroup = new CgroupNamespace(owner, t.group.cgroup);
  if (Object.keys(next).length > 0) switchNamespaces(t, p.with(next));
  if (f.has(CLONE_SYSVSEM)) {
    // leaving a shared undo list applies nothing; the list is dropped like at exit (exit_sem)
    t.semUndo.put(t.tgid);
    t.semUndo = new SemUndoList(t.nsproxy.ipc);
  }
  return 0;
};
