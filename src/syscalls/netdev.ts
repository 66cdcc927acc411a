// Network-device ioctls on any socket (Linux: dev_ioctl, dev_ifconf, inet_gifconf), on the
// devices of the socket's network namespace. struct ifreq is 40 bytes: the name, then a union
// (flags, index, MTU, an address) at offset 16.

import { bytestr, strbytes } from "../base/bytestr.js";
import * as E from "../base/errno.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import { nsCapable } from "../cred/userns.js";
import { CAP_NET_ADMIN } from "../cred/capability.js";
import type { NetlinkNet } from "../net/netlink.js";
import { AF_INET, NetDevice } from "../net/netdev.js";

const SIOCGIFNAME = 0x8910, SIOCGIFCONF = 0x8912, SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, SIOCGIFMETRIC = 0x891d,
  SIOCGIFMTU = 0x8921, SIOCSIFMTU = 0x8922, SIOCGIFHWADDR = 0x8927, SIOCGIFINDEX = 0x8933, SIOCGIFTXQLEN = 0x8942;
const IFREQ_LEN = 40, IFNAMSIZ = 16;

/** is this one of the socket ioctls dev_ioctl handles? */
export const isNetdevIoctl = (req: number): boolean => req >= 0x8900 && req < 0x8a00;

export function netdevIoctl(k: Kernel, t: Task, net: NetlinkNet, req: number, arg: number): number {
  if (req === SIOCGIFCONF) return ifconf(t, net, arg);
  const mm = t.mm!;
  const ifr = mm.read(arg, IFREQ_LEN);
  if (ifr === null) return -E.EFAULT;
  const dv = new DataView(ifr.buffer);
  const put = () => (mm.write(arg, ifr) ? 0 : -E.EFAULT);
  if (req === SIOCGIFNAME) {
    const d = net.devices.find((x) => x.index === dv.getInt32(16, true));
    if (!d) return -E.ENODEV;
    ifr.fill(0, 0, IFNAMSIZ);
    ifr.set(strbytes(d.name));
    return put();
  }
  // the name ends at byte 15 at the latest; an alias suffix ("lo:1") names the device itself
  ifr[IFNAMSIZ - 1] = 0;
  const end = ifr.indexOf(0);
  const name = bytestr(ifr, 0, end).replace(/:.*/, "");
  const d = net.devices.find((x) => x.name === name);
  switch (req) {
    case SIOCGIFFLAGS: case SIOCGIFMETRIC: case SIOCGIFMTU: case SIOCGIFINDEX: case SIOCGIFTXQLEN: case SIOCGIFHWADDR:
      if (!d) return -E.ENODEV;
      getInfo(d, req, dv);
      return put();
    case SIOCSIFFLAGS: case SIOCSIFMTU:
      if (!nsCapable(t.cred, net.owner, CAP_NET_ADMIN)) return -E.EPERM;
      if (!d) return -E.ENODEV;
      if (req === SIOCSIFFLAGS) d.changeFlags(dv.getInt16(16, true), centisecs(k));
      else {
        const mtu = dv.getInt32(16, true);
        if (mtu < 0) return -E.EINVAL;
        d.mtu = mtu;
      }
      return 0;
  }
  return -E.ENOTTY;
}

function getInfo(d: NetDevice, req: number, dv: DataView): void {
  switch (req) {
    case SIOCGIFFLAGS: dv.setInt16(16, d.flags << 16 >> 16, true); break;
    case SIOCGIFMETRIC: dv.setInt32(16, 0, true); break;
    case SIOCGIFMTU: dv.setInt32(16, d.mtu, true); break;
    case SIOCGIFINDEX: dv.setInt32(16, d.index, true); break;
    case SIOCGIFTXQLEN: dv.setInt32(16, d.txqlen, true); break;
    case SIOCGIFHWADDR:
      // a sockaddr with the hardware type as family and the (all-zero) address
      dv.setUint16(16, d.type, true);
      for (let i = 18; i < 32; i++) dv.setUint8(i, 0);
      break;
  }
}

/** SIOCGIFCONF: one ifreq per IPv4 address, named by its label; a null buffer asks for the size */
function ifconf(t: Task, net: NetlinkNet, arg: number): number {
  const mm = t.mm!;
  const b = mm.read(arg, 16);
  if (b === null) return -E.EFAULT;
  const dv = new DataView(b.buffer);
  const len = dv.getInt32(0, true);
  const buf = dv.getUint32(8, true) + dv.getUint32(12, true) * 4294967296;
  const addrs = net.devices.flatMap((d) => d.addrs.filter((a) => a.family === AF_INET));
  const n = buf === 0 ? addrs.length : Math.max(0, Math.min(addrs.length, Math.floor(len / IFREQ_LEN)));
  if (buf !== 0) {
    const out = new Uint8Array(IFREQ_LEN * n);
    addrs.slice(0, n).forEach((a, k) => {
      out.set(strbytes(a.label ?? ""), IFREQ_LEN * k);
      out[IFREQ_LEN * k + 16] = AF_INET;
      out.set(a.addr, IFREQ_LEN * k + 20);
    });
    if (n > 0 && !mm.write(buf, out)) return -E.EFAULT;
  }
  return mm.writeU32(arg, IFREQ_LEN * n) ? 0 : -E.EFAULT;
}

/** the time since boot in hundredths of a second (address timestamps) */
export function centisecs(k: Kernel): number {
  return Number(k.clock.now / 10_000_000n);
}
