// What /proc shows of tasks (Linux: fs/proc/base.c, fs/proc/array.c, fs/proc/task_mmu.c): the
// adapters through which fs/procfs.ts reads a pid namespace's tasks without knowing the kernel.

import type { Mm } from "../mm/mm.js";
import { locPath, pathFrom } from "../fs/path.js";
import { mountinfoText, mountsText } from "../fs/mountinfo.js";
import type { Node } from "../fs/node.js";
import { makeProcRoot, ProcTask } from "../fs/procfs.js";
import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import { PidNamespace, pidIn } from "./pidns.js";
import { NsNode, nsLinkText, taskNamespaces } from "./nsfs.js";
import { readIdMap, writeIdMap } from "./idmap.js";
import { procStatLine } from "./procstat.js";
import { ProcKmsg } from "./kmsg.js";

/** a /proc showing the pids of one pid namespace (the mounter's) */
export function procRootFor(k: Kernel, ns: PidNamespace): Node {
  const kmsgNode = new ProcKmsg(k);
  return makeProcRoot({
    selfPid: () => (k.current ? pidIn(k.current.group.leader, ns) : 0),
    selfTid: () => (k.current ? pidIn(k.current, ns) : 0),
    task: (pid) => {
      const t = ns.tasks.get(pid);
      return t && t.state !== TaskState.Dead ? procTask(k, t, ns) : null;
    },
    files: () => [["kmsg", () => kmsgNode]],
    pids: () => [...ns.tasks.values()].filter((t) => t.isLeader && t.state !== TaskState.Dead).map((t) => pidIn(t, ns)),
    netDev: () => {
      const net = k.current?.nsproxy.net ?? k.rootNet;
      const head = "Inter-|   Receive                                                |  Transmit\n" +
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";
      return head + net.devices.map((i) => `${i.name.padStart(6)}: ${Array(16).fill("0").map((z, j) => (j === 0 || j === 8 ? z.padStart(7) : z.padStart(j === 1 || j === 9 ? 7 : 4))).join(" ")}\n`).join("");
    },
  });
}

function procTask(k: Kernel, t: Task, ns: PidNamespace): ProcTask {
  return {
    pid: pidIn(t, ns),
    exe: () => t.mm?.exe ?? "",
    cwd: () => pathFrom(t.fs.cwd, (k.current ?? t).fs.root) ?? locPath(t.fs.cwd),
    comm: () => t.comm,
    cmdline: () => {
      const mm = t.mm;
      if (!mm || mm.argEnd <= mm.argStart) return new Uint8Array(0);
      return mm.read(mm.argStart, mm.argEnd - mm.argStart) ?? new Uint8Array(0);
    },
    maps: () => formatMaps(t.mm),
    status: () =>
      [
        `Name:\t${t.comm}`, `Umask:\t${t.fs.umask.toString(8).padStart(4, "0")}`, `State:\t${t.state}`,
        `Tgid:\t${pidIn(t.group.leader, ns)}`, `Pid:\t${pidIn(t, ns)}`, `PPid:\t${t.parent ? pidIn(t.group.leader.parent ?? t.parent, ns) : 0}`, `Uid:\t${t.cred.uid}\t${t.cred.euid}\t${t.cred.euid}\t${t.cred.euid}`,
        `Gid:\t${t.cred.gid}\t${t.cred.egid}\t${t.cred.egid}\t${t.cred.egid}`, `Threads:\t${t.group.live().length}`,
        `NStgid:\t${t.group.leader.pids.slice(ns.level).join("\t")}`, `NSpid:\t${t.pids.slice(ns.level).join("\t")}`, "",
      ].join("\n"),
    stat: () => procStatLine(k, t, ns, k.current ?? t),
    mounts: () => mountsText(t.nsproxy.mnt.mounts(), t.fs.root),
    mountinfo: () => mountinfoText(t.nsproxy.mnt.mounts(), t.fs.root, (k.current ?? t).nsproxy.cgroup.root),
    // a zombie keeps its cgroup, which may be gone by now (Linux: proc_cgroup_show)
    cgroup: () => `0::${t.group.cgroup.relativeTo((k.current ?? t).nsproxy.cgroup.root)}${t.group.cgroup.dead ? " (deleted)" : ""}\n`,
    fds: () => t.files.fds.flatMap((e, fd) => (e ? [[fd, e.file.path] as [number, string]] : [])),
    owner: () => (t.dumpable ? [t.cred.euid, t.cred.egid] : [0, 0]),
    namespaces: () => taskNamespaces(t).map(([type, ns]) => [type, nsLinkText(type, ns), () => new NsNode(type, ns)]),
    idMap: (which) => readIdMap(k.current ?? t, t.cred.userns, which),
    writeIdMap: (which, text) => writeIdMap(k, k.current ?? t, t.cred.userns, which, text),
  };
}

/** /proc/PID/maps (Linux: show_map_vma) */
export function formatMaps(mm: Mm | null): string {
  if (!mm) return "";
  const hex = (n: number, w: number) => n.toString(16).padStart(w, "0");
  return mm.vmas
    .map((v) => {
      const perms = (v.prot & 1 ? "r" : "-") + (v.prot & 2 ? "w" : "-") + (v.prot & 4 ? "x" : "-") + (v.shared ? "s" : "p");
      const name = v.file && v.file.path !== "[vdso]" ? v.file.path : v.name;
      const off = v.file ? v.pgoff * 4096 : 0;
      const line = `${hex(v.start, 8)}-${hex(v.end, 8)} ${perms} ${hex(off, 8)} 00:00 0`;
      return name ? line.padEnd(73) + name : line + " ";
    })
    .join("\n") + (mm.vmas.length ? "\n" : "");
}
