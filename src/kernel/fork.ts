// Process and thread creation (Linux: kernel/fork.c kernel_clone / copy_process; the
// structure follows gVisor's task_clone.go): validate every flag combination first, each
// rejection with its reason; then per resource share it if the flag says so, else copy it;
// past the point of no return, publish and start the task.

import * as E from "../base/errno.js";
import type { Kernel } from "./kernel.js";
import { Task, TaskState, ThreadGroup } from "./task.js";
import { REG_A0, REG_SP, REG_TP } from "../cpu/regs.js";
import { recordTask } from "./tree.js";
import { openPidfd } from "./pidfd.js";
import { MAX_PID_NS_LEVEL, PidNamespace, vtid } from "./pidns.js";
import { CAP_FULL, CAP_SYS_ADMIN, INIT_USER_NS, UserNamespace, fromKernel } from "../cred/userns.js";
import { inheritTrace, PTRACE_EVENT_CLONE, PTRACE_EVENT_FORK, PTRACE_EVENT_VFORK } from "./ptrace.js";
import { SIGCHLD, signalName as sigName } from "./signals.js";
import { IpcNamespace, SemUndoList } from "./sem.js";
import { CgroupNamespace, NetNamespace, chrooted } from "./namespaces.js";
import { Cgroup, CgroupDir, attachCheck } from "../fs/cgroupfs.js";
import { IoContext } from "./iocontext.js";
import type { OpenFile } from "../fs/file.js";
import { forgetTask, newTask } from "./pid.js";

export const CSIGNAL = 0xff;
export const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_PIDFD = 0x1000,
  CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000,
  CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000,
  CLONE_DETACHED = 0x400000, CLONE_UNTRACED = 0x800000, CLONE_CHILD_SETTID = 0x1000000, CLONE_NEWCGROUP = 0x2000000,
  CLONE_NEWUTS = 0x4000000, CLONE_NEWIPC = 0x8000000, CLONE_NEWUSER = 0x10000000, CLONE_NEWPID = 0x20000000,
  CLONE_NEWNET = 0x40000000, CLONE_IO = 0x80000000;
export const CLONE_CLEAR_SIGHAND = 2 ** 32, CLONE_INTO_CGROUP = 2 ** 33;

