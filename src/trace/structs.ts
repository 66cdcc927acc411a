// Structures in guest memory as strace prints them in its default (abbreviated) style
// (strace: src/print_timespec.h, src/stat.c print_struct_stat, src/statx.c, src/resource.c,
// src/signal.c decode_new_sigaction, src/io.c tprint_iov, src/poll.c, src/uname.c, src/clone.c).

import type { Task } from "../kernel/task.js";
import { QUOTE_0_TERMINATED, addr, dec64, flags, hexWord, quoteBytes, udec64, xval, xlat } from "./quote.js";
import { sigset } from "./sigfmt.js";

/** guest memory of the traced task: null on a bad address (or one beyond 2^53, which no task maps) */
export function peek(t: Task, lo: number, hi: number, len: number): Uint8Array | null {
  if (t.mm === null || hi >>> 0 >= 0x200000 || len < 0 || len > 1 << 20) return null;
  return t.mm.read((hi >>> 0) * 4294967296 + (lo >>> 0), len);
}

/** a little-endian view of bytes read from the guest */
export class View {
  readonly dv: DataView;
  constructor(readonly b: Uint8Array) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.length);
  }
  i32(o: number): number {
    return this.dv.getInt32(o, true);
  }
  u32(o: number): number {
    return this.dv.getUint32(o, true);
  }
  /** signed 64-bit decimal */
  s64(o: number): string {
    return dec64(this.i32(o), this.i32(o + 4));
  }
  /** unsigned 64-bit decimal */
  u64(o: number): string {
    return udec64(this.i32(o), this.i32(o + 4));
  }
  /** pointer: NULL or hex */
  ptr(o: number): string {
    return addr(this.i32(o), this.i32(o + 4));
  }
  /** a 64-bit set of signals */
  set64(o: number): bigint {
    return (BigInt(this.u32(o + 4)) << 32n) | BigInt(this.u32(o));
  }
}

/** read a structure or print its address as strace does when it cannot (umove_or_printaddr) */
export function struct(t: Task, lo: number, hi: number, len: number, print: (v: View) => string): string {
  if ((lo | hi) === 0) return "NULL";
  const b = peek(t, lo, hi, len);
  return b === null ? hexWord(lo, hi) : print(new View(b));
}

export const timespec = (v: View, o = 0): string => `{tv_sec=${v.s64(o)}, tv_nsec=${v.s64(o + 8)}}`;
export const timeval = (v: View, o = 0): string => `{tv_sec=${v.s64(o)}, tv_usec=${v.s64(o + 8)}}`;

/** strace's sprint_rlim64: RLIM64_INFINITY, N*1024 for multiples of 1 KiB, or N */
export function rlim(v: View, o: number): string {
  if (v.i32(o) === -1 && v.i32(o + 4) === -1) return "RLIM64_INFINITY";
  const n = BigInt(v.u64(o));
  if (n > 1024n && n % 1024n === 0n) return `${n / 1024n}*1024`;
  return n.toString();
}
export const rlimit = (v: View): string => `{rlim_cur=${rlim(v, 0)}, rlim_max=${rlim(v, 8)}}`;

const FILE_TYPES = xlat([[0o140000, "S_IFSOCK"], [0o120000, "S_IFLNK"], [0o100000, "S_IFREG"], [0o60000, "S_IFBLK"], [0o40000, "S_IFDIR"], [0o20000, "S_IFCHR"], [0o10000, "S_IFIFO"]]);

/** strace's print_symbolic_mode_t: S_IFREG|S_ISUID|0755 */
export function symbolicMode(mode: number): string {
  const parts: string[] = [];
  const type = FILE_TYPES.get(mode & 0o170000);
  if (type) parts.push(type);
  else if (mode & 0o170000) parts.push("0" + (mode & 0o170000).toString(8));
  if (mode & 0o4000) parts.push("S_ISUID");
  if (mode & 0o2000) parts.push("S_ISGID");
  if (mode & 0o1000) parts.push("S_ISVTX");
  parts.push("0" + (mode & 0o777).toString(8).padStart(3, "0"));
  return parts.join("|");
}

/** an open/mkdir mode argument: 0644 */
export const octalMode = (m: number): string => "0" + (m >>> 0).toString(8).padStart(3, "0");

