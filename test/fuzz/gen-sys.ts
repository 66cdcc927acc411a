// The syscall-sequence generator: calls drawn over the whole syscall table (src/syscalls/table.ts),
// arguments typed by the table's argument kinds and by per-call struct generators, fds, pids and
// mappings taken from earlier results, and fork/clone/clone3 calls that start child tasks running
// their own call lists under their own random streams.

import { SYSCALLS } from "../../src/syscalls/table.js";
import { Rng } from "./rng.js";
import { Arg, Call, MAX_CALLS, RO_SIZE, SysProgram, H_RET, H_SKIP } from "./program.js";
import { Heap, State, Values, copyState, imm, newState, PATHS } from "./values.js";
import * as S from "./structs.js";

type Gen = (g: Ctx) => Arg[];

interface Ctx {
  v: Values;
  r: Rng;
  st: State;
  h: Heap;
}

const nr = new Map(SYSCALLS.map((d) => [d.name, d.nr]));
const NR = (name: string) => nr.get(name)!;

/** calls whose result is a new fd */
const FD_CALLS = new Set(["openat", "dup", "dup3", "eventfd2", "epoll_create1", "socket", "accept", "accept4", "pidfd_open", "fcntl"]);
const PID_CALLS = new Set(["getpid", "gettid", "getppid", "clone", "clone3", "getpgid", "getsid", "setsid"]);

const OFLAGS = [0o1, 0o2, 0o100, 0o200, 0o1000, 0o2000, 0o4000, 0o200000, 0o400000, 0o2000000, 0o10000000, 0o20000000];
const MFLAGS = [0x10, 0x20, 0x100, 0x4000, 0x8000, 0x20000, 0x100000];
const ATFLAGS = [0x100, 0x200, 0x400, 0x800, 0x1000];

function byKind(g: Ctx, kind: string): Arg {
  const { v, r, st } = g;
  switch (kind) {
    case "fd": return v.fd(st);
    case "dirfd": return r.chance(0.6) ? imm(-100) : v.fd(st);
    case "s": return v.path();
    case "o": return imm(r.pick([0o644, 0o755, 0o777, 0, 0o4755, 0o170777, 0o10644, 0o20644, r.u32()]));
    case "oflags": return imm(v.flags(OFLAGS));
    case "atflags": return imm(r.chance(0.5) ? 0 : v.flags(ATFLAGS));
    case "mflags": return imm(r.pick([0x22, 0x21, 0x02, 0x01, 0x32, 0x4022]) | Number(v.flags(MFLAGS, 0.02)));
    case "prot": return imm(r.chance(0.9) ? r.range(0, 7) : v.int());
    case "sig": return v.sig();
    case "clock": return imm(r.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, -1, -6, 100]));
    case "whence": return imm(r.pick([0, 1, 2, 3, 4, 5, -1]));
    case "how": return imm(r.pick([0, 1, 2, 3, -1]));
    case "wopt": return imm(v.flags([1, 2, 4, 8, 0x1000000, 0x20000000, 0x40000000, 0x80000000]));
    case "idtype": return imm(r.pick([0, 1, 2, 3, 4, -1]));
    case "fcntl": return imm(r.pick([0, 1, 2, 3, 4, 5, 6, 7, 1030, 1031, 1032, 1033, 1034, 8, 9, 10, 11, 1024, 1025, 1026, 99]));
    case "ioctl": return imm(r.pick([0x5401, 0x5402, 0x5413, 0x5414, 0x540f, 0x5410, 0x5421, 0x541b, 0x5451, 0x5450, 0x8912, 0x8913, 0x8914, 0x8921, 0x8933, 0x8927, 0x8942, 0x8910, 0x8922, 0x891d, r.u32()]));
    case "futex": return imm(r.pick([0, 1, 3, 4, 5, 9, 10, 6, 7, 8, 2, 11, 12, 13]) | r.pick([0, 128, 256, 384]));
    case "ptrace": return imm(r.pick([0, 1, 2, 4, 5, 7, 8, 16, 17, 24, 9, 0x4200, 0x4201, 0x4202, 0x4204, 0x4205, 0x4206, 0x4207, 0x4208, 12, 13]));
    case "prctl": return imm(r.pick([1, 2, 3, 4, 15, 16, 23, 24, 36, 37, 38, 39, 22, 0, 1000]));
    case "rlimit": return imm(r.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, -1]));
    case "clone": return imm(S.cloneFlags(v) & ~0xffn);
    case "argv": return imm(g.h.put(S.argvArray(v, ["/bin/t", ...(r.chance(0.3) ? ["x".repeat(r.range(0, 200))] : [])])));
    case "l": return imm(r.chance(0.5) ? v.size() : v.int());
    case "u": return imm(v.size());
    case "d": return imm(v.int());
    case "cloneargs": return v.ptr(88, st);
    default:
      if (kind.startsWith("r:") || kind.startsWith("w:")) return v.ptr(256, st);
      return v.rng.chance(0.5) ? v.ptr(64, st) : imm(v.int());
  }
}

