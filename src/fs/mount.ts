// Mounts (Linux: struct mount, fs/namespace.c) and shared subtrees (fs/pnode.c).
//
// A mount shows one filesystem (a superblock) from some directory of it (its root) at a
// mount point: a directory of its parent mount. Each mount namespace is a tree of mounts.
// Shared subtrees: the mounts of a peer group receive each other's mounts and unmounts; a
// slave receives from its master's group and sends nothing back.

import * as E from "../base/errno.js";
import type { Node } from "./node.js";
import { type Loc, locNames } from "./path.js";

/** a mounted filesystem instance, shared by every mount of it (bind mounts, copies) */
export interface SuperBlock {
  readonly fstype: string;
  /** st_dev of its files: major in bits 8 and up, minor in the low 8 */
  readonly dev: number;
  ro: boolean;
}

/** what a mount belongs to (the kernel's mount namespace) */
export interface MountNs {
  root: Mount;
}

/** a peer group: shared mounts that propagate to each other (Linux: mnt_group_id, and the
 *  mnt_share ring, whose order decides which peer gets its copy first) */
export class PeerGroup {
  /** the ring as links (joining and leaving cost O(1), whatever the group's size) */
  private readonly next = new Map<Mount, Mount>();
  private readonly prev = new Map<Mount, Mount>();
  /** the first member: a join without `after` goes just before it, at the end of the ring */
  private head: Mount | null = null;
  private static used = new Set<number>();
  readonly id: number;
  constructor() {
    // the lowest free id, as Linux's IDA gives
    let id = 1;
    while (PeerGroup.used.has(id)) id++;
    PeerGroup.used.add(id);
    this.id = id;
  }
  get size(): number {
    return this.next.size;
  }
  /** join right after `after` in the ring (a clone follows what it was cloned from) */
  join(m: Mount, after: Mount | null): void {
    if (this.head === null) {
      this.head = m;
      this.next.set(m, m);
      this.prev.set(m, m);
      return;
    }
    const a = after !== null && this.next.has(after) ? after : this.prev.get(this.head)!;
    const n = this.next.get(a)!;
    this.next.set(a, m);
    this.prev.set(m, a);
    this.next.set(m, n);
    this.prev.set(n, m);
  }
  leave(m: Mount): void {
    const p = this.prev.get(m);
    const n = this.next.get(m);
    if (p === undefined || n === undefined) return;
    this.next.set(p, n);
    this.prev.set(n, p);
    this.next.delete(m);
    this.prev.delete(m);
    if (this.head === m) this.head = n === m ? null : n;
    if (this.size === 0) PeerGroup.used.delete(this.id);
  }
  /** the members in ring order, starting with m */
  from(m: Mount): Mount[] {
    const out: Mount[] = [];
    if (!this.next.has(m)) return out;
    let x = m;
    do {
      out.push(x);
      x = this.next.get(x)!;
    } while (x !== m);
    return out;
  }
  /** the first peer after m (around the ring) that satisfies `ok`, else the one right after m */
  nextPeer(m: Mount, ok: (p: Mount) => boolean): Mount {
    const first = this.next.get(m)!;
    for (let x = first; x !== m; x = this.next.get(x)!) if (ok(x)) return x;
    return first;
  }
}

let nextMountId = 20;

export class Mount {
  readonly id = nextMountId++;
  parent: Mount | null = null;
  /** where it is mounted: a location in the parent mount (for a namespace root: its own root) */
  mp: Loc;
  readonly children: Mount[] = [];
  ns: MountNs | null = null;
  /** MNT_READONLY: this mount refuses writes whatever the filesystem allows */
  ro: boolean;
  group: PeerGroup | null = null;
  master: Mount | null = null;
  /** slaves, newest first (Linux: mnt_slave_list) */
  readonly slaves: Mount[] = [];
  unbindable = false;

  /** root: the directory of the filesystem it shows, rootNames its path from the filesystem's root */
  constructor(readonly sb: SuperBlock, readonly root: Node, readonly rootNames: string[], readonly source: string, ro: boolean) {
    this.ro = ro;
    this.mp = { node: root, mnt: this, up: null, name: "" };
  }

  get shared(): boolean {
    return this.group !== null;
  }
  get readOnly(): boolean {
    return this.ro || this.sb.ro;
  }
}

