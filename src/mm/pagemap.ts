// Which pages of an address space are present, and whether each is private, still shared
// copy-on-write, or shared by a MAP_SHARED mapping, with the other address spaces that map
// the same frame (Linux exposes the same facts as /proc/PID/pagemap and /proc/kpagecount).
// Reads the page tables only; walking skips absent tables, so a huge sparse mapping is cheap.

import { Mm } from "./mm.js";
import { PageTable, SLAB_MASK, SLAB_SHIFT } from "./pagetable.js";
import { PAGE_SIZE } from "./frames.js";

/** a private page: a write changes it in place */
export const PAGE_PRIVATE = 1;
/** a page shared copy-on-write (another address space maps its frame, or the table holding it
 *  is still shared since fork): the next write copies it (or takes it over if it is the last user) */
export const PAGE_COW = 2;
/** a page of a MAP_SHARED mapping: writes are seen by every mapper */
export const PAGE_SHARED = 3;

export interface PageMap {
  mm: number;
  /** the VMAs, as /proc/PID/maps lists them */
  vmas: { start: number; end: number; prot: number; shared: boolean; name: string }[];
  /** present pages in address order: virtual page number, frame, PAGE_* kind */
  vpn: Int32Array;
  frame: Int32Array;
  kind: Uint8Array;
  /** for each present page, the ids of the other address spaces mapping its frame (empty when none) */
  sharers: number[][];
}

/** call fn(vpn, frame) for each present page in [startVpn, endVpn), skipping absent tables */
export function forEachPresent(pt: PageTable, startVpn: number, endVpn: number, fn: (vpn: number, frame: number) => void): void {
  const slabs = pt.tables.slabs;
  let v = startVpn;
  while (v < endVpn) {
    const mid = pt.root[v >>> 18];
    if (mid === 0) {
      v = ((v >>> 18) + 1) << 18;
      continue;
    }
    const leaf = slabs[mid >>> SLAB_SHIFT][((mid & SLAB_MASK) << 9) | ((v >>> 9) & 511)];
    const leafEnd = Math.min(endVpn, ((v >>> 9) + 1) << 9);
    if (leaf === 0) {
      v = leafEnd;
      continue;
    }
    const ls = slabs[leaf >>> SLAB_SHIFT];
    const lo = (leaf & SLAB_MASK) << 9;
    for (; v < leafEnd; v++) {
      const f = ls[lo | (v & 511)];
      if (f !== 0) fn(v, f);
    }
  }
}

/** the page map of `mm`; `others` are the other live address spaces (for the sharers lists) */
export function pageMap(mm: Mm, others: Iterable<Mm>): PageMap {
  const vpns: number[] = [];
  const frames: number[] = [];
  const kinds: number[] = [];
  const fref = mm.frames.ref;
  for (const vma of mm.vmas) {
    forEachPresent(mm.pt, vma.start / PAGE_SIZE, vma.end / PAGE_SIZE, (vpn, f) => {
      vpns.push(vpn);
      frames.push(f);
      kinds.push(vma.shared ? PAGE_SHARED : fref[f] === 1 && mm.pt.exclusivePath(vpn) ? PAGE_PRIVATE : PAGE_COW);
    });
  }
  // which other address spaces map the frames that are not ours alone
  const index = new Map<number, number>();
  frames.forEach((f, i) => {
    if (kinds[i] !== PAGE_PRIVATE) index.set(f, i);
  });
  const sharers: number[][] = frames.map(() => []);
  if (index.size > 0) {
    for (const o of others) {
      if (o === mm) continue;
      for (const vma of o.vmas) {
        forEachPresent(o.pt, vma.start / PAGE_SIZE, vma.end / PAGE_SIZE, (_vpn, f) => {
          const i = index.get(f);
          if (i !== undefined && !sharers[i].includes(o.id)) sharers[i].push(o.id);
        });
      }
    }
  }
  return {
    mm: mm.id,
    vmas: mm.vmas.map((v) => ({ start: v.start, end: v.end, prot: v.prot, shared: v.shared, name: v.file && v.file.path !== "[vdso]" ? v.file.path : v.name })),
    vpn: Int32Array.from(vpns),
    frame: Int32Array.from(frames),
    kind: Uint8Array.from(kinds),
    sharers,
  };
}
