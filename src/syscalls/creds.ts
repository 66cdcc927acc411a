// User and group ids (Linux: kernel/sys.c setuid family, kernel/groups.c), in the caller's
// user namespace: ids are translated through its uid/gid maps, privilege is CAP_SETUID /
// CAP_SETGID there, and changing ids to and from root adjusts capabilities as Linux does.

import * as E from "../base/errno.js";
import { Handler, iarg, uarg } from "./args.js";
import type { Task } from "../kernel/task.js";
import { Creds, commitCreds } from "../cred/cred.js";
import { munged, toKernel } from "../cred/userns.js";
import { CAP_FULL, CAP_SETGID, CAP_SETPCAP, CAP_SETUID, capBit } from "../cred/capability.js";

const NGROUPS_MAX = 65536;
const keep = (v: number) => v === -1;

/** namespace id -> kernel id; -1 stays "unchanged"; -2 means unmapped */
function kid(t: Task, which: "u" | "g", id: number): number {
  if (id === -1) return -1;
  const k = toKernel(which === "u" ? t.cred.userns.uidMap : t.cred.userns.gidMap, id >>> 0);
  return k < 0 ? -2 : k;
}

/** the capability sets after a uid change from `old` to `ids` (Linux: cap_emulate_setxuid) */
function capsAfterSetuid(old: Creds, ids: { uid: number; euid: number; suid: number }): { capPrm: bigint; capEff: bigint; capAmb: bigint } {
  const root = toKernel(old.userns.uidMap, 0);
  let { capPrm, capEff, capAmb } = old;
  const wasRoot = old.uid === root || old.euid === root || old.suid === root;
  const allNonRoot = ids.uid !== root && ids.euid !== root && ids.suid !== root;
  if (wasRoot && allNonRoot) {
    capPrm = 0n;
    capEff = 0n;
    capAmb = 0n;
  }
  if (old.euid === root && ids.euid !== root) capEff = 0n;
  if (old.euid !== root && ids.euid === root) capEff = capPrm;
  return { capPrm, capEff, capAmb };
}

/** new real, effective and saved ids (and the fs id with the effective one) */
function commitIds(t: Task, which: "u" | "g", r: number, e: number, s: number): void {
  const c = t.cred;
  if (which === "u") {
    const ids = { uid: r, euid: e, suid: s };
    commitCreds(t, c.with({ ...ids, fsuid: e, ...capsAfterSetuid(c, ids) }));
  } else {
    commitCreds(t, c.with({ gid: r, egid: e, sgid: s, fsgid: e }));
  }
}

function setRes(t: Task, which: "u" | "g", r: number, e: number, s: number): number {
  if (r === -2 || e === -2 || s === -2) return -E.EINVAL;
  const cur = which === "u" ? [t.cred.uid, t.cred.euid, t.cred.suid] : [t.cred.gid, t.cred.egid, t.cred.sgid];
  if (!t.can(which === "u" ? CAP_SETUID : CAP_SETGID)) {
    for (const v of [r, e, s]) if (!keep(v) && !cur.includes(v)) return -E.EPERM;
  }
  commitIds(t, which, keep(r) ? cur[0] : r, keep(e) ? cur[1] : e, keep(s) ? cur[2] : s);
  return 0;
}

export const sysSetresuid: Handler = (_k, t, r) => setRes(t, "u", kid(t, "u", iarg(r, 0)), kid(t, "u", iarg(r, 1)), kid(t, "u", iarg(r, 2)));
export const sysSetresgid: Handler = (_k, t, r) => setRes(t, "g", kid(t, "g", iarg(r, 0)), kid(t, "g", iarg(r, 1)), kid(t, "g", iarg(r, 2)));

/** setuid: privileged sets all ids; otherwise only the effective id, to the real or saved id */
function setOne(t: Task, which: "u" | "g", raw: number): number {
  const id = kid(t, which, raw);
  if (id < 0) return -E.EINVAL;
  if (t.can(which === "u" ? CAP_SETUID : CAP_SETGID)) return setRes(t, which, id, id, id);
  const [real, saved] = which === "u" ? [t.cred.uid, t.cred.suid] : [t.cred.gid, t.cred.sgid];
  if (id !== real && id !== saved) return -E.EPERM;
  return setRes(t, which, -1, id, -1);
}

export const sysSetuid: Handler = (_k, t, r) => setOne(t, "u", iarg(r, 0));
export const sysSetgid: Handler = (_k, t, r) => setOne(t, "g", iarg(r, 0));

/** setreuid: a changed real id, or an effective id other than the old real id, also sets the saved id */
function setRe(t: Task, which: "u" | "g", rawR: number, rawE: number): number {
  const r = kid(t, which, rawR);
  const e = kid(t, which, rawE);
  if (r === -2 || e === -2) return -E.EINVAL;
  const [ruid, euid, suid] = which === "u" ? [t.cred.uid, t.cred.euid, t.cred.suid] : [t.cred.gid, t.cred.egid, t.cred.sgid];
  if (!t.can(which === "u" ? CAP_SETUID : CAP_SETGID)) {
    if (!keep(r) && r !== ruid && r !== euid) return -E.EPERM;
    if (!keep(e) && e !== ruid && e !== euid && e !== suid) return -E.EPERM;
  }
  const ne = keep(e) ? euid : e;
  commitIds(t, which, keep(r) ? ruid : r, ne, !keep(r) || (!keep(e) && e !== ruid) ? ne : suid);
  return 0;
}

