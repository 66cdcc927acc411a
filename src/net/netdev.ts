// Network devices of a network namespace (Linux: struct net_device, net/core/dev.c) and their
// addresses (net/ipv4/devinet.c, net/ipv6/addrconf.c). forkscope has no packet path: the one
// device is each namespace's loopback, and what matters is its state as ioctls, netlink and
// /proc/net/dev show it.

export const IFF_UP = 0x1, IFF_BROADCAST = 0x2, IFF_DEBUG = 0x4, IFF_LOOPBACK = 0x8, IFF_NOTRAILERS = 0x20,
  IFF_RUNNING = 0x40, IFF_NOARP = 0x80, IFF_PROMISC = 0x100, IFF_ALLMULTI = 0x200, IFF_MULTICAST = 0x1000,
  IFF_PORTSEL = 0x2000, IFF_AUTOMEDIA = 0x4000, IFF_DYNAMIC = 0x8000, IFF_LOWER_UP = 0x10000;
export const ARPHRD_LOOPBACK = 772;
export const AF_INET = 2, AF_INET6 = 10;
/** rtnetlink scopes and address flags (linux/rtnetlink.h, linux/if_addr.h) */
export const RT_SCOPE_HOST = 254, IFA_F_PERMANENT = 0x80, IFAPROT_KERNEL_LO = 1;
/** ifa_cacheinfo's "forever" */
export const INFINITY_LIFE_TIME = 0xffffffff;

/** flags a user may set directly (Linux: __dev_change_flags) */
const SETTABLE = IFF_DEBUG | IFF_NOTRAILERS | IFF_NOARP | IFF_DYNAMIC | IFF_MULTICAST | IFF_PORTSEL | IFF_AUTOMEDIA;

export interface IfAddr {
  family: typeof AF_INET | typeof AF_INET6;
  prefixLen: number;
  /** the address bytes (4 or 16) */
  addr: Uint8Array;
  scope: number;
  flags: number;
  /** IPv4 addresses carry a label (the device name) */
  label: string | null;
  /** who added it (IFA_PROTO), 0 when unset */
  proto: number;
  /** creation and last-update time in hundredths of a second since boot */
  cstamp: number;
  tstamp: number;
}

export class NetDevice {
  /** IFF_* bits stored on the device (IFF_UP and the settable ones); dev_get_flags adds the
   *  operational ones */
  private stored: number;
  /** IFF_PROMISC / IFF_ALLMULTI as the user asked for them (Linux: dev->gflags) */
  private gflags = 0;
  mtu: number;
  txqlen: number;
  readonly addrs: IfAddr[] = [];

  constructor(readonly name: string, readonly index: number, readonly type: number, baseFlags: number, mtu: number, txqlen: number) {
    this.stored = baseFlags;
    this.mtu = mtu;
    this.txqlen = txqlen;
  }

  get up(): boolean {
    return (this.stored & IFF_UP) !== 0;
  }

  /** what SIOCGIFFLAGS and ifi_flags show (Linux: dev_get_flags); a loopback always has carrier */
  get flags(): number {
    let f = (this.stored & ~(IFF_PROMISC | IFF_ALLMULTI)) | this.gflags;
    if (this.up) f |= IFF_RUNNING | IFF_LOWER_UP;
    return f;
  }

  get promiscuity(): number {
    return this.gflags & IFF_PROMISC ? 1 : 0;
  }
  get allmulti(): number {
    return this.gflags & IFF_ALLMULTI ? 1 : 0;
  }

  /** dev_change_flags: the settable bits are taken as given, IFF_UP opens or closes the device;
   *  `now` is the time in hundredths of a second since boot */
  changeFlags(flags: number, now: number): void {
    this.stored = (flags & SETTABLE) | (this.stored & ~SETTABLE);
    this.gflags = flags & (IFF_PROMISC | IFF_ALLMULTI);
    const up = (flags & IFF_UP) !== 0;
    if (up === this.up) return;
    if (up) {
      this.stored |= IFF_UP;
      if (this.stored & IFF_LOOPBACK) this.loopbackUp(now);
    } else {
      this.stored &= ~IFF_UP;
      // IPv6 drops its addresses when the device goes down (addrconf_ifdown); IPv4 keeps them
      for (let i = this.addrs.length - 1; i >= 0; i--) if (this.addrs[i].family === AF_INET6) this.addrs.splice(i, 1);
    }
  }

  /** a loopback coming up gets 127.0.0.1/8 (once: a second one is a duplicate) and ::1/128
   *  (Linux: inetdev_event and init_loopback on NETDEV_UP) */
  private loopbackUp(now: number): void {
    const v4 = new Uint8Array([127, 0, 0, 1]);
    const v6 = new Uint8Array(16);
    v6[15] = 1;
    const base = { scope: RT_SCOPE_HOST, flags: IFA_F_PERMANENT, cstamp: now, tstamp: now };
    if (!this.addrs.some((a) => a.family === AF_INET && a.addr.every((b, i) => b === v4[i])))
      this.addrs.push({ ...base, family: AF_INET, prefixLen: 8, addr: v4, label: this.name, proto: 0 });
    this.addrs.push({ ...base, family: AF_INET6, prefixLen: 128, addr: v6, label: null, proto: IFAPROT_KERNEL_LO });
  }
}

/** a namespace's loopback device: index 1, created down (a new network namespace's is) */
export function loopback(): NetDevice {
  return new NetDevice("lo", 1, ARPHRD_LOOPBACK, IFF_LOOPBACK, 65536, 1000);
}
