// UTS, mount, network and cgroup namespaces (Linux: kernel/utsname.c, fs/namespace.c,
// net/core/net_namespace.c, kernel/cgroup/namespace.c) and the nsfs identity every
// namespace has (/proc/PID/ns/*: equal device and inode exactly when the namespace is the same).

import { CL_COPY_UNBINDABLE, CL_SHARED_TO_SLAVE, Mount, MountNs, copyTree, followMounts, rootOf, subtree } from "../fs/mount.js";
import type { FsInfo, Loc } from "../fs/path.js";
import { INIT_INO, allocNsIno } from "../base/nsinum.js";
import type { UserNamespace } from "../cred/userns.js";
import { IFF_UP, NetDevice, loopback } from "../net/netdev.js";
import type { NetlinkNet, NetlinkSocket } from "../net/netlink.js";

export class UtsNamespace {
  readonly ino: number;
  constructor(public hostname: string, public domainname: string, readonly owner: UserNamespace, init = false) {
    this.ino = init ? INIT_INO.uts : allocNsIno();
  }
  copy(owner: UserNamespace): UtsNamespace {
    return new UtsNamespace(this.hostname, this.domainname, owner);
  }
}

export class MntNamespace implements MountNs {
  readonly ino = allocNsIno();
  /** root: the namespace's root mount (pivot_root changes it) */
  constructor(public root: Mount, readonly owner: UserNamespace) {
    for (const m of subtree(root)) m.ns = this;
  }

  /** every mount, in the order they were made (the order /proc/PID/mountinfo lists them) */
  mounts(): Mount[] {
    return subtree(this.root).sort((a, b) => a.id - b.id);
  }

  /** a new namespace with a copy of every mount, unbindable ones too; shared mounts' copies are
   *  their peers, or their slaves when the new namespace belongs to another user namespace. The
   *  fs context `fs` moves over to the copies (Linux: copy_mnt_ns) */
  copy(owner: UserNamespace, fs: FsInfo): MntNamespace {
    const map = new Map<Mount, Mount>();
    const flags = CL_COPY_UNBINDABLE | (owner !== this.owner ? CL_SHARED_TO_SLAVE : 0);
    const root = copyTree(this.root, this.root.root, this.root.rootNames, flags, map) as Mount;
    const ns = new MntNamespace(root, owner);
    const move = (l: Loc): Loc => ({ ...l, mnt: map.get(l.mnt) ?? l.mnt });
    fs.root = move(fs.root);
    fs.cwd = move(fs.cwd);
    return ns;
  }
}

/** the location a task of namespace ns starts from: its root mount, and what is on top of it */
export function nsRoot(ns: MntNamespace): Loc {
  return followMounts(rootOf(ns.root));
}

/** is the task's root somewhere else than its namespace's root? (Linux: current_chrooted) */
export function chrooted(fs: FsInfo, ns: MntNamespace): boolean {
  const r = nsRoot(ns);
  return fs.root.node !== r.node || fs.root.mnt !== r.mnt;
}

export class NetNamespace implements NetlinkNet {
  readonly ino = allocNsIno();
  /** network devices: a new namespace has only its loopback, down and without addresses; the
   *  initial one's is up with 127.0.0.1/8 and ::1 from boot, as on a booted host */
  readonly devices: NetDevice[];
  /** bound NETLINK_ROUTE port ids */
  readonly netlinkPorts = new Map<number, NetlinkSocket>();
  /** abstract AF_UNIX names bound in this namespace */
  readonly abstract = new Map<string, import("../net/unix.js").UnixSocket>();
  constructor(readonly owner: UserNamespace, init = false) {
    const lo = loopback();
    if (init) lo.changeFlags(IFF_UP, 0);
    this.devices = [lo];
  }
}

export class CgroupNamespace {
  readonly ino: number;
  /** the cgroup the namespace sees as "/" (its creator's cgroup) */
  constructor(readonly owner: UserNamespace, readonly root: import("../fs/cgroupfs.js").Cgroup, init = false) {
    this.ino = init ? INIT_INO.cgroup : allocNsIno();
  }
}