export const sysSetreuid: Handler = (_k, t, r) => setRe(t, "u", iarg(r, 0), iarg(r, 1));
export const sysSetregid: Handler = (_k, t, r) => setRe(t, "g", iarg(r, 0), iarg(r, 1));

function writeIds(t: Task, addrs: number[], ids: number[]): number {
  for (let i = 0; i < 3; i++) if (!t.mm!.writeU32(addrs[i], ids[i])) return -E.EFAULT;
  return 0;
}

export const uidOf = (t: Task, kid: number) => munged(t.cred.userns.uidMap, kid);
export const gidOf = (t: Task, kid: number) => munged(t.cred.userns.gidMap, kid);

export const sysGetuid: Handler = (_k, t) => uidOf(t, t.cred.uid);
export const sysGeteuid: Handler = (_k, t) => uidOf(t, t.cred.euid);
export const sysGetgid: Handler = (_k, t) => gidOf(t, t.cred.gid);
export const sysGetegid: Handler = (_k, t) => gidOf(t, t.cred.egid);
export const sysGetresuid: Handler = (_k, t, r) => writeIds(t, [uarg(r, 0), uarg(r, 1), uarg(r, 2)], [t.cred.uid, t.cred.euid, t.cred.suid].map((x) => uidOf(t, x)));
export const sysGetresgid: Handler = (_k, t, r) => writeIds(t, [uarg(r, 0), uarg(r, 1), uarg(r, 2)], [t.cred.gid, t.cred.egid, t.cred.sgid].map((x) => gidOf(t, x)));

export const sysSetfsuid: Handler = (_k, t, r) => setfsuid(t, r);
function setfsuid(t: Task, r: import("../cpu/regs.js").Regs): number {
  const old = uidOf(t, t.cred.fsuid);
  const id = kid(t, "u", iarg(r, 0));
  if (id >= 0 && (t.can(CAP_SETUID) || [t.cred.uid, t.cred.euid, t.cred.suid, t.cred.fsuid].includes(id))) commitCreds(t, t.cred.with({ fsuid: id }));
  return old;
}

export const sysSetfsgid: Handler = (_k, t, r) => setfsgid(t, r);
function setfsgid(t: Task, r: import("../cpu/regs.js").Regs): number {
  const old = gidOf(t, t.cred.fsgid);
  const id = kid(t, "g", iarg(r, 0));
  if (id >= 0 && (t.can(CAP_SETGID) || [t.cred.gid, t.cred.egid, t.cred.sgid, t.cred.fsgid].includes(id))) commitCreds(t, t.cred.with({ fsgid: id }));
  return old;
}

export const sysGetgroups: Handler = (_k, t, r) => {
  const size = iarg(r, 0);
  if (size < 0) return -E.EINVAL;
  if (size === 0) return t.cred.groups.length;
  if (size < t.cred.groups.length) return -E.EINVAL;
  const b = new Uint8Array(4 * t.cred.groups.length);
  const dv = new DataView(b.buffer);
  t.cred.groups.forEach((g, i) => dv.setUint32(4 * i, gidOf(t, g), true));
  return t.mm!.write(uarg(r, 1), b) ? t.cred.groups.length : -E.EFAULT;
};

export const sysSetgroups: Handler = (_k, t, r) => {
  const size = iarg(r, 0);
  if (size < 0 || size > NGROUPS_MAX) return -E.EINVAL;
  if (!t.can(CAP_SETGID) || !t.cred.userns.setgroupsAllowed) return -E.EPERM;
  const b = size ? t.mm!.read(uarg(r, 1), 4 * size) : new Uint8Array(0);
  if (b === null) return -E.EFAULT;
  const dv = new DataView(b.buffer);
  const g: number[] = [];
  for (let i = 0; i < size; i++) {
    const k = kid(t, "g", dv.getUint32(4 * i, true));
    if (k < 0) return -E.EINVAL;
    g.push(k);
  }
  commitCreds(t, t.cred.with({ groups: [...new Set(g)].sort((x, y) => x - y) }));
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
    dv.setUint32(12 * i, Number((target.cred.capEff >> sh) & 0xffffffffn), true);
    dv.setUint32(12 * i + 4, Number((target.cred.capPrm >> sh) & 0xffffffffn), true);
    dv.setUint32(12 * i + 8, Number((target.cred.capInh >> sh) & 0xffffffffn), true);
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
    eff |= t.cred.capEff & ~0xffffffffn;
    prm |= t.cred.capPrm & ~0xffffffffn;
    inh |= t.cred.capInh & ~0xffffffffn;
  }
  eff &= CAP_FULL;
  prm &= CAP_FULL;
  inh &= CAP_FULL;
  if ((prm & ~t.cred.capPrm) !== 0n) return -E.EPERM;
  if ((eff & ~prm) !== 0n) return -E.EPERM;
  const setpcap = (t.cred.capEff & capBit(CAP_SETPCAP)) !== 0n;
  if ((inh & ~(t.cred.capInh | (setpcap ? t.cred.capBnd : t.cred.capPrm))) !== 0n) return -E.EPERM;
  commitCreds(t, t.cred.with({ capEff: eff, capPrm: prm, capInh: inh, capAmb: t.cred.capAmb & prm & inh }));
  return 0;
};
