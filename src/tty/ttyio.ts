// The file operations of a terminal (Linux drivers/tty/tty_io.c tty_open/tty_read/tty_write/
// tty_poll/tty_release, and tty_ioctl with tty_ioctl.c's termios ioctls and n_tty_ioctl).
// Reads and writes are resumable operations: a BLOCK result keeps its state in the op object,
// which the kernel keeps with the sleeping task and steps again when it is woken.

import { EAGAIN, EBUSY, EFAULT, EINVAL, EIO, ENOTTY, EPERM } from "../base/errno.js";
import { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN } from "../base/signum.js";
import { ERESTARTSYS, openProcSetTty, sessionClearTty, tiocgpgrp, tiocgsid, tiocnotty, tiocsctty, tiocspgrp, ttyCheckChange, ttyCheckChangeTtou } from "./jobctrl.js";
import { BLOCK, Blocked, IoFlags, LdiscRead, Step } from "./ldisc.js";
import {
  decodeTermio, decodeTermios, decodeWinsize, encodeTermio, encodeTermios, encodeWinsize, N_TTY, TCFLSH, TCGETA,
  TCGETS, TCGETS2, TCGETX, TCIFLUSH, TCIOFF, TCIOFLUSH, TCION, TCOFLUSH, TCOOFF, TCOON, TCSBRK, TCSBRKP, TCSETA,
  TCSETAF, TCSETAW, TCSETS, TCSETS2, TCSETSF, TCSETSF2, TCSETSW, TCSETSW2, TCSETX, TCSETXF, TCSETXW, TCXONC,
  TERMIO_SIZE, TERMIOS2_SIZE, TERMIOS_SIZE, Termios, TIOCCBRK, TIOCEXCL, TIOCGDEV, TIOCGETD, TIOCGEXCL,
  TIOCGICOUNT, TIOCGLCKTRMIOS, TIOCGPGRP, TIOCGPKT, TIOCGPTLCK, TIOCGPTN, TIOCGPTPEER, TIOCGSERIAL, TIOCGSID,
  TIOCGSOFTCAR, TIOCGWINSZ, TIOCINQ, TIOCMBIC, TIOCMBIS, TIOCMGET, TIOCMSET, TIOCNOTTY, TIOCNXCL, TIOCOUTQ,
  TIOCPKT, TIOCSBRK, TIOCSCTTY, TIOCSETD, TIOCSIG, TIOCSLCKTRMIOS, TIOCSPGRP, TIOCSPTLCK,
  TIOCSSERIAL, TIOCSSOFTCAR, TIOCSTI, TIOCSWINSZ, TIOCVHANGUP, TOSTOP, VSTART, VSTOP, WINSIZE_SIZE, CLOCAL,
  DISABLED_CHAR,
} from "./termbits.js";
import { Tty, TtyFile } from "./tty.js";

/** guest memory for ioctl arguments */
export interface UserMem {
  /** len bytes at addr, or null (EFAULT) */
  read(addr: number, len: number): Uint8Array | null;
  /** false: EFAULT */
  write(addr: number, data: Uint8Array): boolean;
}

export interface IoctlEnv {
  mem: UserMem;
  /** ptm_open_peer (TIOCGPTPEER): open the slave of `master` with open flags, a new fd or -errno */
  openPeer(master: Tty, flags: number): number;
}

const O_NONBLOCK = 0o4000;
/** do_tty_write's chunk */
const WRITE_CHUNK = 2048;

function ioFlags(f: TtyFile): IoFlags {
  const t = f.tty;
  return { nonblock: (f.flags & O_NONBLOCK) !== 0, hungUp: f.hungUp, otherClosed: t.otherClosed, hupping: t.hupping };
}

// ---- open and release --------------------------------------------------------------------------

/**
 * tty_open after the device was found: tty_reopen (or a new pty pair, count already set), the
 * driver's open, and the controlling-terminal rule. Returns the file, or -errno (the failed open
 * is released as Linux does, which matters for ptys).
 */
