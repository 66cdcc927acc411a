// /proc: per-process directories generated from the kernel's task list on every lookup.

import * as E from "../kernel/errno.js";
import { Node, S_IFDIR, S_IFLNK, S_IFREG } from "./node.js";

/** what procfs needs to know about a process */
export interface ProcTask {
  pid: number;
  exe(): string;
  maps(): string;
  cmdline(): Uint8Array;
  status(): string;
  comm(): string;
  fds(): [number, string][];
  cwd(): string;
}

export interface ProcSource {
  /** pid of the calling task's thread group, for /proc/self */
  selfPid(): number;
  selfTid(): number;
  task(pid: number): ProcTask | null;
  pids(): number[];
}

const enc = new TextEncoder();

class ProcLink extends Node {
  constructor(private target: () => string) {
    super(S_IFLNK | 0o777);
    this.dev = 4;
  }
  override readlink(): string {
    return this.target();
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
  override writeAt(): number {
    return -E.EACCES;
  }
  override readOnly(): boolean {
    return true;
  }
}

class ProcDir extends Node {
  constructor(private list: () => [string, () => Node][]) {
    super(S_IFDIR | 0o555);
    this.dev = 4;
  }
  override lookup(name: string): Node | null {
    const e = this.list().find(([n]) => n === name);
    return e ? e[1]() : null;
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
  return new ProcDir(() => [
    ["exe", () => new ProcLink(() => t.exe())],
    ["cwd", () => new ProcLink(() => t.cwd())],
    ["maps", () => new ProcFile(() => enc.encode(t.maps()))],
    ["cmdline", () => new ProcFile(() => t.cmdline())],
    ["status", () => new ProcFile(() => enc.encode(t.status()))],
    ["comm", () => new ProcFile(() => enc.encode(t.comm() + "\n"))],
    ["fd", () => new ProcDir(() => t.fds().map(([fd, path]) => [String(fd), () => new ProcLink(() => path)]))],
  ]);
}

export function makeProcRoot(src: ProcSource): Node {
  return new ProcDir(() => [
    ["self", () => new ProcLink(() => String(src.selfPid()))],
    ["thread-self", () => new ProcLink(() => `${src.selfPid()}/task/${src.selfTid()}`)],
    ...src.pids().map((p): [string, () => Node] => [String(p), () => pidDir(src, p)!]),
  ]);
}
