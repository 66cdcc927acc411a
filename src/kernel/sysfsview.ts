// /sys (Linux: drivers/base/cpu.c, fs/sysfs): the CPUs, and the directory cgroup2 is mounted
// on. Directories are made once, so that a mount on one of them (/sys/fs/cgroup) stays found.

import type { Node } from "../fs/node.js";
import { Entry, ProcDir, SYSFS_DEV, file } from "../fs/procfs.js";
import { NR_CPUS } from "./procmisc.js";

/** a CPU list as sysfs prints it ("0", "0-3") */
function cpuList(n: number): string {
  return n === 1 ? "0\n" : `0-${n - 1}\n`;
}

function dir(entries: Entry[]): ProcDir {
  return new ProcDir(() => entries, () => null, SYSFS_DEV, 0o755);
}

const fixed = (n: Node): (() => Node) => () => n;

export function makeSysfsRoot(): Node {
  const f = (s: string) => fixed(file(() => s, 0o444, SYSFS_DEV));
  const cpus: Entry[] = [];
  for (let i = 0; i < NR_CPUS; i++) cpus.push([`cpu${i}`, fixed(dir([]))]);
  const cpu = dir([
    ["online", f(cpuList(NR_CPUS))], ["possible", f(cpuList(NR_CPUS))], ["present", f(cpuList(NR_CPUS))],
    ["offline", f("\n")], ["kernel_max", f(`${NR_CPUS - 1}\n`)], ...cpus,
  ]);
  return dir([
    ["devices", fixed(dir([["system", fixed(dir([["cpu", fixed(cpu)]]))]]))],
    ["fs", fixed(dir([["cgroup", fixed(dir([]))]]))],
    ["kernel", fixed(dir([]))],
    ["class", fixed(dir([]))],
  ]);
}