export function ttyOpen(tty: Tty, flags: number, readable: boolean, writable: boolean, opts: { fresh: boolean; noctty: boolean }): TtyFile | number {
  const host = tty.host;
  if (!opts.fresh) {
    if (tty.isPtyMaster) return -EIO;
    if (!tty.count) return -EAGAIN;
    if (tty.exclusive && !host.capSysAdmin()) return -EBUSY;
    tty.ensureLdisc();
    tty.count++;
  }
  const f = new TtyFile(tty, flags, readable, writable);
  tty.files.add(f);
  const r = tty.driver.open(tty);
  if (r < 0) {
    ttyRelease(f);
    return r;
  }
  tty.hupped = false;
  if (!opts.noctty && !tty.isPtyMaster) openProcSetTty(host, tty, readable);
  return f;
}

/** tty_release: the last close of a file; a pty master's close also drops its hold on the slave */
export function ttyRelease(f: TtyFile): void {
  const tty = f.tty;
  const other = tty.isPtyMaster ? tty.link : null;
  tty.driver.close(tty, f);
  if (other && other.count > 0) other.count--;
  if (tty.count > 0) tty.count--;
  tty.files.delete(f);
  if (!tty.count) {
    sessionClearTty(tty.host, tty.session);
    if (other) sessionClearTty(tty.host, other.session);
  }
  if (!tty.count && !(other && other.count)) tty.driver.remove?.(tty);
}

// ---- read and write --------------------------------------------------------------------------

/** a read(2) in progress */
export class TtyRead {
  readonly ld: LdiscRead;
  checked = false;
  constructor(readonly file: TtyFile, count: number) {
    this.ld = new LdiscRead(count);
  }
  /** the bytes read, once step() returned a count */
  get data(): Uint8Array {
    return this.ld.buf.subarray(0, this.ld.got);
  }

  /** tty_read: bytes read (in `data`), -errno, or BLOCK */
  step(): Step {
    const f = this.file;
    const tty = f.tty;
    if (f.hungUp) return 0;
    if (tty.ioError) return -EIO;
    const ld = tty.ldisc;
    if (!ld) return 0;
    if (!this.checked) {
      // job_control: not for /dev/console
      const c = f.consoleDev ? 0 : ttyCheckChange(tty.host, tty, SIGTTIN);
      if (c < 0) return c;
      this.checked = true;
    }
    return ld.read(this.ld, tty.host.now(), ioFlags(f));
  }

  /** a signal ended the wait */
  interrupted(): number {
    const ld = this.file.tty.ldisc;
    if (!ld) return -ERESTARTSYS;
    return ld.readInterrupted(this.ld);
  }
}

/** a write(2) in progress: do_tty_write's 2 KiB chunks through n_tty_write */
export class TtyWrite {
  written = 0;
  private chunkEnd = 0;
  constructor(readonly file: TtyFile, readonly src: Uint8Array) {}

  /** bytes written, -errno, or BLOCK */
  step(): Step {
    const f = this.file;
    const tty = f.tty;
    if (f.hungUp) return this.written || -EIO;
    if (tty.ioError) return this.written || -EIO;
    const ld = tty.ldisc;
    if (!ld) return this.written || -EIO;
    // a write of nothing still makes one n_tty_write call, and with it the TOSTOP check
    if (this.src.length === 0 && tty.termios.lflag & TOSTOP && !f.consoleDev) return ttyCheckChangeTtou(tty.host, tty);
    while (this.written < this.src.length) {
      if (this.written === this.chunkEnd) {
        // a new n_tty_write call: job control (TOSTOP) at its start
        if (tty.termios.lflag & TOSTOP && !f.consoleDev) {
          const r = ttyCheckChangeTtou(tty.host, tty);
          if (r) return this.written || r;
        }
        this.chunkEnd = Math.min(this.src.length, this.written + WRITE_CHUNK);
      }
      const linkGone = tty.link !== null && tty.link.count === 0;
      const r = ld.write(this.src, this.written, this.chunkEnd - this.written, ioFlags(f), linkGone);
      if (typeof r !== "number") return r;
      if (r < 0) return this.written || r;
      this.written += r;
    }
    return this.written;
  }

