// Resource limits (Linux: include/uapi/asm-generic/resource.h, include/asm-generic/resource.h
// INIT_RLIMITS): the numbers, a boot system's defaults, and reading one (task_rlimit).

import type { Task } from "./task.js";

export const RLIMIT_CPU = 0, RLIMIT_FSIZE = 1, RLIMIT_DATA = 2, RLIMIT_STACK = 3, RLIMIT_CORE = 4, RLIMIT_RSS = 5,
  RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7, RLIMIT_MEMLOCK = 8, RLIMIT_AS = 9, RLIMIT_LOCKS = 10, RLIMIT_SIGPENDING = 11,
  RLIMIT_MSGQUEUE = 12, RLIMIT_NICE = 13, RLIMIT_RTPRIO = 14, RLIMIT_RTTIME = 15;
export const RLIM_NLIMITS = 16;

/** replaced, never changed in place, so that fork can share them (setrlimit stores a new one) */
export interface RLimit {
  /** unsigned longs, exact: any value up to 2^64 - 1 is stored and read back as given */
  readonly cur: bigint;
  readonly max: bigint;
}
/** Linux's RLIM_INFINITY on 64-bit: ~0UL */
export const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

/** the limits of init and the first program: what a booted system gives its processes */
export function defaultRlimits(): RLimit[] {
  const inf = { cur: RLIM_INFINITY, max: RLIM_INFINITY };
  const l: RLimit[] = [];
  for (let i = 0; i < RLIM_NLIMITS; i++) l.push({ ...inf });
  l[RLIMIT_STACK] = { cur: 8n << 20n, max: RLIM_INFINITY };
  l[RLIMIT_CORE] = { cur: 0n, max: RLIM_INFINITY };
  l[RLIMIT_NPROC] = { cur: 63448n, max: 63448n };
  l[RLIMIT_NOFILE] = { cur: 1024n, max: 1048576n };
  l[RLIMIT_MEMLOCK] = { cur: 8n << 20n, max: 8n << 20n };
  l[RLIMIT_SIGPENDING] = { cur: 63448n, max: 63448n };
  l[RLIMIT_MSGQUEUE] = { cur: 819200n, max: 819200n };
  l[RLIMIT_NICE] = { cur: 0n, max: 0n };
  l[RLIMIT_RTPRIO] = { cur: 0n, max: 0n };
  return l;
}

/** a limit as a number for comparing with a count that is always far below 2^53 (descriptors,
 *  processes, signals, seconds, bytes of a stack): exact up to 2^53 - 1, Infinity above (a limit
 *  that large, RLIM_INFINITY among them, is above every such count) */
export function rlimNum(v: bigint): number {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : Infinity;
}

/** the soft limit of a resource for t's process (Linux: task_rlimit, rlimit), as rlimNum gives it */
export function rlimit(t: Task, resource: number): number {
  return rlimNum(t.group.rlimits[resource].cur);
}

/** the soft limit exactly (RLIMIT_FSIZE against a file offset, which may exceed 2^53) */
export function rlimitExact(t: Task, resource: number): bigint {
  return t.group.rlimits[resource].cur;
}
