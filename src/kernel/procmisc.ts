// The system-wide files of /proc (Linux: fs/proc/meminfo.c, stat.c, uptime.c, loadavg.c,
// version.c, arch/riscv/kernel/cpu.c c_show, fs/filesystems.c, fs/locks.c, mm/swapfile.c,
// kernel/configs.c): computed from the frame pool, the scheduler's accounting, the clock and the
// task list.

import { bootBanner } from "./personality.js";
import type { Kernel } from "./kernel.js";
import { TaskState } from "./task.js";
import type { Mm } from "../mm/mm.js";
import { TABLE_BYTES } from "../mm/pagetable.js";
import { PAGE_SIZE } from "../mm/frames.js";
import { mmStats } from "./procpid.js";
import { commitLimit, committedPages } from "./vmacct.js";
import { NSEC_PER_SEC as NS_PER_SEC_BIG } from "./ktime.js";
import type { PidNamespace } from "./pidns.js";
import { FILESYSTEMS } from "../fs/filesystems.js";
import { gzipStored } from "../base/gzip.js";
import { kernelConfig } from "./kconfig.js";

/** the CPUs forkscope has: one hart */
export const NR_CPUS = 1;
/** the ISA string riscv64 Linux prints: the single-letter extensions, then Z* (zicntr: the
 *  cycle, time and instret counters) */
export const ISA = "rv64imafdc_zicntr_zicsr_zifencei";

const kbLine = (name: string, pages: number): string => `${(name + ":").padEnd(16)}${String(pages * 4).padStart(8)} kB\n`;

interface MemUse {
  anon: number;
  mapped: number;
  shmemMapped: number;
}

function memUse(k: Kernel): MemUse {
  const seen = new Set<Mm>();
  const u: MemUse = { anon: 0, mapped: 0, shmemMapped: 0 };
  for (const t of k.tasks.values()) {
    if (t.mm === null || seen.has(t.mm)) continue;
    seen.add(t.mm);
    const s = mmStats(t.mm);
    u.anon += s.anon;
    u.mapped += s.file + s.shmem;
    u.shmemMapped += s.shmem;
  }
  return u;
}

/** /proc/meminfo (Linux: meminfo_proc_show) with forkscope's configuration: no highmem, swap,
 *  zswap, transparent or hugetlb pages. Memory is the frame pool (--memory): tmpfs pages, shared
 *  memory and pipe buffers are frames of it, and kernel objects (page tables, tasks, VMAs, inodes,
 *  open files) are charged against it as Linux charges its slab and page-table pages */
export function meminfoText(k: Kernel): string {
  const total = k.frames.maxFrames;
  const free = Math.max(0, k.frames.free);
  const u = memUse(k);
  const shmem = k.frames.stats.shmem;
  const pt = Math.ceil((k.tables.inUse * TABLE_BYTES) / PAGE_SIZE);
  // the other kernel objects, unreclaimable as Linux's SUnreclaim slabs
  const slab = Math.max(0, Math.ceil(k.frames.stats.kernelBytes / PAGE_SIZE) - pt);
  const rows: [string, number][] = [
    ["MemTotal", total], ["MemFree", free], ["MemAvailable", free], ["Buffers", 0], ["Cached", shmem], ["SwapCached", 0],
    ["Active", u.anon + shmem], ["Inactive", 0], ["Active(anon)", u.anon + shmem], ["Inactive(anon)", 0], ["Active(file)", 0], ["Inactive(file)", 0],
    ["Unevictable", 0], ["Mlocked", 0], ["SwapTotal", 0], ["SwapFree", 0], ["Dirty", 0], ["Writeback", 0], ["AnonPages", u.anon],
    ["Mapped", u.mapped], ["Shmem", shmem], ["KReclaimable", 0], ["Slab", slab], ["SReclaimable", 0], ["SUnreclaim", slab], ["KernelStack", 0],
    ["PageTables", pt], ["SecPageTables", 0], ["NFS_Unstable", 0], ["Bounce", 0], ["WritebackTmp", 0], ["CommitLimit", commitLimit(k)],
    ["Committed_AS", committedPages(k)], ["VmallocTotal", 134217728 / 4], ["VmallocUsed", 0], ["VmallocChunk", 0], ["Percpu", 0],
  ];
  return rows.map(([n, v]) => kbLine(n, v)).join("");
}

const centi = (ns: bigint): string => {
  const c = Number(ns / 10_000_000n);
  return `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`;
};

