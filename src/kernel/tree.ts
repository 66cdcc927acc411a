// The process tree for --tree and the API: ids, state, and which kernel objects each task
// shares with which others, plus copy-on-write statistics.

import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import { signalName } from "./signals.js";
import { taskNamespaces } from "./nsfs.js";

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
    // as pstree -pt: a leader's other threads first, then the processes this task created
    // (Linux keeps a child on the children list of the thread that forked it)
    const threads = t.isLeader ? t.group.threads.filter((x) => x !== t && x.state !== TaskState.Dead && x.state !== TaskState.Zombie) : [];
    const kids = t.children.filter((c) => c.state !== TaskState.Dead);
    n.children = [...threads, ...kids].map(build);
    return n;
  };
  // with --init, kthreadd is a child of pid 0 (as on Linux) and a tree of its own
  return k.kthreadd.parent === null ? [build(k.init), build(k.kthreadd)] : [build(k.init)];
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

/** what --tree shows for a task that may be gone by the end of the run */
export interface TaskRecord {
  tid: number;
  tgid: number;
  ppid: number;
  comm: string;
  /** clone flags it was created with ("spawn" for the first program) */
  how: string;
  /** the task that created it (0 for the boot task) */
  creator: number;
  /** a thread of another task's process (CLONE_THREAD) */
  thread: boolean;
  /** ids of the objects it got at creation: equal ids are shared */
  mm: number;
  files: number;
  fs: number;
  sighand: number;
  group: number;
  status: number | null;
  faults: number;
  cowFaults: number;
  instructions: number;
  /** a kernel thread (no user memory), shown as [name] */
  kernel: boolean;
  /** namespace inodes by type (as /proc/PID/ns shows them) */
  ns: Record<string, number>;
  /** the task's pid in its own pid namespace, when that is not the initial one */
  nsPid: number;
}

export function recordTask(k: Kernel, t: Task, how: string | (() => string), creator: Task | null = t.parent): void {
  if (!k.recordHistory) return;
  if (typeof how !== "string") how = how();
  k.history.set(t.tid, {
    tid: t.tid, tgid: t.tgid, ppid: t.parent?.tgid ?? 0, comm: t.comm, how, creator: creator?.tid ?? 0, thread: !t.isLeader,
    mm: t.mm?.id ?? 0, files: t.files.id, fs: t.fs.id, sighand: t.sighand.id, group: t.group.id,
    status: null, faults: 0, cowFaults: 0, instructions: 0, kernel: t.regs === null,
    ns: Object.fromEntries(taskNamespaces(t).filter(([n]) => n !== "pid_for_children").map(([n, ns]) => [n, ns.ino])),
    nsPid: t.pids[t.pids.length - 1],
  });
}

export function recordExit(k: Kernel, t: Task, status: number): void {
  const h = k.history.get(t.tid);
  if (!h) return;
  // namespaces joined with unshare/setns after creation
  h.ns = Object.fromEntries(taskNamespaces(t).filter(([n]) => n !== "pid_for_children").map(([n, ns]) => [n, ns.ino]));
  h.status = status;
  h.comm = t.comm;
  h.instructions = t.utime;
  if (t.mm) {
    h.faults = t.mm.faults;
    h.cowFaults = t.mm.cowFaults;
  }
}

function describeStatus(s: number | null): string {
  if (s === null) return "running";
  if ((s & 0x7f) === 0) return `exited ${(s >> 8) & 0xff}`;
  return `killed by ${signalName(s & 0x7f)}${s & 0x80 ? " (core dumped)" : ""}`;
}

/** every task of the run as a tree: how it was created, what it shared, how it ended */
export function renderHistory(k: Kernel): string {
  const recs = [...k.history.values()];
  // as pstree -pt: a thread under its process (the leader), every other task once, under the
  // thread that created it
  const under = new Map<number, TaskRecord[]>();
  const place = (r: TaskRecord): number => (r.thread && k.history.has(r.tgid) ? r.tgid : r.creator);
  for (const r of recs) if (place(r) !== r.tid) under.set(place(r), [...(under.get(place(r)) ?? []), r]);
  const lines: string[] = [];
  const sharers = (key: keyof TaskRecord, r: TaskRecord) =>
    recs.filter((o) => o !== r && o[key] === r[key] && o[key] !== 0).map((o) => o.tid);
  const fmt = (r: TaskRecord, prefix: string, last: boolean, top: boolean) => {
    const sh: string[] = [];
    for (const key of ["mm", "files", "fs", "sighand", "group"] as const) {
      if (r.kernel) break;
      const s = sharers(key, r).filter((x) => !k.history.get(x)?.kernel);
      const list = s.length > 8 ? `${s.slice(0, 8).join(",")},… (${s.length} tasks)` : s.join(",");
      if (s.length) sh.push(`${key === "group" ? "thread-group" : key} with ${list}`);
    }
    const parentRec = k.history.get(r.creator) ?? k.history.get(r.ppid);
    const base = parentRec ?? k.history.get(1);
    const nsDiff = base && base !== r ? Object.entries(r.ns).filter(([n, ino]) => base.ns[n] !== ino).map(([n, ino]) => `${n}:[${ino}]`) : [];
    const nsText = nsDiff.length ? `; in new namespaces ${nsDiff.join(" ")}${r.ns.pid !== base!.ns.pid ? ` (pid ${r.nsPid} inside)` : ""}` : "";
    const head = top ? "" : prefix + (last ? "└─ " : "├─ ");
    // threads in braces, as pstree shows them
    const name = r.thread ? `{${r.comm}}` : r.comm;
    if (r.kernel) lines.push(`${head}${r.tid} [${r.comm}] (${r.how}) ${describeStatus(r.status)}`);
    else
      lines.push(
        `${head}${r.tid} ${name} (${r.how}) ${describeStatus(r.status)}; ${r.instructions} instr, ${r.faults} faults, ${r.cowFaults} COW` +
          (sh.length ? `; shares ${sh.join("; ")}` : "") + nsText,
      );
    // the process's threads first, then what this task created
    const kids = (under.get(r.tid) ?? []).sort((a, b) => Number(b.thread && b.tgid === r.tid) - Number(a.thread && a.tgid === r.tid) || a.tid - b.tid);
    const p = top ? "" : prefix + (last ? "   " : "│  ");
    kids.forEach((c, i) => fmt(c, p, i === kids.length - 1, false));
  };
  const roots = recs.filter((r) => place(r) === r.tid || !k.history.has(place(r)));
  roots.forEach((r) => fmt(r, "", true, true));
  const st = k.frames.stats;
  lines.push(`frames: ${st.allocated} allocated, ${st.cowCopies} copied on write, ${st.cowReuses} taken over without copying, ${st.inUse} still in use`);
  return lines.join("\n");
}
