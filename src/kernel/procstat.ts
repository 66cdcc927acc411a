// /proc/PID/stat (Linux: fs/proc/array.c do_task_stat): the one-line record ps and job-control
// tests read. The fields forkscope has are filled (state, family, session, terminal, times,
// threads, memory layout, signal sets); the rest are 0 as for a kernel without that accounting.

import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import { PidNamespace, pidIn, viewId } from "./pidns.js";
import { SIG_DFL, SIG_IGN } from "./signals.js";
import { ttyNrOf, tpgidOf } from "./ttyhost.js";

/** clock ticks (USER_HZ 100) of virtual ns */
const ticks = (ns: number): number => Math.floor(ns / 10_000_000);

function sigset(bits: bigint): string {
  return BigInt.asUintN(64, bits).toString();
}

export function procStatLine(k: Kernel, t: Task, ns: PidNamespace, viewer: Task): string {
  const g = t.group;
  const mm = t.mm;
  const state = t.state === TaskState.Dead ? "X" : t.state;
  const parent = t.group.leader.parent ?? t.parent;
  let pending = 0n, ign = 0n, caught = 0n;
  for (const p of [...t.sig.pending, ...g.pending]) pending |= 1n << BigInt(p.signo - 1);
  t.sighand.actions.forEach((a, s) => {
    if (s === 0) return;
    if (a.handler === SIG_IGN) ign |= 1n << BigInt(s - 1);
    else if (a.handler !== SIG_DFL) caught |= 1n << BigInt(s - 1);
  });
  const vsize = mm ? mm.vmas.reduce((s, v) => s + (v.end - v.start), 0) : 0;
  const fields: (string | number)[] = [
    pidIn(t, ns), `(${t.comm})`, state, parent ? pidIn(parent.group.leader, ns) : 0,
    viewId(k, g.pgid, viewer), viewId(k, g.sid, viewer), ttyNrOf(t), tpgidOf(k, t, viewer),
    0, 0, 0, 0, 0, ticks(t.utime), ticks(t.stime * 1000), ticks(g.cutime), 0, 20, 0, g.live().length, 0,
    ticks(t.startTime), vsize, 0, "18446744073709551615", 0, 0, 0, 0, 0,
    sigset(pending), sigset(t.sig.blocked), sigset(ign), sigset(caught), 0, 0, 0, t.exitSignal < 0 ? 0 : t.exitSignal,
    0, 0, 0, 0, 0, 0, 0, 0, mm ? mm.brkStart : 0, mm ? mm.argStart : 0, mm ? mm.argEnd : 0, mm ? mm.envStart : 0, mm ? mm.envEnd : 0,
    t.state === TaskState.Zombie ? t.exitStatus : 0,
  ];
  return fields.join(" ") + "\n";
}