/** calls whose arguments need more than their kinds say */
const SPECIAL: Record<string, Gen> = {
  read: (g) => [g.v.fd(g.st), g.v.ptr(4096, g.st), imm(g.r.chance(0.7) ? g.r.range(0, 4096) : g.v.size())],
  write: (g) => [g.v.fd(g.st), g.v.ptr(4096, g.st), imm(g.r.chance(0.7) ? g.r.range(0, 4096) : g.v.size())],
  pread64: (g) => [g.v.fd(g.st), g.v.ptr(4096, g.st), imm(g.v.size()), imm(g.v.size())],
  pwrite64: (g) => [g.v.fd(g.st), g.v.ptr(4096, g.st), imm(g.r.chance(0.6) ? g.r.range(0, 4096) : g.v.size()), imm(g.r.chance(0.5) ? g.r.range(0, 1 << 20) : g.v.size())],
  readv: (g) => iovCall(g, false),
  writev: (g) => iovCall(g, true),
  openat: (g) => [g.r.chance(0.8) ? imm(-100) : g.v.fd(g.st), g.v.path(), imm(g.r.chance(0.5) ? g.r.pick([0o102, 0o2, 0, 0o1102, 0o2102, 0o200000, 0o20200002]) : g.v.flags(OFLAGS)), imm(0o644)],
  ftruncate: (g) => [g.v.fd(g.st), imm(g.r.chance(0.5) ? g.r.range(0, 1 << 16) : g.v.size())],
  truncate: (g) => [g.v.path(), imm(g.r.chance(0.5) ? g.r.range(0, 1 << 16) : g.v.size())],
  mmap: (g) => {
    const { r, v } = g;
    const anon = r.chance(0.6);
    return [
      imm(r.chance(0.8) ? 0 : r.pick([0x20000000, 0x10000, 0x900000, 0x3fff000000, 1 << 30])),
      imm(r.chance(0.7) ? 4096 * r.range(1, 16) : v.size()),
      imm(r.chance(0.8) ? 3 : r.range(0, 7)),
      imm(anon ? r.pick([0x22, 0x21, 0x4022, 0x8022, 0x32]) : r.pick([0x1, 0x2, 0x11, 0x8001])),
      anon ? imm(-1) : v.fd(g.st),
      imm(r.chance(0.8) ? 0 : r.pick([4096, 1 << 30, 1, -4096])),
    ];
  },
  munmap: (g) => [g.st.maps.length && g.r.chance(0.7) ? g.r.pick(g.st.maps) : g.v.ptr(16, g.st), imm(g.r.chance(0.7) ? 4096 * g.r.range(1, 8) : g.v.size())],
  mprotect: (g) => [g.st.maps.length && g.r.chance(0.7) ? g.r.pick(g.st.maps) : g.v.ptr(16, g.st), imm(4096 * g.r.range(0, 8)), imm(g.r.range(0, 7))],
  mremap: (g) => [g.st.maps.length && g.r.chance(0.7) ? g.r.pick(g.st.maps) : g.v.ptr(16, g.st), imm(4096 * g.r.range(0, 8)), imm(g.r.chance(0.8) ? 4096 * g.r.range(1, 32) : g.v.size()), imm(g.r.range(0, 3)), imm(0)],
  madvise: (g) => [g.st.maps.length ? g.r.pick(g.st.maps) : g.v.ptr(16), imm(4096 * g.r.range(0, 8)), imm(g.r.pick([0, 1, 2, 3, 4, 8, 9, 10, 11, 100]))],
  sendmsg: (g) => [g.v.sock(g.st), g.v.struct(S.msghdr(g.v, g.st, true), g.st), imm(g.r.pick([0, 0x40, 0x4000, 0x8000, 0x80, 0x40000000]))],
  recvmsg: (g) => [g.v.sock(g.st), g.v.struct(S.msghdr(g.v, g.st, false), g.st), imm(g.r.pick([0, 0x40, 0x2, 0x20, 0x100, 0x40000000]))],
  sendto: (g) => {
    const nl = g.r.chance(0.5);
    const data = nl ? S.netlinkMsg(g.v) : g.r.bytes(g.r.range(0, 200));
    const sa = S.sockaddr(g.v);
    const withAddr = g.r.chance(0.3);
    return [g.v.sock(g.st), imm(g.h.put(data)), imm(g.r.chance(0.9) ? data.length : g.v.size()), imm(g.r.pick([0, 0x40, 0x4000])), withAddr ? imm(g.h.put(sa)) : imm(0), imm(withAddr ? sa.length : 0)];
  },
  recvfrom: (g) => [g.v.sock(g.st), g.v.ptr(4096, g.st), imm(g.r.chance(0.8) ? g.r.range(0, 8192) : g.v.size()), imm(g.r.pick([0, 0x40, 0x2, 0x20, 0x100])), g.r.chance(0.3) ? imm(g.h.buf(128)) : imm(0), imm(g.h.put(new Uint8Array([128, 0, 0, 0])))],
  socket: (g) => [imm(g.r.pick([1, 1, 16, 16, 2, 10, 0, 44])), imm(g.r.pick([1, 2, 3, 5, 0x801, 0x80001, 10]) ), imm(g.r.pick([0, 0, 0, 1, 2, 9, 15, 16]))],
  socketpair: (g) => [imm(g.r.pick([1, 1, 16, 2])), imm(g.r.pick([1, 2, 5, 0x801])), imm(0), imm(g.h.buf(8))],
  bind: (g) => { const sa = S.sockaddr(g.v); return [g.v.sock(g.st), g.v.struct(sa), imm(g.r.chance(0.8) ? sa.length : g.v.size())]; },
  connect: (g) => { const sa = S.sockaddr(g.v); return [g.v.sock(g.st), g.v.struct(sa), imm(g.r.chance(0.8) ? sa.length : g.v.size())]; },
  setsockopt: (g) => [g.v.sock(g.st), imm(g.r.pick([1, 270, 0, 6])), imm(g.r.pick([1, 2, 7, 8, 16, 20, 21, 1, 3, 4, 6, 11, 12])), g.v.ptr(16), imm(g.r.pick([4, 0, 8, 16, 3, -1]))],
  getsockopt: (g) => [g.v.sock(g.st), imm(g.r.pick([1, 270])), imm(g.r.pick([1, 2, 3, 4, 7, 8, 16, 17, 31, 38, 11])), g.v.ptr(64), imm(g.h.put(new Uint8Array([g.r.pick([4, 0, 64, 255]), 0, 0, 0])))],
  rt_sigaction: (g) => [g.v.sig(), g.r.chance(0.8) ? g.v.struct(S.sigaction(g.v)) : imm(0), g.r.chance(0.5) ? imm(g.h.buf(24)) : imm(0), imm(g.r.chance(0.9) ? 8 : g.v.size())],
  rt_sigprocmask: (g) => [imm(g.r.pick([0, 1, 2, 3])), g.v.struct(g.v.sigset()), g.r.chance(0.5) ? imm(g.h.buf(8)) : imm(0), imm(g.r.chance(0.9) ? 8 : g.v.size())],
  rt_sigsuspend: (g) => [g.v.struct(g.v.sigset()), imm(g.r.chance(0.9) ? 8 : g.v.size())],
  rt_sigtimedwait: (g) => [g.v.struct(g.v.sigset()), g.r.chance(0.5) ? imm(g.h.buf(128)) : imm(0), g.r.chance(0.8) ? g.v.struct(g.v.timespec()) : imm(0), imm(8)],
  rt_sigqueueinfo: (g) => [g.v.pid(g.st), g.v.sig(), g.v.struct(g.r.bytes(128))],
  rt_tgsigqueueinfo: (g) => [g.v.pid(g.st), g.v.pid(g.st), g.v.sig(), g.v.struct(g.r.bytes(128))],
  sigaltstack: (g) => [g.r.chance(0.7) ? g.v.struct(S.stackT(g.v, g.h.stackTop())) : imm(0), g.r.chance(0.5) ? imm(g.h.buf(24)) : imm(0)],
  nanosleep: (g) => [g.v.struct(g.v.timespec()), g.r.chance(0.5) ? imm(g.h.buf(16)) : imm(0)],
  clock_nanosleep: (g) => [imm(g.r.pick([0, 1, 7, 2, -1])), imm(g.r.pick([0, 1, 2])), g.v.struct(g.v.timespec()), g.r.chance(0.5) ? imm(g.h.buf(16)) : imm(0)],
  setitimer: (g) => [imm(g.r.pick([0, 0, 1, 2, 3, -1])), g.v.struct(S.itimerval(g.v)), g.r.chance(0.5) ? imm(g.h.buf(32)) : imm(0)],
  getitimer: (g) => [imm(g.r.pick([0, 1, 2, 3])), g.v.ptr(32)],
  timer_create: (g) => {
    const out = g.h.buf(4);
    g.st.timers.push(out);
    return [imm(g.r.pick([0, 1, 7, 2, 3, 4, -1])), g.r.chance(0.85) ? g.v.struct(S.sigevent(g.v, g.st)) : imm(0), imm(out)];
  },
  timer_settime: (g) => [timerId(g), imm(g.r.pick([0, 1, 2])), g.v.struct(S.itimerspec(g.v)), g.r.chance(0.3) ? imm(g.h.buf(32)) : imm(0)],
  timer_gettime: (g) => [timerId(g), g.v.ptr(32)],
  timer_getoverrun: (g) => [timerId(g)],
  timer_delete: (g) => [timerId(g)],
  clone: (g) => {
    const f = S.cloneFlags(g.v);
    const thread = (f & 0x100n) !== 0n;
    return [imm(f), imm(thread || g.r.chance(0.2) ? g.h.stackTop() : 0), imm(g.h.buf(8)), imm(g.r.chance(0.3) ? g.h.buf(8) : 0), imm(g.h.buf(8))];
  },
  clone3: (g) => [g.v.struct(S.cloneArgs(g.v, g.st, g.h.stackTop())), imm(g.r.chance(0.85) ? 88 : g.r.pick([64, 80, 0, 4096, 4097, 63, 100]))],
  mount: (g) => {
    const { r, v } = g;
    const src = v.heap.str(r.pick(["none", "tmpfs", "/", "/tmp", "proc", "cgroup2", "/tmp/d"]));
    const target = v.heap.str(r.pick(["/tmp/m", "/tmp", "/", "/proc", "/tmp/d", "/tmp/a", "/sys/fs/cgroup"]));
    const fstype = r.chance(0.8) ? imm(v.heap.str(r.pick(["tmpfs", "proc", "cgroup2", "bogus", "ramfs"]))) : imm(0);
    const flags = v.flags([1, 2, 4, 8, 32, 4096, 8192, 16384, 1 << 17, 1 << 18, 1 << 19, 1 << 20]);
    const data = r.chance(0.3) ? imm(v.heap.str(r.pick(["size=1m", "mode=700", "nr_inodes=2", "x".repeat(5000)]))) : imm(0);
    return [imm(src), imm(target), fstype, imm(flags), data];
  },
  umount2: (g) => [imm(g.h.str(g.r.pick(["/tmp/m", "/tmp", "/proc", "/", "/tmp/d"]))), imm(g.r.pick([0, 1, 2, 4, 8, 3]))],
  pipe2: (g) => {
    const out = g.h.buf(8);
    g.st.fds.push({ k: "m", a: out }, { k: "m", a: out + 4 });
    return [imm(out), imm(g.r.pick([0, 0o4000, 0o2000000, 0o40000, 1]))];
  },
  epoll_ctl: (g) => [g.v.fd(g.st), imm(g.r.pick([1, 2, 3, 0, 4])), g.v.fd(g.st), g.v.struct(S.epollEvent(g.v))],
  epoll_pwait: (g) => [g.v.fd(g.st), g.v.ptr(16 * 8), imm(g.r.pick([0, 1, 8, -1, 0x7fffffff])), imm(g.r.pick([0, 1, 10, -1])), imm(0), imm(8)],
  epoll_pwait2: (g) => [g.v.fd(g.st), g.v.ptr(16 * 8), imm(g.r.pick([0, 1, 8, -1])), g.r.chance(0.7) ? g.v.struct(g.v.timespec()) : imm(0), imm(0), imm(8)],
  ppoll: (g) => { const n = g.r.range(0, 6); return [g.v.struct(S.pollfds(g.v, g.st)), imm(g.r.chance(0.8) ? n : g.v.size()), g.r.chance(0.8) ? g.v.struct(g.v.timespec()) : imm(0), imm(0), imm(8)]; },
  futex: (g) => {
    const { r, h } = g;
    if (g.st.futexes.length === 0 || r.chance(0.3)) g.st.futexes.push(h.put(new Uint8Array([r.pick([0, 1, 2]), 0, 0, 0])));
    const word = r.pick(g.st.futexes);
    return [r.chance(0.9) ? imm(word) : g.v.ptr(4), byKind(g, "futex"), imm(r.pick([0, 1, 2, -1, 0x7fffffff])), r.chance(0.5) ? g.v.struct(g.v.timespec()) : imm(r.pick([0, 1, 2])), imm(r.pick(g.st.futexes)), imm(r.pick([0, 0xffffffff, 1, 0x7fffffff]))];
  },
  semop: (g) => { const n = g.r.range(0, 4); return [ipcId(g), g.v.struct(S.sembufs(g.v, n)), imm(g.r.chance(0.8) ? n : g.v.size())]; },
  semtimedop: (g) => { const n = g.r.range(0, 4); return [ipcId(g), g.v.struct(S.sembufs(g.v, n)), imm(n), g.r.chance(0.7) ? g.v.struct(g.v.timespec()) : imm(0)]; },
  semget: (g) => [imm(g.r.pick([0, 1, 42, 0x1234])), imm(g.r.pick([1, 0, 5, 32000, 32001, -1])), imm(g.r.pick([0o1600, 0o3600, 0o600, 0]))],
  semctl: (g) => [ipcId(g), imm(g.r.pick([0, 1, 2])), imm(g.r.pick([0, 1, 2, 3, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20])), g.v.ptr(128)],
  msgget: (g) => [imm(g.r.pick([0, 7, 0x99])), imm(g.r.pick([0o1600, 0o3600, 0o600, 0]))],
  msgsnd: (g) => { const m = S.msgbuf(g.v); return [ipcId(g), g.v.struct(m), imm(g.r.chance(0.8) ? m.length - 8 : g.v.size()), imm(g.r.pick([0, 0o4000]))]; },
  msgrcv: (g) => [ipcId(g), g.v.ptr(256), imm(g.r.chance(0.8) ? g.r.range(0, 256) : g.v.size()), imm(g.r.pick([0, 1, -1, 2])), imm(g.r.pick([0, 0o4000, 0o10000, 0o20000]))],
  msgctl: (g) => [ipcId(g), imm(g.r.pick([0, 1, 2, 3, 11, 12])), g.v.ptr(128)],
  shmget: (g) => [imm(g.r.pick([0, 3, 0x55])), imm(g.r.chance(0.7) ? 4096 * g.r.range(1, 16) : g.v.size()), imm(g.r.pick([0o1600, 0o3600, 0o600, 0]))],
  shmat: (g) => [ipcId(g), imm(g.r.chance(0.8) ? 0 : g.r.pick([0x20000000, 0x10001, 0x900000])), imm(g.r.pick([0, 0o10000, 0o20000, 0o40000]))],
  shmctl: (g) => [ipcId(g), imm(g.r.pick([0, 1, 2, 3, 11, 12, 13, 14])), g.v.ptr(128)],
  prlimit64: (g) => [g.r.chance(0.7) ? imm(0) : g.v.pid(g.st), byKind(g, "rlimit"), g.r.chance(0.5) ? g.v.struct(S.rlimit(g.v)) : imm(0), g.r.chance(0.5) ? imm(g.h.buf(16)) : imm(0)],
  capget: (g) => { const [hd, d] = S.capData(g.v); return [g.v.struct(hd), g.r.chance(0.7) ? imm(g.h.put(d)) : imm(0)]; },
  capset: (g) => { const [hd, d] = S.capData(g.v); return [g.v.struct(hd), g.v.struct(d)]; },
  execve: (g) => [imm(g.h.str(g.r.pick(["/bin/t", "/tmp/a", "/dev/null", "/proc/self/exe", "/tmp", "/nonexistent"]))), byKind(g, "argv"), imm(g.r.chance(0.5) ? 0 : g.h.put(S.argvArray(g.v, ["A=1"])))],
  getrandom: (g) => [g.v.ptr(4096), imm(g.r.chance(0.7) ? g.r.range(0, 4096) : g.v.size()), imm(g.r.pick([0, 1, 2, 4, 3, 8]))],
  utimensat: (g) => [imm(-100), g.v.path(), g.r.chance(0.7) ? g.v.struct(S.utimes(g.v)) : imm(0), imm(g.r.pick([0, 0x100, 0x1000, 1]))],
  sethostname: (g) => [imm(g.h.str("x".repeat(g.r.range(0, 70)))), imm(g.r.chance(0.8) ? g.r.range(0, 70) : g.v.size())],
  setdomainname: (g) => [imm(g.h.str("y".repeat(g.r.range(0, 70)))), imm(g.r.chance(0.8) ? g.r.range(0, 70) : g.v.size())],
  setgroups: (g) => [imm(g.r.chance(0.8) ? g.r.range(0, 8) : g.v.size()), g.v.struct(g.r.bytes(32))],
  getgroups: (g) => [imm(g.r.chance(0.8) ? g.r.range(0, 70000) : g.v.size()), g.v.ptr(256)],
  sched_setaffinity: (g) => [imm(0), imm(g.r.pick([8, 0, 1, 128, 4096, 1 << 20])), g.v.struct(g.r.bytes(16))],
  sched_getaffinity: (g) => [imm(0), imm(g.r.pick([8, 0, 1, 7, 128, 4096, 1 << 30])), g.v.ptr(128)],
  getdents64: (g) => [g.v.fd(g.st), g.v.ptr(4096), imm(g.r.chance(0.8) ? g.r.pick([0, 1, 24, 32, 4096]) : g.v.size())],
  getcwd: (g) => [g.v.ptr(4096), imm(g.r.chance(0.8) ? g.r.pick([0, 1, 2, 10, 4096]) : g.v.size())],
  readlinkat: (g) => [imm(-100), g.v.path(), g.v.ptr(256), imm(g.r.chance(0.8) ? g.r.range(0, 256) : g.v.size())],
  set_robust_list: (g) => [g.v.struct(g.r.bytes(24)), imm(g.r.chance(0.8) ? 24 : g.v.size())],
  kill: (g) => [g.v.pid(g.st), g.v.sig()],
  tkill: (g) => [g.v.pid(g.st), g.v.sig()],
  tgkill: (g) => [g.v.pid(g.st), g.v.pid(g.st), g.v.sig()],
  wait4: (g) => [imm(g.r.pick([-1, 0, -1, 1])), imm(g.r.chance(0.5) ? g.h.buf(4) : 0), imm(g.r.pick([1, 1, 0, 2, 8, 0x40000000, 0x80000000, 0x20000000, 1 | 0x40000000])), imm(g.r.chance(0.3) ? g.h.buf(144) : 0)],
  waitid: (g) => [imm(g.r.pick([0, 1, 2, 3])), g.v.pid(g.st), imm(g.h.buf(128)), imm(g.r.pick([4, 5, 2, 8, 0x1000004, 0, 0x40000004])), imm(0)],
  setns: (g) => [g.v.fd(g.st), imm(g.r.pick([0, 0x20000, 0x40000000, 0x20000000, 0x8000000, 0x4000000, 0x10000000, 0x2000000]))],
  unshare: (g) => [imm(g.r.pick([0x20000, 0x10000000, 0x40000000, 0x20000000, 0x8000000, 0x4000000, 0x2000000, 0x200, 0x400, 0x10000000 | 0x20000]) | Number(g.v.flags([0x100, 0x200, 0x400, 0x800], 0.02)))],
  ptrace: (g) => [byKind(g, "ptrace"), g.v.pid(g.st), g.v.ptr(8, g.st), g.v.ptr(264, g.st)],
  pidfd_open: (g) => [g.v.pid(g.st), imm(g.r.pick([0, 0o4000, 1]))],
  pidfd_send_signal: (g) => [g.v.fd(g.st), g.v.sig(), g.r.chance(0.7) ? imm(0) : g.v.struct(g.r.bytes(128)), imm(0)],
  exit: (g) => [imm(g.r.below(256))],
  exit_group: (g) => [imm(g.r.below(256))],
  setsid: () => [],
};

