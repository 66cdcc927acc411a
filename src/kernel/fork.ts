// Process and thread creation (Linux: kernel/fork.c kernel_clone / copy_process; the
// structure follows gVisor's task_clone.go): validate every flag combination first, each
// rejection with its reason; then per resource share it if the flag says so, else copy it;
// past the point of no return, publish and start the task.

import * as E from "../base/errno.js";
import type { Refusal } from "../base/errno.js";
import type { Kernel } from "./kernel.js";
import { NO_ALTSTACK, Task, TaskState } from "./task.js";
import { REG_A0, REG_SP, REG_TP } from "../cpu/regs.js";
import { recordTask } from "./tree.js";
import { openPidfd } from "./pidfd.js";
import { PidNamespace, vtid } from "./pidns.js";
import { INIT_USER_NS } from "../cred/userns.js";
import { CAP_SYS_ADMIN, CAP_SYS_RESOURCE } from "../cred/capability.js";
import { inheritTrace, PTRACE_EVENT_CLONE, PTRACE_EVENT_FORK, PTRACE_EVENT_VFORK } from "./ptrace.js";
import { SIGCHLD } from "./signals.js";
import { IpcNamespace, SemUndoList } from "./sem.js";
import { CgroupNamespace, NetNamespace } from "./namespaces.js";
import { Cgroup, CgroupDir, attachCheck } from "../fs/cgroupfs.js";
import { IoContext } from "./iocontext.js";
import type { OpenFile } from "../fs/file.js";
import { allocPids, attachTask, forgetTask } from "./pid.js";
import { NsProxy } from "./nsproxy.js";
import { Creds, commitCreds, credsInNewUserns } from "../cred/cred.js";
import type { FsInfo } from "../fs/path.js";
import { RLIMIT_NOFILE, RLIMIT_NPROC, rlimit } from "./rlimit.js";
import {
  CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID, CLONE_CLEAR_SIGHAND_HI, CLONE_DETACHED, CLONE_FILES, CLONE_FS, CLONE_INTO_CGROUP_HI, CLONE_IO,
  CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUSER, CLONE_NEWUTS, CLONE_PARENT, CLONE_PARENT_SETTID,
  CLONE_PIDFD, CLONE_PTRACE, CLONE_SETTLS, CLONE_SIGHAND, CLONE_SYSVSEM, CLONE_THREAD, CLONE_UNTRACED, CLONE_VFORK, CLONE_VM, CSIGNAL,
  CLONE_NEW_ANY, CloneFlags, checkNewUserns, checkOtherNamespaces, cloneFlagNames,
} from "./cloneflags.js";
import { refuse } from "../base/errno.js";
import { doFork26, startStopped } from "./fork26.js";
import { CLONE_STOPPED } from "./personality.js";

export interface CloneArgs {
  /** flags without the exit signal byte (legacy clone packs it into the low byte) */
  flags: CloneFlags;
  exitSignal: number;
  /** the child's stack pointer and thread pointer: register values, kept exactly (0n: keep the
   *  parent's sp) */
  stack: bigint;
  parentTid: number;
  childTid: number;
  tls: bigint;
  /** where to store the pidfd (clone: parent_tid; clone3: pidfd) */
  pidfd: number;
  /** clone3 set_tid: the pid to use in each pid namespace level, innermost first */
  setTid: number[];
  cgroup: number;
  /** 2.6's CLONE_STOPPED (personality linux-2.6): the child starts stopped, SIGSTOP pending */
  stopped?: boolean;
}

