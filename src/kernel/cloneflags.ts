// Clone flags (Linux: include/uapi/linux/sched.h) and the rules about new namespaces that clone,
// clone3, unshare and setns share (kernel/fork.c, kernel/nsproxy.c, kernel/user_namespace.c).
// A flags word is split once, at the syscall boundary, into two 32-bit halves: riscv64 clone
// and unshare pass a 64-bit register, clone3 a u64; the flags above bit 31 exist only in clone3.

import { EINVAL, ENOSPC, EPERM, EUSERS, type Refusal } from "../base/errno.js";
import { hex64, join64 } from "../base/bits.js";
import { fromKernel } from "../cred/userns.js";
import { CAP_SYS_ADMIN } from "../cred/capability.js";
import type { Task } from "./task.js";
import { MAX_PID_NS_LEVEL } from "./pidns.js";
import { chrooted } from "./namespaces.js";
import { signalName } from "./signals.js";

/** the low byte of legacy clone's flags: the exit signal */
export const CSIGNAL = 0xff;
// the low half (bits 0..31)
export const CLONE_NEWTIME = 0x80, CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
  CLONE_PIDFD = 0x1000, CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000,
  CLONE_NEWNS = 0x20000, CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000,
  CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000, CLONE_UNTRACED = 0x800000, CLONE_CHILD_SETTID = 0x1000000,
  CLONE_NEWCGROUP = 0x2000000, CLONE_NEWUTS = 0x4000000, CLONE_NEWIPC = 0x8000000, CLONE_NEWUSER = 0x10000000,
  CLONE_NEWPID = 0x20000000, CLONE_NEWNET = 0x40000000, CLONE_IO = 0x80000000;
// the high half (clone3 only), as bits of CloneFlags.hi: CLONE_CLEAR_SIGHAND is bit 32 of the word
export const CLONE_CLEAR_SIGHAND_HI = 0x1, CLONE_INTO_CGROUP_HI = 0x2;
/** every high-half flag clone3 knows */
export const CLONE_HI_KNOWN = CLONE_CLEAR_SIGHAND_HI | CLONE_INTO_CGROUP_HI;

/** the flags that ask for new namespaces (time namespaces are not implemented: unshare refuses
 *  CLONE_NEWTIME, clone3 ignores it, setns does not accept it) */
export const CLONE_NEW_ANY = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME;

