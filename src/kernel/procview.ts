// The layout of /proc (Linux: fs/proc/root.c, base.c's tgid_base_stuff and tid_base_stuff,
// fd.c, proc_sysctl.c): the directories of a pid namespace's processes and threads, and the
// system-wide files, made of fs/procfs.ts's generated nodes over the kernel's live state.

import type { Mm } from "../mm/mm.js";
import { locPath, pathFrom } from "../fs/path.js";
import { mountinfoText, mountsText } from "../fs/mountinfo.js";
import { type Node, S_IFLNK } from "../fs/node.js";
import { O_CLOEXEC, O_PATH } from "../fs/file.js";
import { Entry, MagicLink, ProcDir, ProcFile, ProcLink, ProcRwFile, file, text } from "../fs/procfs.js";
import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import { PidNamespace, pidIn } from "./pidns.js";
import { NsNode, nsLinkText, taskNamespaces } from "./nsfs.js";
import { readIdMap, writeIdMap } from "./idmap.js";
import { PidfdNode } from "./pidfd.js";
import * as P from "./procpid.js";
import * as M from "./procmisc.js";
import { procSysDir } from "./procsys.js";
import * as E from "../base/errno.js";
import { ProcKmsg } from "./kmsg.js";
import type { Loff } from "../base/loff.js";

/** a /proc showing the pids of one pid namespace (the mounter's) */
export function procRootFor(k: Kernel, ns: PidNamespace): Node {
  const cur = (): Task => k.current ?? k.init;
  const kmsgNode = new ProcKmsg(k);
  const live = (pid: number): Task | null => {
    const t = ns.tasks.get(pid);
    return t && t.state !== TaskState.Dead ? t : null;
  };
  const pidDir = (pid: number): Node | null => {
    const t = live(pid);
    return t ? processDir(k, t, ns) : null;
  };
  const fixed: Entry[] = [
    ["self", () => new ProcLink(() => String(pidIn(cur().group.leader, ns)))],
    ["thread-self", () => new ProcLink(() => `${pidIn(cur().group.leader, ns)}/task/${pidIn(cur(), ns)}`)],
    ["mounts", () => new ProcLink(() => "self/mounts")],
    ["net", () => new ProcDir(() => [["dev", () => file(() => netDev(k))]])],
    ["sys", () => procSysDir(k)],
    ["meminfo", () => file(() => M.meminfoText(k))],
    ["stat", () => file(() => M.statText(k))],
    ["cpuinfo", () => file(() => M.cpuinfoText())],
    ["uptime", () => file(() => M.uptimeText(k))],
    // the last pid of the reader's namespace, not the mount's (Linux: task_active_pid_ns(current))
    ["loadavg", () => file(() => M.loadavgText(k, cur().pidns))],
    ["version", () => file(() => M.versionText(k))],
    ["kmsg", () => kmsgNode],
    ["filesystems", () => file(() => M.filesystemsText())],
    ["swaps", () => file(() => M.swapsText())],
    ["locks", () => file(() => M.locksText(k, ns))],
    ["devices", () => file(() => "Character devices:\n  1 mem\n  5 /dev/tty\n  5 /dev/console\n\nBlock devices:\n")],
    ["partitions", () => file(() => "major minor  #blocks  name\n\n")],
    ["config.gz", () => new ProcFile(() => M.configGzBytes(k), 0o444, undefined, M.configGzBytes(k).length)],
  ];
  return new ProcDir(
    () => [...fixed, ...[...ns.tasks.values()].filter((t) => t.isLeader && t.state !== TaskState.Dead).map((t): Entry => [String(pidIn(t, ns)), () => processDir(k, t, ns)])],
    // /proc/TID of a thread: found, not listed (Linux: proc_pid_lookup)
    (name) => (/^[1-9][0-9]*$/.test(name) ? pidDir(Number(name)) : null),
  );
}

function netDev(k: Kernel): string {
  const net = k.current?.nsproxy.net ?? k.rootNet;
  const head = "Inter-|   Receive                                                |  Transmit\n" +
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";
  return head + net.devices.map((i) => `${i.name.padStart(6)}: ${Array(16).fill("0").map((z, j) => (j === 0 || j === 8 ? z.padStart(7) : z.padStart(j === 1 || j === 9 ? 7 : 4))).join(" ")}\n`).join("");
}

