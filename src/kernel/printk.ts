// The kernel log (Linux: kernel/printk/printk.c): records with a sequence number, a virtual
// timestamp, a facility and a level in a ring of LOG_BUF_LEN bytes, read three ways — syslog(2)
// and /proc/kmsg in the syslog text format ("<6>[    0.000000] text\n"), /dev/kmsg one record
// per read in its "6,0,0,-;text\n" format — and written by printk() and /dev/kmsg writes.

import { WaitQueue } from "../base/waitqueue.js";

/** CONFIG_LOG_BUF_SHIFT=17 (riscv's defconfig): a 128 KiB log */
export const LOG_BUF_LEN = 1 << 17;
/** the largest record text (printk.c: LOG_LINE_MAX = CONSOLE_LOG_MAX - PREFIX_MAX) */
export const LOG_LINE_MAX = 1024 - 32;
/** what a record costs in the ring besides its text (printk_ringbuffer's descriptor and info) */
const RECORD_OVERHEAD = 16;

export const KERN_EMERG = 0, KERN_ALERT = 1, KERN_CRIT = 2, KERN_ERR = 3, KERN_WARNING = 4, KERN_NOTICE = 5, KERN_INFO = 6, KERN_DEBUG = 7;
/** console_printk[]'s defaults: CONSOLE_LOGLEVEL_DEFAULT, MESSAGE_LOGLEVEL_DEFAULT, CONSOLE_LOGLEVEL_MIN */
export const CONSOLE_LOGLEVEL_DEFAULT = 7, MESSAGE_LOGLEVEL_DEFAULT = 4, CONSOLE_LOGLEVEL_MIN = 1;

export interface LogRecord {
  readonly seq: number;
  readonly facility: number;
  readonly level: number;
  /** virtual time since boot, µs */
  readonly usec: number;
  /** the message without its trailing newline, one char per byte */
  readonly text: string;
  /** made by a continuation (pr_cont) after a finished record: /dev/kmsg shows 'c' (LOG_CONT) */
  readonly cont: boolean;
}

export class KernelLog {
  private records: LogRecord[] = [];
  private bytes = 0;
  /** the sequence number the next record gets (prb_next_seq) */
  nextSeq = 0;
  /** the first record after the last SYSLOG_ACTION_CLEAR */
  clearSeq = 0;
  /** the next record syslog(READ) and /proc/kmsg return, and how much of it was read */
  syslogSeq = 0;
  syslogPartial = 0;
  consoleLoglevel = CONSOLE_LOGLEVEL_DEFAULT;
  savedConsoleLoglevel = -1;
  /** kernel.dmesg_restrict (CONFIG_SECURITY_DMESG_RESTRICT=n: 0) */
  dmesgRestrict = 0;
  /** readers sleeping for a new record (log_wait) */
  readonly wait = new WaitQueue();
  /** printk_ratelimit_state: 5 s, 10 messages (kernel/printk/sysctl.c printk_ratelimit_jiffies
   *  and _burst) */
  readonly ratelimit = new RateLimit(5e9, 10);
  /** the pr_*_once call sites that have printed (their static bool __print_once) */
  readonly printedOnce = new Set<string>();
  /** called with each record as it is stored (--dmesg, the "log" event) */
  onRecord: ((r: LogRecord) => void) | null = null;

  constructor(private readonly now: () => number) {}

  /**
   * vprintk_store: a message with an optional "<N>" level prefix (kernel messages, facility 0)
   * becomes one record; a trailing newline is dropped. Returns the stored length.
   */
  store(facility: number, level: number, msg: string, cont = false): number {
    let text = msg;
    if (facility === 0) {
      while (text.length >= 2 && text[0] === "\x01" && /[0-7c]/.test(text[1])) {
        if (text[1] !== "c" && level < 0) level = text.charCodeAt(1) - 48;
        text = text.slice(2);
      }
    }
    if (level < 0) level = MESSAGE_LOGLEVEL_DEFAULT;
    if (text.endsWith("\n")) text = text.slice(0, -1);
    if (text.length > LOG_LINE_MAX) text = text.slice(0, LOG_LINE_MAX);
    const r: LogRecord = { seq: this.nextSeq++, facility: facility & 0xff, level: level & 7, usec: Math.floor(this.now() / 1000), text, cont };
    this.records.push(r);
    this.bytes += text.length + RECORD_OVERHEAD;
    // the ring overwrites its oldest records
    while (this.bytes > LOG_BUF_LEN && this.records.length > 1) {
      const old = this.records.shift()!;
      this.bytes -= old.text.length + RECORD_OVERHEAD;
    }
    this.onRecord?.(r);
    this.wait.wakeAll();
    return text.length;
  }

