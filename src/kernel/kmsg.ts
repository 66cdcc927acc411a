// Reading and writing the kernel log (Linux: kernel/printk/printk.c do_syslog, devkmsg_*;
// fs/proc/kmsg.c): syslog(2)'s actions with their permission rules, /dev/kmsg (one record per
// read, writes from user space become records) and /proc/kmsg (syslog READ as a file).

import * as E from "../base/errno.js";
import { BLOCK, type OpResult } from "../base/errno.js";
import { bytestr, strbytes } from "../base/bytestr.js";
import type { Sleeper } from "../base/waitqueue.js";
import { CAP_SYS_ADMIN, CAP_SYSLOG } from "../cred/capability.js";
import { INIT_USER_NS } from "../cred/userns.js";
import { FileOps, O_ACCMODE, O_NONBLOCK, O_WRONLY, OpenFile } from "../fs/file.js";
import { Node, S_IFREG } from "../fs/node.js";
import { POLLERR, POLLIN, POLLPRI, POLLRDNORM } from "../fs/poll.js";
import type { Kernel } from "./kernel.js";
import type { Task } from "./task.js";
import { KernelLog, LOG_BUF_LEN, LogRecord, RateLimit, DEFAULT_RATELIMIT_BURST, DEFAULT_RATELIMIT_INTERVAL_NS, CONSOLE_LOGLEVEL_MIN, KERN_WARNING, printk, printkOnce } from "./printk.js";

export const SYSLOG_ACTION_CLOSE = 0, SYSLOG_ACTION_OPEN = 1, SYSLOG_ACTION_READ = 2, SYSLOG_ACTION_READ_ALL = 3,
  SYSLOG_ACTION_READ_CLEAR = 4, SYSLOG_ACTION_CLEAR = 5, SYSLOG_ACTION_CONSOLE_OFF = 6, SYSLOG_ACTION_CONSOLE_ON = 7,
  SYSLOG_ACTION_CONSOLE_LEVEL = 8, SYSLOG_ACTION_SIZE_UNREAD = 9, SYSLOG_ACTION_SIZE_BUFFER = 10;

/** the largest record /dev/kmsg takes from user space (PRINTKRB_RECORD_MAX) */
const PRINTKRB_RECORD_MAX = 1024;

/** syslog_action_restricted: unless dmesg_restrict, everybody may READ_ALL and SIZE_BUFFER */
function restricted(log: KernelLog, type: number): boolean {
  return log.dmesgRestrict !== 0 || (type !== SYSLOG_ACTION_READ_ALL && type !== SYSLOG_ACTION_SIZE_BUFFER);
}

/** check_syslog_permissions: CAP_SYSLOG (or, with a warning, CAP_SYS_ADMIN) in the initial user
 *  namespace for the restricted actions; /proc/kmsg checked at open only */
export function syslogPermitted(k: Kernel, t: Task, type: number, fromProc: boolean): number {
  if (fromProc && type !== SYSLOG_ACTION_OPEN) return 0;
  if (!restricted(k.log, type)) return 0;
  if (t.can(CAP_SYSLOG, INIT_USER_NS)) return 0;
  if (t.can(CAP_SYS_ADMIN, INIT_USER_NS)) {
    printkOnce(k.log, "check_syslog_permissions", KERN_WARNING, `${t.comm} (${t.tid}): Attempt to access syslog with CAP_SYS_ADMIN but no CAP_SYSLOG (deprecated).`);
    return 0;
  }
  return -E.EPERM;
}

/** syslog_print (SYSLOG_ACTION_READ): whole records from syslog_seq as far as `size` allows, a
 *  record larger than `size` in pieces (syslog_partial); BLOCK (on the log's queue) when none */
export function syslogRead(log: KernelLog, size: number, who: Sleeper): Uint8Array | typeof BLOCK {
  if (log.syslogSeq < log.firstSeq) {
    log.syslogSeq = log.firstSeq;
    log.syslogPartial = 0;
  }
  if (log.read(log.syslogSeq) === null) {
    log.wait.add(who);
    return BLOCK;
  }
  let out = "";
  while (out.length < size) {
    const r = log.read(log.syslogSeq);
    if (r === null) break;
    const text = KernelLog.syslogText(r);
    const skip = log.syslogPartial;
    let n = text.length - skip;
    if (n <= size - out.length) {
      log.syslogSeq = r.seq + 1;
      log.syslogPartial = 0;
    } else if (out.length === 0) {
      n = size;
      log.syslogPartial += n;
    } else break;
    out += text.slice(skip, skip + n);
  }
  return strbytes(out);
}

