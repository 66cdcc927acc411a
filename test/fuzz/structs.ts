// Struct arguments for the syscall fuzzer, laid out as riscv64 Linux expects them: msghdr and
// control messages, sigaction, itimerspec/itimerval, sigevent, clone_args, socket addresses,
// netlink requests, epoll/poll/sembuf arrays. Mostly well-formed, with fields at their limits.

import { Rng } from "./rng.js";
import { Arg, H_RET, H_SKIP } from "./program.js";
import { State, Values, imm } from "./values.js";

class W {
  b: Uint8Array;
  dv: DataView;
  constructor(n: number) {
    this.b = new Uint8Array(n);
    this.dv = new DataView(this.b.buffer);
  }
  u8(o: number, v: number) { this.b[o] = v; return this; }
  u16(o: number, v: number) { this.dv.setUint16(o, v & 0xffff, true); return this; }
  u32(o: number, v: number) { this.dv.setUint32(o, v >>> 0, true); return this; }
  u64(o: number, v: bigint | number) { this.dv.setBigUint64(o, BigInt.asUintN(64, BigInt(v)), true); return this; }
}

/** a pointer argument as a number for embedding in a struct (results cannot be embedded) */
function embed(v: Values, len: number, st?: State): bigint {
  const a = v.ptr(len, st);
  return a.k === "i" ? BigInt(a.v) : BigInt(v.heap.buf(len));
}

export function iovec(v: Values, st: State, n: number, data?: boolean): Uint8Array {
  const w = new W(16 * n);
  for (let i = 0; i < n; i++) {
    const len = v.rng.chance(0.8) ? BigInt(v.rng.range(0, 512)) : v.size();
    const base = data ? BigInt(v.heap.put(v.rng.bytes(Number(len < 512n ? len : 64n)))) : embed(v, 512, st);
    w.u64(16 * i, v.rng.chance(0.95) ? base : embed(v, 16, st)).u64(16 * i + 8, len);
  }
  return w.b;
}

function cmsgs(v: Values, st: State): Uint8Array {
  const r = v.rng;
  const parts: Uint8Array[] = [];
  for (let n = r.range(1, 3); n > 0; n--) {
    const kind = r.below(4);
    if (kind === 0) {
      // SCM_RIGHTS with small fds
      const nfd = r.range(0, 4);
      const w = new W(16 + ((4 * nfd + 7) & ~7));
      w.u64(0, 16 + 4 * nfd).u32(8, 1).u32(12, 1);
      for (let i = 0; i < nfd; i++) w.u32(16 + 4 * i, r.pick([0, 1, 2, 3, 4, 5, -1, 1000]));
      parts.push(w.b);
    } else if (kind === 1) {
      const w = new W(32);
      w.u64(0, 28).u32(8, 1).u32(12, 2).u32(16, r.pick([1, 0, 2])).u32(20, r.pick([0, 1000])).u32(24, 0);
      parts.push(w.b);
    } else if (kind === 2) {
      const w = new W(16);
      w.u64(0, r.pick([0n, 8n, 15n, 17n, 0xffffffffn, 0xffffffffffffffffn])).u32(8, r.pick([1, 0, 41])).u32(12, r.range(0, 5));
      parts.push(w.b);
    } else parts.push(r.bytes(r.range(1, 40)));
  }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}

export function sockaddr(v: Values): Uint8Array {
  const r = v.rng;
  switch (r.below(5)) {
    case 0:
    case 1: {
      const name = r.pick(["/tmp/s", "/tmp/s2", "/tmp/a", "\0abs", "\0x", "", "/nonexistent/s"]);
      const w = new W(110);
      w.u16(0, 1);
      w.b.set(new TextEncoder().encode(name).subarray(0, 107), 2);
      return w.b;
    }
    case 2:
      return new W(12).u16(0, 16).u32(4, r.pick([0, 1, 2, 100, -1])).u32(8, r.pick([0, 1, 0xffffffff])).b;
    case 3:
      return new W(16).u16(0, r.pick([2, 10, 0, 17, 0xffff])).b;
    default:
      return r.bytes(r.range(0, 130));
  }
}

export function msghdr(v: Values, st: State, send: boolean): Uint8Array {
  const r = v.rng;
  const w = new W(56);
  if (r.chance(0.3)) {
    const sa = sockaddr(v);
    w.u64(0, v.heap.put(sa)).u32(8, r.chance(0.8) ? sa.length : Number(v.size() & 0xffffffffn));
  }
  const n = r.weighted<number>([[6, r.range(0, 4)], [1, 1024], [1, 1025], [1, r.u32()]]);
  const cnt = Math.min(n, 64);
  w.u64(16, v.heap.put(iovec(v, st, cnt, send))).u64(24, r.chance(0.9) ? n : v.size());
  if (r.chance(0.4)) {
    const c = send ? cmsgs(v, st) : new Uint8Array(r.range(0, 128));
    w.u64(32, r.chance(0.9) ? BigInt(v.heap.put(c)) : embed(v, 64, st));
    w.u64(40, r.chance(0.8) ? c.length : v.size());
  }
  w.u32(48, r.chance(0.9) ? 0 : r.u32());
  return w.b;
}