  /** the oldest record still in the ring (prb_first_valid_seq) */
  get firstSeq(): number {
    return this.records.length ? this.records[0].seq : this.nextSeq;
  }

  /** the record with this sequence number, or the next one still there (prb_read_valid), or null */
  read(seq: number): LogRecord | null {
    if (this.records.length === 0 || seq >= this.nextSeq) return null;
    const i = seq - this.firstSeq;
    return i < 0 ? this.records[0] : this.records[i];
  }

  /** records from seq on */
  from(seq: number): LogRecord[] {
    return this.records.slice(Math.max(0, seq - this.firstSeq));
  }

  /** record_print_text: "<L>" (for syslog and /proc/kmsg) and "[ssss.uuuuuu] " (print_time)
   *  before every line of the record, a newline after */
  static syslogText(r: LogRecord, syslog = true): string {
    const prefix = (syslog ? `<${(r.facility << 3) | r.level}>` : "") + timeText(r.usec) + " ";
    return r.text.split("\n").map((l) => prefix + l).join("\n") + "\n";
  }

  /** /dev/kmsg's record: "L,seq,usec,-;" and the text with unprintable bytes and \ as \xNN */
  static kmsgText(r: LogRecord): string {
    let body = "";
    for (let i = 0; i < r.text.length; i++) {
      const c = r.text.charCodeAt(i);
      body += c < 32 || c >= 127 || c === 0x5c ? "\\x" + c.toString(16).padStart(2, "0") : r.text[i];
    }
    return `${(r.facility << 3) | r.level},${r.seq},${r.usec},${r.cont ? "c" : "-"};${body}\n`;
  }
}

/** print_time: "[%5lu.%06lu]" of a timestamp in µs */
export function timeText(usec: number): string {
  return `[${String(Math.floor(usec / 1e6)).padStart(5)}.${String(usec % 1e6).padStart(6, "0")}]`;
}

/** a kernel message at a level (printk(KERN_INFO "...")) */
export function printk(log: KernelLog, level: number, msg: string): void {
  log.store(0, level, msg);
}

/** a continuation line (pr_cont) after a finished record: a record of its own at the default
 *  level, flagged LOG_CONT */
export function prCont(log: KernelLog, msg: string): void {
  log.store(0, -1, msg, true);
}

/** ___ratelimit (lib/ratelimit.c): at most `burst` calls per `interval` of virtual ns; the
 *  calls suppressed in a past interval are counted for the "callbacks suppressed" line */
export class RateLimit {
  private begin = -1;
  private printed = 0;
  missed = 0;
  constructor(private readonly interval: number, private readonly burst: number) {}

  /** true when the caller may print; `onSuppressed` gets the count of a finished interval */
  allow(now: number, onSuppressed?: (n: number) => void): boolean {
    if (this.begin < 0) this.begin = now;
    if (now >= this.begin + this.interval) {
      if (this.missed) onSuppressed?.(this.missed);
      this.begin = now;
      this.printed = 0;
      this.missed = 0;
    }
    if (this.burst && this.burst > this.printed) {
      this.printed++;
      return true;
    }
    this.missed++;
    return false;
  }
}

/** DEFAULT_RATELIMIT_INTERVAL and _BURST (include/linux/ratelimit_types.h): 5 s, 10 */
export const DEFAULT_RATELIMIT_INTERVAL_NS = 5e9, DEFAULT_RATELIMIT_BURST = 10;

/** printk_ratelimit() as called from `func` (__printk_ratelimit): false when the caller must
 *  stay quiet; once an interval with suppressed calls ends, "func: N callbacks suppressed" */
export function printkRatelimit(log: KernelLog, now: number, func: string): boolean {
  return log.ratelimit.allow(now, (n) => printk(log, KERN_WARNING, `${func}: ${n} callbacks suppressed`));
}

/** printk_once / pr_warn_once: the call site `site` prints once per boot */
export function printkOnce(log: KernelLog, site: string, level: number, msg: string): void {
  if (log.printedOnce.has(site)) return;
  log.printedOnce.add(site);
  printk(log, level, msg);
}
