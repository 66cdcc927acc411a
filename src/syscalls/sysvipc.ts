// shmget/shmat/shmdt/shmctl and msgget/msgsnd/msgrcv/msgctl (Linux: ipc/shm.c, ipc/msg.c).

import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { Handler, arg, iarg, put64, uarg } from "./args.js";
import type { Task } from "../kernel/task.js";
import { MsgQueue, ShmSeg } from "../kernel/shm.js";
import { ShmObject } from "../mm/shmem.js";
import { PROT_EXEC, PROT_READ, PROT_WRITE, pageUp } from "../mm/mm.js";
import { PAGE_SIZE } from "../mm/frames.js";
import { TASK_SIZE } from "../mm/pagetable.js";
import { INIT_USER_NS, munged } from "../cred/userns.js";
import { CAP_IPC_LOCK, CAP_IPC_OWNER, CAP_SYS_ADMIN, CAP_SYS_RESOURCE } from "../cred/capability.js";
import { vtgid } from "../kernel/pidns.js";
import { refuse } from "../base/errno.js";
import { untilDone } from "../kernel/block.js";
import type { Kernel } from "../kernel/kernel.js";
import type { OpResult, Refusal } from "../base/errno.js";
import type { Regs } from "../cpu/regs.js";

const IPC_PRIVATE = 0, IPC_CREAT = 0o1000, IPC_EXCL = 0o2000, IPC_NOWAIT = 0o4000;
const IPC_RMID = 0, IPC_SET = 1, IPC_STAT = 2, IPC_INFO = 3;
const SHM_RDONLY = 0o10000, SHM_RND = 0o20000, SHM_REMAP = 0o40000, SHM_EXEC = 0o100000;
const SHM_LOCK = 11, SHM_UNLOCK = 12, SHM_STAT = 13, SHM_INFO = 14;
const SHMMAX = 0x7fffffffffffffff - (1 << 24);
const MSG_NOERROR = 0o10000, MSG_EXCEPT = 0o20000, MSG_COPY = 0o40000;
const MSGMAX = 8192;

interface IpcObj {
  mode: number;
  uid: number;
  gid: number;
}

function permits(t: Task, o: IpcObj, write: boolean): boolean {
  if (t.can(CAP_IPC_OWNER, INIT_USER_NS)) return true;
  const need = write ? 2 : 4;
  const bits = t.cred.euid === o.uid ? (o.mode >> 6) & 7 : t.cred.egid === o.gid ? (o.mode >> 3) & 7 : o.mode & 7;
  return (bits & need) === need;
}

function isOwner(t: Task, o: IpcObj): boolean {
  return t.cred.euid === o.uid || t.can(CAP_SYS_ADMIN, INIT_USER_NS);
}

function ipcPerm(t: Task, dv: DataView, key: number, o: IpcObj, seq: number): void {
  dv.setInt32(0, key, true);
  dv.setUint32(4, munged(t.cred.userns.uidMap, o.uid), true);
  dv.setUint32(8, munged(t.cred.userns.gidMap, o.gid), true);
  dv.setUint32(12, munged(t.cred.userns.uidMap, o.uid), true);
  dv.setUint32(16, munged(t.cred.userns.gidMap, o.gid), true);
  dv.setUint32(20, o.mode, true);
  dv.setUint16(24, seq, true);
}


// ---- shared memory ----

export const sysShmget: Handler = (k, t, r) => {
  const key = iarg(r, 0);
  const size = uarg(r, 1);
  const flg = iarg(r, 2);
  const ns = t.nsproxy.ipc;
  if (key !== IPC_PRIVATE) {
    const s = [...ns.shms.values()].find((x) => x.key === key && !x.removed);
    if (s) {
      if ((flg & (IPC_CREAT | IPC_EXCL)) === (IPC_CREAT | IPC_EXCL)) return -E.EEXIST;
      if (size > s.size) return -E.EINVAL;
      if (!permits(t, s, (flg & 0o222) !== 0)) return -E.EACCES;
      return s.id;
    }
    if (!(flg & IPC_CREAT)) return -E.ENOENT;
  }
  if (size < 1 || size > SHMMAX) return -E.EINVAL;
  if (pageUp(size) / PAGE_SIZE > k.frames.maxFrames) return -E.ENOMEM;
  const id = ns.newId("shm");
  const obj = new ShmObject(k.frames, pageUp(size) / PAGE_SIZE);
  const seg = new ShmSeg(id, key, size, flg & 0o777, t.cred.euid, t.cred.egid, vtgid(t, t), obj, k.clock.realtimeApprox());
  // a removed segment disappears when its last attach goes
  obj.onDetachAll = () => {
    seg.dtime = k.clock.realtimeApprox();
    if (seg.removed) {
      ns.shms.delete(id);
      obj.put();
    }
  };
  ns.shms.set(id, seg);
  return id;
};