export function sigaction(v: Values): Uint8Array {
  const r = v.rng;
  const handler = r.weighted<bigint>([[3, BigInt(H_RET)], [2, BigInt(H_SKIP)], [2, 0n], [2, 1n], [1, 0x700000n], [1, r.u64()]]);
  const flags = v.flags([4, 0x08000000, 0x10000000, 0x40000000, 0x80000000, 1, 2, 0x04000000]);
  return new W(24).u64(0, handler).u64(8, flags).u64(16, BigInt.asUintN(64, BigInt(v.sigset()[0]) | (BigInt(r.u32()) << 32n))).b;
}

export function itimerspec(v: Values): Uint8Array {
  const b = new Uint8Array(32);
  b.set(v.timespec(), 0);
  b.set(v.timespec(), 16);
  return b;
}

export function itimerval(v: Values): Uint8Array {
  const r = v.rng;
  const w = new W(32);
  const sec = () => r.weighted<bigint>([[4, 0n], [2, 1n], [1, 0x7fffffffffffffffn], [1, -1n], [1, r.u64()]]);
  const usec = () => r.weighted<bigint>([[4, BigInt(r.below(1000))], [2, 0n], [1, 999999n], [1, 1000000n], [1, -1n]]);
  return w.u64(0, sec()).u64(8, usec()).u64(16, sec()).u64(24, usec()).b;
}

export function sigevent(v: Values, st: State): Uint8Array {
  const r = v.rng;
  const notify = r.weighted<number>([[3, 0], [3, 1], [1, 2], [2, 4], [1, r.u32()]]);
  return new W(64).u64(0, r.u64()).u32(8, r.pick([10, 12, 14, 34, 0, 65, 9, 19])).u32(12, notify).u32(16, r.pick([0, 1, 3, 4, 1000])).b;
}

const CLONE_BITS = [0x100, 0x200, 0x400, 0x800, 0x1000, 0x2000, 0x4000, 0x8000, 0x10000, 0x20000, 0x40000, 0x80000, 0x100000,
  0x200000, 0x400000, 0x800000, 0x1000000, 0x2000000, 0x4000000, 0x8000000, 0x10000000, 0x20000000, 0x40000000, 0x80000000];
export const THREAD_FLAGS = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000 | 0x100000 | 0x200000 | 0x1000000;

/** clone flags: a fork, a thread, a vfork, or random bits */
export function cloneFlags(v: Values): bigint {
  const r = v.rng;
  return r.weighted<() => bigint>([
    [5, () => 17n],
    [3, () => BigInt(THREAD_FLAGS)],
    [2, () => 0x4000n | 0x100n | 17n],
    [3, () => v.flags(CLONE_BITS) | BigInt(r.pick([17, 0, 10, 9]))],
    [1, () => r.u64()],
  ])();
}

export function cloneArgs(v: Values, st: State, stackTop: number): Uint8Array {
  const r = v.rng;
  const w = new W(88);
  const flags = cloneFlags(v) & ~0xffn;
  w.u64(0, r.chance(0.9) ? flags : r.u64() | (1n << 32n));
  if (flags & 0x1000n) w.u64(8, v.heap.buf(4)); // pidfd
  if (r.chance(0.3)) w.u64(16, v.heap.buf(4));
  if (r.chance(0.3)) w.u64(24, v.heap.buf(4));
  w.u64(32, r.weighted<bigint>([[6, 17n], [2, 0n], [1, 65n], [1, r.u64()]]));
  if (flags & 0x100n || r.chance(0.2)) {
    const size = r.pick([0x1000, 0x4000, 0, 0x7000]);
    w.u64(40, stackTop - 0x7000).u64(48, size);
  }
  if (r.chance(0.1)) {
    const n = r.range(0, 3);
    const ids = new W(4 * Math.max(n, 1));
    for (let i = 0; i < n; i++) ids.u32(4 * i, r.pick([1, 2, 100, 0, -1, 4194304]));
    w.u64(64, v.heap.put(ids.b)).u64(72, r.chance(0.8) ? n : v.size());
  }
  if (r.chance(0.05)) w.u64(80, r.below(10));
  return w.b;
}

