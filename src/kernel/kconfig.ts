// The kernel configuration /proc/config.gz shows (Linux: kernel/configs.c, a .config file): the
// options of the kernel forkscope is. What a syscall makes available is "y" exactly when the
// syscall table has it, so a feature probe (zgrep CONFIG_FOO=y) gives a true answer as the
// table grows; the rest describes what this kernel is built from. Options it lacks are written
// "# CONFIG_FOO is not set", as a .config writes them.

import { KERNEL_RELEASE } from "../version.js";
import type { Kernel } from "./kernel.js";

/** options that exist exactly when their syscall is implemented */
const BY_SYSCALL: [string, string][] = [
  ["EVENTFD", "eventfd2"], ["EPOLL", "epoll_create1"], ["SIGNALFD", "signalfd4"], ["TIMERFD", "timerfd_create"],
  ["INOTIFY_USER", "inotify_init1"], ["FANOTIFY", "fanotify_init"], ["FHANDLE", "name_to_handle_at"], ["POSIX_MQUEUE", "mq_open"],
  ["SYSVIPC", "semget"], ["AIO", "io_setup"], ["IO_URING", "io_uring_setup"], ["SECCOMP", "seccomp"], ["BPF_SYSCALL", "bpf"],
  ["MEMBARRIER", "membarrier"], ["RSEQ", "rseq"], ["FILE_LOCKING", "flock"], ["CROSS_MEMORY_ATTACH", "process_vm_readv"],
  ["USERFAULTFD", "userfaultfd"], ["KCMP", "kcmp"], ["SWAP", "swapon"], ["ADVISE_SYSCALLS", "madvise"], ["POSIX_TIMERS", "timer_create"],
  ["MULTIUSER", "setuid"], ["SYSCTL_SYSCALL", "_sysctl"], ["PRINTK", "syslog"], ["NET", "socket"],
  ["UNIX", "socket"], ["MEMFD_CREATE", "memfd_create"], ["SECRETMEM", "memfd_secret"], ["CACHESTAT_SYSCALL", "cachestat"],
];

/** what forkscope is regardless of the table: namespaces, cgroups, filesystems, the CPU */
const FIXED: [string, string | null][] = [
  ["64BIT", "y"], ["RISCV", "y"], ["MMU", "y"], ["ARCH_RV64I", "y"], ["RISCV_ISA_C", "y"], ["FPU", "y"], ["PAGE_OFFSET", "0xff60000000000000"],
  ["SMP", null], ["CHECKPOINT_RESTORE", "y"], ["HZ_100", "y"], ["HZ", "100"], ["PREEMPT_NONE", "y"], ["HIGH_RES_TIMERS", "y"],
  ["LOCALVERSION", '"-forkscope"'], ["DEFAULT_HOSTNAME", '"forkscope"'],
  ["NAMESPACES", "y"], ["UTS_NS", "y"], ["TIME_NS", null], ["IPC_NS", "y"], ["USER_NS", "y"], ["PID_NS", "y"], ["NET_NS", "y"],
  ["CGROUPS", "y"], ["CGROUP_PIDS", "y"], ["MEMCG", null], ["BLK_CGROUP", null], ["CGROUP_SCHED", null], ["CPUSETS", null],
  ["CGROUP_FREEZER", null], ["CGROUP_DEVICE", null], ["CGROUP_CPUACCT", null], ["CGROUP_BPF", null],
  ["BINFMT_ELF", "y"], ["BINFMT_SCRIPT", "y"], ["BINFMT_MISC", null], ["COREDUMP", null], ["MODULES", null], ["KALLSYMS", null],
  ["PROC_FS", "y"], ["PROC_SYSCTL", "y"], ["PROC_PID_CPUSET", null], ["PROC_CHILDREN", null], ["IKCONFIG", "y"], ["IKCONFIG_PROC", "y"],
  ["SYSFS", "y"], ["TMPFS", "y"], ["SHMEM", "y"], ["DEVTMPFS", null], ["BLOCK", null], ["EXT4_FS", null], ["FUSE_FS", null], ["OVERLAY_FS", null],
  ["TASK_IO_ACCOUNTING", "y"], ["TASK_DELAY_ACCT", null], ["TASKSTATS", null], ["SCHED_AUTOGROUP", null], ["AUDIT", null],
  ["TRANSPARENT_HUGEPAGE", null], ["HUGETLBFS", null], ["ZSWAP", null], ["KSM", null], ["NUMA", null],
  ["INET", null], ["IPV6", null], ["PACKET", null], ["FUTEX", "y"], ["FUTEX_PI", null], ["RT_MUTEXES", null],
  ["TTY", "y"], ["VT", null], ["SECURITY", null], ["RANDOMIZE_BASE", null], ["COMPAT", null], ["PERF_EVENTS", null],
];

function has(k: Kernel, name: string): boolean {
  for (let nr = 0; nr < 512; nr++) if (k.syscalls.info(nr)?.name === name) return true;
  return false;
}

export function kernelConfig(k: Kernel): string {
  const line = (name: string, v: string | null) => (v === null ? `# CONFIG_${name} is not set\n` : `CONFIG_${name}=${v}\n`);
  let s = `#\n# Automatically generated file; DO NOT EDIT.\n# Linux/riscv ${KERNEL_RELEASE} Kernel Configuration\n#\n`;
  s += 'CONFIG_CC_VERSION_TEXT="forkscope (TypeScript)"\n';
  for (const [name, v] of FIXED) s += line(name, v);
  for (const [name, call] of BY_SYSCALL) s += line(name, has(k, call) ? "y" : null);
  return s;
}