const LOW_NAMES: [number, string][] = [
  [CLONE_VM, "CLONE_VM"], [CLONE_FS, "CLONE_FS"], [CLONE_FILES, "CLONE_FILES"], [CLONE_SIGHAND, "CLONE_SIGHAND"],
  [CLONE_PIDFD, "CLONE_PIDFD"], [CLONE_PTRACE, "CLONE_PTRACE"], [CLONE_VFORK, "CLONE_VFORK"], [CLONE_PARENT, "CLONE_PARENT"],
  [CLONE_THREAD, "CLONE_THREAD"], [CLONE_NEWNS, "CLONE_NEWNS"], [CLONE_SYSVSEM, "CLONE_SYSVSEM"], [CLONE_SETTLS, "CLONE_SETTLS"],
  [CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID"], [CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID"], [CLONE_DETACHED, "CLONE_DETACHED"],
  [CLONE_UNTRACED, "CLONE_UNTRACED"], [CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"], [CLONE_NEWCGROUP, "CLONE_NEWCGROUP"],
  [CLONE_NEWUTS, "CLONE_NEWUTS"], [CLONE_NEWIPC, "CLONE_NEWIPC"], [CLONE_NEWUSER, "CLONE_NEWUSER"], [CLONE_NEWPID, "CLONE_NEWPID"],
  [CLONE_NEWNET, "CLONE_NEWNET"], [CLONE_IO, "CLONE_IO"],
];
const HIGH_NAMES: [number, string][] = [[CLONE_CLEAR_SIGHAND_HI, "CLONE_CLEAR_SIGHAND"], [CLONE_INTO_CGROUP_HI, "CLONE_INTO_CGROUP"]];

/** a 64-bit clone flags word as two unsigned 32-bit halves */
export class CloneFlags {
  readonly lo: number;
  readonly hi: number;
  constructor(lo: number, hi = 0) {
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** a flag (or any of a mask) of the low half */
  has(flag: number): boolean {
    return (this.lo & flag) !== 0;
  }

  /** a flag of the high half (CLONE_CLEAR_SIGHAND_HI, CLONE_INTO_CGROUP_HI) */
  hasHigh(flag: number): boolean {
    return (this.hi & flag) !== 0;
  }

  /** the same word with more low-half flags */
  with(flags: number): CloneFlags {
    return new CloneFlags(this.lo | flags, this.hi);
  }

  /** the word as one number, for KernelEvent.flags (with the exit signal in the low byte) */
  toNumber(exitSignal = 0): number {
    return join64(this.lo | (exitSignal & CSIGNAL), this.hi);
  }
}

/** flags as strace names them: CLONE_VM|CLONE_FS|...|unknown bits in hex|exit signal; under the
 *  2.6 personality bit 0x02000000 is CLONE_STOPPED (strace of that era named it so) */
export function cloneFlagNames(lo: number, hi: number, linux26 = false): string {
  const names: string[] = [];
  let restLo = (lo & ~CSIGNAL) >>> 0;
  let restHi = hi >>> 0;
  for (const [bit, name] of LOW_NAMES) {
    if (lo & bit) {
      names.push(linux26 && bit === CLONE_NEWCGROUP ? "CLONE_STOPPED" : name);
      restLo = (restLo & ~bit) >>> 0;
    }
  }
  for (const [bit, name] of HIGH_NAMES) {
    if (hi & bit) {
      names.push(name);
      restHi = (restHi & ~bit) >>> 0;
    }
  }
  if (restLo !== 0 || restHi !== 0) names.push("0x" + hex64(restLo, restHi));
  const sig = lo & CSIGNAL;
  if (sig) names.push(signalName(sig));
  return names.join("|") || "0";
}

/**
 * The rules for getting new namespaces that clone, clone3 and unshare share, in Linux's order
 * (create_user_ns, then copy_namespaces' CAP_SYS_ADMIN check, then create_pid_namespace), and
 * the namespace-type check of setns with a pidfd (check_setns_flags): null when t may.
 */
export function checkNamespaceCreation(t: Task, f: CloneFlags, op: "clone" | "unshare" | "setns"): Refusal | null {
  if (op === "setns") {
    if (f.lo === 0 || (f.lo & ~(CLONE_NEW_ANY & ~CLONE_NEWTIME)) !== 0) return { errno: EINVAL, reason: "setns needs one or more CLONE_NEW* flags and no others" };
    return null;
  }
  return checkNewUserns(t, f) ?? checkOtherNamespaces(t, f, op);
}

/** create_user_ns's rules (clone reaches them in copy_creds, before the process limits) */
export function checkNewUserns(t: Task, f: CloneFlags): Refusal | null {
  if (f.has(CLONE_NEWUSER)) {
    if (t.cred.userns.level + 1 > 32) return { errno: EUSERS, reason: "user namespaces nest at most 32 deep" };
    if (fromKernel(t.cred.userns.uidMap, t.cred.euid) < 0 || fromKernel(t.cred.userns.gidMap, t.cred.egid) < 0)
      return { errno: EPERM, reason: "the caller's effective ids are not mapped in its user namespace" };
    if (chrooted(t.fs, t.nsproxy.mnt)) return { errno: EPERM, reason: "a chrooted process cannot create a user namespace" };
  }
  return null;
}

/** copy_namespaces' and copy_pid_ns's rules for the other namespaces (clone reaches them after
 *  the process limits) */
export function checkOtherNamespaces(t: Task, f: CloneFlags, op: "clone" | "unshare"): Refusal | null {
  // with CLONE_NEWUSER the other namespaces belong to the new user namespace, where the caller has every capability
  if (f.has(CLONE_NEW_ANY & ~CLONE_NEWUSER) && !f.has(CLONE_NEWUSER) && !t.can(CAP_SYS_ADMIN))
    return { errno: EPERM, reason: "creating namespaces other than user namespaces requires CAP_SYS_ADMIN" };
  // copy_namespaces, after its capability check: CLONE_SYSVSEM shares an undo list the new ipc
  // namespace could not reach (unshare has no such rule: there CLONE_SYSVSEM unshares the list)
  if (op === "clone" && f.has(CLONE_NEWIPC) && f.has(CLONE_SYSVSEM)) return { errno: EINVAL, reason: "CLONE_NEWIPC cannot be combined with CLONE_SYSVSEM" };
  if (f.has(CLONE_NEWPID)) {
    if (t.nsproxy.pidForChildren !== t.pidns)
      return { errno: EINVAL, reason: op === "clone" ? "CLONE_NEWPID after unshare(CLONE_NEWPID)" : "unshare(CLONE_NEWPID) again before a child was created" };
    if (t.nsproxy.pidForChildren.level + 1 > MAX_PID_NS_LEVEL) return { errno: ENOSPC, reason: "pid namespaces nest at most 32 deep" };
  }
  return null;
}
