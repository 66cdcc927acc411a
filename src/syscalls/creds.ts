// User and group ids (Linux: kernel/sys.c setuid family, kernel/groups.c). Privilege is
// euid 0 (the capabilities of root); the user-namespace-aware model is the namespaces issue's.

import * as E from "../kernel/errno.js";
import { Handler, iarg, uarg } from "./args.js";
import type { Task } from "../kernel/task.js";

const NGROUPS_MAX = 65536;
const keep = (v: number) => v === -1;

function setRes(t: Task, which: "u" | "g", r: number, e: number, s: number): number {
  const cur = which === "u" ? [t.uid, t.euid, t.suid] : [t.gid, t.egid, t.sgid];
  if (!t.capable) {
    for (const v of [r, e, s]) if (!keep(v) && !cur.includes(v)) return -E.EPERM;
  }
  const nr = keep(r) ? cur[0] : r;
  const ne = keep(e) ? cur[1] : e;
  const ns = keep(s) ? cur[2] : s;
  if (which === "u") {
    t.uid = nr;
    t.euid = ne;
    t.suid = ns;
    t.fsuid = ne;
  } else {
    t.gid = nr;
    t.egid = ne;
    t.sgid = ns;
    t.fsgid = ne;
  }
  return 0;
}

export const sysSetresuid: Handler = (_k, t, r) => setRes(t, "u", iarg(r, 0), iarg(r, 1), iarg(r, 2));
export const sysSetresgid: Handler = (_k, t, r) => setRes(t, "g", iarg(r, 0), iarg(r, 1), iarg(r, 2));

/** setuid: privileged sets all ids; otherwise only the effective id, to the real or saved id */
export const sysSetuid: Handler = (_k, t, r) => {
  const id = iarg(r, 0);
  if (id === -1) return -E.EINVAL;
  if (t.capable) return setRes(t, "u", id, id, id);
  if (id !== t.uid && id !== t.suid) return -E.EPERM;
  t.euid = t.fsuid = id;
  return 0;
};

export const sysSetgid: Handler = (_k, t, r) => {
  const id = iarg(r, 0);
  if (id === -1) return -E.EINVAL;
  if (t.capable) return setRes(t, "g", id, id, id);
  if (id !== t.gid && id !== t.sgid) return -E.EPERM;
  t.egid = t.fsgid = id;
  return 0;
};

/** setreuid: a changed real id, or an effective id other than the old real id, also sets the saved id */
function setRe(t: Task, which: "u" | "g", r: number, e: number): number {
  const [ruid, euid, suid] = which === "u" ? [t.uid, t.euid, t.suid] : [t.gid, t.egid, t.sgid];
  if (!t.capable) {
    if (!keep(r) && r !== ruid && r !== euid) return -E.EPERM;
    if (!keep(e) && e !== ruid && e !== euid && e !== suid) return -E.EPERM;
  }
  const nr = keep(r) ? ruid : r;
  const ne = keep(e) ? euid : e;
  const ns = !keep(r) || (!keep(e) && e !== ruid) ? ne : suid;
  // the checks above already allow every value, so setRes cannot refuse
  const saved = t.euid;
  t.euid = 0;
  setRes(t, which, nr, ne, ns);
  if (which === "g") t.euid = saved;
  return 0;
}

export const sysSetreuid: Handler = (_k, t, r) => setRe(t, "u", iarg(r, 0), iarg(r, 1));
export const sysSetregid: Handler = (_k, t, r) => setRe(t, "g", iarg(r, 0), iarg(r, 1));

function writeIds(t: Task, addrs: number[], ids: number[]): number {
  for (let i = 0; i < 3; i++) if (!t.mm!.writeU32(addrs[i], ids[i])) return -E.EFAULT;
  return 0;
}

export const sysGetresuid: Handler = (_k, t, r) => writeIds(t, [uarg(r, 0), uarg(r, 1), uarg(r, 2)], [t.uid, t.euid, t.suid]);
export const sysGetresgid: Handler = (_k, t, r) => writeIds(t, [uarg(r, 0), uarg(r, 1), uarg(r, 2)], [t.gid, t.egid, t.sgid]);

export const sysSetfsuid: Handler = (_k, t, r) => {
  const old = t.fsuid;
  const id = iarg(r, 0);
  if (id !== -1 && (t.capable || [t.uid, t.euid, t.suid, t.fsuid].includes(id))) t.fsuid = id;
  return old;
};

export const sysSetfsgid: Handler = (_k, t, r) => {
  const old = t.fsgid;
  const id = iarg(r, 0);
  if (id !== -1 && (t.capable || [t.gid, t.egid, t.sgid, t.fsgid].includes(id))) t.fsgid = id;
  return old;
};

export const sysGetgroups: Handler = (_k, t, r) => {
  const size = iarg(r, 0);
  if (size < 0) return -E.EINVAL;
  if (size === 0) return t.groups.length;
  if (size < t.groups.length) return -E.EINVAL;
  const b = new Uint8Array(4 * t.groups.length);
  const dv = new DataView(b.buffer);
  t.groups.forEach((g, i) => dv.setUint32(4 * i, g, true));
  return t.mm!.write(uarg(r, 1), b) ? t.groups.length : -E.EFAULT;
};

export const sysSetgroups: Handler = (_k, t, r) => {
  const size = iarg(r, 0);
  if (!t.capable) return -E.EPERM;
  if (size < 0 || size > NGROUPS_MAX) return -E.EINVAL;
  const b = size ? t.mm!.read(uarg(r, 1), 4 * size) : new Uint8Array(0);
  if (b === null) return -E.EFAULT;
  const dv = new DataView(b.buffer);
  const g: number[] = [];
  for (let i = 0; i < size; i++) g.push(dv.getUint32(4 * i, true));
  t.groups = [...new Set(g)].sort((x, y) => x - y);
  return 0;
};
