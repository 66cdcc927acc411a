// sethostname, setdomainname (Linux: kernel/sys.c) and setns (kernel/nsproxy.c); unshare is in
// clone.ts, mount and umount2 in mount.ts.

import { bytestr, strbytes } from "../base/bytestr.js";
import * as E from "../base/errno.js";
import { Handler, iarg, uarg } from "./args.js";
import type { Kernel } from "../kernel/kernel.js";
import { Task, TaskState } from "../kernel/task.js";
import { nsCapable } from "../cred/userns.js";
import { CAP_SYS_ADMIN, CAP_SYS_CHROOT, CAP_FULL } from "../cred/capability.js";
import { NS_FLAG, NsNode } from "../kernel/nsfs.js";
import { PidfdNode } from "../kernel/pidfd.js";
import { SemUndoList } from "../kernel/sem.js";
import { nsRoot } from "../kernel/namespaces.js";
import { CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUSER, CLONE_NEWUTS, CloneFlags, checkNamespaceCreation } from "../kernel/cloneflags.js";
import { commitCreds } from "../cred/cred.js";
import type { UserNamespace } from "../cred/userns.js";
import type { PidNamespace } from "../kernel/pidns.js";
import type { IpcNamespace } from "../kernel/sem.js";
import type { CgroupNamespace, MntNamespace, NetNamespace, UtsNamespace } from "../kernel/namespaces.js";
import { NsProxyChanges, switchNamespaces } from "../kernel/nsproxy.js";

const HOST_NAME_MAX = 64;

function setName(t: Task, r: import("../cpu/regs.js").Regs, field: "hostname" | "domainname"): number {
  const len = iarg(r, 1);
  if (len < 0 || len > HOST_NAME_MAX) return -E.EINVAL;
  if (!nsCapable(t.cred, t.nsproxy.uts.owner, CAP_SYS_ADMIN)) return -E.EPERM;
  const b = t.mm!.read(uarg(r, 0), len);
  if (b === null) return -E.EFAULT;
  t.nsproxy.uts[field] = bytestr(b).replace(/\0.*$/s, "");
  return 0;
}

export const sysSethostname: Handler = (_k, t, r) => setName(t, r, "hostname");
export const sysSetdomainname: Handler = (_k, t, r) => setName(t, r, "domainname");

/** setns(fd, nstype): join the namespace an nsfs fd names, or those of a pidfd's process */
export const sysSetns: Handler = (k, t, r) => {
  const f = t.files.lookup(iarg(r, 0));
  const nstype = iarg(r, 1);
  if (f === null) return -E.EBADF;
  if (f.node instanceof NsNode) {
    const type = f.node.nsType;
    if (nstype !== 0 && NS_FLAG[type] !== nstype) return -E.EINVAL;
    return join(k, t, type === "pid_for_children" ? "pid" : type, f.node.ns);
  }
  if (f.node instanceof PidfdNode) {
    const no = checkNamespaceCreation(t, new CloneFlags(nstype), "setns");
    if (no !== null) return -no.errno;
    const target = f.node.task;
    if (target.state === TaskState.Dead || target.state === TaskState.Zombie) return -E.ESRCH;
    // the user namespace first, so that the rest are joined with its capabilities
    const order: [number, string, unknown][] = [
      [CLONE_NEWUSER, "user", target.cred.userns], [CLONE_NEWNS, "mnt", target.nsproxy.mnt], [CLONE_NEWUTS, "uts", target.nsproxy.uts],
      [CLONE_NEWIPC, "ipc", target.nsproxy.ipc], [CLONE_NEWNET, "net", target.nsproxy.net], [CLONE_NEWCGROUP, "cgroup", target.nsproxy.cgroup],
      [CLONE_NEWPID, "pid", target.pidns],
    ];
    for (const [flag, type, ns] of order) {
      if (!(nstype & flag)) continue;
      if (type === "user" && ns === t.cred.userns) continue;
      const e = join(k, t, type, ns as never);
      if (e < 0) return e;
    }
    return 0;
  }
  return -E.EINVAL;
};

type Owned = { owner: UserNamespace };

function join(k: Kernel, t: Task, type: string, ns: unknown): number {
  const admin = (owner: UserNamespace) => nsCapable(t.cred, owner, CAP_SYS_ADMIN) && nsCapable(t.cred, t.cred.userns, CAP_SYS_ADMIN);
  const enter = (changes: NsProxyChanges) => switchNamespaces(t, t.nsproxy.with(changes));
  switch (type) {
    case "user": {
      const u = ns as UserNamespace;
      if (u === t.cred.userns) return -E.EINVAL;
      if (t.group.live().length > 1 || t.fs.users > 1) return -E.EINVAL;
      if (!nsCapable(t.cred, u, CAP_SYS_ADMIN)) return -E.EPERM;
      commitCreds(t, t.cred.with({ userns: u, capEff: CAP_FULL, capPrm: CAP_FULL, capBnd: CAP_FULL, capInh: 0n, capAmb: 0n }));
      return 0;
    }
    case "pid": {
      const p = ns as PidNamespace;
      if (!p.within(t.pidns)) return -E.EINVAL;
      if (!admin(p.owner)) return -E.EPERM;
      enter({ pidForChildren: p });
      return 0;
    }
    case "mnt": {
      const m = ns as MntNamespace;
      if (!nsCapable(t.cred, m.owner, CAP_SYS_ADMIN) || !nsCapable(t.cred, t.cred.userns, CAP_SYS_CHROOT) || !nsCapable(t.cred, t.cred.userns, CAP_SYS_ADMIN)) return -E.EPERM;
      if (t.fs.users > 1) return -E.EINVAL;
      enter({ mnt: m });
      t.fs.root = nsRoot(m);
      t.fs.cwd = nsRoot(m);
      return 0;
    }
    case "ipc": {
      const i = ns as IpcNamespace;
      if (!admin(i.owner)) return -E.EPERM;
      t.semUndo.put(t.tgid);
      t.semUndo = new SemUndoList(i);
      enter({ ipc: i });
      return 0;
    }
    case "uts":
    case "net":
    case "cgroup": {
      const o = ns as Owned;
      if (!admin(o.owner)) return -E.EPERM;
      if (type === "uts") enter({ uts: ns as UtsNamespace });
      else if (type === "net") enter({ net: ns as NetNamespace });
      else enter({ cgroup: ns as CgroupNamespace });
      return 0;
    }
  }
  return -E.EINVAL;
}