/** syslog_print_all: the newest records from clear_seq on that fit in `size` */
export function syslogReadAll(log: KernelLog, size: number, clear: boolean): Uint8Array {
  const recs = log.from(log.clearSeq);
  const texts = recs.map((r) => KernelLog.syslogText(r));
  let total = texts.reduce((a, s) => a + s.length, 0);
  let first = 0;
  while (total > size && first < texts.length) total -= texts[first++].length;
  if (clear) log.clearSeq = log.nextSeq;
  return strbytes(texts.slice(first).join(""));
}

/** SYSLOG_ACTION_SIZE_UNREAD: records (from /proc/kmsg) or bytes (syslog) not yet read */
export function syslogUnread(log: KernelLog, fromProc: boolean): number {
  const seq = Math.max(log.syslogSeq, log.firstSeq);
  if (fromProc) return log.nextSeq - seq;
  let n = 0;
  for (const r of log.from(seq)) n += KernelLog.syslogText(r).length;
  return Math.max(0, n - (seq === log.syslogSeq ? log.syslogPartial : 0));
}

/** the actions without a buffer (do_syslog's other cases): a number or -errno */
export function syslogControl(log: KernelLog, type: number, len: number, fromProc: boolean): number {
  switch (type) {
    case SYSLOG_ACTION_CLOSE:
    case SYSLOG_ACTION_OPEN:
      return 0;
    case SYSLOG_ACTION_CLEAR:
      log.clearSeq = log.nextSeq;
      return 0;
    case SYSLOG_ACTION_CONSOLE_OFF:
      if (log.savedConsoleLoglevel === -1) log.savedConsoleLoglevel = log.consoleLoglevel;
      log.consoleLoglevel = CONSOLE_LOGLEVEL_MIN;
      return 0;
    case SYSLOG_ACTION_CONSOLE_ON:
      if (log.savedConsoleLoglevel !== -1) {
        log.consoleLoglevel = log.savedConsoleLoglevel;
        log.savedConsoleLoglevel = -1;
      }
      return 0;
    case SYSLOG_ACTION_CONSOLE_LEVEL:
      if (len < 1 || len > 8) return -E.EINVAL;
      log.consoleLoglevel = Math.max(len, CONSOLE_LOGLEVEL_MIN);
      // implicitly re-enable logging to the console
      log.savedConsoleLoglevel = -1;
      return 0;
    case SYSLOG_ACTION_SIZE_UNREAD:
      return syslogUnread(log, fromProc);
    case SYSLOG_ACTION_SIZE_BUFFER:
      return LOG_BUF_LEN;
    default:
      return -E.EINVAL;
  }
}

/** what one open of /dev/kmsg remembers (struct devkmsg_user) */
interface DevkmsgUser {
  seq: number;
  /** writes are rate limited per open file (devkmsg_log=ratelimit, the default) */
  rs: RateLimit;
}

