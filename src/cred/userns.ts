// User namespaces and capabilities (Linux: kernel/user_namespace.c, security/commoncap.c).
//
// Credentials hold kernel-global ids (kuids); a namespace's uid_map turns its ids into kuids.
// Capabilities are per-task bit sets that count in the task's user namespace and in every
// namespace below it; the creator of a user namespace has every capability in it.

import { INIT_INO, allocNsIno } from "../base/nsinum.js";
import { capBit } from "./capability.js";

export const OVERFLOW_ID = 65534;
const MAX_EXTENTS = 340;

export interface Extent {
  /** first id inside the namespace */
  first: number;
  /** first kernel-global id it maps to */
  lower: number;
  count: number;
}

export class UserNamespace {
  readonly level: number;
  uidMap: Extent[] | null;
  gidMap: Extent[] | null;
  /** "allow" or "deny" (/proc/PID/setgroups); "deny" is inherited by child namespaces */
  setgroupsAllowed: boolean;
  readonly id: number;
  private static nextId = 1;
  /** nsfs inode (/proc/PID/ns/user) */
  readonly ino: number;
  /** the creator's RLIMIT_SIGPENDING when it was made: how many signals the creator's user in
   *  the parent namespace may have queued for this namespace's users to queue more (Linux:
   *  rlimit_max[UCOUNT_RLIMIT_SIGPENDING]; unlimited for the initial namespace) */
  sigpendingMax = Infinity;

  /** owner: the creator's euid/egid (kuids) */
  constructor(readonly parent: UserNamespace | null, readonly ownerUid: number, readonly ownerGid: number) {
    this.level = parent ? parent.level + 1 : 0;
    this.ino = parent ? allocNsIno() : INIT_INO.user;
    const identity = parent ? null : [{ first: 0, lower: 0, count: 4294967295 }];
    this.uidMap = identity;
    this.gidMap = identity ? [...identity] : null;
    this.setgroupsAllowed = parent ? parent.setgroupsAllowed : true;
    this.id = UserNamespace.nextId++;
  }

  /** is this namespace `ns` or a descendant of it? */
  within(ns: UserNamespace): boolean {
    for (let n: UserNamespace | null = this; n; n = n.parent) if (n === ns) return true;
    return false;
  }
}

/** namespace id -> kernel id, or -1 when unmapped (Linux: make_kuid) */
export function toKernel(map: Extent[] | null, id: number): number {
  if (!map) return -1;
  for (const e of map) if (id >= e.first && id - e.first < e.count) return e.lower + (id - e.first);
  return -1;
}

/** kernel id -> namespace id, or -1 when unmapped (Linux: from_kuid) */
export function fromKernel(map: Extent[] | null, kid: number): number {
  if (!map) return -1;
  for (const e of map) if (kid >= e.lower && kid - e.lower < e.count) return e.first + (kid - e.lower);
  return -1;
}

/** from_kuid_munged: unmapped ids read as the overflow id */
export function munged(map: Extent[] | null, kid: number): number {
  const v = fromKernel(map, kid);
  return v < 0 ? OVERFLOW_ID : v;
}

export interface CapHolder {
  userns: UserNamespace;
  euid: number;
  capEff: bigint;
}

/** does `t` have `cap` in user namespace `ns`? (Linux: cap_capable) */
export function nsCapable(t: CapHolder, ns: UserNamespace, cap: number): boolean {
  for (let n: UserNamespace | null = ns; n; n = n.parent) {
    if (n === t.userns) return (t.capEff & capBit(cap)) !== 0n;
    if (n.level <= t.userns.level) return false;
    // the owner of a child namespace has every capability in it
    if (n.parent === t.userns && n.ownerUid === t.euid) return true;
  }
  return false;
}

/** parse and check a uid_map/gid_map write (Linux: map_write); extents' lower ids in kernel ids */
export function parseMap(text: string, toKernelOfOpener: (id: number) => number): Extent[] | null {
  const lines = text.split("\n").filter((l) => l.trim().length > 0);
  if (lines.length === 0 || lines.length > MAX_EXTENTS) return null;
  const out: Extent[] = [];
  for (const l of lines) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(l);
    if (!m) return null;
    const first = Number(m[1]);
    const lowerNs = Number(m[2]);
    const count = Number(m[3]);
    if (count === 0 || first + count > 4294967295 || lowerNs + count > 4294967295) return null;
    const lower = toKernelOfOpener(lowerNs);
    if (lower < 0 || toKernelOfOpener(lowerNs + count - 1) !== lower + count - 1) return null;
    out.push({ first, lower, count });
  }
  for (let i = 0; i < out.length; i++) {
    for (let j = i + 1; j < out.length; j++) {
      const a = out[i];
      const b = out[j];
      if (a.first < b.first + b.count && b.first < a.first + a.count) return null;
      if (a.lower < b.lower + b.count && b.lower < a.lower + a.count) return null;
    }
  }
  return out;
}

/** the initial user namespace: the identity map */
export const INIT_USER_NS = new UserNamespace(null, 0, 0);
