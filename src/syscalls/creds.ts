// User and group ids (Linux: kernel/sys.c setuid family, kernel/groups.c), in the caller's
// user namespace: ids are translated through its uid/gid maps, privilege is CAP_SETUID /
// CAP_SETGID there, and changing ids to and from root adjusts capabilities as Linux does.

import * as E from "../base/errno.js";
import { Handler, iarg, uarg } from "./args.js";
import type { Task } from "../kernel/task.js";
import { munged, toKernel } from "../cred/userns.js";
import { CAP_FULL, CAP_SETGID, CAP_SETPCAP, CAP_SETUID, capBit } from "../cred/capability.js";

const NGROUPS_MAX = 65536;
const keep = (v: number) => v === -1;

/** run a credential change; a changed effective or fs id makes the task non-dumpable */
function commit<T>(t: Task, change: () => T): T {
  const before = [t.euid, t.egid, t.fsuid, t.fsgid].join();
  const r = change();
  if ([t.euid, t.egid, t.fsuid, t.fsgid].join() !== before) t.dumpable = false;
  return r;
}

/** namespace id -> kernel id; -1 stays "unchanged"; -2 means unmapped */
function kid(t: Task, which: "u" | "g", id: number): number {
  if (id === -1) return -1;
  const k = toKernel(which === "u" ? t.userns.uidMap : t.userns.gidMap, id >>> 0);
  return k < 0 ? -2 : k;
}

/** capabilities follow uid changes (Linux: cap_emulate_setxuid) */
function fixCaps(t: Task, oldR: number, oldE: number, oldS: number): void {
  const root = toKernel(t.userns.uidMap, 0);
  const wasRoot = oldR === root || oldE === root || oldS === root;
  const allNonRoot = t.uid !== root && t.euid !== root && t.suid !== root;
  if (wasRoot && allNonRoot) {
    t.capPrm = 0n;
    t.capEff = 0n;
    t.capAmb = 0n;
  }
  if (oldE === root && t.euid !== root) t.capEff = 0n;
  if (oldE !== root && t.euid === root) t.capEff = t.capPrm;
}

function setRes(t: Task, which: "u" | "g", r: number, e: number, s: number): number {
  if (r === -2 || e === -2 || s === -2) return -E.EINVAL;
  const cur = which === "u" ? [t.uid, t.euid, t.suid] : [t.gid, t.egid, t.sgid];
  if (!t.can(which === "u" ? CAP_SETUID : CAP_SETGID)) {
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
    fixCaps(t, cur[0], cur[1], cur[2]);
  } else {
    t.gid = nr;
    t.egid = ne;
    t.sgid = ns;
    t.fsgid = ne;
  }
  return 0;
}

export const sysSetresuid: Handler = (_k, t, r) => commit(t, () => setRes(t, "u", kid(t, "u", iarg(r, 0)), kid(t, "u", iarg(r, 1)), kid(t, "u", iarg(r, 2))));
export const sysSetresgid: Handler = (_k, t, r) => commit(t, () => setRes(t, "g", kid(t, "g", iarg(r, 0)), kid(t, "g", iarg(r, 1)), kid(t, "g", iarg(r, 2))));

/** setuid: privileged sets all ids; otherwise only the effective id, to the real or saved id */
function setOne(t: Task, which: "u" | "g", raw: number): number {
  const id = kid(t, which, raw);
  if (id < 0) return -E.EINVAL;
  if (t.can(which === "u" ? CAP_SETUID : CAP_SETGID)) return setRes(t, which, id, id, id);
  const [real, saved] = which === "u" ? [t.uid, t.suid] : [t.gid, t.sgid];
  if (id !== real && id !== saved) return -E.EPERM;
  return setRes(t, which, -1, id, -1);
}

export const sysSetuid: Handler = (_k, t, r) => commit(t, () => setOne(t, "u", iarg(r, 0)));
export const sysSetgid: Handler = (_k, t, r) => commit(t, () => setOne(t, "g", iarg(r, 0)));