  interrupted(): number {
    return this.written || -ERESTARTSYS;
  }
}

export function isBlocked(s: Step): s is Blocked {
  return typeof s !== "number" && s.kind === BLOCK;
}

// ---- poll ---------------------------------------------------------------------------------------

const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLRDNORM = 0x40, POLLWRNORM = 0x100;

/** tty_poll / n_tty_poll: ready events */
export function ttyPoll(f: TtyFile): number {
  const tty = f.tty;
  const ld = tty.ldisc;
  if (f.hungUp || !ld) return POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDNORM | POLLWRNORM;
  let mask = 0;
  if (ld.inputAvailable(true)) mask |= POLLIN | POLLRDNORM;
  if (tty.packetMode && tty.link && tty.link.pktstatus) mask |= POLLPRI | POLLIN | POLLRDNORM;
  if (tty.otherClosed) mask |= POLLHUP;
  if (tty.writeRoom() > 0) mask |= POLLOUT | POLLWRNORM;
  return mask;
}

// ---- ioctl ------------------------------------------------------------------------------------

function putInt(env: IoctlEnv, arg: number, v: number): number {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return env.mem.write(arg, b) ? 0 : -EFAULT;
}

function getInt(env: IoctlEnv, arg: number): number | null {
  const b = env.mem.read(arg, 4);
  return b ? new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true) : null;
}

/** the ioctls of hung_up_tty_fops */
function hungUpIoctl(cmd: number): number {
  return cmd === TIOCSPGRP ? -ENOTTY : -EIO;
}

/** tty_ioctl: 0 or a positive value on success (as the syscall returns it), or -errno */
export function ttyIoctl(f: TtyFile, cmd: number, arg: number, env: IoctlEnv): number {
  if (f.hungUp) return hungUpIoctl(cmd);
  const tty = f.tty;
  const real = tty.realTty;
  const host = tty.host;
  switch (cmd) {
    case TIOCSETD: case TIOCSBRK: case TIOCCBRK: case TCSBRK: case TCSBRKP: {
      const r = ttyCheckChangeTtou(host, tty);
      if (r) return r;
      // tty_wait_until_sent: no driver here keeps output of its own
      break;
    }
  }
  switch (cmd) {
    case TIOCSTI: {
      if (host.current().ctty !== tty && !host.capSysAdmin()) return -EPERM;
      const b = env.mem.read(arg, 1);
      if (!b) return -EFAULT;
      if (!tty.ldisc) return -EIO;
      tty.ldisc.receive(b, 0, 1);
      return 0;
    }
    case TIOCGWINSZ:
      return env.mem.write(arg, encodeWinsize(real.winsize)) ? 0 : -EFAULT;
    case TIOCSWINSZ: {
      const b = env.mem.read(arg, WINSIZE_SIZE);
      if (!b) return -EFAULT;
      real.resize(decodeWinsize(b));
      return 0;
    }
    case TIOCEXCL:
      tty.exclusive = true;
      return 0;
    case TIOCNXCL:
      tty.exclusive = false;
      return 0;
    case TIOCGEXCL:
      return putInt(env, arg, tty.exclusive ? 1 : 0);
    case TIOCGETD:
      if (!tty.ldisc) return -EIO;
      return putInt(env, arg, N_TTY);
    case TIOCSETD: {
      const d = getInt(env, arg);
      if (d === null) return -EFAULT;
      // only N_TTY exists here; tty_set_ldisc fails for the others as for an unloadable module
      return d === N_TTY ? 0 : -EINVAL;
    }
    case TIOCVHANGUP:
      if (!host.capSysAdmin()) return -EPERM;
      tty.hangup(false);
      return 0;
    case TIOCGDEV:
      return putInt(env, arg, real.driver.devnum(real));
    case TIOCSBRK: case TIOCCBRK: case TCSBRK: case TCSBRKP:
      // no driver here has break_ctl: nothing to send
      return 0;
    case TIOCMGET: case TIOCMSET: case TIOCMBIC: case TIOCMBIS: case TIOCGICOUNT: case TIOCGSERIAL: case TIOCSSERIAL:
      return -ENOTTY;
    case TCFLSH:
      if (arg === TCIFLUSH || arg === TCIOFLUSH) tty.bufferFlush(false);
      break;
    case TIOCGPTPEER:
      if (!tty.isPtyMaster) return -EIO;
      return env.openPeer(tty, arg);
    case TIOCNOTTY:
      return tiocnotty(host, tty);
    case TIOCSCTTY:
      return tiocsctty(host, real, f.readable, arg);
    case TIOCGPGRP: {
      const r = tiocgpgrp(host, tty);
      return r < 0 ? r : putInt(env, arg, r);
    }
    case TIOCSPGRP:
      return tiocspgrp(host, tty, getInt(env, arg));
    case TIOCGSID: {
      const r = tiocgsid(host, tty);
      return r < 0 ? r : putInt(env, arg, r);
    }
  }
  if (tty.isPtyMaster) {
    const r = ptyMasterIoctl(tty, cmd, arg, env);
    if (r !== NOIOCTLCMD) return r;
  }
  if (!tty.ldisc) return hungUpIoctl(cmd);
  return nttyIoctl(tty, cmd, arg, env);
}