/** the first rule the flags break (Linux: copy_process's checks), or null */
function validate(k: Kernel, parent: Task, f: CloneFlags): Refusal | null {
  const refuse = (errno: number, reason: string): Refusal => ({ errno, reason });
  if (f.has(CLONE_NEWNS) && f.has(CLONE_FS)) return refuse(E.EINVAL, "CLONE_NEWNS cannot be combined with CLONE_FS");
  if (f.has(CLONE_NEWUSER) && f.has(CLONE_FS)) return refuse(E.EINVAL, "CLONE_NEWUSER cannot be combined with CLONE_FS");
  if (f.has(CLONE_THREAD) && !f.has(CLONE_SIGHAND)) return refuse(E.EINVAL, "CLONE_THREAD requires CLONE_SIGHAND");
  if (f.has(CLONE_SIGHAND) && !f.has(CLONE_VM)) return refuse(E.EINVAL, "CLONE_SIGHAND requires CLONE_VM");
  if (f.has(CLONE_PARENT) && parent.pidns.init === parent.group.leader)
    return refuse(E.EINVAL, "CLONE_PARENT from the init of a pid namespace");
  if (f.has(CLONE_THREAD) && f.has(CLONE_NEWUSER | CLONE_NEWPID))
    return refuse(E.EINVAL, "CLONE_THREAD cannot be combined with CLONE_NEWUSER or CLONE_NEWPID");
  if (f.has(CLONE_THREAD) && parent.nsproxy.pidForChildren !== parent.pidns)
    return refuse(E.EINVAL, "CLONE_THREAD after unshare(CLONE_NEWPID): children would live in another pid namespace");
  if (f.has(CLONE_PIDFD) && f.has(CLONE_DETACHED)) return refuse(E.EINVAL, "CLONE_PIDFD cannot be combined with CLONE_DETACHED");
  if (f.has(CLONE_SIGHAND) && f.hasHigh(CLONE_CLEAR_SIGHAND_HI)) return refuse(E.EINVAL, "CLONE_CLEAR_SIGHAND cannot be combined with CLONE_SIGHAND");
  // then in copy_process's order: copy_creds (a new user namespace), the process limits,
  // copy_namespaces (CAP_SYS_ADMIN, CLONE_NEWIPC|CLONE_SYSVSEM, the pid namespace's rules)
  return checkNewUserns(parent, f) ?? processLimits(k, parent) ?? checkOtherNamespaces(parent, f, "clone");
}

/** copy_process's RLIMIT_NPROC check, then threads-max: EAGAIN */
export function processLimits(k: Kernel, parent: Task): Refusal | null {
  // counting the user's processes is only needed when the limit is below the number of tasks
  const nproc = rlimit(parent, RLIMIT_NPROC);
  let procs = 0;
  if (nproc < k.tasks.size)
    for (const t of k.tasks.values()) if (t.regs !== null && t.cred.uid === parent.cred.uid && t.state !== TaskState.Dead) procs++;
  if (procs >= nproc && parent.cred.uid !== 0 && !parent.can(CAP_SYS_RESOURCE, INIT_USER_NS) && !parent.can(CAP_SYS_ADMIN, INIT_USER_NS))
    return refuse(E.EAGAIN, "RLIMIT_NPROC reached");
  // a fork bomb ends here, not in the host's memory (Linux: threads-max)
  if (k.tasks.size >= k.maxTasks) return refuse(E.EAGAIN, "the kernel's task limit (threads-max) is reached");
  return null;
}

/** host bytes a task takes (the task and the parts a new process copies: signal handlers, page
 *  table root, registers; measured), charged to guest memory (Linux: task_struct and kernel stack) */
export const TASK_BYTES = 6144;

/** Linux kernel_clone: the child, -errno, or a Refusal that says why */
export function kernelClone(k: Kernel, parent: Task, a: CloneArgs): Task | number | Refusal {
  // the 2.6 personality has its own rules and order (fork26.ts) instead of 6.x's
  const bad = k.personality === "linux-2.6" ? doFork26(k, parent, a) : validate(k, parent, a.flags);
  if (bad !== null) return bad;
  const f = a.flags;
  // the child's memory, before anything is made (Linux: dup_task_struct's -ENOMEM); the VMAs and
  // descriptor table a process copies are charged with it
  const cost = TASK_BYTES + (f.has(CLONE_FILES) ? 0 : parent.files.bytes) + (f.has(CLONE_VM) ? 0 : parent.mm!.vmaBytes);
  if (!k.frames.charge(cost)) return refuse(E.ENOMEM, "guest memory is full (the new task's structures)");
  const charged = TASK_BYTES;
  const r = cloneCharged(k, parent, a, f);
  if (!(r instanceof Task)) k.frames.uncharge(cost);
  else {
    // the copies charged themselves: only the task's own part stays with it
    k.frames.uncharge(cost - charged);
    r.charged = charged;
  }
  return r;
}