/** setreuid: a changed real id, or an effective id other than the old real id, also sets the saved id */
function setRe(t: Task, which: "u" | "g", rawR: number, rawE: number): number {
  const r = kid(t, which, rawR);
  const e = kid(t, which, rawE);
  if (r === -2 || e === -2) return -E.EINVAL;
  const [ruid, euid, suid] = which === "u" ? [t.uid, t.euid, t.suid] : [t.gid, t.egid, t.sgid];
  if (!t.can(which === "u" ? CAP_SETUID : CAP_SETGID)) {
    if (!keep(r) && r !== ruid && r !== euid) return -E.EPERM;
    if (!keep(e) && e !== ruid && e !== euid && e !== suid) return -E.EPERM;
  }
  const ne = keep(e) ? euid : e;
  const ns = !keep(r) || (!keep(e) && e !== ruid) ? ne : suid;
  if (which === "u") {
    t.uid = keep(r) ? ruid : r;
    t.euid = t.fsuid = ne;
    t.suid = ns;
    fixCaps(t, ruid, euid, suid);
  } else {
    t.gid = keep(r) ? ruid : r;
    t.egid = t.fsgid = ne;
    t.sgid = ns;
  }
  return 0;
}

export const sysSetreuid: Handler = (_k, t, r) => commit(t, () => setRe(t, "u", iarg(r, 0), iarg(r, 1)));
export const sysSetregid: Handler = (_k, t, r) => commit(t, () => setRe(t, "g", iarg(r, 0), iarg(r, 1)));

function writeIds(t: Task, addrs: number[], ids: number[]): number {
  for (let i = 0; i < 3; i++) if (!t.mm!.writeU32(addrs[i], ids[i])) return -E.EFAULT;
  return 0;
}

export const uidOf = (t: Task, kid: number) => munged(t.userns.uidMap, kid);
export const gidOf = (t: Task, kid: number) => munged(t.userns.gidMap, kid);

export const sysGetuid: Handler = (_k, t) => uidOf(t, t.uid);
export const sysGeteuid: Handler = (_k, t) => uidOf(t, t.euid);
export const sysGetgid: Handler = (_k, t) => gidOf(t, t.gid);
export const sysGetegid: Handler = (_k, t) => gidOf(t, t.egid);
export const sysGetresuid: Handler = (_k, t, r) => writeIds(t, [uarg(r, 0), uarg(r, 1), uarg(r, 2)], [t.uid, t.euid, t.suid].map((x) => uidOf(t, x)));
export const sysGetresgid: Handler = (_k, t, r) => writeIds(t, [uarg(r, 0), uarg(r, 1), uarg(r, 2)], [t.gid, t.egid, t.sgid].map((x) => gidOf(t, x)));

export const sysSetfsuid: Handler = (_k, t, r) => commit(t, () => setfsuid(t, r));
function setfsuid(t: Task, r: import("../cpu/regs.js").Regs): number {
  const old = uidOf(t, t.fsuid);
  const id = kid(t, "u", iarg(r, 0));
  if (id >= 0 && (t.can(CAP_SETUID) || [t.uid, t.euid, t.suid, t.fsuid].includes(id))) t.fsuid = id;
  return old;
}

export const sysSetfsgid: Handler = (_k, t, r) => commit(t, () => setfsgid(t, r));
function setfsgid(t: Task, r: import("../cpu/regs.js").Regs): number {
  const old = gidOf(t, t.fsgid);
  const id = kid(t, "g", iarg(r, 0));
  if (id >= 0 && (t.can(CAP_SETGID) || [t.gid, t.egid, t.sgid, t.fsgid].includes(id))) t.fsgid = id;
  return old;
}

export const sysGetgroups: Handler = (_k, t, r) => {
  const size = iarg(r, 0);
  if (size < 0) return -E.EINVAL;
  if (size === 0) return t.groups.length;
  if (size < t.groups.length) return -E.EINVAL;
  const b = new Uint8Array(4 * t.groups.length);
  const dv = new DataView(b.buffer);
  t.groups.forEach((g, i) => dv.setUint32(4 * i, gidOf(t, g), true));
  return t.mm!.write(uarg(r, 1), b) ? t.groups.length : -E.EFAULT;
};