/** the files of /proc/PID (whole: the thread group) and /proc/PID/task/TID */
function taskEntries(k: Kernel, t: Task, ns: PidNamespace, whole: boolean): Entry[] {
  const viewer = (): Task => k.current ?? t;
  const own = <N extends Node>(n: N): N => {
    // the files of a process belong to its effective ids, to root once it is not dumpable
    [n.uid, n.gid] = t.dumpable ? [t.cred.euid, t.cred.egid] : [0, 0];
    return n;
  };
  const mem = (gen: (mm: Mm) => Uint8Array) => () => (t.mm ? gen(t.mm) : new Uint8Array(0));
  const e: Entry[] = [
    ["fd", () => own(new ProcDir(() => fdEntries(k, t), () => null, undefined, 0o500))],
    ["fdinfo", () => own(new ProcDir(() => t.files.fds.flatMap((x, fd): Entry[] => (x ? [[String(fd), () => own(file(() => fdinfoText(k, t, fd, ns)))]] : []))))],
    ["ns", () => own(new ProcDir(() => taskNamespaces(t).map(([name, n]): Entry => [name, () => new MagicLink(() => nsLinkText(name, n), () => new NsNode(name, n))]), () => null, undefined, 0o511))],
    ["environ", () => own(new ProcFile(mem((mm) => (mm.envEnd > mm.envStart && P.mayRead(viewer(), t) ? mm.read(mm.envStart, mm.envEnd - mm.envStart) ?? new Uint8Array(0) : new Uint8Array(0))), 0o400))],
    ["auxv", () => own(new ProcFile(mem((mm) => auxvBytes(mm.auxv)), 0o400))],
    ["status", () => own(file(() => P.statusText(k, t, ns)))],
    ["personality", () => own(file(() => "00000000\n", 0o400))],
    ["limits", () => own(file(() => P.limitsText(t)))],
    ["comm", () => own(new ProcRwFile(() => text(t.comm + "\n"), (s) => commWrite(k, t, s), 0o644))],
    ["syscall", () => own(file(() => syscallText(k, t, viewer()), 0o400))],
    ["cmdline", () => own(new ProcFile(mem((mm) => (mm.argEnd > mm.argStart ? mm.read(mm.argStart, mm.argEnd - mm.argStart) ?? new Uint8Array(0) : new Uint8Array(0)))))],
    ["stat", () => own(file(() => P.statText(k, t, ns, viewer(), whole)))],
    ["statm", () => own(file(() => P.statmText(t)))],
    ["maps", () => own(file(() => formatMaps(t.mm)))],
    ["mem", () => own(new MemFile(t, viewer))],
    ["cwd", () => own(new MagicLink(() => pathFrom(t.fs.cwd, viewer().fs.root) ?? locPath(t.fs.cwd), () => null, () => t.fs.cwd))],
    ["root", () => own(new MagicLink(() => pathFrom(t.fs.root, viewer().fs.root) ?? locPath(t.fs.root), () => null, () => t.fs.root))],
    // a magic link for openat2's RESOLVE_NO_MAGICLINKS (Linux: proc_exe_link), followed by its path here
    ["exe", () => own(new MagicLink(() => t.mm?.exe ?? "", () => null))],
    ["mounts", () => own(file(() => mountsText(t.nsproxy.mnt.mounts(), t.fs.root)))],
    ["mountinfo", () => own(file(() => mountinfoText(t.nsproxy.mnt.mounts(), t.fs.root, viewer().nsproxy.cgroup.root)))],
    ["io", () => own(file(() => P.ioText(t, whole), 0o400))],
    ["wchan", () => own(file(() => P.wchanText(k, t, viewer())))],
    ["oom_score", () => own(file(() => P.oomScoreText(k, t)))],
    ["oom_adj", () => own(new ProcRwFile(() => text(P.oomAdjText(t)), (s) => okCount(P.writeOomAdj(viewer(), t, s), s)))],
    ["oom_score_adj", () => own(new ProcRwFile(() => text(`${t.group.oomScoreAdj}\n`), (s) => okCount(P.writeOomScoreAdj(viewer(), t, s), s)))],
    // a zombie keeps its cgroup, which may be gone by now (Linux: proc_cgroup_show)
    ["cgroup", () => own(file(() => `0::${t.group.cgroup.relativeTo(viewer().nsproxy.cgroup.root)}${t.group.cgroup.dead ? " (deleted)" : ""}\n`))],
    ...(["uid_map", "gid_map", "setgroups"] as const).map((w): Entry => [w, () => own(new ProcRwFile(() => text(readIdMap(viewer(), t.cred.userns, w)), (s) => okCount(writeIdMap(k, viewer(), t.cred.userns, w, s), s)))]),
  ];
  if (whole) e.unshift(["task", () => own(new ProcDir(() => t.group.threads.filter((x) => x.state !== TaskState.Dead).map((x): Entry => [String(pidIn(x, ns)), () => own(new ProcDir(() => taskEntries(k, x, ns, false)))])))]);
  return e;
}

function processDir(k: Kernel, t: Task, ns: PidNamespace): Node {
  const d = new ProcDir(() => taskEntries(k, t, ns, true));
  [d.uid, d.gid] = t.dumpable ? [t.cred.euid, t.cred.egid] : [0, 0];
  return d;
}

const okCount = (r: number, s: string): number => (r < 0 ? r : s.length);

/** writing /proc/PID/comm: only a thread of the same process may; the first 15 bytes, newline
 *  and all, become the name (Linux: comm_write) */
function commWrite(k: Kernel, t: Task, s: string): number {
  const w = k.current;
  if (!w || w.group !== t.group) return -E.EINVAL;
  const nul = s.indexOf("\0");
  t.comm = (nul >= 0 ? s.slice(0, nul) : s).slice(0, 15);
  return s.length;
}

