// syslog(2), which glibc calls klogctl (Linux: kernel/printk/printk.c SYSCALL_DEFINE3(syslog) and
// do_syslog): the reading actions copy the log's syslog text, the others act on its state.

import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { untilDone } from "../kernel/block.js";
import {
  SYSLOG_ACTION_READ, SYSLOG_ACTION_READ_ALL, SYSLOG_ACTION_READ_CLEAR, syslogControl, syslogPermitted, syslogRead, syslogReadAll,
} from "../kernel/kmsg.js";
import { accessOk } from "./uaccess.js";
import { Handler, iarg, uarg } from "./args.js";

/** syslog(type, bufp, len) */
export const sysSyslog: Handler = (k, t, r) => {
  const type = iarg(r, 0);
  const buf = uarg(r, 1);
  const len = iarg(r, 2);
  const err = syslogPermitted(k, t, type, false);
  if (err < 0) return err;
  if (type !== SYSLOG_ACTION_READ && type !== SYSLOG_ACTION_READ_ALL && type !== SYSLOG_ACTION_READ_CLEAR)
    return syslogControl(k.log, type, len, false);
  if (buf === 0 || len < 0) return -E.EINVAL;
  if (len === 0) return 0;
  if (!accessOk(buf, len)) return -E.EFAULT;
  // the log is at most LOG_BUF_LEN bytes of text: no host buffer larger than that whatever len says
  const copy = (b: Uint8Array): number => (t.mm!.write(buf, b) ? b.length : -E.EFAULT);
  if (type !== SYSLOG_ACTION_READ) return copy(syslogReadAll(k.log, len, type === SYSLOG_ACTION_READ_CLEAR));
  // wait_event_interruptible(log_wait, prb_read_valid(syslog_seq))
  return untilDone(() => {
    const b = syslogRead(k.log, len, t);
    return b === BLOCK ? BLOCK : copy(b);
  }, () => k.log.wait.remove(t));
};