/** the topmost mount on dentry `d` of mount `m`, if any (Linux: lookup_mnt) */
export function childAt(m: Mount, d: Node): Mount | null {
  for (let i = m.children.length - 1; i >= 0; i--) if (m.children[i].mp.node === d) return m.children[i];
  return null;
}

/** a location at the root of a mount */
export function rootOf(m: Mount): Loc {
  return { node: m.root, mnt: m, up: null, name: "" };
}

/** the location itself, or the root of what is mounted on top of it (Linux: follow_mount) */
export function followMounts(l: Loc): Loc {
  let cur = l;
  for (let c = childAt(cur.mnt, cur.node); c; c = childAt(c, c.root)) cur = rootOf(c);
  return cur;
}

/** every mount of the tree under m (m first, then depth first in mount order) */
export function subtree(m: Mount): Mount[] {
  const out: Mount[] = [];
  const walk = (x: Mount) => {
    out.push(x);
    for (const c of x.children) walk(c);
  };
  walk(m);
  return out;
}

/** the location `names` leads to from m's root, inside m's filesystem (no mounts crossed) */
export function locIn(m: Mount, names: string[]): Loc | null {
  let loc: Loc = rootOf(m);
  for (const n of names) {
    const next = loc.node.lookup(n);
    if (next === null) return null;
    loc = { node: next, mnt: m, up: loc, name: n };
  }
  return loc;
}

function setNs(m: Mount, ns: MountNs | null): void {
  for (const x of subtree(m)) x.ns = ns;
}

export function attach(m: Mount, at: Loc): void {
  m.parent = at.mnt;
  m.mp = at;
  at.mnt.children.push(m);
  setNs(m, at.mnt.ns);
}

export function detach(m: Mount): void {
  const p = m.parent;
  if (p) p.children.splice(p.children.indexOf(m), 1);
  m.parent = null;
}

function joinGroup(m: Mount, g: PeerGroup, after: Mount | null = null): void {
  m.group = g;
  g.join(m, after);
}

/** make m a slave of master: first in its list, or right after `after` (a clone of a slave) */
function setMaster(m: Mount, master: Mount | null, after: Mount | null = null): void {
  if (m.master) m.master.slaves.splice(m.master.slaves.indexOf(m), 1);
  m.master = master;
  if (!master) return;
  const i = after ? master.slaves.indexOf(after) : -1;
  master.slaves.splice(i < 0 ? 0 : i + 1, 0, m);
}

/** make m shared: a peer group of its own unless it has one (Linux: invent_group_ids,
 *  set_mnt_shared); a shared mount is not unbindable */
export function makeShared(m: Mount): void {
  if (!m.group) joinGroup(m, new PeerGroup());
  m.unbindable = false;
}

/** copy flags (Linux: CL_*) */
export const CL_SLAVE = 1, CL_PRIVATE = 2, CL_MAKE_SHARED = 4, CL_SHARED_TO_SLAVE = 8, CL_COPY_UNBINDABLE = 16;

/** a new mount of old's filesystem showing `root` (Linux: clone_mnt): a bind mount or a copy;
 *  it joins old's peer group (or becomes a slave of old, or private) as the flags say, and is
 *  never unbindable (a new namespace's copies of unbindable mounts are private) */
export function cloneMount(old: Mount, root: Node, rootNames: string[], flags: number): Mount {
  const m = new Mount(old.sb, root, rootNames, old.source, old.ro);
  if (flags & CL_SLAVE || (flags & CL_SHARED_TO_SLAVE && old.shared)) {
    setMaster(m, old);
    if (flags & CL_MAKE_SHARED) makeShared(m);
  } else if (!(flags & CL_PRIVATE)) {
    if (flags & CL_MAKE_SHARED || old.shared) {
      if (old.group) joinGroup(m, old.group, old);
      else makeShared(m);
    }
    setMaster(m, old.master, old);
  }
  return m;
}

/** is `names` (a path from the filesystem root) at or under `base`? */
function under(names: string[], base: string[]): boolean {
  return base.length <= names.length && base.every((n, i) => names[i] === n);
}

