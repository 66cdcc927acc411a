// Resource limits (Linux: include/uapi/asm-generic/resource.h, include/asm-generic/resource.h
// INIT_RLIMITS): the numbers, a boot system's defaults, and reading one (task_rlimit).

import type { Task } from "./task.js";

export const RLIMIT_CPU = 0, RLIMIT_FSIZE = 1, RLIMIT_DATA = 2, RLIMIT_STACK = 3, RLIMIT_CORE = 4, RLIMIT_RSS = 5,
  RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7, RLIMIT_MEMLOCK = 8, RLIMIT_AS = 9, RLIMIT_LOCKS = 10, RLIMIT_SIGPENDING = 11,
  RLIMIT_MSGQUEUE = 12, RLIMIT_NICE = 13, RLIMIT_RTPRIO = 14, RLIMIT_RTTIME = 15;
export const RLIM_NLIMITS = 16;

/** replaced, never changed in place, so that fork can share them (setrlimit stores a new one) */
export interface RLimit {
  readonly cur: number;
  readonly max: number;
}
export const RLIM_INFINITY = Number.MAX_SAFE_INTEGER;

/** the limits of init and the first program: what a booted system gives its processes */
export function defaultRlimits(): RLimit[] {
  const inf = { cur: RLIM_INFINITY, max: RLIM_INFINITY };
  const l: RLimit[] = [];
  for (let i = 0; i < RLIM_NLIMITS; i++) l.push({ ...inf });
  l[RLIMIT_STACK] = { cur: 8 << 20, max: RLIM_INFINITY };
  l[RLIMIT_CORE] = { cur: 0, max: RLIM_INFINITY };
  l[RLIMIT_NPROC] = { cur: 63448, max: 63448 };
  l[RLIMIT_NOFILE] = { cur: 1024, max: 1048576 };
  l[RLIMIT_MEMLOCK] = { cur: 8 << 20, max: 8 << 20 };
  l[RLIMIT_SIGPENDING] = { cur: 63448, max: 63448 };
  l[RLIMIT_MSGQUEUE] = { cur: 819200, max: 819200 };
  l[RLIMIT_NICE] = { cur: 0, max: 0 };
  l[RLIMIT_RTPRIO] = { cur: 0, max: 0 };
  return l;
}

/** the soft limit of a resource for t's process (Linux: task_rlimit, rlimit) */
export function rlimit(t: Task, resource: number): number {
  return t.group.rlimits[resource].cur;
}
