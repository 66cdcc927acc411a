// UTS, mount, network and cgroup namespaces (Linux: kernel/utsname.c, fs/namespace.c,
// net/core/net_namespace.c, kernel/cgroup/namespace.c) and the nsfs identity every
// namespace has (/proc/PID/ns/*: equal device and inode exactly when the namespace is the same).

import { MountTable } from "../fs/path.js";
import type { UserNamespace } from "./userns.js";
import { IFF_UP, NetDevice, loopback } from "../net/netdev.js";
import type { NetlinkNet, NetlinkSocket } from "../net/netlink.js";

/** inode numbers of the initial namespaces (Linux: PROC_*_INIT_INO); later ones are allocated */
export const INIT_INO = { ipc: 4026531839, uts: 4026531838, user: 4026531837, pid: 4026531836, cgroup: 4026531835, time: 4026531834 };
let nextIno = 4026531840;
export function allocNsIno(): number {
  return nextIno++;
}

export class UtsNamespace {
  readonly ino: number;
  constructor(public hostname: string, public domainname: string, readonly owner: UserNamespace, init = false) {
    this.ino = init ? INIT_INO.uts : allocNsIno();
  }
  copy(owner: UserNamespace): UtsNamespace {
    return new UtsNamespace(this.hostname, this.domainname, owner);
  }
}

export class MntNamespace {
  readonly ino = allocNsIno();
  /** every mount namespace, for propagation between peer mounts (weakly held) */
  static readonly all = new Set<WeakRef<MntNamespace>>();
  constructor(readonly mounts: MountTable, readonly owner: UserNamespace) {
    MntNamespace.all.add(new WeakRef(this));
  }

  static live(): MntNamespace[] {
    const out: MntNamespace[] = [];
    for (const r of MntNamespace.all) {
      const m = r.deref();
      if (m) out.push(m);
      else MntNamespace.all.delete(r);
    }
    return out;
  }
  /** a new namespace with copies of every mount over the same filesystems (Linux: copy_mnt_ns) */
  copy(owner: UserNamespace): MntNamespace {
    const m = new MountTable();
    for (const [k, v] of this.mounts.over) m.over.set(k, v);
    for (const [k, v] of this.mounts.info) m.info.set(k, { ...v });
    return new MntNamespace(m, owner);
  }
}

export class NetNamespace implements NetlinkNet {
  readonly ino = allocNsIno();
  /** network devices: a new namespace has only its loopback, down and without addresses; the
   *  initial one's is up with 127.0.0.1/8 and ::1 from boot, as on a booted host */
  readonly devices: NetDevice[];
  /** bound NETLINK_ROUTE port ids */
  readonly netlinkPorts = new Map<number, NetlinkSocket>();
  /** abstract AF_UNIX names bound in this namespace */
  readonly abstract = new Map<string, import("../fs/unix.js").UnixSocket>();
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
