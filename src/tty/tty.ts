// The tty object (Linux struct tty_struct, drivers/tty/tty_io.c): termios, window size, the
// controlling session and foreground process group, flow control, packet-mode status, the input
// buffer in front of the line discipline (tty_buffer.c's flip buffer) and hangup.

import { WaitQueue } from "../base/waitqueue.js";
import { SIGCONT, SIGHUP, SIGWINCH } from "../base/signum.js";
import { LdiscPort, NTty } from "./ldisc.js";
import { inputBaud, outputBaud, sameWinsize, Termios, Winsize } from "./termbits.js";

/** a process-wide pid (struct pid): the kernel decides what the number means */
export type Pid = number;

/** the fields of a process's signal_struct that belong to the tty layer */
export interface TtyProcess {
  /** signal->tty: the controlling terminal */
  ctty: Tty | null;
  /** signal->tty_old_pgrp: the foreground group when the terminal was hung up */
  ttyOldPgrp: Pid | null;
  /** signal->leader: a session leader */
  readonly leader: boolean;
  readonly pgrp: Pid;
  readonly session: Pid;
}

/** what the tty layer needs from the kernel; calls happen in the context of the current task */
export interface TtyHost {
  /** current->signal */
  current(): TtyProcess;
  /** is_ignored(sig): blocked by the current thread, or SIG_IGN */
  ignoresSignal(sig: number): boolean;
  /** will_become_orphaned_pgrp(pgrp, NULL) (kernel/exit.c) */
  isOrphanedPgrp(pgrp: Pid): boolean;
  /** kill_pgrp(pgrp, sig, priv): priv means SEND_SIG_PRIV (si_code SI_KERNEL) */
  signalPgrp(pgrp: Pid, sig: number, priv: boolean): void;
  /** send_signal_locked(sig, SEND_SIG_PRIV, p, PIDTYPE_TGID) */
  signalProcess(p: TtyProcess, sig: number): void;
  /** do_each_pid_task(session, PIDTYPE_SID) */
  sessionProcesses(session: Pid): Iterable<TtyProcess>;
  /** find_vpid(nr) in the caller's pid namespace */
  findPid(nr: number): Pid | null;
  /** session_of_pgrp (tty_jobctrl.c): the session of the group's leader, or of the process with that pid */
  sessionOfPgrp(pgrp: Pid): Pid | null;
  /** pid_vnr: the number the caller sees for pid (0 outside its namespace) */
  pidNr(pid: Pid): number;
  capSysAdmin(): boolean;
  /** monotonic virtual time, ns (VTIME) */
  now(): number;
}

/** the driver under a tty (struct tty_operations) */
export interface TtyDriver {
  readonly type: "console" | "pty";
  readonly subtype: "master" | "slave" | "none";
  /** TTY_DRIVER_RESET_TERMIOS: hangup restores initTermios */
  readonly resetTermios: boolean;
  /** TTY_DRIVER_REAL_RAW */
  readonly realRaw: boolean;
  initTermios(): Termios;
  write(tty: Tty, src: Uint8Array, off: number, len: number): number;
  writeRoom(tty: Tty): number;
  flushBuffer?(tty: Tty): void;
  setTermios?(tty: Tty, old: Termios): void;
  resize?(tty: Tty, ws: Winsize): void;
  start?(tty: Tty): void;
  stop?(tty: Tty): void;
  /** ops->open and ops->close: 0 or -errno */
  open(tty: Tty): number;
  close(tty: Tty, file: TtyFile): void;
  /** ops->remove: the last file of the pair (or tty) is gone */
  remove?(tty: Tty): void;
  /** ops->unthrottle: a read made room in the input buffer, the driver may deliver more */
  unthrottle?(tty: Tty): void;
  /** new_encode_dev of the device number (TIOCGDEV) */
  devnum(tty: Tty): number;
}

/** an open file of a tty (the tty_file_private of a struct file) */
export class TtyFile {
  /** f_op == hung_up_tty_fops */
  hungUp = false;
  /** opened as /dev/console (redirected_tty_write): no job control */
  consoleDev = false;
  constructor(readonly tty: Tty, public flags: number, readonly readable: boolean, readonly writable: boolean) {}
}

/** tty_buffer_set_limit of a pty port; other drivers have 64 KiB */
export const PTY_BUFFER_LIMIT = 8192;

