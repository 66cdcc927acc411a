// /proc/PID/mounts and /proc/PID/mountinfo (Linux: fs/proc_namespace.c): the mounts of the
// process's namespace that its root can reach, with paths from that root.

import { Mount, PeerGroup, rootOf } from "./mount.js";
import { Loc, pathFrom } from "./path.js";
import { Cgroup, CgroupDir } from "./cgroupfs.js";

/** the mounts `root` reaches and where each is mounted as seen from it, in mount order */
function visible(mounts: Mount[], root: Loc): [Mount, string][] {
  const out: [Mount, string][] = [];
  for (const m of mounts) {
    const p = pathFrom(rootOf(m), root);
    if (p !== null) out.push([m, p]);
  }
  return out;
}

/** "source mountpoint fstype options 0 0" per mount */
export function mountsText(mounts: Mount[], root: Loc): string {
  return visible(mounts, root)
    .map(([m, p]) => `${m.source} ${p} ${m.sb.fstype} ${m.readOnly ? "ro" : "rw"},relatime 0 0\n`)
    .join("");
}

/** "id parent major:minor root mountpoint options optional-fields - fstype source super-options";
 *  the root of a cgroup2 mount is its cgroup as the reader's cgroup namespace (rooted at
 *  cgroupRoot) sees it (Linux: cgroup_show_path) */
export function mountinfoText(mounts: Mount[], root: Loc, cgroupRoot: Cgroup): string {
  return visible(mounts, root)
    .map(([m, p]) => {
      const dev = `${m.sb.dev >>> 8}:${m.sb.dev & 0xff}`;
      const parent = m.parent ?? m;
      const from = m.root instanceof CgroupDir ? m.root.cg.relativeTo(cgroupRoot) : `/${m.rootNames.join("/")}`;
      return `${m.id} ${parent.id} ${dev} ${from} ${p} ${m.ro ? "ro" : "rw"},relatime${optional(m, mounts, root)} - ${m.sb.fstype} ${m.source} ${m.sb.ro ? "ro" : "rw"}\n`;
    })
    .join("");
}

/** shared:N, master:N (the master's peer group), propagate_from:N (the nearest group among the
 *  masters that has a peer in this namespace, when that is not the master's), unbindable */
function optional(m: Mount, mounts: Mount[], root: Loc): string {
  let s = "";
  if (m.group) s += ` shared:${m.group.id}`;
  if (m.master) {
    const master = groupOf(m.master);
    s += ` master:${master}`;
    const dom = dominating(m, mounts, root);
    if (dom !== 0 && dom !== master) s += ` propagate_from:${dom}`;
  }
  if (m.unbindable) s += " unbindable";
  return s;
}

function groupOf(m: Mount): number {
  return (m.group as PeerGroup | null)?.id ?? 0;
}

/** Linux: get_dominating_id */
function dominating(m: Mount, mounts: Mount[], root: Loc): number {
  for (let x: Mount | null = m.master; x; x = x.master) {
    const peers = x.group ? x.group.from(x) : [x];
    const here = peers.find((p) => mounts.includes(p) && pathFrom(rootOf(p), root) !== null);
    if (here) return groupOf(here);
  }
  return 0;
}
