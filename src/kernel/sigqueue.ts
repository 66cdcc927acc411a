// Queued signals counted per user against RLIMIT_SIGPENDING (Linux: kernel/signal.c
// __sigqueue_alloc and __sigqueue_free, kernel/ucount.c's UCOUNT_RLIMIT_SIGPENDING).

import type { Task } from "./task.js";
import type { SigInfo } from "./signals.js";
import { RLIMIT_SIGPENDING, rlimit } from "./rlimit.js";

/** one user's count of queued signals (Linux: a ucounts' UCOUNT_RLIMIT_SIGPENDING) */
export interface SigCount {
  n: number;
}

/** the counts by real uid (kuid), one map per kernel */
export type SigCounts = Map<number, SigCount>;

/** Count info as queued for the target's real user. Past the target's RLIMIT_SIGPENDING the
 *  signal gets no queue entry (false), unless `override` (kill()'s standard signals and the
 *  kernel's own, whose si_code >= 0): then it is counted anyway, as Linux does. */
export function sigqueueAlloc(counts: SigCounts, target: Task, info: SigInfo, override: boolean): boolean {
  const uid = target.cred.uid;
  let c = counts.get(uid);
  if (c === undefined) counts.set(uid, (c = { n: 0 }));
  if (!override && c.n + 1 > rlimit(target, RLIMIT_SIGPENDING)) return false;
  c.n++;
  info.queued = c;
  return true;
}

/** the signal left its queue (delivered, discarded or its task gone): uncount it once */
export function sigqueueFree(info: SigInfo): void {
  const c = info.queued;
  if (c === undefined) return;
  c.n--;
  info.queued = undefined;
}

/** the entries of `q` that `keep` keeps; the others are uncounted (Linux: flush_sigqueue_mask) */
export function flushSigqueue(q: SigInfo[], keep: (info: SigInfo) => boolean): SigInfo[] {
  const out: SigInfo[] = [];
  for (const info of q) {
    if (keep(info)) out.push(info);
    else sigqueueFree(info);
  }
  return out;
}