/** shmat(id, addr, flags) */
export const sysShmat: Handler = (k, t, r) => {
  const seg = t.nsproxy.ipc.shms.get(iarg(r, 0));
  let addr = uarg(r, 1);
  const flg = iarg(r, 2);
  if (!seg) return -E.EINVAL;
  const ro = (flg & SHM_RDONLY) !== 0;
  if (!permits(t, seg, !ro)) return -E.EACCES;
  const len = pageUp(seg.size);
  const mm = t.mm!;
  if (addr !== 0) {
    if (addr % PAGE_SIZE !== 0) {
      if (!(flg & SHM_RND)) return -E.EINVAL;
      addr -= addr % PAGE_SIZE;
    }
    if (addr + len > TASK_SIZE) return -E.EINVAL;
    if (!(flg & SHM_REMAP) && !mm.isFree(addr, addr + len)) return -E.EINVAL;
  } else {
    if (flg & SHM_REMAP) return -E.EINVAL;
    addr = mm.findFree(len);
    if (addr < 0) return -E.ENOMEM;
  }
  const prot = PROT_READ | (ro ? 0 : PROT_WRITE) | (flg & SHM_EXEC ? PROT_EXEC : 0);
  mm.mapObject(addr, len, prot, seg.obj, `/SYSV${(seg.key >>> 0).toString(16).padStart(8, "0")}`);
  seg.atime = k.clock.realtimeApprox();
  seg.lpid = vtgid(t, t);
  return addr;
};

/** shmdt(addr): detach the segment attached at addr */
export const sysShmdt: Handler = (k, t, r) => {
  const addr = uarg(r, 0);
  if (addr % PAGE_SIZE !== 0) return -E.EINVAL;
  const mm = t.mm!;
  const v = mm.vmas.find((x) => x.start === addr && x.obj !== null && x.name.startsWith("/SYSV"));
  if (!v) return -E.EINVAL;
  const obj = v.obj!;
  const seg = [...t.nsproxy.ipc.shms.values()].find((s) => s.obj === obj);
  // every piece of this attach from addr on
  let end = v.end;
  for (const w of mm.vmas) if (w.obj === obj && w.start === end) end = w.end;
  mm.unmap(addr, end - addr);
  if (seg) {
    seg.lpid = vtgid(t, t);
    seg.dtime = k.clock.realtimeApprox();
  }
  return 0;
};

