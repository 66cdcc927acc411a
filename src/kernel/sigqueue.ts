// Queued signals counted against RLIMIT_SIGPENDING per (user namespace, user), charged up the
// chain of user namespaces (Linux: kernel/signal.c __sigqueue_alloc, sig_get_ucounts and
// __sigqueue_free; kernel/ucount.c inc_rlimit_get_ucounts and dec_rlimit_put_ucounts).

import type { Task } from "./task.js";
import type { SigInfo } from "./signals.js";
import { RLIMIT_SIGPENDING, rlimit } from "./rlimit.js";
import type { UserNamespace } from "../cred/userns.js";

/** one user's count of queued signals in one user namespace (Linux: a ucounts'
 *  UCOUNT_RLIMIT_SIGPENDING) */
export interface SigCount {
  n: number;
  /** the count of the namespace's creator in the parent namespace (Linux: ns->ucounts), null
   *  in the initial namespace */
  parent: SigCount | null;
  /** what the parent's count may reach for this one to grow: the creator's RLIMIT_SIGPENDING
   *  when the namespace was made (Linux: get_userns_rlimit_max) */
  nsMax: number;
}

/** the counts by user namespace and real uid (kuid), one map per kernel */
export type SigCounts = Map<string, SigCount>;

/** the count of uid (a kuid) in user namespace ns (Linux: alloc_ucounts) */
function ucounts(counts: SigCounts, ns: UserNamespace, uid: number): SigCount {
  const key = `${ns.id}:${uid}`;
  let c = counts.get(key);
  if (c === undefined) {
    c = { n: 0, parent: ns.parent ? ucounts(counts, ns.parent, ns.ownerUid) : null, nsMax: ns.sigpendingMax };
    counts.set(key, c);
  }
  return c;
}

/** one more queued signal for task t's real user: its count, or null past a limit. Unless
 *  `override`, the task's own count may not pass its RLIMIT_SIGPENDING and each ancestor's count
 *  may not pass the limit its child namespace was created with (inc_rlimit_get_ucounts, then
 *  the task_rlimit check of sig_get_ucounts) */
function charge(counts: SigCounts, t: Task, override: boolean): SigCount | null {
  const c = ucounts(counts, t.cred.userns, t.cred.uid);
  if (!override) {
    if (c.n + 1 > rlimit(t, RLIMIT_SIGPENDING)) return null;
    for (let it = c; it.parent !== null; it = it.parent) if (it.parent.n + 1 > it.nsMax) return null;
  }
  for (let it: SigCount | null = c; it !== null; it = it.parent) it.n++;
  return c;
}

/** one queued signal fewer on c's chain (dec_rlimit_put_ucounts) */
export function uncharge(c: SigCount): void {
  for (let it: SigCount | null = c; it !== null; it = it.parent) it.n--;
}

/** a POSIX timer's signal entry, made at timer_create and charged to its creator until the
 *  timer is deleted (Linux: posixtimer_init_sigqueue, SIGQUEUE_PREALLOC); null: EAGAIN */
export function sigqueuePrealloc(counts: SigCounts, t: Task): SigCount | null {
  return charge(counts, t, false);
}

/** the signals queued for task t's user as /proc/PID/status's SigQ counts them */
export function sigpendingCount(counts: SigCounts, t: Task): number {
  return counts.get(`${t.cred.userns.id}:${t.cred.uid}`)?.n ?? 0;
}

/** Count info as queued for the target's real user. Past a limit (see charge) the signal gets
 *  no queue entry (false), unless `override` (kill()'s standard signals and the kernel's own,
 *  whose si_code >= 0): then it is counted anyway, as Linux does. */
export function sigqueueAlloc(counts: SigCounts, target: Task, info: SigInfo, override: boolean): boolean {
  const c = charge(counts, target, override);
  if (c === null) return false;
  info.queued = c;
  return true;
}

/** the signal left its queue (delivered, discarded or its task gone): uncount it once */
export function sigqueueFree(info: SigInfo): void {
  const c = info.queued;
  if (c === undefined) return;
  uncharge(c);
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