/** a dev_t as strace prints it: makedev(0x5, 0x1) */
export function makedev(lo: number, hi: number): string {
  const major = ((lo >>> 8) & 0xfff) | ((hi >>> 0) & 0xfffff000);
  const minor = (lo & 0xff) | ((lo >>> 12) & 0xfffff00);
  const h = (x: number) => (x === 0 ? "0" : "0x" + (x >>> 0).toString(16));
  return `makedev(${h(major)}, ${h(minor)})`;
}

/** riscv64's struct stat (asm-generic/stat.h), abbreviated: mode, size or rdev, ... */
export function stat(v: View): string {
  const mode = v.u32(16);
  const t = mode & 0o170000;
  const tail = t === 0o20000 || t === 0o60000 ? `st_rdev=${makedev(v.i32(32), v.i32(36))}` : `st_size=${v.s64(48)}`;
  return `{st_mode=${symbolicMode(mode)}, ${tail}, ...}`;
}

const STATX_MASK: [number, string][] = [[0x7ff, "STATX_BASIC_STATS"], [0x1, "STATX_TYPE"], [0x2, "STATX_MODE"], [0x4, "STATX_NLINK"], [0x8, "STATX_UID"],
  [0x10, "STATX_GID"], [0x20, "STATX_ATIME"], [0x40, "STATX_MTIME"], [0x80, "STATX_CTIME"], [0x100, "STATX_INO"], [0x200, "STATX_SIZE"],
  [0x400, "STATX_BLOCKS"], [0x800, "STATX_BTIME"], [0x1000, "STATX_MNT_ID"], [0x2000, "STATX_DIOALIGN"]];
export const statxMask = (m: number): string => flags(m, STATX_MASK);

/** struct statx, abbreviated as strace prints it */
export function statx(v: View): string {
  const mode = v.dv.getUint16(28, true);
  return `{stx_mask=${statxMask(v.u32(0))}, stx_attributes=${v.i32(8) || v.i32(12) ? hexWord(v.i32(8), v.i32(12)) : "0"}, stx_mode=${symbolicMode(mode)}, stx_size=${v.u64(40)}, ...}`;
}

const SA_FLAGS: [number, string][] = [[0x04000000, "SA_RESTORER"], [0x08000000, "SA_ONSTACK"], [0x10000000, "SA_RESTART"], [0x40000000, "SA_NODEFER"],
  [0x80000000, "SA_RESETHAND"], [4, "SA_SIGINFO"], [1, "SA_NOCLDSTOP"], [2, "SA_NOCLDWAIT"], [0x400, "SA_UNSUPPORTED"], [0x800, "SA_EXPOSE_TAGBITS"]];

/** riscv64's struct sigaction { handler; flags; mask } (no sa_restorer on riscv64) */
export function sigaction(v: View): string {
  const h = v.i32(4) === 0 && v.i32(0) === 0 ? "SIG_DFL" : v.i32(4) === 0 && v.i32(0) === 1 ? "SIG_IGN" : v.ptr(0);
  const fl = flags(v.u32(8), SA_FLAGS);
  const hiFlags = v.u32(12) ? `|${hexWord(0, v.u32(12))}` : "";
  return `{sa_handler=${h}, sa_mask=${sigset(v.set64(16))}, sa_flags=${fl}${hiFlags}}`;
}

/** struct utsname, abbreviated: {sysname="Linux", nodename="...", ...} */
export function utsname(v: View): string {
  const field = (o: number) => quoteBytes(v.b.subarray(o, o + 65), 65, QUOTE_0_TERMINATED);
  return `{sysname=${field(0)}, nodename=${field(65)}, ...}`;
}

/** an iovec array with up to `limit` bytes of data shown in all (strace's tprint_iov_upto) */
export function iovec(t: Task, lo: number, hi: number, count: number, limit: number, strsize: number): string {
  if ((lo | hi) === 0) return "NULL";
  if (count < 0 || count > 1024) return hexWord(lo, hi);
  const b = peek(t, lo, hi, count * 16);
  if (b === null) return hexWord(lo, hi);
  const v = new View(b);
  const items: string[] = [];
  let left = limit;
  for (let i = 0; i < count; i++) {
    if (i >= strsize) {
      items.push("...");
      break;
    }
    const len = BigInt(v.u64(i * 16 + 8));
    const show = Number(len < BigInt(Math.max(left, 0)) ? len : BigInt(Math.max(left, 0)));
    left -= show;
    items.push(`{iov_base=${buffer(t, v.i32(i * 16), v.i32(i * 16 + 4), show, strsize)}, iov_len=${len}}`);
  }
  return `[${items.join(", ")}]`;
}