export const sysShmctl: Handler = (k, t, r) => {
  const id = iarg(r, 0);
  const cmd = iarg(r, 1) & ~0x100;
  const buf = uarg(r, 2);
  const ns = t.nsproxy.ipc;
  if (cmd === IPC_INFO || cmd === SHM_INFO) {
    const b = new Uint8Array(cmd === IPC_INFO ? 80 : 48);
    const dv = new DataView(b.buffer);
    if (cmd === IPC_INFO) {
      put64(dv, 0, SHMMAX);
      put64(dv, 8, 1);
      put64(dv, 16, 4096);
      put64(dv, 24, 1);
      put64(dv, 32, 4096);
    } else dv.setInt32(0, ns.shms.size, true);
    if (!t.mm!.write(buf, b)) return -E.EFAULT;
    return Math.max(0, ...[...ns.shms.keys()].map((x) => x % 32768));
  }
  if (cmd === SHM_STAT) return -E.EINVAL;
  const seg = ns.shms.get(id);
  if (!seg) return -E.EINVAL;
  switch (cmd) {
    case IPC_STAT: {
      if (!permits(t, seg, false)) return -E.EACCES;
      const b = new Uint8Array(112);
      const dv = new DataView(b.buffer);
      ipcPerm(t, dv, seg.removed ? 0 : seg.key, seg, Math.floor(seg.id / 32768));
      if (seg.removed) dv.setUint32(20, seg.mode | 0o1000, true); // SHM_DEST
      put64(dv, 48, seg.size);
      put64(dv, 56, Math.floor(seg.atime / 1e9));
      put64(dv, 64, Math.floor(seg.dtime / 1e9));
      put64(dv, 72, Math.floor(seg.ctime / 1e9));
      dv.setInt32(80, seg.cpid, true);
      dv.setInt32(84, seg.lpid, true);
      put64(dv, 88, seg.nattch);
      return t.mm!.write(buf, b) ? 0 : -E.EFAULT;
    }
    case IPC_SET: {
      if (!isOwner(t, seg)) return -E.EPERM;
      const b = t.mm!.read(buf, 48);
      if (b === null) return -E.EFAULT;
      seg.mode = new DataView(b.buffer).getUint32(20, true) & 0o777;
      seg.ctime = k.clock.realtimeApprox();
      return 0;
    }
    case IPC_RMID:
      if (!isOwner(t, seg)) return -E.EPERM;
      if (seg.removed) return 0;
      seg.removed = true;
      seg.key = IPC_PRIVATE;
      if (seg.nattch === 0) {
        ns.shms.delete(id);
        seg.obj.put();
      }
      return 0;
    case SHM_LOCK:
    case SHM_UNLOCK:
      return t.can(CAP_IPC_LOCK, INIT_USER_NS) || isOwner(t, seg) ? 0 : -E.EPERM;
    default:
      return -E.EINVAL;
  }
};

// ---- message queues ----

export const sysMsgget: Handler = (k, t, r) => {
  const key = iarg(r, 0);
  const flg = iarg(r, 1);
  const ns = t.nsproxy.ipc;
  if (key !== IPC_PRIVATE) {
    const q = [...ns.msgs.values()].find((x) => x.key === key);
    if (q) {
      if ((flg & (IPC_CREAT | IPC_EXCL)) === (IPC_CREAT | IPC_EXCL)) return -E.EEXIST;
      if (!permits(t, q, false)) return -E.EACCES;
      return q.id;
    }
    if (!(flg & IPC_CREAT)) return -E.ENOENT;
  }
  const id = ns.newId("msg");
  ns.msgs.set(id, new MsgQueue(id, key, flg & 0o777, t.cred.euid, t.cred.egid, k.clock.realtimeApprox()));
  return id;
};

/** msgsnd(id, msgp, size, flags): struct msgbuf { long mtype; char mtext[]; } */
export const sysMsgsnd: Handler = (k, t, r) => untilDone((again) => msgsndOnce(k, t, r, again));

/** one try; `again`: it waited before, so a removed queue is EIDRM */
function msgsndOnce(k: Kernel, t: Task, r: Regs, again: boolean): OpResult | Refusal {
  const q = t.nsproxy.ipc.msgs.get(iarg(r, 0));
  const p = uarg(r, 1);
  const size = arg(r, 2);
  const flg = iarg(r, 3);
  if (!q || q.removed) return again ? -E.EIDRM : -E.EINVAL;
  if (size < 0 || size > MSGMAX) return -E.EINVAL;
  if (!permits(t, q, true)) return -E.EACCES;
  const type = t.mm!.readU64(p);
  if (type === null) return -E.EFAULT;
  if (type < 1 || type >= 2 ** 63) return -E.EINVAL;
  const data = t.mm!.read(p + 8, size);
  if (data === null) return -E.EFAULT;
  if (q.cbytes + size > q.qbytes) {
    if (flg & IPC_NOWAIT) return -E.EAGAIN;
    q.writers.add(t);
    k.sched.sleep(t);
    return BLOCK;
  }
  q.msgs.push({ type, data });
  q.lspid = vtgid(t, t);
  q.stime = k.clock.realtimeApprox();
  q.readers.wakeAll();
  return 0;
}

/** msgrcv(id, msgp, size, type, flags) */
export const sysMsgrcv: Handler = (k, t, r) => untilDone((again) => msgrcvOnce(k, t, r, again));

