// Namespace syscalls: sethostname, setdomainname, setns (mount and umount2 are in mount.ts).

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

const HOST_NAME_MAX = 64;

function setName(t: Task, r: import("../cpu/regs.js").Regs, field: "hostname" | "domainname"): number {
  const len = iarg(r, 1);
  if (len < 0 || len > HOST_NAME_MAX) return -E.EINVAL;
  if (!nsCapable(t, t.utsns.owner, CAP_SYS_ADMIN)) return -E.EPERM;
  const b = t.mm!.read(uarg(r, 0), len);
  if (b === null) return -E.EFAULT;
  t.utsns[field] = new TextDecoder().decode(b).replace(/\0.*$/s, "");
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
      [CLONE_NEWUSER, "user", target.userns], [CLONE_NEWNS, "mnt", target.mntns], [CLONE_NEWUTS, "uts", target.utsns],
      [CLONE_NEWIPC, "ipc", target.ipcns], [CLONE_NEWNET, "net", target.netns], [CLONE_NEWCGROUP, "cgroup", target.cgroupns],
      [CLONE_NEWPID, "pid", target.pidns],
    ];
    for (const [flag, type, ns] of order) {
      if (!(nstype & flag)) continue;
      if (type === "user" && ns === t.userns) continue;
      const e = join(k, t, type, ns as never);
      if (e < 0) return e;
    }
    return 0;
  }
  return -E.EINVAL;
};

type Owned = { owner: import("../cred/userns.js").UserNamespace };

function join(k: Kernel, t: Task, type: string, ns: unknown): number {
  const admin = (owner: Owned["owner"]) => nsCapable(t, owner, CAP_SYS_ADMIN) && nsCapable(t, t.userns, CAP_SYS_ADMIN);
  switch (type) {
    case "user": {
      const u = ns as Task["userns"];
      if (u === t.userns) return -E.EINVAL;
      if (t.group.live().length > 1 || t.fs.users > 1) return -E.EINVAL;
      if (!nsCapable(t, u, CAP_SYS_ADMIN)) return -E.EPERM;
      t.userns = u;
      t.capEff = t.capPrm = t.capBnd = CAP_FULL;
      t.capInh = t.capAmb = 0n;
      return 0;
    }
    case "pid": {
      const p = ns as Task["pidns"];
      if (!p.within(t.pidns)) return -E.EINVAL;
      if (!admin(p.owner)) return -E.EPERM;
      t.pidnsChildren = p;
      return 0;
    }
    case "mnt": {
      const m = ns as Task["mntns"];
      if (!nsCapable(t, m.owner, CAP_SYS_ADMIN) || !nsCapable(t, t.userns, CAP_SYS_CHROOT) || !nsCapable(t, t.userns, CAP_SYS_ADMIN)) return -E.EPERM;
      if (t.fs.users > 1) return -E.EINVAL;
      t.mntns = m;
      t.fs.root = nsRoot(m);
      t.fs.cwd = nsRoot(m);
      return 0;
    }
    case "ipc": {
      const i = ns as Task["ipcns"];
      if (!admin(i.owner)) return -E.EPERM;
      t.semUndo.put(t.tgid);
      t.semUndo = new SemUndoList(i);
      t.ipcns = i;
      return 0;
    }
    case "uts":
    case "net":
    case "cgroup": {
      const o = ns as Owned;
      if (!admin(o.owner)) return -E.EPERM;
      if (type === "uts") t.utsns = ns as Task["utsns"];
      else if (type === "net") t.netns = ns as Task["netns"];
      else t.cgroupns = ns as Task["cgroupns"];
      return 0;
    }
  }
  return -E.EINVAL;
}