export const CLONE_FLAG_NAMES: [number, string][] = [
  [CLONE_VM, "CLONE_VM"], [CLONE_FS, "CLONE_FS"], [CLONE_FILES, "CLONE_FILES"], [CLONE_SIGHAND, "CLONE_SIGHAND"],
  [CLONE_PIDFD, "CLONE_PIDFD"], [CLONE_PTRACE, "CLONE_PTRACE"], [CLONE_VFORK, "CLONE_VFORK"], [CLONE_PARENT, "CLONE_PARENT"],
  [CLONE_THREAD, "CLONE_THREAD"], [CLONE_NEWNS, "CLONE_NEWNS"], [CLONE_SYSVSEM, "CLONE_SYSVSEM"], [CLONE_SETTLS, "CLONE_SETTLS"],
  [CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID"], [CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID"], [CLONE_DETACHED, "CLONE_DETACHED"],
  [CLONE_UNTRACED, "CLONE_UNTRACED"], [CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"], [CLONE_NEWCGROUP, "CLONE_NEWCGROUP"],
  [CLONE_NEWUTS, "CLONE_NEWUTS"], [CLONE_NEWIPC, "CLONE_NEWIPC"], [CLONE_NEWUSER, "CLONE_NEWUSER"], [CLONE_NEWPID, "CLONE_NEWPID"],
  [CLONE_NEWNET, "CLONE_NEWNET"], [CLONE_IO, "CLONE_IO"], [CLONE_CLEAR_SIGHAND, "CLONE_CLEAR_SIGHAND"],
  [CLONE_INTO_CGROUP, "CLONE_INTO_CGROUP"],
];

const NAMESPACE_FLAGS = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;

export interface CloneArgs {
  /** flags without the exit signal byte (legacy clone packs it into the low byte) */
  flags: number;
  exitSignal: number;
  stack: number;
  parentTid: number;
  childTid: number;
  tls: number;
  /** where to store the pidfd (clone: parent_tid; clone3: pidfd) */
  pidfd: number;
  /** clone3 set_tid: the pid to use in each pid namespace level, innermost first */
  setTid: number[];
  cgroup: number;
}

const has = (flags: number, f: number) => Math.floor(flags / f) % 2 === 1;

/** the first rule the flags break (Linux: copy_process's checks), or null */
function validate(k: Kernel, parent: Task, a: CloneArgs): [number, string] | null {
  const f = a.flags;
  if (has(f, CLONE_NEWNS) && has(f, CLONE_FS)) return [E.EINVAL, "CLONE_NEWNS cannot be combined with CLONE_FS"];
  if (has(f, CLONE_NEWUSER) && has(f, CLONE_FS)) return [E.EINVAL, "CLONE_NEWUSER cannot be combined with CLONE_FS"];
  if (has(f, CLONE_THREAD) && !has(f, CLONE_SIGHAND)) return [E.EINVAL, "CLONE_THREAD requires CLONE_SIGHAND"];
  if (has(f, CLONE_SIGHAND) && !has(f, CLONE_VM)) return [E.EINVAL, "CLONE_SIGHAND requires CLONE_VM"];
  if (has(f, CLONE_PARENT) && parent.pidns.init === parent.group.leader)
    return [E.EINVAL, "CLONE_PARENT from the init of a pid namespace"];
  if (has(f, CLONE_THREAD) && (has(f, CLONE_NEWUSER) || has(f, CLONE_NEWPID)))
    return [E.EINVAL, "CLONE_THREAD cannot be combined with CLONE_NEWUSER or CLONE_NEWPID"];
  if (has(f, CLONE_THREAD) && parent.pidnsChildren !== parent.pidns)
    return [E.EINVAL, "CLONE_THREAD after unshare(CLONE_NEWPID): children would live in another pid namespace"];
  if (has(f, CLONE_NEWIPC) && has(f, CLONE_SYSVSEM)) return [E.EINVAL, "CLONE_NEWIPC cannot be combined with CLONE_SYSVSEM"];
  if (has(f, CLONE_PIDFD) && has(f, CLONE_DETACHED)) return [E.EINVAL, "CLONE_PIDFD cannot be combined with CLONE_DETACHED"];
  if (has(f, CLONE_SIGHAND) && has(f, CLONE_CLEAR_SIGHAND)) return [E.EINVAL, "CLONE_CLEAR_SIGHAND cannot be combined with CLONE_SIGHAND"];
  // with CLONE_NEWUSER the other namespaces belong to the new user namespace, where the child has every capability
  if ((f & NAMESPACE_FLAGS & ~CLONE_NEWUSER) !== 0 && (f & CLONE_NEWUSER) === 0 && !parent.can(CAP_SYS_ADMIN))
    return [E.EPERM, "creating namespaces other than user namespaces requires CAP_SYS_ADMIN"];
  if (has(f, CLONE_NEWUSER)) {
    if (parent.userns.level + 1 > 32) return [E.EUSERS, "user namespaces nest at most 32 deep"];
    if (fromKernel(parent.userns.uidMap, parent.euid) < 0 || fromKernel(parent.userns.gidMap, parent.egid) < 0)
      return [E.EPERM, "the caller's effective ids are not mapped in its user namespace"];
    if (chrooted(parent.fs, parent.mntns)) return [E.EPERM, "a chrooted process cannot create a user namespace"];
  }
  if (has(f, CLONE_NEWPID)) {
    if (parent.pidnsChildren !== parent.pidns) return [E.EINVAL, "CLONE_NEWPID after unshare(CLONE_NEWPID)"];
    if (parent.pidnsChildren.level + 1 > MAX_PID_NS_LEVEL) return [E.ENOSPC, "pid namespaces nest at most 32 deep"];
  }
  // a fork bomb ends here, not in the host's memory (Linux: threads-max)
  if (k.tasks.size >= k.maxTasks) return [E.EAGAIN, "the kernel's task limit (threads-max) is reached"];
  // counting the user's processes is only needed when the limit is below the number of tasks
  let procs = 0;
  if (parent.group.rlimits[6].cur < k.tasks.size)
    for (const t of k.tasks.values()) if (t.regs !== null && t.uid === parent.uid && t.state !== TaskState.Dead) procs++;
  if (procs >= parent.group.rlimits[6].cur && parent.uid !== 0 && !parent.can(24, INIT_USER_NS) && !parent.can(CAP_SYS_ADMIN, INIT_USER_NS)) return [E.EAGAIN, "RLIMIT_NPROC reached"];
  return null;
}

/** Linux kernel_clone: returns the child's tid or -errno (k.reason says why) */
export function kernelClone(k: Kernel, parent: Task, a: CloneArgs): Task | number {
  const bad = validate(k, parent, a);
  if (bad !== null) {
    k.reason = bad[1];
    return -bad[0];
  }
  const f = a.flags;
  const isThread = has(f, CLONE_THREAD);
  // CLONE_INTO_CGROUP: the cgroup directory fd names the child's cgroup (Linux: cgroup_css_set_fork)
  let cgroup: Cgroup | null = null;
  if (has(f, CLONE_INTO_CGROUP)) {
    const cf = parent.files.get(a.cgroup);
    if (cf === null) return -E.EBADF;
    if (!(cf.node instanceof CgroupDir)) return -E.EBADF;
    cgroup = cf.node.cg;
    if (cgroup.dead) return -E.ENOENT;
    // as if the parent wrote the child's pid to cgroup.procs (a thread's: cgroup.threads)
    const e = attachCheck(parent.group.cgroup, cgroup, !isThread);
    if (e !== 0) return e;
  }
  if (!(cgroup ?? parent.group.cgroup).forkAllowed()) {
    k.reason = "pids.max of the cgroup reached";
    return -E.EAGAIN;
  }
  // the pidfd is the last thing that can fail (EMFILE, EFAULT); Linux also takes it before the point of no return
  let pidfdNum = -1;
  let pidfdFile: OpenFile | null = null;
  const regs = parent.regs!.copy();
  // a new pid namespace is owned by the child's user namespace (the new one with CLONE_NEWUSER)
  const ns = has(f, CLONE_NEWPID) ? new PidNamespace(parent.pidnsChildren, parent.userns) : parent.pidnsChildren;
  const made = newTask(k, null, regs, parent.comm, ns, a.setTid);
  if (typeof made === "number") return made;
  const child = made;
  if (has(f, CLONE_PIDFD)) {
    pidfdFile = openPidfd(child, 0);
    pidfdNum = parent.files.alloc(pidfdFile, true, 0, parent.group.rlimits[7].cur);
    if (pidfdNum < 0 || !parent.mm!.writeU32(a.pidfd, pidfdNum)) {
      pidfdFile = null;
      const err = pidfdNum < 0 ? pidfdNum : -E.EFAULT;
      if (pidfdNum >= 0) parent.files.close(pidfdNum);
      forgetTask(k, child);
      k.reason = err === -E.EFAULT ? "cannot store the pidfd" : "no free file descriptor for the pidfd";
      return err;
    }
  }

  // per resource: share when the flag says so, else copy (copy_mm, copy_files, copy_fs, copy_sighand, copy_signal)
  if (has(f, CLONE_VM)) {
    child.mm = parent.mm;
    child.mm!.users++;
  } else {
    child.mm = parent.mm!.fork();
  }
  if (has(f, CLONE_FILES)) {
    child.files = parent.files;
    child.files.users++;
  } else {
    child.files = parent.files.copy();
  }
  if (has(f, CLONE_FS)) {
    child.fs = parent.fs;
    child.fs.users++;
  } else {
    child.fs = parent.fs.copy();
  }
  if (has(f, CLONE_SIGHAND)) {
    child.sighand = parent.sighand;
    child.sighand.users++;
  } else {
    child.sighand = parent.sighand.copy();
    if (has(f, CLONE_CLEAR_SIGHAND)) child.sighand.resetForExec();
  }
  if (has(f, CLONE_SYSVSEM)) {
    child.semUndo = parent.semUndo;
    child.semUndo.users++;
  } else {
    child.semUndo = new SemUndoList();
  }
  if (has(f, CLONE_IO)) {
    child.io = parent.io;
    child.io.users++;
  } else {
    child.io = new IoContext(parent.io.ioprio);
  }
  if (isThread) {
    child.group = parent.group;
  } else {
    child.group = new ThreadGroup(child, parent.group.pgid, parent.group.sid, parent.group.rlimits.slice());
    child.group.joinCgroup(cgroup ?? parent.group.cgroup);
  }
  child.group.threads.push(child);
  child.blocked = parent.blocked;
  // the alternate signal stack is inherited, except by threads sharing the address space
  child.altstack = has(f, CLONE_VM) && !has(f, CLONE_VFORK) ? { sp: 0, size: 0, flags: 2 } : { ...parent.altstack };
  copyCreds(child, parent);
  if (has(f, CLONE_NEWUSER)) enterNewUserns(child, parent.mntns);
  if (has(f, CLONE_NEWPID)) ns.owner = child.userns;
  // copy_namespaces: each namespace is shared unless its CLONE_NEW* flag asks for a new one
  child.utsns = has(f, CLONE_NEWUTS) ? parent.utsns.copy(child.userns) : parent.utsns;
  child.ipcns = has(f, CLONE_NEWIPC) ? new IpcNamespace(child.userns) : parent.ipcns;
  child.mntns = has(f, CLONE_NEWNS) ? parent.mntns.copy(child.userns, child.fs) : parent.mntns;
  child.netns = has(f, CLONE_NEWNET) ? new NetNamespace(child.userns) : parent.netns;
  // a new cgroup namespace is rooted at the child's cgroup, also one CLONE_INTO_CGROUP chose
  // (Linux: cgroup_post_fork)
  child.cgroupns = has(f, CLONE_NEWCGROUP) ? new CgroupNamespace(child.userns, child.group.cgroup) : parent.cgroupns;

  // ---- no failure after this point ----
  const realParent = isThread || has(f, CLONE_PARENT) ? parent.parent! : parent;
  child.parent = realParent;
  realParent.children.push(child);
  child.exitSignal = isThread ? -1 : has(f, CLONE_PARENT) ? parent.group.leader.exitSignal : a.exitSignal;

  // the child returns 0 from clone, on its new stack, with its TLS
  regs.set(REG_A0, 0);
  regs.pc += 4;
  if (a.stack !== 0) regs.set(REG_SP, a.stack);
  if (has(f, CLONE_SETTLS)) regs.set(REG_TP, a.tls);
  if (has(f, CLONE_CHILD_CLEARTID)) child.clearChildTid = a.childTid;
  if (has(f, CLONE_PARENT_SETTID)) parent.mm!.writeU32(a.parentTid, vtid(child, parent));
  if (has(f, CLONE_CHILD_SETTID)) child.mm!.writeU32(a.childTid, vtid(child, child));
  if (has(f, CLONE_VFORK)) child.vforkParent = parent;
  const event = has(f, CLONE_VFORK) ? PTRACE_EVENT_VFORK : a.exitSignal !== SIGCHLD ? PTRACE_EVENT_CLONE : PTRACE_EVENT_FORK;
  inheritTrace(k, parent, child, event, has(f, CLONE_PTRACE), has(f, CLONE_UNTRACED));

  recordTask(k, child, () => cloneFlagNames(f + (a.exitSignal & 0xff)));
  k.emit({ type: "task-created", pid: child.tgid, tid: child.tid, parent: parent.tid, flags: f + (a.exitSignal & 0xff) });
  k.sched.makeRunnable(child);
  return child;
}

export function cloneFlagNames(flags: number): string {
  const names: string[] = [];
  let rest = flags;
  for (const [bit, name] of CLONE_FLAG_NAMES) {
    if (has(flags, bit)) {
      names.push(name);
      rest -= bit;
    }
  }
  const sig = rest % 256;
  rest -= sig;
  if (rest !== 0) names.push("0x" + rest.toString(16));
  if (sig) names.push(sigName(sig));
  return names.join("|") || "0";
}

export function copyCreds(child: Task, parent: Task): void {
  child.uid = parent.uid;
  child.euid = parent.euid;
  child.suid = parent.suid;
  child.fsuid = parent.fsuid;
  child.gid = parent.gid;
  child.egid = parent.egid;
  child.sgid = parent.sgid;
  child.fsgid = parent.fsgid;
  child.groups = [...parent.groups];
  child.userns = parent.userns;
  child.capEff = parent.capEff;
  child.capPrm = parent.capPrm;
  child.capInh = parent.capInh;
  child.capBnd = parent.capBnd;
  child.capAmb = parent.capAmb;
  child.noNewPrivs = parent.noNewPrivs;
}

/** a new user namespace for t, owned by its effective ids, in which it has every capability
 *  (Linux: create_user_ns, set_cred_user_ns); a reason string when it may not */
export function enterNewUserns(t: Task, mntns = t.mntns): string | null {
  const parent = t.userns;
  if (parent.level + 1 > 32) return "user namespaces nest at most 32 deep";
  if (fromKernel(parent.uidMap, t.euid) < 0 || fromKernel(parent.gidMap, t.egid) < 0) return "the caller's ids are not mapped in its user namespace";
  if (chrooted(t.fs, mntns)) return "a chrooted process cannot create a user namespace";
  t.userns = new UserNamespace(parent, t.euid, t.egid);
  t.capEff = t.capPrm = t.capBnd = CAP_FULL;
  t.capInh = t.capAmb = 0n;
  return null;
}
