// /proc (Linux: fs/proc/root.c, base.c): per-process directories generated from the kernel's
// task list on every lookup, through the adapters of kernel/procview.ts.

import { bytestr, strbytes } from "../base/bytestr.js";
import * as E from "../base/errno.js";
import { Node, S_IFDIR, S_IFLNK, S_IFREG } from "./node.js";

/** what procfs needs to know about a process */
export interface ProcTask {
  pid: number;
  exe(): string;
  maps(): string;
  cmdline(): Uint8Array;
  status(): string;
  /** /proc/PID/stat */
  stat(): string;
  comm(): string;
  fds(): [number, string][];
  cwd(): string;
  /** /proc/PID/cgroup */
  cgroup(): string;
  /** the mount table as /proc/PID/mounts shows it */
  mounts(): string;
  mountinfo(): string;
  /** namespaces: name, "type:[inode]" text, and the node an open of the link gives */
  namespaces(): [string, string, () => Node][];
  /** the files of /proc/PID belong to the process's effective ids */
  owner(): [number, number];
  /** uid_map, gid_map and setgroups: read as the caller sees them; writes return 0 or -errno */
  idMap(which: "uid_map" | "gid_map" | "setgroups"): string;
  writeIdMap(which: "uid_map" | "gid_map" | "setgroups", text: string): number;
}

export interface ProcSource {
  /** pid of the calling task's thread group, for /proc/self */
  selfPid(): number;
  selfTid(): number;
  task(pid: number): ProcTask | null;
  pids(): number[];
  /** /proc/net/dev of the calling task's network namespace */
  netDev(): string;
  /** files of /proc itself that the kernel provides (kmsg) */
  files(): [string, () => Node][];
}

const enc = { encode: strbytes };

class ProcLink extends Node {
  constructor(private target: () => string, private readonly magic = false) {
    super(S_IFLNK | 0o777);
    this.dev = 4;
  }
  override readlink(): string {
    return this.target();
  }
  override isMagicLink(): boolean {
    return this.magic;
  }
}

/** /proc/PID/ns/X: reads as "type:[inode]", opens the namespace itself */
class NsLink extends ProcLink {
  constructor(text: string, private nsNode: () => Node) {
    super(() => text, true);
  }
  override magicTarget(): Node {
    return this.nsNode();
  }
}

class ProcFile extends Node {
  constructor(private gen: () => Uint8Array) {
    super(S_IFREG | 0o444);
    this.dev = 4;
  }
  override size(): number {
    return 0;
  }
  override readAt(pos: number, dst: Uint8Array, off: number, len: number): number {
    const d = this.gen();
    if (pos >= d.length) return 0;
    const n = Math.min(len, d.length - pos);
    dst.set(d.subarray(pos, pos + n), off);
    return n;
  }
  override writeAt(_pos: number, _src: Uint8Array, _off: number, _len: number): number {
    return -E.EACCES;
  }
  override readOnly(): boolean {
    return true;
  }
}

/** a proc file the owner may write (uid_map and friends): each write is one complete update */
class ProcRwFile extends ProcFile {
  constructor(gen: () => Uint8Array, private put: (text: string) => number) {
    super(gen);
    this.mode = S_IFREG | 0o644;
  }
  override writeAt(_pos: number, src: Uint8Array, off: number, len: number): number {
    const r = this.put(bytestr(src, off, off + len));
    return r < 0 ? r : len;
  }
  override readOnly(): boolean {
    return false;
  }
}

class ProcDir extends Node {
  /** hidden: names found by lookup that the listing leaves out */
  constructor(private list: () => [string, () => Node][], private hidden: (name: string) => Node | null = () => null) {
    super(S_IFDIR | 0o555);
    this.dev = 4;
  }
  override lookup(name: string): Node | null {
    const e = this.list().find(([n]) => n === name);
    return e ? e[1]() : this.hidden(name);
  }
  override entries(): [string, Node][] {
    return this.list().map(([n, f]) => [n, f()]);
  }
  override create(): number {
    return -E.EACCES;
  }
  override unlink(): number {
    return -E.EACCES;
  }
}

function pidDir(src: ProcSource, pid: number): Node | null {
  const t = src.task(pid);
  if (t === null) return null;
  const own = (n: Node): Node => {
    [n.uid, n.gid] = t.owner();
    return n;
  };
  return own(new ProcDir(() => [
    ["exe", () => new ProcLink(() => t.exe(), true)],
    ["cwd", () => new ProcLink(() => t.cwd(), true)],
    ["maps", () => new ProcFile(() => enc.encode(t.maps()))],
    ["cmdline", () => new ProcFile(() => t.cmdline())],
    ["status", () => new ProcFile(() => enc.encode(t.status()))],
    ["stat", () => new ProcFile(() => enc.encode(t.stat()))],
    ["comm", () => new ProcFile(() => enc.encode(t.comm() + "\n"))],
    ["mounts", () => new ProcFile(() => enc.encode(t.mounts()))],
    ["mountinfo", () => new ProcFile(() => enc.encode(t.mountinfo()))],
    ["cgroup", () => new ProcFile(() => enc.encode(t.cgroup()))],
    ...(["uid_map", "gid_map", "setgroups"] as const).map((w): [string, () => Node] => [w, () => own(new ProcRwFile(() => enc.encode(t.idMap(w)), (s) => t.writeIdMap(w, s)))]),
    ["fd", () => new ProcDir(() => t.fds().map(([fd, path]) => [String(fd), () => new ProcLink(() => path, true)]))],
    ["ns", () => new ProcDir(() => t.namespaces().map(([name, text, node]): [string, () => Node] => [name, () => new NsLink(text, node)]))],
  ]));
}

export function makeProcRoot(src: ProcSource): Node {
  return new ProcDir(() => [
    ["self", () => new ProcLink(() => String(src.selfPid()))],
    ["thread-self", () => new ProcLink(() => `${src.selfPid()}/task/${src.selfTid()}`)],
    ["net", () => new ProcDir(() => [["dev", () => new ProcFile(() => enc.encode(src.netDev()))]])],
    ...src.files(),
    ...src.pids().map((p): [string, () => Node] => [String(p), () => pidDir(src, p)!]),
  ], (name) => (/^[1-9][0-9]*$/.test(name) ? pidDir(src, Number(name)) : null)); // /proc/TID of a thread: found, not listed (Linux: proc_pid_lookup)
}