const NOIOCTLCMD = -515;

/** pty_unix98_ioctl: the master's own ioctls */
function ptyMasterIoctl(tty: Tty, cmd: number, arg: number, env: IoctlEnv): number {
  switch (cmd) {
    case TIOCSPTLCK: {
      const v = getInt(env, arg);
      if (v === null) return -EFAULT;
      tty.ptyLocked = v !== 0;
      return 0;
    }
    case TIOCGPTLCK:
      return putInt(env, arg, tty.ptyLocked ? 1 : 0);
    case TIOCPKT: {
      const v = getInt(env, arg);
      if (v === null) return -EFAULT;
      if (v) {
        if (!tty.packetMode) {
          if (tty.link) tty.link.pktstatus = 0;
          tty.packetMode = true;
        }
      } else tty.packetMode = false;
      return 0;
    }
    case TIOCGPKT:
      return putInt(env, arg, tty.packetMode ? 1 : 0);
    case TIOCGPTN:
      return putInt(env, arg, tty.index);
    case TIOCSIG:
      // pty_signal: the slave's foreground group
      if (arg !== SIGINT && arg !== SIGQUIT && arg !== SIGTSTP) return -EINVAL;
      if (tty.link && tty.link.pgrp !== null) tty.host.signalPgrp(tty.link.pgrp, arg, true);
      return 0;
  }
  return NOIOCTLCMD;
}

/** n_tty_ioctl, n_tty_ioctl_helper and tty_mode_ioctl */
function nttyIoctl(tty: Tty, cmd: number, arg: number, env: IoctlEnv): number {
  const host = tty.host;
  const ld = tty.ldisc!;
  switch (cmd) {
    case TIOCOUTQ:
      return putInt(env, arg, 0);
    case TIOCINQ:
      return putInt(env, arg, ld.inq());
    case TCXONC: {
      const r = ttyCheckChangeTtou(host, tty);
      if (r) return r;
      switch (arg) {
        case TCOOFF:
          if (!tty.tcoStopped) {
            tty.tcoStopped = true;
            tty.stopTty();
          }
          return 0;
        case TCOON:
          if (tty.tcoStopped) {
            tty.tcoStopped = false;
            tty.startTty();
          }
          return 0;
        case TCIOFF:
        case TCION: {
          // tty_send_xchar: the character goes out ahead of queued output
          const c = tty.termios.cc[arg === TCIOFF ? VSTOP : VSTART];
          if (c !== DISABLED_CHAR) tty.driverWrite(Uint8Array.of(c), 0, 1);
          return 0;
        }
        default:
          return -EINVAL;
      }
    }
    case TCFLSH: {
      const r = ttyCheckChangeTtou(host, tty);
      if (r) return r;
      switch (arg) {
        case TCIFLUSH:
          ld.flushBuffer();
          tty.readRoom();
          return 0;
        case TCIOFLUSH:
          ld.flushBuffer();
          tty.readRoom();
          tty.driverFlush();
          return 0;
        case TCOFLUSH:
          tty.driverFlush();
          return 0;
        default:
          return -EINVAL;
      }
    }
  }
  return modeIoctl(tty, cmd, arg, env);
}

