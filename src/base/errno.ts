// Linux errno values (asm-generic/errno-base.h, errno.h) and their names for --trace; BLOCK, the
// would-block answer of file operations; Refusal, an errno with the reason --trace shows.

export const EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8,
  EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, ENOTBLK = 15, EBUSY = 16,
  EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24,
  ENOTTY = 25, ETXTBSY = 26, EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31, EPIPE = 32,
  EDOM = 33, ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36, ENOLCK = 37, ENOSYS = 38, ENOTEMPTY = 39,
  ELOOP = 40, ENOMSG = 42, EIDRM = 43, ENODATA = 61, ELIBBAD = 80, ETIME = 62, EOVERFLOW = 75, EBADFD = 77,
  EUSERS = 87, ENOTSOCK = 88, EDESTADDRREQ = 89, EMSGSIZE = 90, EPROTOTYPE = 91, ENOPROTOOPT = 92,
  EPROTONOSUPPORT = 93, ESOCKTNOSUPPORT = 94, EAFNOSUPPORT = 97, EADDRNOTAVAIL = 99, ECONNABORTED = 103,
  ECONNRESET = 104, ENOBUFS = 105, EISCONN = 106, ENOTCONN = 107, ECONNREFUSED = 111, EOPNOTSUPP = 95, EADDRINUSE = 98, ETIMEDOUT = 110, ESTALE = 116;

/** a syscall a signal interrupted, to be restarted after the signal unless a handler without
 *  SA_RESTART runs (then EINTR); the tty layer returns it after sending SIGTTIN or SIGTTOU.
 *  Never seen by the guest (include/linux/errno.h) */
export const ERESTARTSYS = 512;

const NAMES: Record<number, string> = {
  1: "EPERM", 2: "ENOENT", 3: "ESRCH", 4: "EINTR", 5: "EIO", 6: "ENXIO", 7: "E2BIG", 8: "ENOEXEC",
  9: "EBADF", 10: "ECHILD", 11: "EAGAIN", 12: "ENOMEM", 13: "EACCES", 14: "EFAULT", 15: "ENOTBLK",
  16: "EBUSY", 17: "EEXIST", 18: "EXDEV", 19: "ENODEV", 20: "ENOTDIR", 21: "EISDIR", 22: "EINVAL",
  23: "ENFILE", 24: "EMFILE", 25: "ENOTTY", 26: "ETXTBSY", 27: "EFBIG", 28: "ENOSPC", 29: "ESPIPE",
  30: "EROFS", 31: "EMLINK", 32: "EPIPE", 33: "EDOM", 34: "ERANGE", 35: "EDEADLK", 36: "ENAMETOOLONG",
  37: "ENOLCK", 38: "ENOSYS", 39: "ENOTEMPTY", 40: "ELOOP", 42: "ENOMSG", 43: "EIDRM", 61: "ENODATA",
  62: "ETIME", 75: "EOVERFLOW", 77: "EBADFD", 80: "ELIBBAD", 87: "EUSERS", 88: "ENOTSOCK", 89: "EDESTADDRREQ", 90: "EMSGSIZE", 91: "EPROTOTYPE", 92: "ENOPROTOOPT",
  93: "EPROTONOSUPPORT", 94: "ESOCKTNOSUPPORT", 97: "EAFNOSUPPORT", 99: "EADDRNOTAVAIL", 103: "ECONNABORTED",
  104: "ECONNRESET", 105: "ENOBUFS", 106: "EISCONN", 107: "ENOTCONN", 111: "ECONNREFUSED", 95: "EOPNOTSUPP", 98: "EADDRINUSE",
  110: "ETIMEDOUT", 116: "ESTALE", 512: "ERESTARTSYS",
};

export function errnoName(e: number): string {
  return NAMES[e] ?? `E${e}`;
}

/** What a file, socket or queue operation answers when the caller must wait: it registered the
 *  caller on a wait queue, and the syscall sleeps (kernel/block.ts) until that queue wakes it. */
export const BLOCK = Symbol("block");
export type OpResult = number | typeof BLOCK;

/** a failure with its reason, shown by --trace (e.g. "CLONE_SIGHAND requires CLONE_VM") */
export interface Refusal {
  readonly errno: number;
  readonly reason: string;
}

export const refuse = (errno: number, reason: string): Refusal => ({ errno, reason });
