// NETLINK_ROUTE's kernel side (Linux: net/core/rtnetlink.c, net/ipv4/devinet.c,
// net/ipv6/addrconf.c) for what a namespace's loopback has: links (RTM_GETLINK dump and by
// index or name, RTM_NEWLINK/RTM_SETLINK for flags, MTU and queue length) and addresses
// (RTM_GETADDR dump). Messages carry the attributes Linux 6.18 sends for a loopback, in its order,
// except IFLA_AF_SPEC (per-family device configuration).

import { bytestr, strbytes } from "../base/bytestr.js";
import * as E from "../base/errno.js";
import { refuse, type Refusal } from "../base/errno.js";
import { NLMSG_HDRLEN, NLM_F_DUMP, NLM_F_MULTI, NlMsg, parseAttrs } from "./nlmsg.js";
import { AF_INET, AF_INET6, INFINITY_LIFE_TIME, IfAddr, NetDevice } from "./netdev.js";
import type { NetlinkCtx, NetlinkNet, NlAnswer } from "./netlink.js";

export const RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_SETLINK = 19, RTM_NEWADDR = 20, RTM_GETADDR = 22;
const RTM_MAX = 123;
const RTNL_KIND_GET = 2;
const NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400;
const AF_BRIDGE = 7;
/** ifinfomsg and ifaddrmsg sizes */
const IFINFO_LEN = 16, IFADDR_LEN = 8;

const IFLA_ADDRESS = 1, IFLA_BROADCAST = 2, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_QDISC = 6, IFLA_STATS = 7, IFLA_TXQLEN = 13,
  IFLA_MAP = 14, IFLA_OPERSTATE = 16, IFLA_LINKMODE = 17, IFLA_STATS64 = 23, IFLA_GROUP = 27, IFLA_PROMISCUITY = 30,
  IFLA_NUM_TX_QUEUES = 31, IFLA_NUM_RX_QUEUES = 32, IFLA_CARRIER = 33, IFLA_CARRIER_CHANGES = 35, IFLA_PROTO_DOWN = 39,
  IFLA_GSO_MAX_SEGS = 40, IFLA_GSO_MAX_SIZE = 41, IFLA_XDP = 43, IFLA_CARRIER_UP_COUNT = 47, IFLA_CARRIER_DOWN_COUNT = 48,
  IFLA_MIN_MTU = 50, IFLA_MAX_MTU = 51, IFLA_ALT_IFNAME = 53, IFLA_GRO_MAX_SIZE = 58, IFLA_TSO_MAX_SIZE = 59, IFLA_TSO_MAX_SEGS = 60,
  IFLA_ALLMULTI = 61, IFLA_DEVLINK_PORT = 62, IFLA_GSO_IPV4_MAX_SIZE = 63, IFLA_GRO_IPV4_MAX_SIZE = 64, IFLA_DPLL_PIN = 65,
  IFLA_MAX_PACING_OFFLOAD_HORIZON = 66, IFLA_NETNS_IMMUTABLE = 67, IFLA_HEADROOM = 68, IFLA_TAILROOM = 69;
const IFLA_XDP_ATTACHED = 2;
const IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3, IFA_CACHEINFO = 6, IFA_FLAGS = 8, IFA_PROTO = 11;
const IF_OPER_UNKNOWN = 0, IF_OPER_DOWN = 2;
/** sizes of struct rtnl_link_stats64, rtnl_link_stats and rtnl_link_ifmap */
const STATS64_LEN = 200, STATS_LEN = 96, IFMAP_LEN = 32;