function cloneCharged(k: Kernel, parent: Task, a: CloneArgs, f: CloneFlags): Task | number | Refusal {
  const isThread = f.has(CLONE_THREAD);
  // CLONE_INTO_CGROUP: the cgroup directory fd names the child's cgroup (Linux: cgroup_css_set_fork)
  let cgroup: Cgroup | null = null;
  if (f.hasHigh(CLONE_INTO_CGROUP_HI)) {
    const cf = parent.files.lookup(a.cgroup);
    if (cf === null) return -E.EBADF;
    if (!(cf.node instanceof CgroupDir)) return -E.EBADF;
    cgroup = cf.node.cg;
    if (cgroup.dead) return -E.ENOENT;
    // as if the parent wrote the child's pid to cgroup.procs (a thread's: cgroup.threads)
    const e = attachCheck(parent.group.cgroup, cgroup, !isThread);
    if (e !== 0) return e;
  }
  if (!(cgroup ?? parent.group.cgroup).forkAllowed()) {
    return refuse(E.EAGAIN, "pids.max of the cgroup reached");
  }
  const regs = parent.regs!.copy();
  // a new pid namespace is owned by the child's user namespace (the new one with CLONE_NEWUSER)
  const ns = f.has(CLONE_NEWPID) ? new PidNamespace(parent.nsproxy.pidForChildren, parent.cred.userns) : parent.nsproxy.pidForChildren;
  // set_tid's privilege check is not made here (caller null): an unprivileged clone3 may choose pids
  const pids = allocPids(null, ns, a.setTid);
  if (!Array.isArray(pids)) return pids;

  // per resource: share when the flag says so, else copy (copy_mm, copy_files, copy_fs, copy_sighand,
  // copy_signal, copy_io, copy_creds, copy_namespaces, copy_semundo)
  const mm = f.has(CLONE_VM) ? parent.mm!.get() : parent.mm!.fork();
  const files = f.has(CLONE_FILES) ? parent.files.get() : parent.files.copy();
  const fs = f.has(CLONE_FS) ? parent.fs.get() : parent.fs.copy();
  const sighand = f.has(CLONE_SIGHAND) ? parent.sighand.get() : parent.sighand.copy();
  if (f.hasHigh(CLONE_CLEAR_SIGHAND_HI)) sighand.resetForExec();
  const io = f.has(CLONE_IO) ? parent.io.get() : new IoContext(parent.io.ioprio);
  const childCgroup = isThread ? parent.group.cgroup : cgroup ?? parent.group.cgroup;
  const group = isThread
    ? parent.group
    : { pgid: parent.group.pgid, sid: parent.group.sid, rlimits: parent.group.rlimits.slice(), cgroup: childCgroup, joins: true, ctty: parent.group.tty.ctty };
  const cred = f.has(CLONE_NEWUSER) ? credsInNewUserns(parent.cred) : parent.cred;
  if (f.has(CLONE_NEWPID)) ns.owner = cred.userns;
  const nsproxy = copyNamespaces(parent, f, cred, fs, childCgroup, ns);
  const child = new Task({
    pids, pidns: ns, parent: null, regs, comm: parent.comm, group, mm, files, fs, sighand, io,
    // the semaphore undo list: shared with CLONE_SYSVSEM, else a new empty one (Linux: copy_semundo)
    semUndo: f.has(CLONE_SYSVSEM) ? parent.semUndo.get() : new SemUndoList(nsproxy.ipc),
    cred, nsproxy, exitSignal: isThread ? -1 : f.has(CLONE_PARENT) ? parent.group.leader.exitSignal : a.exitSignal,
    blocked: parent.sig.blocked,
    // the alternate signal stack is inherited, except by threads sharing the address space
    altstack: f.has(CLONE_VM) && !f.has(CLONE_VFORK) ? NO_ALTSTACK : { ...parent.sig.altstack },
    noNewPrivs: parent.noNewPrivs, kfn: null, startTime: k.clock.now, onWake: (w) => k.sched.makeRunnable(w),
  });
  attachTask(k, child);
  child.nice = parent.nice;
  if (!isThread) {
    child.group.oomScoreAdj = parent.group.oomScoreAdj;
    child.group.oomScoreAdjMin = parent.group.oomScoreAdjMin;
  }

  // the pidfd is the last thing that can fail (EMFILE, EFAULT), as in Linux (pidfd_prepare)
  let pidfdFile: OpenFile | null = null;
  if (f.has(CLONE_PIDFD)) {
    pidfdFile = openPidfd(child, 0);
    const pidfdNum = parent.files.alloc(pidfdFile, true, 0, rlimit(parent, RLIMIT_NOFILE));
    if (pidfdNum < 0 || !parent.mm!.writeU32(a.pidfd, pidfdNum)) {
      if (pidfdNum >= 0) parent.files.close(pidfdNum);
      forgetTask(k, child);
      putTaskResources(child);
      return pidfdNum < 0 ? refuse(-pidfdNum, "no free file descriptor for the pidfd") : refuse(E.EFAULT, "cannot store the pidfd");
    }
  }

  // ---- no failure after this point ----
  const realParent = isThread || f.has(CLONE_PARENT) ? parent.parent! : parent;
  child.parent = realParent;
  realParent.children.push(child);
  child.group.threads.push(child);

  // the child returns 0 from clone, on its new stack, with its TLS
  regs.set(REG_A0, 0);
  regs.pc += 4;
  if (a.stack !== 0n) regs.setBig(REG_SP, a.stack);
  if (f.has(CLONE_SETTLS)) regs.setBig(REG_TP, a.tls);
  if (f.has(CLONE_CHILD_CLEARTID)) child.clearChildTid = a.childTid;
  if (f.has(CLONE_PARENT_SETTID)) parent.mm!.writeU32(a.parentTid, vtid(child, parent));
  if (f.has(CLONE_CHILD_SETTID)) child.mm!.writeU32(a.childTid, vtid(child, child));
  if (f.has(CLONE_VFORK)) child.vforkParent = parent;
  const event = f.has(CLONE_VFORK) ? PTRACE_EVENT_VFORK : a.exitSignal !== SIGCHLD ? PTRACE_EVENT_CLONE : PTRACE_EVENT_FORK;
  inheritTrace(k, parent, child, event, f.has(CLONE_PTRACE), f.has(CLONE_UNTRACED));

  k.forks++;
  recordTask(k, child, () => cloneFlagNames(f.lo | (a.stopped ? CLONE_STOPPED : 0) | (a.exitSignal & CSIGNAL), f.hi, k.personality === "linux-2.6"), parent);
  k.emit({ type: "task-created", pid: child.tgid, tid: child.tid, parent: parent.tid, flags: f.toNumber(a.exitSignal) });
  k.tracer?.created(child);
  if (!isThread) {
    child.group.oomScoreAdj = parent.group.oomScoreAdj;
    child.group.oomScoreAdjMin = parent.group.oomScoreAdjMin;
  }
  if (a.stopped) startStopped(child);
  else k.sched.makeRunnable(child);
  return child;
}

