// The control files of a cgroup (Linux: cgroup_base_files in kernel/cgroup/cgroup.c, pids.c,
// rdma.c). Files of a removed cgroup answer ENODEV; a write of 0 bytes does nothing.

import { bytestr, strbytes } from "../base/bytestr.js";
import * as E from "../base/errno.js";
import { Node, S_IFREG } from "./node.js";
import { CONTROLLERS, Cgroup, attachCheck, writeSubtreeControl } from "./cgroupfs.js";
import type { Loff } from "../base/loff.js";

const enc = { encode: strbytes };
const dec = { decode: (b: Uint8Array) => bytestr(b) };

class CgroupFile extends Node {
  constructor(private cg: Cgroup, private get: () => string, private put: ((s: string) => number) | null) {
    super(S_IFREG | (put ? 0o644 : 0o444));
    this.dev = cg.dir.dev;
  }
  override size(): number {
    return 0;
  }
  override readAt(pos: Loff, dst: Uint8Array, off: number, len: number): number {
    if (this.cg.dead) return -E.ENODEV;
    const d = enc.encode(this.get());
    if (pos >= d.length || typeof pos !== "number") return 0;
    const n = Math.min(len, d.length - pos);
    dst.set(d.subarray(pos, pos + n), off);
    return n;
  }
  override writeAt(_pos: Loff, src: Uint8Array, off: number, len: number): number {
    if (len === 0) return 0;
    // Linux: kernfs has no write for read-only files
    if (!this.put) return -E.EINVAL;
    if (this.cg.dead) return -E.ENODEV;
    const r = this.put(dec.decode(src.subarray(off, off + len)));
    return r < 0 ? r : len;
  }
  override truncate(): number {
    return 0;
  }
}

/** Linux kstrtoll with base 0 on a stripped string: decimal, 0x hex or 0 octal, an optional
 *  sign; null when it is not a number or does not fit */
export function kstrtoll(s: string): number | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return null;
  const d = m[2];
  const v = /^0[xX]/.test(d) ? parseInt(d.slice(2), 16) : d[0] === "0" ? parseInt(d, 8) : parseInt(d, 10);
  if (!Number.isSafeInteger(v)) return null;
  return m[1] === "-" ? -v : v;
}

/** a pid written to cgroup.procs (whole process) or cgroup.threads (one thread) (Linux:
 *  __cgroup_procs_write) */
function writeProcs(cg: Cgroup, text: string, threadgroup: boolean): number {
  const pid = kstrtoll(text.trim());
  if (pid === null || pid < 0 || pid > 0x7fffffff) return -E.EINVAL;
  const m = cg.host.find(pid);
  if (typeof m === "number") return m;
  const e = attachCheck(m.cgroup, cg, threadgroup);
  if (e !== 0) return e;
  if (!m.exiting) m.join(cg);
  return 0;
}

const lines = (ids: number[]): string => ids.map((p) => p + "\n").join("");
const words = (names: string[]): string => names.join(" ") + "\n";

/** the files of cg, each made fresh on lookup */
export function controlFiles(cg: Cgroup): [string, () => Node][] {
  const file = (get: () => string, put: ((s: string) => number) | null = null) => () => new CgroupFile(cg, get, put);
  const list: [string, () => Node][] = [
    ["cgroup.procs", file(() => lines(cg.host.members(cg, false)), (s) => writeProcs(cg, s, true))],
    ["cgroup.threads", file(() => lines(cg.host.members(cg, true)), (s) => writeProcs(cg, s, false))],
    ["cgroup.controllers", file(() => words(cg.controllers()))],
    ["cgroup.subtree_control", file(() => words([...cg.subtree].sort(byOrder)), (s) => writeSubtreeControl(cg, s))],
  ];
  if (!cg.parent) return list;
  list.push(
    ["cgroup.events", file(() => `populated ${cg.host.count(cg, true) > 0 ? 1 : 0}\nfrozen 0\n`)],
    // threaded cgroups are not implemented: "threaded" is refused
    ["cgroup.type", file(() => "domain\n", (s) => (s.trim() === "threaded" ? -E.EOPNOTSUPP : -E.EINVAL))],
  );
  const on = cg.parent.subtree;
  if (on.has("pids")) {
    list.push(
      ["pids.max", file(() => (cg.pidsMax === Infinity ? "max\n" : `${cg.pidsMax}\n`), (s) => {
        const v = s.trim();
        if (v === "max") cg.pidsMax = Infinity;
        else {
          const n = kstrtoll(v);
          if (n === null) return -E.EINVAL;
          if (n < 0 || n > 4194304) return -E.EINVAL;
          cg.pidsMax = n;
        }
        return 0;
      })],
      ["pids.current", file(() => `${cg.host.charged(cg)}\n`)],
    );
  }
  if (on.has("rdma")) {
    // no RDMA devices: nothing to list, no device to limit
    list.push(["rdma.max", file(() => "", () => -E.ENODEV)], ["rdma.current", file(() => "")]);
  }
  return list;
}

const byOrder = (a: string, b: string): number => CONTROLLERS.indexOf(a) - CONTROLLERS.indexOf(b);