/** answer one NETLINK_ROUTE request (Linux: rtnetlink_rcv_msg) */
export function rtnetlink(net: NetlinkNet, ctx: NetlinkCtx, portid: number, msg: Uint8Array): NlAnswer {
  const dv = new DataView(msg.buffer, msg.byteOffset, msg.length);
  const type = dv.getUint16(4, true);
  const flags = dv.getUint16(6, true);
  const seq = dv.getUint32(8, true);
  if (type > RTM_MAX) return { err: -E.EOPNOTSUPP };
  // every message has at least the one-byte family header; shorter ones are ignored
  if (msg.length < NLMSG_HDRLEN + 1) return { err: 0 };
  const family = msg[NLMSG_HDRLEN];
  const kind = (type - RTM_NEWLINK) & 3;
  if (kind !== RTNL_KIND_GET && !ctx.admin) return { err: -E.EPERM };
  const out = { seq, portid };
  if (kind === RTNL_KIND_GET && flags & NLM_F_DUMP) {
    if (type === RTM_GETLINK) {
      // a bridge dump lists bridge ports: there are none
      if (family === AF_BRIDGE) return { err: 0, dump: [] };
      return { err: 0, dump: net.devices.map((d) => linkMessage(d, { ...out, flags: NLM_F_MULTI })) };
    }
    if (type === RTM_GETADDR) {
      // every family in turn (rtnl_dump_all), or just the one asked for
      const fams = family === AF_INET || family === AF_INET6 ? [family] : [AF_INET, AF_INET6];
      const msgs: Uint8Array[] = [];
      for (const fam of fams) for (const d of net.devices) for (const a of d.addrs) if (a.family === fam) msgs.push(addrMessage(d, a, { ...out, flags: NLM_F_MULTI }));
      return { err: 0, dump: msgs };
    }
    return { err: -E.EOPNOTSUPP, reason: `rtnetlink dump of message type ${type} is not implemented` };
  }
  switch (type) {
    case RTM_GETLINK: {
      const d = findLink(net, msg, true);
      if (typeof d === "number") return { err: d };
      return { err: 0, replies: [linkMessage(d, { ...out, flags: 0 })] };
    }
    case RTM_NEWLINK:
    case RTM_SETLINK: {
      const d = findLink(net, msg, type === RTM_SETLINK);
      if (typeof d === "number") {
        if (d === -E.ENODEV && flags & NLM_F_CREATE) return { err: -E.EOPNOTSUPP, reason: "creating network devices is not implemented" };
        return { err: d };
      }
      if (type === RTM_NEWLINK && flags & NLM_F_EXCL) return { err: -E.EEXIST };
      if (type === RTM_NEWLINK && flags & NLM_F_REPLACE) return { err: -E.EOPNOTSUPP };
      const e = setLink(d, msg, ctx);
      return typeof e === "number" ? { err: e } : { err: -e.errno, reason: e.reason };
    }
    case RTM_DELLINK: {
      const d = findLink(net, msg, true);
      // a loopback has no rtnl_link_ops to delete it
      return { err: typeof d === "number" ? d : -E.EOPNOTSUPP };
    }
  }
  return { err: -E.EOPNOTSUPP, reason: `rtnetlink message type ${type} is not implemented` };
}

/** the device an ifinfomsg request names, by index or IFLA_IFNAME (Linux: rtnl_getlink) */
function findLink(net: NetlinkNet, msg: Uint8Array, nameRequired: boolean): NetDevice | number {
  if (msg.length < NLMSG_HDRLEN + IFINFO_LEN) return -E.EINVAL;
  const index = new DataView(msg.buffer, msg.byteOffset).getInt32(NLMSG_HDRLEN + 4, true);
  const attrs = parseAttrs(msg, NLMSG_HDRLEN + IFINFO_LEN, msg.length);
  // RTM_NEWLINK refuses a negative index; the others look the name up instead
  if (index < 0 && !nameRequired) return -E.EINVAL;
  if (index > 0) return net.devices.find((d) => d.index === index) ?? -E.ENODEV;
  const name = attrs.get(IFLA_IFNAME) ?? attrs.get(IFLA_ALT_IFNAME);
  if (name === undefined) return nameRequired ? -E.EINVAL : -E.ENODEV;
  const s = cstr(name);
  return net.devices.find((d) => d.name === s) ?? -E.ENODEV;
}

/** RTM_NEWLINK/RTM_SETLINK on an existing device (Linux: do_setlink): MTU, queue length, then
 *  flags, each through ifi_change (all flags when it is 0) */
function setLink(d: NetDevice, msg: Uint8Array, ctx: NetlinkCtx): number | Refusal {
  const dv = new DataView(msg.buffer, msg.byteOffset);
  const attrs = parseAttrs(msg, NLMSG_HDRLEN + IFINFO_LEN, msg.length);
  for (const t of attrs.keys()) {
    if (t === IFLA_MTU || t === IFLA_TXQLEN || t === IFLA_IFNAME || t === IFLA_ALT_IFNAME) continue;
    return refuse(E.EOPNOTSUPP, `link attribute ${t} cannot be changed in forkscope`);
  }
  const name = attrs.get(IFLA_IFNAME);
  if (name !== undefined && cstr(name) !== d.name) {
    return refuse(E.EOPNOTSUPP, "renaming network devices is not implemented");
  }
  const u32 = (b: Uint8Array | undefined) => (b !== undefined && b.length >= 4 ? new DataView(b.buffer, b.byteOffset).getUint32(0, true) : null);
  const mtu = u32(attrs.get(IFLA_MTU));
  if (mtu !== null) {
    if (mtu > 0x7fffffff) return -E.EINVAL;
    d.mtu = mtu;
  }
  const txq = u32(attrs.get(IFLA_TXQLEN));
  if (txq !== null) d.txqlen = txq;
  const ifiFlags = dv.getUint32(NLMSG_HDRLEN + 8, true);
  const change = dv.getUint32(NLMSG_HDRLEN + 12, true);
  if (ifiFlags || change) d.changeFlags(change ? (ifiFlags & change) | (d.flags & ~change) : ifiFlags, ctx.now);
  return 0;
}

function cstr(b: Uint8Array): string {
  const end = b.indexOf(0);
  return bytestr(b, 0, end < 0 ? b.length : end);
}