function iovCall(g: Ctx, write: boolean): Arg[] {
  const n = g.r.weighted<number>([[8, g.r.range(0, 6)], [1, 1024], [1, 1025], [1, g.r.u32() | 0]]);
  return [g.v.fd(g.st), g.v.struct(S.iovec(g.v, g.st, Math.min(Math.max(n, 0), 64), write), g.st), imm(n)];
}

function timerId(g: Ctx): Arg {
  if (g.st.timers.length && g.r.chance(0.85)) return { k: "m", a: g.r.pick(g.st.timers) };
  return imm(g.r.pick([0, 1, -1, 100]));
}

function ipcId(g: Ctx): Arg {
  if (g.st.ipcIds.length && g.r.chance(0.8)) return g.r.pick(g.st.ipcIds);
  return imm(g.r.pick([0, 1, -1, 32768]));
}

/** how often each call is drawn (1 unless listed): calls that end the program are rare */
const WEIGHT: Record<string, number> = {
  exit: 0.1, exit_group: 0.05, rt_sigreturn: 0.1, execve: 0.15, execveat: 0.1, clone: 2, clone3: 1.5, openat: 3, mmap: 2,
  write: 2, read: 1.5, sendmsg: 2, recvmsg: 1.5, sendto: 2, socket: 2.5, pipe2: 1.5, timer_create: 1.5, timer_settime: 1.5,
  setitimer: 1.2, writev: 1.5, readv: 1.2, pwrite64: 1.5, ftruncate: 1.5, mount: 1, kill: 1.2, futex: 1.5,
  rt_sigaction: 2, sched_yield: 0.5, wait4: 1.5,
};
const TABLE = SYSCALLS.map((d) => [WEIGHT[d.name] ?? 1, d] as const);