export class Tty implements LdiscPort {
  termios: Termios;
  /** TIOCSLCKTRMIOS: bits set here cannot be changed */
  termiosLocked = new Termios();
  winsize: Winsize = { row: 0, col: 0, xpixel: 0, ypixel: 0 };
  /** ctrl.session and ctrl.pgrp */
  session: Pid | null = null;
  pgrp: Pid | null = null;
  /** ctrl.pktstatus (what this side reports to a packet-mode master) and ctrl.packet */
  pktstatus = 0;
  packetMode = false;
  /** flow.stopped (^S, TCOOFF) and flow.tco_stopped (TCOOFF) */
  stopped = false;
  tcoStopped = false;
  /** TTY_IO_ERROR, TTY_OTHER_CLOSED, TTY_PTY_LOCK, TTY_EXCLUSIVE, TTY_HUPPED, TTY_HUPPING */
  ioError = false;
  otherClosed = false;
  ptyLocked = false;
  exclusive = false;
  hupped = false;
  hupping = false;
  /** opens (tty->count); a pty pair counts the master's hold on the slave too */
  count = 0;
  link: Tty | null = null;
  ldisc: NTty | null;
  readonly files = new Set<TtyFile>();
  readonly readWait = new WaitQueue();
  readonly writeWait = new WaitQueue();
  /** bumped on every readiness change, for edge-triggered epoll */
  pollGen = 0;
  /** the driver's number for this tty (the devpts index) and its data (tty->driver_data: the
   *  devpts instance of a pty) */
  index = 0;
  driverData: unknown = null;
  /** bytes the driver delivered that the line discipline has no room for yet */
  private flip: Uint8Array[] = [];
  private flipBytes = 0;

  constructor(readonly driver: TtyDriver, readonly host: TtyHost, readonly bufferLimit = 65536) {
    this.termios = driver.initTermios();
    this.ldisc = new NTty(this, driver.realRaw);
  }

  get isPtyMaster(): boolean {
    return this.driver.type === "pty" && this.driver.subtype === "master";
  }

  /** tty_pair_get_tty: a master's ioctls about termios, window and job control go to the slave */
  get realTty(): Tty {
    return this.isPtyMaster && this.link ? this.link : this;
  }

  // ---- LdiscPort ----------------------------------------------------------------------------

  driverWrite(src: Uint8Array, off: number, len: number): number {
    return this.driver.write(this, src, off, len);
  }
  writeRoom(): number {
    return this.driver.writeRoom(this);
  }
  driverFlush(): void {
    this.driver.flushBuffer?.(this);
  }
  signalForeground(sig: number): void {
    if (this.pgrp !== null) this.host.signalPgrp(this.pgrp, sig, true);
  }
  flowStopped(): boolean {
    return this.stopped;
  }
  flowTcoStopped(): boolean {
    return this.tcoStopped;
  }
  /** stop_tty */
  stopTty(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.driver.stop?.(this);
  }
  /** start_tty */
  startTty(): void {
    if (!this.stopped || this.tcoStopped) return;
    this.stopped = false;
    this.driver.start?.(this);
    this.wakeWriters();
  }
  packetModeFlush(): void {
    if (this.link && this.link.packetMode) {
      this.pktstatus |= 1; // TIOCPKT_FLUSHREAD
      this.link.wakeReaders();
    }
  }
  packet(): boolean {
    return this.packetMode;
  }
  peerPktStatus(): number {
    return this.link ? this.link.pktstatus : 0;
  }
  takePeerPktStatus(): number {
    if (!this.link) return 0;
    const s = this.link.pktstatus;
    this.link.pktstatus = 0;
    return s;
  }
  wakeReaders(): void {
    this.pollGen++;
    this.readWait.wakeAll();
  }
  wakeWriters(): void {
    this.pollGen++;
    this.writeWait.wakeAll();
  }
  /** a read made room: push buffered input into the ldisc and let the other side write again */
  readRoom(): void {
    this.flushToLdisc();
    if (this.link) this.link.wakeWriters();
    this.driver.unthrottle?.(this);
  }

  // ---- input from the driver (tty_buffer.c) -------------------------------------------------

  /** tty_buffer_space_avail */
  bufferSpace(): number {
    return Math.max(this.bufferLimit - this.flipBytes, 0);
  }

  /** tty_insert_flip_string_and_push_buffer + flush_to_ldisc: bytes accepted */
  receive(src: Uint8Array, off: number, len: number): number {
    const n = Math.min(len, this.bufferSpace());
    if (n > 0) {
      this.flip.push(src.slice(off, off + n));
      this.flipBytes += n;
      this.flushToLdisc();
    }
    return n;
  }

  /** flush_to_ldisc: hand buffered input to the line discipline while it takes it */
  flushToLdisc(): void {
    const ld = this.ldisc;
    while (ld && this.flip.length > 0) {
      const b = this.flip[0];
      const n = ld.receive(b, 0, b.length);
      if (n === 0) break;
      this.flipBytes -= n;
      if (n === b.length) this.flip.shift();
      else this.flip[0] = b.subarray(n);
    }
  }