type Hdr = { flags: number; seq: number; portid: number };

/** RTM_NEWLINK for a device (Linux: rtnl_fill_ifinfo) */
export function linkMessage(d: NetDevice, h: Hdr): Uint8Array {
  const ifi = new Uint8Array(IFINFO_LEN);
  const dv = new DataView(ifi.buffer);
  dv.setUint16(2, d.type, true);
  dv.setInt32(4, d.index, true);
  dv.setUint32(8, d.flags, true);
  const zeros = (n: number) => new Uint8Array(n);
  return new NlMsg({ type: RTM_NEWLINK, flags: h.flags, seq: h.seq, pid: h.portid })
    .bytes(ifi)
    .str(IFLA_IFNAME, d.name)
    .u32(IFLA_TXQLEN, d.txqlen)
    .u8(IFLA_OPERSTATE, d.up ? IF_OPER_UNKNOWN : IF_OPER_DOWN)
    .u8(IFLA_LINKMODE, 0)
    .u8(IFLA_NETNS_IMMUTABLE, 1)
    .u32(IFLA_MTU, d.mtu)
    .u32(IFLA_MIN_MTU, 0)
    .u32(IFLA_MAX_MTU, 0)
    .u32(IFLA_GROUP, 0)
    .u32(IFLA_PROMISCUITY, d.promiscuity)
    .u32(IFLA_ALLMULTI, d.allmulti)
    .u32(IFLA_NUM_TX_QUEUES, 1)
    .u32(IFLA_GSO_MAX_SEGS, 65535)
    .u32(IFLA_GSO_MAX_SIZE, 65536)
    .u32(IFLA_GRO_MAX_SIZE, 65536)
    .u32(IFLA_GSO_IPV4_MAX_SIZE, 65536)
    .u32(IFLA_GRO_IPV4_MAX_SIZE, 65536)
    .u32(IFLA_TSO_MAX_SIZE, 524280)
    .u32(IFLA_TSO_MAX_SEGS, 65535)
    .u32(IFLA_MAX_PACING_OFFLOAD_HORIZON, 0)
    .u32(IFLA_NUM_RX_QUEUES, 1)
    .u8(IFLA_CARRIER, 1)
    .u32(IFLA_CARRIER_CHANGES, 0)
    .u32(IFLA_CARRIER_UP_COUNT, 0)
    .u32(IFLA_CARRIER_DOWN_COUNT, 0)
    .u16(IFLA_HEADROOM, 0)
    .u16(IFLA_TAILROOM, 0)
    .u8(IFLA_PROTO_DOWN, 0)
    .attr(IFLA_ADDRESS, zeros(6))
    .attr(IFLA_BROADCAST, zeros(6))
    // nothing goes through a forkscope device: every counter is 0
    .attr(IFLA_STATS64, zeros(STATS64_LEN))
    .attr(IFLA_STATS, zeros(STATS_LEN))
    .nest(IFLA_XDP, false).u8(IFLA_XDP_ATTACHED, 0).end()
    .str(IFLA_QDISC, d.up ? "noqueue" : "noop")
    .attr(IFLA_MAP, zeros(IFMAP_LEN))
    .nest(IFLA_DEVLINK_PORT).end()
    .nest(IFLA_DPLL_PIN).end()
    .done();
}

/** RTM_NEWADDR for an address (Linux: inet_fill_ifaddr, inet6_fill_ifaddr) */
export function addrMessage(d: NetDevice, a: IfAddr, h: Hdr): Uint8Array {
  const ifa = new Uint8Array(IFADDR_LEN);
  ifa[0] = a.family;
  ifa[1] = a.prefixLen;
  ifa[2] = a.flags & 0xff;
  ifa[3] = a.scope;
  new DataView(ifa.buffer).setUint32(4, d.index, true);
  const m = new NlMsg({ type: RTM_NEWADDR, flags: h.flags, seq: h.seq, pid: h.portid }).bytes(ifa);
  const cache = new Uint8Array(16);
  const cv = new DataView(cache.buffer);
  cv.setUint32(0, INFINITY_LIFE_TIME, true);
  cv.setUint32(4, INFINITY_LIFE_TIME, true);
  cv.setUint32(8, a.cstamp, true);
  cv.setUint32(12, a.tstamp, true);
  if (a.family === AF_INET) {
    m.attr(IFA_ADDRESS, a.addr).attr(IFA_LOCAL, a.addr);
    if (a.label) m.str(IFA_LABEL, a.label);
    if (a.proto) m.u8(IFA_PROTO, a.proto);
    m.u32(IFA_FLAGS, a.flags).attr(IFA_CACHEINFO, cache);
  } else {
    m.attr(IFA_ADDRESS, a.addr).attr(IFA_CACHEINFO, cache).u32(IFA_FLAGS, a.flags);
    if (a.proto) m.u8(IFA_PROTO, a.proto);
  }
  return m.done();
}
