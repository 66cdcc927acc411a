// RLIMIT_CPU (Linux: kernel/time/posix-cpu-timers.c check_process_timers): a process whose
// CPU time reaches the soft limit gets SIGXCPU, and again each second after, and SIGKILL at
// the hard limit. CPU time is the virtual time its threads ran (1 ns per instruction).

import type { Kernel } from "./kernel.js";
import type { Task } from "./task.js";
import { RLIMIT_CPU, RLIM_INFINITY, rlimNum } from "./rlimit.js";
import { SIGKILL, SIGXCPU, SI_KERNEL } from "./signals.js";
import { sendToGroup } from "./sigdeliver.js";
import { NS_PER_SEC } from "./clock.js";

/** called by the scheduler after t ran: charge the process and apply its RLIMIT_CPU */
export function chargeCpu(k: Kernel, t: Task, ns: number): void {
  const g = t.group;
  g.cputime += ns;
  const lim = g.rlimits[RLIMIT_CPU];
  // seconds past 2^53 are never reached (rlimNum makes them Infinity)
  if (lim.cur === RLIM_INFINITY || g.cputime < rlimNum(lim.cur) * NS_PER_SEC) return;
  // at the hard limit, SIGKILL and nothing more (check_rlimit(ptime, hardns, SIGKILL, ...))
  if (lim.max !== RLIM_INFINITY && g.cputime >= rlimNum(lim.max) * NS_PER_SEC) {
    sendToGroup(k, g, { signo: SIGKILL, code: SI_KERNEL });
    return;
  }
  // at the soft limit, SIGXCPU every second: the soft limit itself moves on by one
  // (sig->rlim[RLIMIT_CPU].rlim_cur = soft + 1, visible to getrlimit)
  sendToGroup(k, g, { signo: SIGXCPU, code: SI_KERNEL });
  g.rlimits[RLIMIT_CPU] = { cur: lim.cur + 1n, max: lim.max };
}