/** ns of CPU time by kind: user time is what guest code ran (1 ns per instruction), nice the part
 *  of it run by tasks with a positive nice value, system the kernel work charged for syscalls
 *  (sched.ts chargeWork), idle the time the clock jumped because nothing could run */
function cpuTimes(k: Kernel): { user: number; nice: number; system: number; idle: bigint } {
  const nice = k.sched.niceTime;
  const idle = k.clock.now - BigInt(k.totalInstructions) - BigInt(k.totalWork);
  return { user: k.totalInstructions - nice, nice, system: k.totalWork, idle: idle > 0n ? idle : 0n };
}

export function runningCount(k: Kernel): number {
  let n = 0;
  for (const t of k.tasks.values()) if (t.state === TaskState.Runnable) n++;
  return n;
}

/** /proc/stat (Linux: show_stat) */
export function statText(k: Kernel): string {
  const c = cpuTimes(k);
  const tk = (ns: number | bigint) => (typeof ns === "bigint" ? ns / 10_000_000n : Math.floor(ns / 10_000_000));
  const line = (name: string) => `${name} ${tk(c.user)} ${tk(c.nice)} ${tk(c.system)} ${tk(c.idle)} 0 0 0 0 0 0\n`;
  let blocked = 0;
  for (const t of k.tasks.values()) if (k.uninterruptible(t)) blocked++;
  return (
    line("cpu ") + line("cpu0") + "intr 0\n" + `ctxt ${k.sched.ctxt}\n` + `btime ${k.clock.realOffset() / NS_PER_SEC_BIG}\n` +
    `processes ${k.forks}\n` + `procs_running ${runningCount(k)}\n` + `procs_blocked ${blocked}\n` + "softirq 0 0 0 0 0 0 0 0 0 0 0\n"
  );
}

/** /proc/uptime: seconds since boot and idle seconds summed over CPUs */
export function uptimeText(k: Kernel): string {
  return `${centi(k.clock.now)} ${centi(cpuTimes(k).idle)}\n`;
}

/** /proc/loadavg: the three averages, runnable/all tasks, the last pid of the reader's namespace */
export function loadavgText(k: Kernel, ns: PidNamespace): string {
  return `${k.loadavg.text()} ${runningCount(k)}/${k.tasks.size} ${ns.lastPid}\n`;
}

export function versionText(k: Kernel): string {
  // the boot banner (Linux: init/version.c linux_proc_banner), as uname and the kernel log give it
  return `${bootBanner(k.personality)}\n`;
}

/** /proc/cpuinfo, riscv64's format (Linux: arch/riscv/kernel/cpu.c c_show) */
export function cpuinfoText(): string {
  let s = "";
  for (let cpu = 0; cpu < NR_CPUS; cpu++) {
    s += `processor\t: ${cpu}\nhart\t\t: ${cpu}\nisa\t\t: ${ISA}\nmmu\t\t: sv39\nuarch\t\t: forkscope,rv64gc\n` +
      `mvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\nhart isa\t: ${ISA}\n\n`;
  }
  return s;
}

/** /proc/filesystems: the types mount(2) accepts; "nodev" marks those without a block device */
export function filesystemsText(): string {
  return FILESYSTEMS.map((f) => `nodev\t${f}\n`).join("");
}

/** /proc/swaps: forkscope has no swap, so only the header */
export function swapsText(): string {
  return "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";
}

/** /proc/locks: the flock(2) locks held (Linux: locks_show) */
export function locksText(k: Kernel, ns: PidNamespace): string {
  return k.flocks
    .list()
    .map((l, i) => {
      const owner = k.tasks.get(l.pid);
      const pid = owner ? owner.pids[ns.level] ?? 0 : 0;
      const dev = `${((l.dev >>> 8) & 0xff).toString(16).padStart(2, "0")}:${(l.dev & 0xff).toString(16).padStart(2, "0")}`;
      return `${i + 1}: FLOCK  ADVISORY  ${l.exclusive ? "WRITE" : "READ "} ${pid} ${dev}:${l.ino} 0 EOF\n`;
    })
    .join("");
}

const configGz = new WeakMap<Kernel, Uint8Array>();

/** /proc/config.gz: the configuration forkscope is built as, gzipped (Linux: kernel/configs.c) */
export function configGzBytes(k: Kernel): Uint8Array {
  const b = configGz.get(k) ?? gzipStored(new TextEncoder().encode(kernelConfig(k)));
  configGz.set(k, b);
  return b;
}