  /** tty_buffer_flush: drop input the ldisc has not seen (and, with an ldisc given, its buffer) */
  bufferFlush(withLdisc: boolean): void {
    this.flip = [];
    this.flipBytes = 0;
    if (withLdisc) this.ldisc?.flushBuffer();
  }

  // ---- termios and window size (tty_ioctl.c, tty_io.c) --------------------------------------

  /** tty_set_termios: locked bits kept, the driver adjusts hardware bits, the ldisc replans */
  setTermios(next: Termios): void {
    const old = this.termios.clone();
    const t = this.termios;
    t.assign(next);
    const lk = this.termiosLocked;
    t.iflag = ((t.iflag & ~lk.iflag) | (old.iflag & lk.iflag)) >>> 0;
    t.oflag = ((t.oflag & ~lk.oflag) | (old.oflag & lk.oflag)) >>> 0;
    t.cflag = ((t.cflag & ~lk.cflag) | (old.cflag & lk.cflag)) >>> 0;
    t.lflag = ((t.lflag & ~lk.lflag) | (old.lflag & lk.lflag)) >>> 0;
    if (lk.line) t.line = old.line;
    for (let i = 0; i < t.cc.length; i++) if (lk.cc[i]) t.cc[i] = old.cc[i];
    // ADDRB only changes through rs485 configuration
    t.cflag = (t.cflag ^ ((t.cflag ^ old.cflag) & 0x20000000)) >>> 0;
    if (this.driver.setTermios) this.driver.setTermios(this, old);
    else {
      // tty_termios_copy_hw: a driver without set_termios keeps its hardware settings
      t.cflag = ((t.cflag & (0x400 | 0x80 | 0x800)) | (old.cflag & ~(0x400 | 0x80 | 0x800))) >>> 0;
      t.ispeed = old.ispeed;
      t.ospeed = old.ospeed;
    }
    this.ldisc?.setTermios(old);
  }

  /** the speeds set_termios derives from the Bxxx bits before tty_set_termios */
  static withSpeeds(t: Termios): Termios {
    t.ispeed = inputBaud(t);
    t.ospeed = outputBaud(t);
    return t;
  }

  /** tty_do_resize (or the driver's resize): SIGWINCH to the foreground group on a change */
  resize(ws: Winsize): void {
    if (this.driver.resize) return this.driver.resize(this, ws);
    if (sameWinsize(ws, this.winsize)) return;
    if (this.pgrp !== null) this.host.signalPgrp(this.pgrp, SIGWINCH, true);
    this.winsize = { ...ws };
  }

  // ---- hangup (tty_io.c __tty_hangup, tty_jobctrl.c tty_signal_session_leader) --------------

  /**
   * tty_signal_session_leader: every process of the session loses this controlling tty; the
   * session leader gets SIGHUP and SIGCONT (and remembers the foreground group); with
   * exitSession the foreground group gets SIGHUP too.
   */
  signalSessionLeader(exitSession: boolean): void {
    let fg: Pid | null = null;
    if (this.session !== null) {
      for (const p of this.host.sessionProcesses(this.session)) {
        if (p.ctty === this) p.ctty = null;
        if (!p.leader) continue;
        this.host.signalProcess(p, SIGHUP);
        this.host.signalProcess(p, SIGCONT);
        fg = this.pgrp;
        if (this.pgrp !== null) p.ttyOldPgrp = this.pgrp;
      }
    }
    if (fg !== null && exitSession) this.host.signalPgrp(fg, SIGHUP, true);
  }

  /** __tty_hangup: every open file hangs up, the session is told, the ldisc is shut down */
  hangup(exitSession: boolean, consoleFile = false): void {
    if (this.hupped) return;
    this.hupping = true;
    for (const f of this.files) f.hungUp = true;
    this.signalSessionLeader(exitSession);
    // tty_ldisc_hangup
    if (this.ldisc) {
      this.ldisc.flushBuffer();
      this.driverFlush();
    }
    this.wakeWriters();
    this.wakeReaders();
    if (this.driver.resetTermios) this.termios = Tty.withSpeeds(this.driver.initTermios());
    if (this.ldisc) this.ldisc = consoleFile ? new NTty(this, this.driver.realRaw) : null;
    this.session = null;
    this.pgrp = null;
    this.pktstatus = 0;
    this.hupped = true;
    this.hupping = false;
  }

  /** tty_reopen's ldisc part: a hung-up tty gets a fresh N_TTY */
  ensureLdisc(): void {
    if (!this.ldisc) this.ldisc = new NTty(this, this.driver.realRaw);
  }
}