/** /dev/kmsg (devkmsg_fops) */
export function devkmsgOps(k: Kernel): FileOps {
  const users = new WeakMap<OpenFile, DevkmsgUser>();
  const user = (f: OpenFile): DevkmsgUser => {
    let u = users.get(f);
    if (u === undefined) {
      u = { seq: k.log.firstSeq, rs: new RateLimit(DEFAULT_RATELIMIT_INTERVAL_NS, DEFAULT_RATELIMIT_BURST) };
      users.set(f, u);
    }
    return u;
  };
  return {
    seekable: true,
    open: (f) => {
      // write-only opens need no permission (devkmsg_open)
      if ((f.flags & O_ACCMODE) !== O_WRONLY && k.current !== null) {
        const err = syslogPermitted(k, k.current, SYSLOG_ACTION_READ_ALL, false);
        if (err < 0) return err;
      }
      user(f);
      return 0;
    },
    release: (f) => {
      const u = users.get(f);
      // ratelimit_state_exit with RATELIMIT_MSG_ON_RELEASE
      if (u && u.rs.missed > 0) printk(k.log, KERN_WARNING, `${k.current?.comm ?? "kmsg"}: ${u.rs.missed} output lines suppressed due to ratelimiting`);
    },
    read: (f, dst, who): OpResult => {
      const u = user(f);
      const r = k.log.read(u.seq);
      if (r === null) {
        if (f.flags & O_NONBLOCK) return -E.EAGAIN;
        k.log.wait.add(who);
        return BLOCK;
      }
      if (r.seq > u.seq) {
        // our last seen message is gone, return error and reset
        u.seq = r.seq;
        return -E.EPIPE;
      }
      const text = strbytes(KernelLog.kmsgText(r));
      if (text.length > dst.length) return -E.EINVAL;
      dst.set(text);
      u.seq = r.seq + 1;
      return text.length;
    },
    write: (_f, src) => writeRecord(k, user(_f), src),
    llseek: (f, off, whence) => {
      if (off !== 0) return -E.ESPIPE;
      const u = user(f);
      switch (whence) {
        case 0: u.seq = k.log.firstSeq; break; // SEEK_SET: the first record
        case 3: u.seq = Math.max(k.log.clearSeq, k.log.firstSeq); break; // SEEK_DATA: after the last clear
        case 2: u.seq = k.log.nextSeq; break; // SEEK_END: after the last record
        default: return -E.EINVAL;
      }
      return 0;
    },
    poll: (f, who) => {
      const u = user(f);
      if (k.log.read(u.seq) !== null) return u.seq < k.log.firstSeq ? POLLIN | POLLRDNORM | POLLERR | POLLPRI : POLLIN | POLLRDNORM;
      if (who) k.log.wait.add(who);
      return 0;
    },
  };
}

/** devkmsg_write: one record per write, an optional "<N>" prefix giving facility and level
 *  (facility 0 becomes LOG_USER, so user messages never pass for the kernel's) */
function writeRecord(k: Kernel, u: DevkmsgUser, src: Uint8Array): number {
  if (src.length > PRINTKRB_RECORD_MAX) return -E.EINVAL;
  if (!u.rs.allow(k.clock.approx())) return src.length;
  let line = bytestr(src);
  let level = -1;
  let facility = 1;
  const m = /^<(\d*)>/.exec(line);
  if (m !== null) {
    // simple_strtoul: an unsigned long, cut to the 32 bits the record keeps
    const v = Number(BigInt.asUintN(32, BigInt(m[1] || "0")));
    level = v & 7;
    if (v >>> 3 !== 0) facility = (v >>> 3) & 0xff;
    line = line.slice(m[0].length);
  }
  // the text ends at a NUL, as the C string devkmsg_emit prints does
  const nul = line.indexOf("\0");
  if (nul >= 0) line = line.slice(0, nul);
  k.log.store(facility, level, line);
  return src.length;
}

/** /proc/kmsg (fs/proc/kmsg.c): root's 0400 file; reading it is syslog READ, which consumes */
export class ProcKmsg extends Node {
  constructor(private readonly k: Kernel) {
    super(S_IFREG | 0o400);
    this.dev = 4;
  }
  override size(): number {
    return 0;
  }
  override fileOps(): FileOps {
    const k = this.k;
    return {
      seekable: false,
      open: () => (k.current !== null ? syslogPermitted(k, k.current, SYSLOG_ACTION_OPEN, true) : 0),
      read: (f, dst, who) => {
        if (f.flags & O_NONBLOCK && syslogUnread(k.log, true) === 0) return -E.EAGAIN;
        const b = syslogRead(k.log, dst.length, who);
        if (b === BLOCK) return BLOCK;
        dst.set(b);
        return b.length;
      },
      write: () => -E.EINVAL,
      poll: (_f, who) => {
        if (syslogUnread(k.log, true) > 0) return POLLIN | POLLRDNORM;
        if (who) k.log.wait.add(who);
        return 0;
      },
    };
  }
}

export type { LogRecord };