export const sysSetgroups: Handler = (_k, t, r) => {
  const size = iarg(r, 0);
  if (size < 0 || size > NGROUPS_MAX) return -E.EINVAL;
  if (!t.can(CAP_SETGID) || !t.userns.setgroupsAllowed) return -E.EPERM;
  const b = size ? t.mm!.read(uarg(r, 1), 4 * size) : new Uint8Array(0);
  if (b === null) return -E.EFAULT;
  const dv = new DataView(b.buffer);
  const g: number[] = [];
  for (let i = 0; i < size; i++) {
    const k = kid(t, "g", dv.getUint32(4 * i, true));
    if (k < 0) return -E.EINVAL;
    g.push(k);
  }
  t.groups = [...new Set(g)].sort((x, y) => x - y);
  return 0;
};

// ---- capabilities (Linux: kernel/capability.c, security/commoncap.c cap_capset) ----

const CAP_V1 = 0x19980330, CAP_V2 = 0x20071026, CAP_V3 = 0x20080522;

function capHeader(t: Task, hdr: number): { words: number; pid: number } | number {
  const b = t.mm!.read(hdr, 8);
  if (b === null) return -E.EFAULT;
  const dv = new DataView(b.buffer);
  const v = dv.getUint32(0, true);
  if (v !== CAP_V1 && v !== CAP_V2 && v !== CAP_V3) {
    // tell the caller which version the kernel speaks
    if (!t.mm!.writeU32(hdr, CAP_V3)) return -E.EFAULT;
    return -E.EINVAL;
  }
  return { words: v === CAP_V1 ? 1 : 2, pid: dv.getInt32(4, true) };
}

export const sysCapget: Handler = (k, t, r) => {
  const h = capHeader(t, uarg(r, 0));
  if (typeof h === "number") return uarg(r, 1) === 0 && h === -E.EINVAL ? -E.EINVAL : h;
  if (h.pid < 0) return -E.EINVAL;
  const target = h.pid === 0 ? t : k.tasks.get(h.pid) && t.pidns.tasks.get(h.pid);
  if (!target) return -E.ESRCH;
  if (uarg(r, 1) === 0) return 0;
  const b = new Uint8Array(12 * h.words);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < h.words; i++) {
    const sh = BigInt(32 * i);
    dv.setUint32(12 * i, Number((target.capEff >> sh) & 0xffffffffn), true);
    dv.setUint32(12 * i + 4, Number((target.capPrm >> sh) & 0xffffffffn), true);
    dv.setUint32(12 * i + 8, Number((target.capInh >> sh) & 0xffffffffn), true);
  }
  return t.mm!.write(uarg(r, 1), b) ? 0 : -E.EFAULT;
};

export const sysCapset: Handler = (_k, t, r) => {
  const h = capHeader(t, uarg(r, 0));
  if (typeof h === "number") return h;
  if (h.pid !== 0 && h.pid !== t.pids[t.pids.length - 1]) return -E.EPERM;
  const b = t.mm!.read(uarg(r, 1), 12 * h.words);
  if (b === null) return -E.EFAULT;
  const dv = new DataView(b.buffer);
  let eff = 0n, prm = 0n, inh = 0n;
  for (let i = 0; i < h.words; i++) {
    const sh = BigInt(32 * i);
    eff |= BigInt(dv.getUint32(12 * i, true)) << sh;
    prm |= BigInt(dv.getUint32(12 * i + 4, true)) << sh;
    inh |= BigInt(dv.getUint32(12 * i + 8, true)) << sh;
  }
  if (h.words === 1) {
    // a version-1 caller cannot see the upper capabilities: they are kept
    eff |= t.capEff & ~0xffffffffn;
    prm |= t.capPrm & ~0xffffffffn;
    inh |= t.capInh & ~0xffffffffn;
  }
  eff &= CAP_FULL;
  prm &= CAP_FULL;
  inh &= CAP_FULL;
  if ((prm & ~t.capPrm) !== 0n) return -E.EPERM;
  if ((eff & ~prm) !== 0n) return -E.EPERM;
  const setpcap = (t.capEff & capBit(CAP_SETPCAP)) !== 0n;
  if ((inh & ~(t.capInh | (setpcap ? t.capBnd : t.capPrm))) !== 0n) return -E.EPERM;
  t.capEff = eff;
  t.capPrm = prm;
  t.capInh = inh;
  t.capAmb &= prm & inh;
  return 0;
};