/** a data buffer: len bytes, at most strsize shown and `...` after the quote when cut */
export function buffer(t: Task, lo: number, hi: number, len: number, strsize: number, style = 0): string {
  if ((lo | hi) === 0) return "NULL";
  const n = Math.min(len, strsize);
  const b = peek(t, lo, hi, n);
  if (b === null) return hexWord(lo, hi);
  return quoteBytes(b, n, style) + (len > strsize ? "..." : "");
}

/** a NUL-terminated string of at most strsize characters (`...` when longer) */
export function cstring(t: Task, lo: number, hi: number, strsize: number): string {
  if ((lo | hi) === 0) return "NULL";
  const b = peek(t, lo, hi, 0);
  if (b === null) return hexWord(lo, hi);
  const s = t.mm!.readString((hi >>> 0) * 4294967296 + (lo >>> 0), strsize + 1);
  if (s === null) return hexWord(lo, hi);
  if (s === undefined) {
    const cut = t.mm!.read((hi >>> 0) * 4294967296 + (lo >>> 0), strsize)!;
    return quoteBytes(cut, strsize) + "...";
  }
  const bytes = Uint8Array.from(s, (c) => c.charCodeAt(0));
  return quoteBytes(bytes, bytes.length);
}

const POLL: [number, string][] = [[1, "POLLIN"], [2, "POLLPRI"], [4, "POLLOUT"], [8, "POLLERR"], [0x10, "POLLHUP"], [0x20, "POLLNVAL"], [0x40, "POLLRDNORM"],
  [0x80, "POLLRDBAND"], [0x100, "POLLWRNORM"], [0x200, "POLLWRBAND"], [0x400, "POLLMSG"], [0x1000, "POLLREMOVE"], [0x2000, "POLLRDHUP"]];
export const pollEvents = (e: number): string => flags(e & 0xffff, POLL);

/** struct pollfd[]: entering shows events, exiting (after the result) revents of the ready ones */
export function pollfds(t: Task, lo: number, hi: number, n: number, revents: boolean): string {
  if (n > 1024) return hexWord(lo, hi);
  return struct(t, lo, hi, n * 8, (v) => {
    const items: string[] = [];
    for (let i = 0; i < n; i++) {
      const fd = v.i32(i * 8);
      if (revents) {
        const r = v.dv.getUint16(i * 8 + 6, true);
        if (r) items.push(`{fd=${fd}, revents=${pollEvents(r)}}`);
      } else items.push(`{fd=${fd}, events=${pollEvents(v.dv.getUint16(i * 8 + 4, true))}}`);
    }
    return `[${items.join(", ")}]`;
  });
}

const EPOLL: [number, string][] = [[1, "EPOLLIN"], [2, "EPOLLPRI"], [4, "EPOLLOUT"], [8, "EPOLLERR"], [0x10, "EPOLLHUP"], [0x20, "EPOLLNVAL"], [0x40, "EPOLLRDNORM"],
  [0x80, "EPOLLRDBAND"], [0x100, "EPOLLWRNORM"], [0x200, "EPOLLWRBAND"], [0x400, "EPOLLMSG"], [0x2000, "EPOLLRDHUP"], [0x10000000, "EPOLLEXCLUSIVE"],
  [0x20000000, "EPOLLWAKEUP"], [0x40000000, "EPOLLONESHOT"], [0x80000000, "EPOLLET"]];

/** struct epoll_event { u32 events; u64 data } (packed to 16 bytes on riscv64) */
export function epollEvents(t: Task, lo: number, hi: number, n: number): string {
  if (n > 1024 || n < 0) return hexWord(lo, hi);
  return struct(t, lo, hi, n * 16, (v) => {
    const items: string[] = [];
    for (let i = 0; i < n; i++) items.push(`{events=${flags(v.u32(i * 16), EPOLL)}, data=${hexWord(v.i32(i * 16 + 8), v.i32(i * 16 + 12))}}`);
    return `[${items.join(", ")}]`;
  });
}