export interface GenOptions {
  /** calls in the main task */
  calls: number;
  /** chance that a clone-like call gets a child call list */
  children: boolean;
}

export function genSys(rng: Rng, opts: GenOptions): SysProgram {
  const heap = new Heap(rng);
  const ro = rng.bytes(Math.min(RO_SIZE, 4096));
  const strAt = new TextEncoder().encode(rng.pick(PATHS) + "\0");
  ro.set(strAt, 0);
  let nextId = 0;
  let budget = Math.min(opts.calls, MAX_CALLS - 1);
  const list = (r: Rng, st: State, n: number, depth: number): Call[] => {
    const g: Ctx = { v: new Values(r, heap), r, st, h: heap };
    const out: Call[] = [];
    for (let i = 0; i < n && budget > 0; i++, budget--) {
      let def = r.weighted(TABLE);
      let callNr = def.nr;
      let args: Arg[];
      if (r.chance(0.01)) {
        // a number outside the table (or with high bits set: the kernel must look at all 64)
        callNr = r.pick([0, 1, 42, 243, 300, 403, 450, 500, 1000, -1, 0x1000000ac, 0x800000000000005d]);
        args = Array.from({ length: 6 }, () => imm(g.v.int()));
      } else {
        args = (SPECIAL[def.name] ?? ((c: Ctx) => def.args.map((k) => byKind(c, k))))(g);
      }
      while (args.length < 6) args.push(imm(r.chance(0.8) ? 0 : g.v.int()));
      const c: Call = { id: nextId++, nr: callNr, args };
      out.push(c);
      const res: Arg = { k: "r", i: c.id };
      const name = def.name;
      if (callNr === def.nr) {
        if (FD_CALLS.has(name)) st.fds.push(res);
        if (name === "socket" || name === "accept" || name === "accept4") st.socks.push(res);
        if (PID_CALLS.has(name)) st.pids.push(res);
        if (name === "mmap" || name === "mremap" || name === "shmat" || name === "brk") st.maps.push(res);
        if (name === "semget" || name === "msgget" || name === "shmget") st.ipcIds.push(res);
        if (name === "socketpair") {
          const a = Number(BigInt((args[3] as { v: string }).v ?? 0));
          if (a) st.fds.push({ k: "m", a }, { k: "m", a: a + 4 }), st.socks.push({ k: "m", a });
        }
        if ((name === "clone" || name === "clone3") && opts.children && depth < 2 && budget > 2) {
          const cst = copyState(st);
          const cr = r.fork();
          const flags = name === "clone" ? BigInt((args[0] as { v: string }).v ?? "0") : 0n;
          c.child = list(cr, cst, cr.range(1, Math.min(12, budget)), depth + 1);
          c.childExit = name === "clone3" ? r.pick([93, 94]) : (flags & 0x10000n) !== 0n && r.chance(0.8) ? 93 : 94;
        }
      }
    }
    return out;
  };
  // often a periodic SIGALRM first, so that calls blocking forever are interrupted and the case goes on
  const pre: Call[] = [];
  if (rng.chance(0.8)) {
    const g: Ctx = { v: new Values(rng, heap), r: rng, st: newState(), h: heap };
    const act = S.sigaction(g.v);
    new DataView(act.buffer).setBigUint64(0, BigInt(rng.pick([H_RET, H_SKIP])), true);
    new DataView(act.buffer).setBigUint64(8, BigInt(rng.pick([0, 0x10000000, 0x40000000])), true);
    const every = BigInt(rng.pick([50, 200, 1000, 5000]));
    const itv = new DataView(new ArrayBuffer(32));
    itv.setBigUint64(8, every, true);
    itv.setBigUint64(24, every, true);
    pre.push({ id: nextId++, nr: NR("rt_sigaction"), args: [imm(14), imm(heap.put(act)), imm(0), imm(8), imm(0), imm(0)] });
    pre.push({ id: nextId++, nr: NR("setitimer"), args: [imm(0), imm(heap.put(new Uint8Array(itv.buffer))), imm(0), imm(0), imm(0), imm(0)] });
    budget -= 2;
  }
  const calls = pre.concat(list(rng, newState(), opts.calls, 0));
  return { kind: "sys", calls, blobs: heap.blobs, ro };
}

export { NR };
