// Argument values for the syscall fuzzer: boundary integers, sizes, flag sets, paths and the
// pointer mix (mapped read-write, read-only, code, unmapped, kernel, straddling the end of a mapping).

import { Rng } from "./rng.js";
import { Arg, Blob, BLOBS, CODE, DATA, DATA_SIZE, HOLE, RO, RO_SIZE, STACKS, STACK_SLOT, STACK_SLOTS } from "./program.js";

export const imm = (v: bigint | number): Arg => ({ k: "i", v: BigInt.asIntN(64, BigInt(v)).toString() });

export const BOUNDARY: bigint[] = [
  0n, 1n, 2n, 3n, 7n, 8n, 15n, 16n, 63n, 64n, 255n, 256n, 4095n, 4096n, 4097n, 65535n, 65536n,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7ffff000n, 0x7ffff001n,
  (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, 1n << 38n, (1n << 38n) - 4096n, 1n << 40n,
  0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0xfffffffffffff000n,
  -2n, -4095n, -4096n, 0x7fffffffffffff00n,
];

export const SIZES: bigint[] = [
  0n, 1n, 2n, 4n, 8n, 12n, 16n, 24n, 28n, 32n, 56n, 64n, 88n, 100n, 128n, 200n, 512n, 1024n, 4095n, 4096n, 8192n,
  65536n, 65537n, 1n << 20n, 1n << 24n, 1n << 30n, 0x7ffff000n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 32n,
  1n << 40n, 1n << 53n, 0x7fffffffffffffffn, 0xffffffffffffffffn, 0x20000000000000n,
];

export const SIGNALS = [0, 1, 2, 3, 6, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 22, 23, 28, 31, 32, 33, 34, 35, 63, 64, 65, -1, 127, 255];

export const PATHS = [
  "/tmp/a", "/tmp/b", "/tmp/d", "/tmp/d/x", "/tmp/m", "/tmp/s", "/tmp/f0", "/tmp/f1", "/", ".", "..", "", "/tmp",
  "/tmp/../tmp/./a", "/proc/self/fd/0", "/proc/self/fd/3", "/proc/self/maps", "/proc/self/status", "/proc/self/exe",
  "/proc/self/cwd", "/proc/self/root", "/proc/1/ns/mnt", "/proc/self/ns/user", "/proc/self/uid_map", "/proc/self/mountinfo",
  "/proc/self/task", "/dev/null", "/dev/zero", "/dev/urandom", "/dev/console", "/dev/tty", "/etc/passwd", "/bin/t",
  "/sys/fs/cgroup", "/sys/fs/cgroup/x", "/sys/fs/cgroup/x/cgroup.procs", "/sys/fs/cgroup/cgroup.subtree_control",
  "/proc/sys/kernel/hostname", "/tmp/a/b/c", "/tmp/loop", "a", "d/x", "/proc/self/fd", "/proc", "/sys/fs/cgroup/pids.max",
];

export interface State {
  fds: Arg[];
  pids: Arg[];
  maps: Arg[];
  timers: number[];
  ipcIds: Arg[];
  socks: Arg[];
  futexes: number[];
}

export const newState = (): State => ({ fds: [], pids: [], maps: [], timers: [], ipcIds: [], socks: [], futexes: [] });
export const copyState = (s: State): State => ({
  fds: [...s.fds], pids: [...s.pids], maps: [...s.maps], timers: [...s.timers], ipcIds: [...s.ipcIds], socks: [...s.socks], futexes: [...s.futexes],
});

/** places the blobs (structs, strings) a program's arguments point to in its data segment */
export class Heap {
  blobs: Blob[] = [];
  private next = BLOBS;
  stackSlot = 0;

  constructor(private rng: Rng) {}

  /** a copy of `bytes` in the data segment (8-aligned); the address */
  put(bytes: Uint8Array): number {
    const len = Math.max(bytes.length, 1);
    if (this.next + len > DATA + DATA_SIZE - 64) {
      // full: reuse the start (older arguments get overwritten in the image, which is fine for fuzzing)
      this.next = BLOBS + this.rng.below(0x1000) * 8;
      if (this.next + len > DATA + DATA_SIZE - 64) return DATA + DATA_SIZE - 64;
    }
    const a = this.next;
    this.blobs.push({ addr: a, bytes });
    this.next = (a + len + 15) & ~7;
    return a;
  }

  /** an output buffer of n zero bytes */
  buf(n: number): number {
    return this.put(new Uint8Array(Math.min(n, 0x10000)));
  }

  str(s: string | Uint8Array): number {
    const b = typeof s === "string" ? new TextEncoder().encode(s) : s;
    const z = new Uint8Array(b.length + 1);
    z.set(b);
    return this.put(z);
  }

  /** the top of a thread stack slot */
  stackTop(): number {
    const s = this.stackSlot++ % STACK_SLOTS;
    return STACKS + (s + 1) * STACK_SLOT - 16;
  }
}

export class Values {
  constructor(readonly rng: Rng, readonly heap: Heap) {}

  int(): bigint {
    const r = this.rng;
    return r.weighted<() => bigint>([
      [4, () => BigInt(r.range(-2, 8))],
      [3, () => r.pick(BOUNDARY)],
      [1, () => BigInt(r.u32() | 0)],
      [1, () => r.u64()],
    ])();
  }

  size(): bigint {
    const r = this.rng;
    return r.weighted<() => bigint>([
      [5, () => BigInt(r.range(0, 256))],
      [4, () => r.pick(SIZES)],
      [1, () => r.u64()],
    ])();
  }

  /** a pointer: mostly to fresh zeroed data of `len` bytes */
  ptr(len = 64, st?: State): Arg {
    const r = this.rng;
    const h = this.heap;
    return r.weighted<() => Arg>([
      [30, () => imm(h.buf(len))],
      [3, () => imm(0)],
      [2, () => imm(RO + r.below(RO_SIZE))],
      [2, () => imm(CODE + 4 * r.below(64))],
      [2, () => imm(HOLE + r.below(0x100000))],
      [1, () => imm(0xffffffff80000000n)],
      [1, () => imm((1n << 38n) - BigInt(r.range(1, 64)))],
      [1, () => imm(DATA + DATA_SIZE - r.range(1, 16))],
      [1, () => imm(STACKS + r.below(STACK_SLOT * STACK_SLOTS))],
      [1, () => imm(h.buf(len + 8) + r.range(1, 7))],
      [1, () => imm(r.u64())],
      [3, () => (st && st.maps.length ? { ...r.pick(st.maps), add: r.pick([0, 1, 8, 4096, 4095, 8192, 1 << 20]) } as Arg : imm(h.buf(len)))],
    ])();
  }

  /** a pointer to the given bytes (a struct), sometimes replaced by a bad pointer */
  struct(bytes: Uint8Array, st?: State): Arg {
    if (this.rng.chance(0.9)) return imm(this.heap.put(bytes));
    return this.ptr(bytes.length, st);
  }

  path(): Arg {
    const r = this.rng;
    return r.weighted<() => Arg>([
      [20, () => imm(this.heap.str(r.pick(PATHS)))],
      [1, () => imm(this.heap.str("/tmp/" + "a".repeat(r.pick([255, 256, 4095, 4096, 5000]))))],
      [1, () => imm(this.heap.str(new Uint8Array([0x2f, 0x74, 0x6d, 0x70, 0x2f, 0xff, 0x41, r.below(256) | 1])))],
      [1, () => imm(this.heap.str(("/tmp/" + "d/").repeat(r.range(1, 60))))],
      [1, () => imm(DATA + DATA_SIZE - 3)], // no terminator before the end of the mapping
      [2, () => this.ptr(16)],
    ])();
  }

  fd(st: State): Arg {
    const r = this.rng;
    if (st.fds.length && r.chance(0.75)) return r.pick(st.fds);
    return imm(r.pick([0, 1, 2, 3, 4, 5, 6, -1, -100, 1023, 1024, 65535, 0x7fffffff, -2147483648, r.u32() | 0]));
  }

  sock(st: State): Arg {
    if (st.socks.length && this.rng.chance(0.8)) return this.rng.pick(st.socks);
    return this.fd(st);
  }

  pid(st: State): Arg {
    const r = this.rng;
    if (st.pids.length && r.chance(0.5)) return r.pick(st.pids);
    return imm(r.pick([0, 1, 2, -1, 3, 4, 5, 100, 4194304, 0x7fffffff, -2147483648, -2, -3]));
  }

  sig(): Arg {
    return imm(this.rng.pick(SIGNALS));
  }

  /** an OR of some of the bits, sometimes with a random extra */
  flags(bits: number[], extra = 0.05): bigint {
    let v = 0n;
    for (const b of bits) if (this.rng.chance(0.25)) v |= BigInt(b);
    if (this.rng.chance(extra)) v |= BigInt(this.rng.u32());
    return v;
  }

  timespec(): Uint8Array {
    const r = this.rng;
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    const sec = r.weighted<bigint>([[4, 0n], [2, 1n], [1, 0x7fffffffffffffffn], [1, -1n], [1, BigInt(r.below(100))], [1, 1n << 33n], [1, r.u64()]]);
    const nsec = r.weighted<bigint>([[4, BigInt(r.below(1000000))], [2, 0n], [1, 999999999n], [1, 1000000000n], [1, -1n], [1, r.u64()]]);
    dv.setBigInt64(0, BigInt.asIntN(64, sec), true);
    dv.setBigInt64(8, BigInt.asIntN(64, nsec), true);
    return b;
  }

  /** a sigset: empty, full, one signal, or random */
  sigset(): Uint8Array {
    const r = this.rng;
    const b = new Uint8Array(8);
    const dv = new DataView(b.buffer);
    const v = r.weighted<bigint>([[2, 0n], [1, 0xffffffffffffffffn], [3, 1n << BigInt(r.below(64))], [2, r.u64()]]);
    dv.setBigUint64(0, v, true);
    return b;
  }
}