const AF = xlat([[0, "AF_UNSPEC"], [1, "AF_UNIX"], [2, "AF_INET"], [10, "AF_INET6"], [16, "AF_NETLINK"], [17, "AF_PACKET"]]);

/** a socket address of `len` bytes */
export function sockaddr(t: Task, lo: number, hi: number, len: number): string {
  if (len <= 0 || len > 128) return addr(lo, hi);
  return struct(t, lo, hi, len, (v) => {
    const fam = v.dv.getUint16(0, true);
    const f = `sa_family=${xval(fam, AF, "AF_???", false)}`;
    if (fam === 1) {
      const path = v.b.subarray(2);
      if (len > 2 && path[0] === 0) return `{${f}, sun_path=@${quoteBytes(path.subarray(1), len - 3)}}`;
      return `{${f}, sun_path=${quoteBytes(path, len - 2, QUOTE_0_TERMINATED)}}`;
    }
    if (fam === 16 && len >= 12) return `{${f}, nl_pid=${v.i32(4)}, nl_groups=${v.u32(8).toString(16).padStart(8, "0")}}`;
    return `{${f}, sa_data=${quoteBytes(v.b.subarray(2), len - 2)}}`;
  });
}

/** int pointer as strace's printnum_int: [N] */
export const intPtr = (t: Task, lo: number, hi: number): string => struct(t, lo, hi, 4, (v) => `[${v.i32(0)}]`);
/** the pipe's two fds: [3, 4] */
export const fdPair = (t: Task, lo: number, hi: number): string => struct(t, lo, hi, 8, (v) => `[${v.i32(0)}, ${v.i32(4)}]`);
/** a 64-bit sigset_t */
export const sigsetAt = (t: Task, lo: number, hi: number, size: number): string =>
  size !== 8 ? addr(lo, hi) : struct(t, lo, hi, 8, (v) => sigset(v.set64(0)));

/** struct itimerspec */
export const itimerspec = (v: View): string => `{it_interval=${timespec(v, 0)}, it_value=${timespec(v, 16)}}`;
/** struct itimerval */
export const itimerval = (v: View): string => `{it_interval=${timeval(v, 0)}, it_value=${timeval(v, 16)}}`;
/** struct rusage, abbreviated */
export const rusage = (v: View): string => `{ru_utime=${timeval(v, 0)}, ru_stime=${timeval(v, 16)}, ...}`;
/** struct tms */
export const tms = (v: View): string => `{tms_utime=${v.u64(0)}, tms_stime=${v.u64(8)}, tms_cutime=${v.u64(16)}, tms_cstime=${v.u64(24)}}`;
/** struct sysinfo, abbreviated */
export const sysinfo = (v: View): string =>
  `{uptime=${v.s64(0)}, loads=[${v.u64(8)}, ${v.u64(16)}, ${v.u64(24)}], totalram=${v.u64(32)}, freeram=${v.u64(40)}, sharedram=${v.u64(48)}, bufferram=${v.u64(56)}, totalswap=${v.u64(64)}, freeswap=${v.u64(72)}, procs=${v.dv.getUint16(80, true)}, totalhigh=${v.u64(88)}, freehigh=${v.u64(96)}, mem_unit=${v.u32(104)}}`;
/** stack_t */
export const stackT = (v: View): string =>
  `{ss_sp=${v.ptr(0)}, ss_flags=${flags(v.u32(8), [[1, "SS_ONSTACK"], [2, "SS_DISABLE"], [0x80000000, "SS_AUTODISARM"]])}, ss_size=${v.u64(16)}}`;
/** a 64-bit value behind a pointer: [N] */
export const u64Ptr = (t: Task, lo: number, hi: number): string => struct(t, lo, hi, 8, (v) => `[${v.u64(0)}]`);
/** struct sched_param */
export const schedParam = (v: View): string => `[{sched_priority=${v.i32(0)}}]`;
/** a cpu set of `len` bytes: [0 1 2] */
export function cpuSet(v: View, len: number): string {
  const cpus: number[] = [];
  for (let i = 0; i < Math.min(len, v.b.length) * 8; i++) if (v.b[i >> 3] & (1 << (i & 7))) cpus.push(i);
  return `[${cpus.join(" ")}]`;
}