/** tty_mode_ioctl: termios get and set, always on the slave side of a pty */
function modeIoctl(tty: Tty, cmd: number, arg: number, env: IoctlEnv): number {
  const real = tty.realTty;
  switch (cmd) {
    case TCGETS:
      return env.mem.write(arg, encodeTermios(real.termios, TERMIOS_SIZE)) ? 0 : -EFAULT;
    case TCGETS2:
      return env.mem.write(arg, encodeTermios(real.termios, TERMIOS2_SIZE)) ? 0 : -EFAULT;
    case TCGETA:
      return env.mem.write(arg, encodeTermio(real.termios)) ? 0 : -EFAULT;
    case TCSETS: case TCSETSW: case TCSETSF:
      return setTermios(real, arg, env, TERMIOS_SIZE, cmd === TCSETSF);
    case TCSETS2: case TCSETSW2: case TCSETSF2:
      return setTermios(real, arg, env, TERMIOS2_SIZE, cmd === TCSETSF2);
    case TCSETA: case TCSETAW: case TCSETAF:
      return setTermios(real, arg, env, TERMIO_SIZE, cmd === TCSETAF);
    case TIOCGLCKTRMIOS:
      return env.mem.write(arg, encodeTermios(real.termiosLocked, TERMIOS_SIZE)) ? 0 : -EFAULT;
    case TIOCSLCKTRMIOS: {
      if (!real.host.capSysAdmin()) return -EPERM;
      const b = env.mem.read(arg, TERMIOS_SIZE);
      if (!b) return -EFAULT;
      decodeTermios(real.termiosLocked, b);
      return 0;
    }
    case TCGETX: case TCSETX: case TCSETXW: case TCSETXF:
      return -ENOTTY;
    case TIOCGSOFTCAR:
      return putInt(env, arg, real.termios.cflag & CLOCAL ? 1 : 0);
    case TIOCSSOFTCAR: {
      const v = getInt(env, arg);
      if (v === null) return -EFAULT;
      // tty_change_softcar
      const t = real.termios.clone();
      t.cflag = ((t.cflag & ~CLOCAL) | (v ? CLOCAL : 0)) >>> 0;
      real.setTermios(t);
      return (real.termios.cflag & CLOCAL) === (t.cflag & CLOCAL) ? 0 : -EINVAL;
    }
  }
  return -ENOTTY;
}

/** set_termios (tty_ioctl.c): job control, then the new settings (TCSETSF flushes input first) */
function setTermios(tty: Tty, arg: number, env: IoctlEnv, size: number, flush: boolean): number {
  const r = ttyCheckChangeTtou(tty.host, tty);
  if (r) return r;
  const t: Termios = tty.termios.clone();
  const b = env.mem.read(arg, size);
  if (!b) return -EFAULT;
  if (size === TERMIO_SIZE) decodeTermio(t, b);
  else decodeTermios(t, b);
  Tty.withSpeeds(t);
  // TCSETSW/TCSETSF wait until output is sent: no driver here keeps any (tty_chars_in_buffer 0)
  if (flush && tty.ldisc) {
    tty.ldisc.flushBuffer();
    tty.readRoom();
  }
  tty.setTermios(t);
  return 0;
}
