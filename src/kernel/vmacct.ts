// Overcommit accounting (Linux: mm/util.c __vm_enough_memory, mm/mmap.c accountable_mapping):
// whether a new private writable or shared anonymous mapping may be made under
// vm.overcommit_memory, and the committed total /proc/meminfo shows. forkscope has no swap.

import type { Kernel } from "./kernel.js";
import type { Task } from "./task.js";
import type { Mm } from "../mm/mm.js";
import { PAGE_SIZE } from "../mm/frames.js";
import { CAP_SYS_ADMIN } from "../cred/capability.js";
import { INIT_USER_NS } from "../cred/userns.js";

export const OVERCOMMIT_GUESS = 0, OVERCOMMIT_ALWAYS = 1, OVERCOMMIT_NEVER = 2;
/** vm.admin_reserve_kbytes and vm.user_reserve_kbytes defaults, in pages */
const ADMIN_RESERVE = 2048;
const USER_RESERVE = 32768;

/** pages of a mapping that count against the commit limit (Linux: VM_ACCOUNT): private writable
 *  ones, and shared anonymous ones */
function accountable(mm: Mm): number {
  let n = 0;
  for (const v of mm.vmas) if ((v.prot & 2 && !v.shared) || (v.shared && v.file === null)) n += (v.end - v.start) / PAGE_SIZE;
  return n;
}

/** Committed_AS: accountable pages of every address space */
export function committedPages(k: Kernel): number {
  const seen = new Set<Mm>();
  let n = 0;
  for (const t of k.tasks.values()) {
    if (t.mm === null || seen.has(t.mm)) continue;
    seen.add(t.mm);
    n += accountable(t.mm);
  }
  return n;
}

/** CommitLimit in pages: overcommit_ratio percent of memory (no swap) */
export function commitLimit(k: Kernel): number {
  return Math.floor((k.frames.maxFrames * k.vm.overcommitRatio) / 100);
}

/** may t commit `pages` more? (Linux: __vm_enough_memory) */
export function vmEnoughMemory(k: Kernel, t: Task, pages: number): boolean {
  const total = k.frames.maxFrames;
  switch (k.vm.overcommitMemory) {
    case OVERCOMMIT_ALWAYS:
      return true;
    case OVERCOMMIT_GUESS:
      // only a single request larger than all of memory is refused
      return pages <= total;
    default: {
      let allowed = commitLimit(k);
      if (!t.can(CAP_SYS_ADMIN, INIT_USER_NS)) allowed -= Math.min(Math.floor(total / 32), ADMIN_RESERVE);
      if (t.mm) allowed -= Math.min(Math.floor(t.mm.totalVm() / PAGE_SIZE / 32), USER_RESERVE);
      return committedPages(k) + pages <= allowed;
    }
  }
}