function auxvBytes(words: readonly number[]): Uint8Array {
  const b = new Uint8Array(words.length * 8);
  const dv = new DataView(b.buffer);
  words.forEach((w, i) => {
    dv.setUint32(i * 8, w % 4294967296, true);
    dv.setUint32(i * 8 + 4, Math.floor(w / 4294967296), true);
  });
  return b;
}

/** /proc/PID/syscall: the call a sleeping task is in with its arguments, stack and pc; "running"
 *  (Linux: proc_pid_syscall, task_current_syscall) */
function syscallText(k: Kernel, t: Task, viewer: Task): string {
  if (!P.mayRead(viewer, t)) return "";
  if (t.state === TaskState.Runnable) return "running\n";
  const r = t.regs;
  if (r === null) return "0 0x0 0x0\n";
  const hex = (i: number) => "0x" + ((BigInt(r.x[2 * i + 1] >>> 0) << 32n) | BigInt(r.x[2 * i] >>> 0)).toString(16);
  const sp = hex(2);
  const pc = "0x" + r.pc.toString(16);
  if (t.blockedCall === null) return `-1 ${sp} ${pc}\n`;
  return `${t.blockedNr} ${[10, 11, 12, 13, 14, 15].map(hex).join(" ")} ${sp} ${pc}\n`;
}

/** /proc/PID/mem: the address space itself, at file offset = address (Linux: mem_rw); reads
 *  need ptrace access, writes go through like PTRACE_POKEDATA */
class MemFile extends ProcFile {
  constructor(private t: Task, private viewer: () => Task) {
    super(() => new Uint8Array(0), 0o600);
  }
  override readAt(pos: Loff, dst: Uint8Array, off: number, len: number): number {
    const mm = this.t.mm;
    if (!mm || !P.mayRead(this.viewer(), this.t)) return -E.EIO;
    // a position past 2^53 is no user address: nothing to copy (Linux mem_rw: EIO)
    if (typeof pos !== "number") return -E.EIO;
    const b = mm.read(pos, len);
    if (b === null) return -E.EIO;
    dst.set(b, off);
    return len;
  }
  override writeAt(pos: Loff, src: Uint8Array, off: number, len: number): number {
    const mm = this.t.mm;
    if (!mm || !P.mayRead(this.viewer(), this.t)) return -E.EIO;
    if (typeof pos !== "number") return -E.EIO;
    return mm.pokeForce(pos, src.slice(off, off + len)) ? len : -E.EIO;
  }
}

/** /proc/PID/fd: one magic link per descriptor */
function fdEntries(k: Kernel, t: Task): Entry[] {
  return t.files.fds.flatMap((e, fd): Entry[] => {
    if (!e) return [];
    const f = e.file;
    const viewer = () => k.current ?? t;
    const target = () => (f.loc ? pathFrom(f.loc, viewer().fs.root) ?? locPath(f.loc) : f.path);
    return [
      [
        String(fd),
        () => {
          const l = new MagicLink(target, () => (f.loc ? null : f.node), () => f.loc ?? null);
          // r-x for a readable description, -wx for a writable one (Linux: tid_fd_update_inode)
          const acc = f.flags & O_PATH ? -1 : f.flags & 3;
          l.mode = S_IFLNK | (acc === 0 || acc === 2 ? 0o500 : 0) | (acc === 1 || acc === 2 ? 0o300 : 0);
          return l;
        },
      ],
    ];
  });
}

/** /proc/PID/fdinfo/N: position, flags (close-on-exec from the table), mount and inode, then
 *  what the kind of file adds, then its flock locks (Linux: seq_show, show_fd_locks) */
function fdinfoText(k: Kernel, t: Task, fd: number, ns: PidNamespace): string {
  const e = t.files.entry(fd);
  if (e === null) return "";
  const f = e.file;
  let s = `pos:\t${f.pos}\nflags:\t0${(f.flags | (e.cloexec ? O_CLOEXEC : 0)).toString(8)}\nmnt_id:\t${f.loc?.mnt.id ?? 0}\nino:\t${f.node.ino}\n`;
  if (f.node instanceof PidfdNode) {
    // the pid as this /proc's namespace sees it: -1 once reaped, 0 when not visible (Linux: pidfd_show_fdinfo)
    const p = f.node.task;
    const nr = p.state === TaskState.Dead ? -1 : pidIn(p, ns);
    s += `Pid:\t${nr}\nNSpid:\t${nr}${nr > 0 ? p.pids.slice(ns.level + 1).map((x) => "\t" + x).join("") : ""}\n`;
  } else if (f.ops.showFdinfo) s += f.ops.showFdinfo(f);
  const locks = k.flocks.list();
  locks.forEach((l, i) => {
    if (l.file !== f) return;
    const dev = `${((l.dev >>> 8) & 0xff).toString(16).padStart(2, "0")}:${(l.dev & 0xff).toString(16).padStart(2, "0")}`;
    const owner = k.tasks.get(l.pid);
    s += `lock:\t${i + 1}: FLOCK  ADVISORY  ${l.exclusive ? "WRITE" : "READ "} ${owner ? pidIn(owner, ns) : 0} ${dev}:${l.ino} 0 EOF\n`;
  });
  return s;
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