/** one or more netlink route requests (nlmsghdr + ifinfomsg/ifaddrmsg + attributes) */
export function netlinkMsg(v: Values): Uint8Array {
  const r = v.rng;
  const msgs: Uint8Array[] = [];
  for (let n = r.range(1, 3); n > 0; n--) {
    const type = r.pick([16, 17, 18, 19, 20, 21, 22, 24, 26, 1, 2, 3, 0, 100, 0xffff]);
    const flags = r.pick([1, 5, 0x301, 0x305, 0x601, 0x405, 0x105, 0, 0xffff]);
    const body: number[] = [];
    const isAddr = type >= 20 && type <= 23;
    const fixed = new W(isAddr ? 8 : 16);
    if (isAddr) fixed.u8(0, r.pick([2, 10, 0])).u8(1, r.pick([8, 24, 32, 33, 255])).u8(3, r.pick([0, 253, 254])).u32(4, r.pick([0, 1, 2, 99]));
    else fixed.u8(0, r.pick([0, 17])).u32(4, r.pick([0, 1, 2, -1])).u32(8, r.pick([0, 1, 0x41])).u32(12, r.pick([0, 1, 0xffffffff]));
    if (r.chance(0.9)) body.push(...fixed.b);
    for (let a = r.range(0, 3); a > 0; a--) {
      const atype = r.pick([1, 2, 3, 4, 8, 13, 0, 0x8003]);
      const payload = atype === 3 ? [...new TextEncoder().encode(r.pick(["lo", "eth0", "x", "a".repeat(20)])), 0] : [...r.bytes(r.pick([0, 4, 4, 16, 3]))];
      const alen = r.chance(0.9) ? 4 + payload.length : r.pick([0, 1, 3, 0xffff]);
      body.push(alen & 0xff, alen >> 8, atype & 0xff, atype >> 8, ...payload);
      while (body.length % 4) body.push(0);
    }
    const len = 16 + body.length;
    const h = new W(16).u32(0, r.chance(0.9) ? len : r.pick([0, 15, 16, 0xffffffff, len + 100])).u16(4, type).u16(6, flags).u32(8, r.u32()).u32(12, r.pick([0, 1, 5]));
    const m = new Uint8Array(len);
    m.set(h.b);
    m.set(body, 16);
    msgs.push(m);
  }
  const total = msgs.reduce((s, m) => s + m.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const m of msgs) (out.set(m, o), (o += m.length));
  return out;
}

export function pollfds(v: Values, st: State): Uint8Array {
  const r = v.rng;
  const n = r.range(0, 6);
  const w = new W(8 * Math.max(n, 1));
  for (let i = 0; i < n; i++) w.u32(8 * i, r.pick([0, 1, 2, 3, 4, 5, -1, 100])).u16(8 * i + 4, r.pick([1, 4, 5, 0x2000, 0xffff, 0]));
  return w.b;
}

export function epollEvent(v: Values): Uint8Array {
  return new W(16).u32(0, v.rng.pick([1, 4, 5, 0x80000000, 0x40000000, 0x10000000, 0xffffffff, 0])).u64(8, v.rng.u64()).b;
}

export function sembufs(v: Values, n: number): Uint8Array {
  const r = v.rng;
  const w = new W(6 * Math.max(n, 1));
  for (let i = 0; i < n; i++) w.u16(6 * i, r.pick([0, 1, 2, 31, 0xffff])).u16(6 * i + 2, r.pick([0, 1, -1, 2, -2, 32767, -32768])).u16(6 * i + 4, r.pick([0, 0x800, 0x1000, 0x1800]));
  return w.b;
}

export function argvArray(v: Values, strings: string[]): Uint8Array {
  const w = new W(8 * (strings.length + 1));
  strings.forEach((s, i) => w.u64(8 * i, v.heap.str(s)));
  return w.b;
}

export function stackT(v: Values, top: number): Uint8Array {
  const r = v.rng;
  return new W(24).u64(0, r.chance(0.8) ? top - 0x7000 : r.u64()).u32(8, r.pick([0, 1, 2, 0x80000000, 4])).u64(16, r.pick([0x7000, 2048, 0, 1 << 20, 0x1000])).b;
}

export function rlimit(v: Values): Uint8Array {
  const r = v.rng;
  const val = () => r.weighted<bigint>([[2, 0xffffffffffffffffn], [2, BigInt(r.below(64))], [1, 0n], [1, 1n << 20n], [1, r.u64()]]);
  return new W(16).u64(0, val()).u64(8, val()).b;
}

export function capData(v: Values): [Uint8Array, Uint8Array] {
  const r = v.rng;
  const hdr = new W(8).u32(0, r.pick([0x20080522, 0x19980330, 0x20071026, 0, 0xffffffff])).u32(4, r.pick([0, 1, -1, 2]));
  return [hdr.b, r.bytes(24)];
}

export function msgbuf(v: Values): Uint8Array {
  const r = v.rng;
  const n = r.range(0, 64);
  const w = new W(8 + n);
  w.u64(0, r.pick([1n, 2n, 0n, -1n, 0x7fffffffffffffffn]));
  w.b.set(r.bytes(n), 8);
  return w.b;
}

export function utimes(v: Values): Uint8Array {
  const r = v.rng;
  const w = new W(32);
  for (const o of [0, 16]) w.u64(o, r.pick([0n, 1n, -1n, 1n << 40n])).u64(o + 8, r.pick([0n, (1n << 30n) - 1n, (1n << 30n) - 2n, 1000000000n, 5n]));
  return w.b;
}

export const handlerArg = (v: Values): Arg => imm(v.rng.pick([H_RET, H_SKIP, 0]));
export type { Rng };
