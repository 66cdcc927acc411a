// Which Linux forkscope is: 6.x (the default) or the 2.6 kernel of the seeds (Linux 2.6.27-2.6.37's
// kernel/fork.c do_fork, where bit 0x02000000 is CLONE_STOPPED, since reused as CLONE_NEWCGROUP).

import { KERNEL_RELEASE, VERSION } from "../version.js";

export type Personality = "linux-6" | "linux-2.6";

export const PERSONALITIES: readonly Personality[] = ["linux-6", "linux-2.6"];

/** 2.6's CLONE_STOPPED (include/linux/sched.h of 2.6.37: "Start in stopped state") */
export const CLONE_STOPPED = 0x02000000;

/** the last 2.6 release that knew CLONE_STOPPED (2.6.38 removed it) */
export const KERNEL_RELEASE_26 = "2.6.37-forkscope";

/** uname -r and /proc/sys/kernel/osrelease */
export function kernelRelease(p: Personality): string {
  return p === "linux-2.6" ? KERNEL_RELEASE_26 : KERNEL_RELEASE;
}

/** uname -v (UTS_VERSION) */
export const KERNEL_VERSION_STRING = "#1 SMP forkscope";

/** init/version.c linux_banner: "Linux version RELEASE (BY@HOST) (COMPILER) UTS_VERSION" */
export function bootBanner(p: Personality): string {
  return `Linux version ${kernelRelease(p)} (forkscope@forkscope) (forkscope ${VERSION}, TypeScript) ${KERNEL_VERSION_STRING}`;
}

/** 2.6.37 unshare's flag check (kernel/fork.c sys_unshare: "Return -EINVAL for all unsupported
 *  flags"): CLONE_THREAD|CLONE_FS|CLONE_NEWNS|CLONE_SIGHAND|CLONE_VM|CLONE_FILES|CLONE_SYSVSEM|
 *  CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET */
export const UNSHARE_KNOWN_26 = 0x10000 | 0x200 | 0x20000 | 0x800 | 0x100 | 0x400 | 0x40000 | 0x04000000 | 0x08000000 | 0x40000000;

/** syscalls of forkscope's table that Linux 2.6.37 did not have (riscv64 numbers): 2.6 answers
 *  ENOSYS, and glibc falls back (clone3 to clone) as it does on an old kernel */
export const NEWER_THAN_26 = new Map<number, string>([
  [268, "setns (3.0)"],
  [424, "pidfd_send_signal (5.1)"],
  [434, "pidfd_open (5.3)"],
  [435, "clone3 (5.3)"],
  [438, "pidfd_getfd (5.6)"],
]);
