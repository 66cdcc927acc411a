// The OOM killer (Linux: mm/oom_kill.c): when a frame cannot be had because guest memory is
// full, the process with the largest badness (resident pages plus page tables, shifted by its
// oom_score_adj) is killed with SIGKILL and its memory comes back when it exits. One victim at a
// time: while the last one is still dying nobody else is chosen (Linux: tsk_is_oom_victim's abort).

import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import type { ThreadGroup } from "./group.js";
import type { Mm } from "../mm/mm.js";
import { PAGE_SIZE } from "../mm/frames.js";
import { SIGKILL } from "./signals.js";
import { sendToGroup } from "./sigdeliver.js";
import { KERN_ERR, KERN_INFO, KERN_WARNING, printk } from "./printk.js";

export const OOM_SCORE_ADJ_MIN = -1000;

/** Linux's mm counters, in pages (pgtables in bytes of Linux's 4 KiB tables) */
export interface MmCounters {
  totalVm: number;
  anon: number;
  file: number;
  shmem: number;
  pgtables: number;
}

/** the resident pages of an address space by kind (Linux: MM_ANONPAGES, MM_FILEPAGES,
 *  MM_SHMEMPAGES) and its page tables (mm_pgtables_bytes: 4 KiB per table, as Linux's 8-byte
 *  entries take) */
export function mmCounters(mm: Mm): MmCounters {
  const c: MmCounters = { totalVm: 0, anon: 0, file: 0, shmem: 0, pgtables: mm.pt.tableCount() * PAGE_SIZE };
  for (const v of mm.vmas) {
    c.totalVm += (v.end - v.start) / PAGE_SIZE;
    const n = mm.pt.countRange(v.start / PAGE_SIZE, v.end / PAGE_SIZE);
    if (v.obj !== null) c.shmem += n;
    else if (v.file !== null) c.file += n;
    else c.anon += n;
  }
  return c;
}

/** what the OOM killer did, for the embedder and the tests (the kernel log keeps its lines) */
export class OomState {
  /** the process being killed (its memory is not back until it exits) */
  victim: ThreadGroup | null = null;
  /** processes killed so far */
  kills = 0;
}

/** a thread of the process that still has its address space (Linux: find_lock_task_mm) */
function taskWithMm(g: ThreadGroup): Task | null {
  for (const t of g.threads) if (t.mm !== null && t.state !== TaskState.Zombie && t.state !== TaskState.Dead) return t;
  return null;
}

/** Linux oom_badness: pages the process would give back, or null when it may not be chosen */
export function oomBadness(k: Kernel, leader: Task): number | null {
  if (leader.kfn !== null || leader.regs === null) return null;
  const t = taskWithMm(leader.group);
  if (t === null) return null;
  const adj = leader.group.oomScoreAdj;
  // a vfork child shares its parent's memory: killing it frees nothing (Linux: in_vfork)
  if (adj === OOM_SCORE_ADJ_MIN || t.vforkParent !== null) return null;
  const mm = t.mm!;
  const points = mm.resident() + mm.pt.tableCount();
  return points + adj * Math.floor(k.frames.maxFrames / 1000);
}

/** a line of the kernel log at a level (Linux: pr_warn, pr_err, pr_info in oom_kill.c) */
function kmsg(k: Kernel, level: number, line: string): void {
  printk(k.log, level, line);
}

/**
 * Linux out_of_memory(): choose and kill a victim; `current` is the task whose allocation failed.
 * Nothing is freed at once: a page fault retries after the victim is gone, a syscall fails with
 * ENOMEM (Linux retries the allocation after the OOM reaper has freed the victim's memory).
 */
export function outOfMemory(k: Kernel, current: Task | null): void {
  const st = k.oom;
  if (st.victim !== null) {
    if (st.victim.live().length > 0) return;
    st.victim = null;
  }
  let chosen: Task | null = null;
  let chosenPoints = -Infinity;
  // every process in creation order; equal badness: the later one (Linux: select_bad_process)
  for (const t of k.tasks.values()) {
    if (!t.isLeader || t.state === TaskState.Dead) continue;
    const points = oomBadness(k, t);
    if (points === null || points < chosenPoints) continue;
    chosen = t;
    chosenPoints = points;
  }
  const who = current !== null && current.regs !== null ? current : null;
  if (who !== null) kmsg(k, KERN_WARNING, `${who.comm} invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=${who.group.oomScoreAdj}`);
  if (chosen === null) {
    // Linux panics ("System is deadlocked on memory"); the allocating task dies instead
    kmsg(k, KERN_WARNING, "Out of memory and no killable processes...");
    if (who !== null) kill(k, who, "Out of memory (no killable process): Killed process");
    return;
  }
  kill(k, chosen, "Out of memory: Killed process");
}

function kill(k: Kernel, victim: Task, message: string): void {
  const g = victim.group;
  const t = taskWithMm(g);
  const mm = t?.mm ?? null;
  const c = mm !== null ? mmCounters(mm) : { totalVm: 0, anon: 0, file: 0, shmem: 0, pgtables: 0 };
  const kb = (pages: number) => pages * (PAGE_SIZE / 1024);
  const line = `${message} ${victim.tgid} (${victim.comm}) total-vm:${kb(c.totalVm)}kB, anon-rss:${kb(c.anon)}kB, ` +
    `file-rss:${kb(c.file)}kB, shmem-rss:${kb(c.shmem)}kB, UID:${victim.cred.uid} pgtables:${c.pgtables / 1024}kB oom_score_adj:${g.oomScoreAdj}`;
  // pr_err; strace shows the victim's end as "+++ killed by SIGKILL +++" (--trace does too)
  kmsg(k, KERN_ERR, line);
  k.oom.victim = g;
  k.oom.kills++;
  sendToGroup(k, g, { signo: SIGKILL, code: 0x80 });
  // processes sharing the address space die too, or its memory would stay (Linux: "oom killer
  // %d (%s) has mm pinned by %d (%s)" / the sharing loop of __oom_kill_process)
  if (mm === null) return;
  for (const o of k.tasks.values()) {
    if (!o.isLeader || o.group === g || o.kfn !== null || o.regs === null) continue;
    if (o.group.threads.some((x) => x.mm === mm)) {
      kmsg(k, KERN_INFO, `oom killer ${o.tgid} (${o.comm}) sharing same memory`);
      sendToGroup(k, o.group, { signo: SIGKILL, code: 0x80 });
    }
  }
}