/** one try; `again`: it waited before, so a removed queue is EIDRM */
function msgrcvOnce(k: Kernel, t: Task, r: Regs, again: boolean): OpResult | Refusal {
  const q = t.nsproxy.ipc.msgs.get(iarg(r, 0));
  const p = uarg(r, 1);
  const size = arg(r, 2);
  const want = arg(r, 3);
  const flg = iarg(r, 4);
  if (!q || q.removed) return again ? -E.EIDRM : -E.EINVAL;
  if (size < 0) return -E.EINVAL;
  if (flg & MSG_COPY) {
    return refuse(E.ENOSYS, "MSG_COPY is not implemented");
  }
  if (!permits(t, q, false)) return -E.EACCES;
  let i = -1;
  if (want === 0) i = q.msgs.length > 0 ? 0 : -1;
  else if (want > 0) i = q.msgs.findIndex((m) => (flg & MSG_EXCEPT ? m.type !== want : m.type === want));
  else {
    let best = -1;
    q.msgs.forEach((m, j) => {
      if (m.type <= -want && (best < 0 || m.type < q.msgs[best].type)) best = j;
    });
    i = best;
  }
  if (i < 0) {
    if (flg & IPC_NOWAIT) return -E.ENOMSG;
    q.readers.add(t);
    k.sched.sleep(t);
    return BLOCK;
  }
  const m = q.msgs[i];
  if (m.data.length > size && !(flg & MSG_NOERROR)) return -E.E2BIG;
  const n = Math.min(m.data.length, size);
  const out = new Uint8Array(8 + n);
  put64(new DataView(out.buffer), 0, m.type);
  out.set(m.data.subarray(0, n), 8);
  if (!t.mm!.write(p, out)) return -E.EFAULT;
  q.msgs.splice(i, 1);
  q.lrpid = vtgid(t, t);
  q.rtime = k.clock.realtimeApprox();
  q.writers.wakeAll();
  return n;
}

export const sysMsgctl: Handler = (k, t, r) => {
  const id = iarg(r, 0);
  const cmd = iarg(r, 1) & ~0x100;
  const buf = uarg(r, 2);
  const q = t.nsproxy.ipc.msgs.get(id);
  if (cmd === IPC_INFO || cmd === 12 /* MSG_INFO */) {
    const b = new Uint8Array(32);
    const dv = new DataView(b.buffer);
    [0, 0, MSGMAX, 16384, 32000, 0, 0, 0].forEach((v, j) => dv.setInt32(j * 4, v, true));
    return t.mm!.write(buf, b) ? 0 : -E.EFAULT;
  }
  if (!q) return -E.EINVAL;
  switch (cmd) {
    case IPC_STAT: {
      if (!permits(t, q, false)) return -E.EACCES;
      const b = new Uint8Array(120);
      const dv = new DataView(b.buffer);
      ipcPerm(t, dv, q.key, q, Math.floor(q.id / 32768));
      put64(dv, 48, Math.floor(q.stime / 1e9));
      put64(dv, 56, Math.floor(q.rtime / 1e9));
      put64(dv, 64, Math.floor(q.ctime / 1e9));
      put64(dv, 72, q.cbytes);
      put64(dv, 80, q.msgs.length);
      put64(dv, 88, q.qbytes);
      dv.setInt32(96, q.lspid, true);
      dv.setInt32(100, q.lrpid, true);
      return t.mm!.write(buf, b) ? 0 : -E.EFAULT;
    }
    case IPC_SET: {
      if (!isOwner(t, q)) return -E.EPERM;
      const b = t.mm!.read(buf, 120);
      if (b === null) return -E.EFAULT;
      const dv = new DataView(b.buffer);
      const qbytes = dv.getUint32(88, true);
      if (qbytes > 16384 && !t.can(CAP_SYS_RESOURCE, INIT_USER_NS)) return -E.EPERM;
      q.qbytes = qbytes;
      q.mode = dv.getUint32(20, true) & 0o777;
      q.ctime = k.clock.realtimeApprox();
      return 0;
    }
    case IPC_RMID:
      if (!isOwner(t, q)) return -E.EPERM;
      q.removed = true;
      t.nsproxy.ipc.msgs.delete(id);
      q.readers.wakeAll();
      q.writers.wakeAll();
      return 0;
    default:
      return -E.EINVAL;
  }
};
