// The 2.6 personality's do_fork (Linux 2.6.27-2.6.37 kernel/fork.c, the listing of the seeds):
// the preliminary checks before copy_process, CLONE_STOPPED's deprecation line and its stopped
// start, and the namespace rules of that copy_process (copy_namespaces, copy_pid_ns).

import * as E from "../base/errno.js";
import { refuse, type Refusal } from "../base/errno.js";
import { INIT_USER_NS } from "../cred/userns.js";
import { CAP_SETGID, CAP_SETUID, CAP_SYS_ADMIN } from "../cred/capability.js";
import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import { SIGSTOP, SI_USER } from "./signals.js";
import {
  CLONE_FS, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUSER, CLONE_NEWUTS, CLONE_PARENT, CLONE_SIGHAND, CLONE_SYSVSEM,
  CLONE_THREAD, CLONE_VM, checkNewUserns, checkOtherNamespaces,
} from "./cloneflags.js";
import { processLimits, type CloneArgs } from "./fork.js";
import { CLONE_STOPPED } from "./personality.js";
import { KERN_INFO, printk, printkRatelimit } from "./printk.js";

/**
 * 2.6's checks in its order, instead of 6.x's (fork.ts validate): do_fork's "before we actually
 * start allocating stuff", then copy_process's, then copy_namespaces' and copy_pid_ns's (read in
 * 2.6.3x kernel/fork.c do_fork/copy_process and kernel/nsproxy.c copy_namespaces); null when the
 * clone may go on. The 6.x-only rules (CLONE_NEWUSER|CLONE_FS, CLONE_PIDFD, clone3's) do not apply.
 */
export function doFork26(k: Kernel, parent: Task, a: CloneArgs): Refusal | null {
  const f = a.flags;
  // do_fork: if (clone_flags & CLONE_NEWUSER) { if (clone_flags & CLONE_THREAD) return -EINVAL;
  //   if (!capable(CAP_SYS_ADMIN) || !capable(CAP_SETUID) || !capable(CAP_SETGID)) return -EPERM; }
  if (f.has(CLONE_NEWUSER)) {
    if (f.has(CLONE_THREAD)) return refuse(E.EINVAL, "CLONE_NEWUSER cannot be combined with CLONE_THREAD (2.6 do_fork)");
    if (!parent.can(CAP_SYS_ADMIN, INIT_USER_NS) || !parent.can(CAP_SETUID, INIT_USER_NS) || !parent.can(CAP_SETGID, INIT_USER_NS))
      return refuse(E.EPERM, "CLONE_NEWUSER needs CAP_SYS_ADMIN, CAP_SETUID and CAP_SETGID (2.6 do_fork)");
  }
  // "We hope to recycle these flags after 2.6.26": static int count = 100;
  //   if (count > 0 && printk_ratelimit()) { count--; printk(KERN_INFO "fork(): process `%s' used
  //   deprecated clone flags 0x%lx\n", get_task_comm(comm, current), clone_flags & CLONE_STOPPED); }
  if (a.stopped && k.cloneStoppedWarnings > 0 && printkRatelimit(k.log, k.clock.now, "do_fork")) {
    k.cloneStoppedWarnings--;
    printk(k.log, KERN_INFO, `fork(): process \`${parent.comm}' used deprecated clone flags 0x${CLONE_STOPPED.toString(16)}`);
  }
  // copy_process: if ((clone_flags & (CLONE_NEWNS|CLONE_FS)) == (CLONE_NEWNS|CLONE_FS)) return ERR_PTR(-EINVAL);
  if (f.has(CLONE_NEWNS) && f.has(CLONE_FS)) return refuse(E.EINVAL, "CLONE_NEWNS cannot be combined with CLONE_FS");
  // "Thread groups must share signals as well": CLONE_THREAD without CLONE_SIGHAND -> -EINVAL
  if (f.has(CLONE_THREAD) && !f.has(CLONE_SIGHAND)) return refuse(E.EINVAL, "CLONE_THREAD requires CLONE_SIGHAND");
  // "Shared signal handlers imply shared VM": CLONE_SIGHAND without CLONE_VM -> -EINVAL
  if (f.has(CLONE_SIGHAND) && !f.has(CLONE_VM)) return refuse(E.EINVAL, "CLONE_SIGHAND requires CLONE_VM");
  // "prevent global and container-inits from creating siblings": CLONE_PARENT from a task with
  // SIGNAL_UNKILLABLE -> -EINVAL
  if (f.has(CLONE_PARENT) && parent.pidns.init === parent.group.leader) return refuse(E.EINVAL, "CLONE_PARENT from the init of a pid namespace");
  // the user's RLIMIT_NPROC (unless CAP_SYS_ADMIN, CAP_SYS_RESOURCE or root), then nr_threads >= max_threads: -EAGAIN
  const lim = processLimits(k, parent);
  if (lim !== null) return lim;
  // copy_namespaces: if (!(flags & (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID |
  //   CLONE_NEWNET))) return 0; if (!capable(CAP_SYS_ADMIN)) err = -EPERM; then
  //   if ((flags & CLONE_NEWIPC) && (flags & CLONE_SYSVSEM)) err = -EINVAL
  if (f.has(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET)) {
    if (!parent.can(CAP_SYS_ADMIN, INIT_USER_NS)) return refuse(E.EPERM, "new namespaces need CAP_SYS_ADMIN (2.6 copy_namespaces)");
    if (f.has(CLONE_NEWIPC) && f.has(CLONE_SYSVSEM)) return refuse(E.EINVAL, "CLONE_NEWIPC cannot be combined with CLONE_SYSVSEM (2.6 copy_namespaces)");
  }
  // copy_pid_ns: if (flags & (CLONE_THREAD|CLONE_PARENT)) return ERR_PTR(-EINVAL)
  if (f.has(CLONE_NEWPID) && f.has(CLONE_THREAD | CLONE_PARENT))
    return refuse(E.EINVAL, "CLONE_NEWPID cannot be combined with CLONE_THREAD or CLONE_PARENT (2.6 copy_pid_ns)");
  // forkscope's own limits on nesting (2.6 had none that a user could reach this way)
  return checkNewUserns(parent, f) ?? checkOtherNamespaces(parent, f, "clone");
}

/** the end of 2.6 do_fork with CLONE_STOPPED: sigaddset(&p->pending.signal, SIGSTOP);
 *  set_tsk_thread_flag(p, TIF_SIGPENDING); __set_task_state(p, TASK_STOPPED) instead of
 *  wake_up_new_task: the child never runs until SIGCONT (which also discards the SIGSTOP) */
export function startStopped(child: Task): void {
  child.sig.pending.push({ signo: SIGSTOP, code: SI_USER });
  child.state = TaskState.Stopped;
  child.cloneStopped = true;
}
