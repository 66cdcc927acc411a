// The process tree for --tree and the API: ids, state, and which kernel objects each task
// shares with which others, plus copy-on-write statistics.

import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";

export interface TreeTask {
  tid: number;
  tgid: number;
  ppid: number;
  comm: string;
  state: string;
  /** kernel object ids; equal ids mean the object is shared */
  mm: number | null;
  files: number;
  fs: number;
  sighand: number;
  group: number;
  exitSignal: number;
  /** pages mapped by this task's page tables (shared tables counted for each sharer) */
  resident: number;
  faults: number;
  cowFaults: number;
  children: TreeTask[];
}

function node(t: Task): TreeTask {
  return {
    tid: t.tid,
    tgid: t.tgid,
    ppid: t.parent?.tgid ?? 0,
    comm: t.comm,
    state: t.state,
    mm: t.mm?.id ?? null,
    files: t.files.id,
    fs: t.fs.id,
    sighand: t.sighand.id,
    group: t.group.id,
    exitSignal: t.exitSignal,
    resident: t.mm ? t.mm.resident() : 0,
    faults: t.mm?.faults ?? 0,
    cowFaults: t.mm?.cowFaults ?? 0,
    children: [],
  };
}

export function describeTree(k: Kernel): TreeTask[] {
  const build = (t: Task): TreeTask => {
    const n = node(t);
    // threads of a group are listed under their leader, processes under their parent
    const kids = t.children.filter((c) => c.state !== TaskState.Dead);
    n.children = kids.map(build);
    return n;
  };
  return [build(k.init)];
}

/** the tree as text: one task per line with what it shares */
export function renderTree(k: Kernel, roots = describeTree(k)): string {
  const owners = new Map<string, number[]>();
  const walk = (n: TreeTask, f: (n: TreeTask) => void) => {
    f(n);
    n.children.forEach((c) => walk(c, f));
  };
  const keys = (n: TreeTask): [string, string][] => [
    ["mm", `mm:${n.mm}`], ["files", `files:${n.files}`], ["fs", `fs:${n.fs}`], ["sighand", `sighand:${n.sighand}`],
    ["signal", `group:${n.group}`],
  ];
  for (const r of roots) walk(r, (n) => keys(n).forEach(([, key]) => owners.set(key, [...(owners.get(key) ?? []), n.tid])));
  const lines: string[] = [];
  const fmt = (n: TreeTask, prefix: string, last: boolean, top: boolean) => {
    const shared = keys(n)
      .filter(([name, key]) => name !== "mm" || n.mm !== null)
      .map(([name, key]) => {
        const others = (owners.get(key) ?? []).filter((x) => x !== n.tid);
        return others.length ? `${name}=shared(${others.join(",")})` : null;
      })
      .filter((x) => x !== null);
    const mem = n.mm !== null ? ` rss=${n.resident}p faults=${n.faults} cow=${n.cowFaults}` : "";
    const head = top ? "" : prefix + (last ? "└─ " : "├─ ");
    lines.push(`${head}${n.tid} ${n.comm || "?"} [${n.state}] tgid=${n.tgid}${mem}${shared.length ? " " + shared.join(" ") : ""}`);
    const p = top ? "" : prefix + (last ? "   " : "│  ");
    n.children.forEach((c, i) => fmt(c, p, i === n.children.length - 1, false));
  };
  roots.forEach((r) => fmt(r, "", true, true));
  const st = k.frames.stats;
  lines.push(`frames: ${st.inUse} in use, ${st.allocated} allocated, ${st.cowCopies} copied on write, ${st.cowReuses} taken over`);
  return lines.join("\n");
}