/** the path of m's mount point from its filesystem's root */
function mpPathInFs(m: Mount): string[] {
  return [...m.parent!.rootNames, ...locNames(m.mp)];
}

/** copy the mount tree of `src` from its directory `root` down (Linux: copy_tree): submounts
 *  outside that directory are left out, and so are unbindable ones unless CL_COPY_UNBINDABLE */
export function copyTree(src: Mount, root: Node, rootNames: string[], flags: number, copies = new Map<Mount, Mount>()): Mount | number {
  if (!(flags & CL_COPY_UNBINDABLE) && src.unbindable) return -E.EINVAL;
  const top = cloneMount(src, root, rootNames, flags);
  copies.set(src, top);
  const walk = (from: Mount) => {
    for (const c of from.children) {
      if (from === src && !under(mpPathInFs(c), rootNames)) continue;
      if (!(flags & CL_COPY_UNBINDABLE) && c.unbindable) continue;
      // the mount point as seen from the copy's parent: the same directory, its path relative
      // to where that copy starts
      const at = locIn(copies.get(from)!, from === src ? mpPathInFs(c).slice(rootNames.length) : locNames(c.mp));
      if (at === null) continue;
      const q = cloneMount(c, c.root, c.rootNames, flags);
      attachQuiet(q, at);
      copies.set(c, q);
      walk(c);
    }
  };
  walk(src);
  return top;
}

/** attach without touching namespaces (inside a tree being built) */
function attachQuiet(m: Mount, at: Loc): void {
  m.parent = at.mnt;
  m.mp = at;
  at.mnt.children.push(m);
}

/** does the tree contain an unbindable mount? */
export function hasUnbindable(m: Mount): boolean {
  return subtree(m).some((x) => x.unbindable);
}

/** change propagation (Linux: change_mnt_propagation) */
export function changeType(m: Mount, type: "shared" | "slave" | "private" | "unbindable"): void {
  if (type === "shared") {
    makeShared(m);
    return;
  }
  makeSlave(m);
  if (type !== "slave") {
    setMaster(m, null);
    m.unbindable = type === "unbindable";
  }
}

/** leave the peer group and become a slave of it, or of the old master (Linux: do_make_slave) */
function makeSlave(m: Mount): void {
  let master: Mount | null;
  const g = m.group;
  if (g === null || g.size === 1) {
    if (g) g.leave(m);
    m.group = null;
    master = m.master;
    if (!master) {
      for (const s of [...m.slaves]) setMaster(s, null);
      return;
    }
  } else {
    // the next peer with the same root is the best master; the next peer will do
    master = g.nextPeer(m, (p) => p.root === m.root);
    g.leave(m);
    m.group = null;
  }
  // m goes first in the master's list, its own slaves to the end of it
  const mine = m.slaves.splice(0);
  setMaster(m, master);
  for (const s of mine) {
    s.master = master;
    master.slaves.push(s);
  }
}

/** leave every propagation relation (a mount going away): its slaves go to a peer or to its
 *  master */
function forget(m: Mount): void {
  makeSlave(m);
  setMaster(m, null);
}

/** the mounts that receive what happens in m, in Linux's order (propagate_mnt, next_group): its
 *  peers around the ring, then depth first each slave's group and what that group sends to;
 *  with each, the mount its copy is made from and whether it is a peer of that mount */
function propagationTargets(m: Mount): { target: Mount; from: Mount; asPeer: boolean }[] {
  const out: { target: Mount; from: Mount; asPeer: boolean }[] = [];
  const seen = new Set<Mount>([m]);
  const ring = (x: Mount) => (x.group ? x.group.from(x) : [x]);
  for (const p of ring(m).slice(1)) {
    seen.add(p);
    out.push({ target: p, from: m, asPeer: true });
  }
  const slavesOf = (group: Mount[]) => {
    for (const x of group)
      for (const s of [...x.slaves]) {
        if (seen.has(s)) continue;
        const theirs = ring(s);
        for (const y of theirs) if (!seen.has(y)) {
          seen.add(y);
          out.push(y === s ? { target: y, from: x, asPeer: false } : { target: y, from: s, asPeer: true });
        }
        slavesOf(theirs);
      }
  };
  slavesOf(ring(m));
  return out;
}

/** fs.mount-max: the most mounts a namespace may hold */
export const MOUNT_MAX = 100000;