/** the child's namespaces (Linux: copy_namespaces): the parent's, unless a CLONE_NEW* flag asks
 *  for a new one; a new namespace belongs to the child's user namespace */
function copyNamespaces(parent: Task, f: CloneFlags, cred: Creds, fs: FsInfo, cgroup: Cgroup, pidns: PidNamespace): NsProxy {
  const p = parent.nsproxy;
  if (!f.has(CLONE_NEW_ANY & ~CLONE_NEWUSER) && pidns === p.pidForChildren) return p.get();
  const owner = cred.userns;
  return new NsProxy({
    uts: f.has(CLONE_NEWUTS) ? p.uts.copy(owner) : p.uts,
    ipc: f.has(CLONE_NEWIPC) ? new IpcNamespace(owner) : p.ipc,
    mnt: f.has(CLONE_NEWNS) ? p.mnt.copy(owner, fs) : p.mnt,
    net: f.has(CLONE_NEWNET) ? new NetNamespace(owner) : p.net,
    // a new cgroup namespace is rooted at the child's cgroup, also one CLONE_INTO_CGROUP chose
    // (Linux: cgroup_post_fork)
    cgroup: f.has(CLONE_NEWCGROUP) ? new CgroupNamespace(owner, cgroup) : p.cgroup,
    pidForChildren: pidns,
  });
}

/** a clone that failed after the child's objects were made lets go of them */
function putTaskResources(t: Task): void {
  t.mm?.put();
  t.files.put();
  t.fs.put();
  t.sighand.put();
  t.io.put();
  t.semUndo.put(t.tid);
  t.nsproxy.put();
}

/** t enters a new user namespace owned by its effective ids, with every capability there
 *  (unshare(CLONE_NEWUSER)); checkNamespaceCreation said it may */
export function enterNewUserns(t: Task): void {
  commitCreds(t, credsInNewUserns(t.cred));
}
