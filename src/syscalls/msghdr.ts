// struct msghdr (56 bytes on riscv64) and socket addresses as sendmsg/recvmsg and the address
// calls move them between user memory and the kernel (Linux: net/socket.c).

import * as E from "../base/errno.js";
import type { Task } from "../kernel/task.js";
import { importIovec } from "./uaccess.js";

export interface MsgHdr {
  /** the header as read, to write back with the result fields changed */
  raw: Uint8Array;
  name: number;
  namelen: number;
  iov: [number, number][];
  control: number;
  controllen: number;
}

export function readMsghdr(t: Task, addr: number): MsgHdr | number {
  const raw = t.mm!.read(addr, 56);
  if (raw === null) return -E.EFAULT;
  const dv = new DataView(raw.buffer);
  const u64 = (o: number) => dv.getUint32(o, true) + dv.getUint32(o + 4, true) * 4294967296;
  const iov = importIovec(t.mm!, u64(16), u64(24), -E.EMSGSIZE);
  if (typeof iov === "number") return iov;
  return { raw, name: u64(0), namelen: dv.getUint32(8, true), iov: iov.segs, control: u64(32), controllen: u64(40) };
}

/** spread data over an iovec array; false on a fault */
export function scatter(t: Task, iov: [number, number][], data: Uint8Array): boolean {
  let off = 0;
  for (const [b, l] of iov) {
    const n = Math.min(l, data.length - off);
    if (n <= 0) break;
    if (!t.mm!.write(b, data, off, n)) return false;
    off += n;
  }
  return true;
}

export const iovLength = (iov: [number, number][]): number => iov.reduce((s, [, l]) => s + l, 0);

/** write recvmsg's results into the header: the address length (when a name buffer was given),
 *  the control length used and the flags (Linux: ____sys_recvmsg) */
export function finishMsghdr(t: Task, addr: number, h: MsgHdr, namelen: number | null, controlUsed: number, flags: number): boolean {
  const out = new Uint8Array(h.raw);
  const dv = new DataView(out.buffer);
  if (namelen !== null) dv.setUint32(8, namelen, true);
  dv.setUint32(40, controlUsed, true);
  dv.setUint32(44, 0, true);
  dv.setInt32(48, flags, true);
  return t.mm!.write(addr, out);
}

/** copy a socket address to user memory: as much as fits, and its full length into *lenAddr
 *  (Linux: move_addr_to_user) */
export function putAddr(t: Task, addr: number, lenAddr: number, bytes: Uint8Array): number {
  if (addr === 0) return 0;
  const have = t.mm!.readU32(lenAddr);
  if (have === null) return -E.EFAULT;
  if ((have | 0) < 0) return -E.EINVAL;
  if (!t.mm!.write(addr, bytes, 0, Math.min(have, bytes.length))) return -E.EFAULT;
  return t.mm!.writeU32(lenAddr, bytes.length) ? 0 : -E.EFAULT;
}