/** the mounts a namespace holds */
export function countMounts(ns: MountNs): number {
  return subtree(ns.root).length;
}

/** drop trees that were built but never attached, and every propagation relation of their
 *  mounts (each slave list outside them is filtered once, not once per mount) */
export function discardTree(...trees: Mount[]): void {
  const going = new Set<Mount>();
  for (const t of trees) for (const m of subtree(t)) going.add(m);
  const masters = new Set<Mount>();
  for (const m of going) {
    m.group?.leave(m);
    if (m.master && !going.has(m.master)) masters.add(m.master);
  }
  for (const ms of masters) {
    const keep = ms.slaves.filter((x) => !going.has(x));
    ms.slaves.length = 0;
    for (const x of keep) ms.slaves.push(x);
  }
  for (const m of going) {
    for (const s of m.slaves) if (!going.has(s)) s.master = null;
    m.group = null;
    m.master = null;
    m.ns = null;
  }
}

/** a tree was attached to dest at `at` (a directory of dest): put copies in every mount that
 *  receives from dest, where that directory is visible (Linux: propagate_mnt). Copies past
 *  `room` mounts in all (what mount-max leaves) are dropped again and give ENOSPC, as Linux's
 *  count_mounts for each copy: a chain of recursive binds under shared propagation multiplies
 *  mounts with each step */
export function propagateMount(dest: Mount, at: Loc, tree: Mount, room = Infinity): number {
  const copies = new Map<Mount, Mount>([[dest, tree]]);
  const fsPath = [...dest.rootNames, ...locNames(at)];
  // every copy is made before any is attached, so none is copied again (Linux: propagate_mnt
  // builds the copies, attach_recursive_mnt commits them)
  const made: [Mount, Loc][] = [];
  for (const { target, from, asPeer } of propagationTargets(dest)) {
    // mounts not in a namespace yet (the tree being attached itself) receive nothing
    if (target.ns === null) continue;
    // copy from what the sending side got (or from the nearest sender that got something)
    let src: Mount | undefined;
    for (let f: Mount | null = from; f && !(src = copies.get(f)); f = f.master) {}
    if (!src) src = tree;
    if (!under(fsPath, target.rootNames)) continue;
    const there = locIn(target, fsPath.slice(target.rootNames.length));
    if (there === null) continue;
    // the copy will hold as many mounts as src: refuse before building what cannot fit
    room -= subtree(src).length;
    if (room < 0) {
      discardTree(...made.map(([x]) => x));
      return -E.ENOSPC;
    }
    const flags = asPeer ? CL_MAKE_SHARED : CL_SLAVE | (target.shared ? CL_MAKE_SHARED : 0);
    const c = copyTree(src, src.root, src.rootNames, flags);
    if (typeof c === "number") continue;
    made.push([c, there]);
    copies.set(target, c);
  }
  for (const [c, there] of made) {
    // a mount already there ends up on top of the copy (Linux: mnt_change_mountpoint)
    const q = childAt(there.mnt, there.node);
    attach(c, there);
    if (q) {
      detach(q);
      attach(q, rootOf(c));
    }
  }
  return 0;
}

/** what unmounting m takes along: its tree, and with propagation the copies its parent's
 *  receivers got at the same place, when nothing else is mounted on them (Linux: umount_tree,
 *  propagate_umount) */
export function umountSet(m: Mount, propagate: boolean): Set<Mount> {
  const tree = subtree(m);
  const going = new Set<Mount>(tree);
  if (propagate)
    for (const x of tree.reverse()) {
      if (!x.parent) continue;
      for (const { target } of propagationTargets(x.parent)) {
        const c = childAt(target, x.mp.node);
        if (c && !going.has(c) && c.children.every((k) => going.has(k))) going.add(c);
      }
    }
  return going;
}

export function umountAll(going: Set<Mount>): void {
  for (const x of going) if (!x.parent || !going.has(x.parent)) detach(x);
  for (const x of going) {
    forget(x);
    x.ns = null;
  }
}

/** is `a` the mount `b` or one of its ancestors? */
export function isAncestor(a: Mount, b: Mount): boolean {
  for (let x: Mount | null = b; x; x = x.parent) if (x === a) return true;
  return false;
}
