// Pseudo-terminals (Linux drivers/tty/pty.c, and fs/devpts/inode.c's index allocation): opening
// /dev/ptmx makes a master/slave pair. Bytes written to the master are input to the slave's line
// discipline; the slave's output, after its OPOST processing and its echoes, is input to the
// master's (raw) line discipline, which the master reads.

import { EIO, ENOSPC } from "../base/errno.js";
import {
  CREAD, CS8, CSIZE, EXTPROC, IXON, PARENB, ptyMasterTermios, ptySlaveTermios, Termios, TIOCPKT_DOSTOP,
  TIOCPKT_FLUSHWRITE, TIOCPKT_IOCTL, TIOCPKT_NOSTOP, TIOCPKT_START, TIOCPKT_STOP, VSTART, VSTOP,
} from "./termbits.js";
import { PTY_BUFFER_LIMIT, Tty, TtyDriver, TtyFile, TtyHost } from "./tty.js";
import { ttyOpen } from "./ttyio.js";

export const PTMX_MAJOR = 5, PTMX_MINOR = 2, PTY_MASTER_MAJOR = 128, PTY_SLAVE_MAJOR = 136;

/** new_encode_dev */
export function encodeDev(major: number, minor: number): number {
  return ((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0;
}

/** pty_write: straight into the other side's input buffer (nothing while stopped by ^S or TCOOFF) */
function ptyWrite(tty: Tty, src: Uint8Array, off: number, len: number): number {
  if (tty.stopped || !len || !tty.link) return 0;
  return tty.link.receive(src, off, len);
}

function ptyWriteRoom(tty: Tty): number {
  if (tty.stopped || !tty.link) return 0;
  return tty.link.bufferSpace();
}

/** pty_flush_buffer: drop what the other side has not processed yet */
function ptyFlushBuffer(tty: Tty): void {
  const to = tty.link;
  if (!to) return;
  to.bufferFlush(false);
  if (to.packetMode) {
    tty.pktstatus |= TIOCPKT_FLUSHWRITE;
    to.wakeReaders();
  }
}

/** pty_open: a slave opens only while its master is open, unlocked and held once */
function ptyOpen(tty: Tty): number {
  const link = tty.link;
  if (!link) return -EIO;
  if (tty.otherClosed || link.ptyLocked || (tty.driver.subtype === "slave" && link.count !== 1)) {
    tty.ioError = true;
    return -EIO;
  }
  tty.ioError = false;
  link.otherClosed = false;
  return 0;
}

/** pty_set_termios: report flow-control changes to a packet-mode master; always 8 bits, receiving */
function ptySetTermios(tty: Tty, old: Termios): void {
  const link = tty.link;
  const t = tty.termios;
  if (link && link.packetMode) {
    const extproc = (old.lflag & EXTPROC) | (t.lflag & EXTPROC);
    const oldFlow = (old.iflag & IXON) !== 0 && old.cc[VSTOP] === 0x13 && old.cc[VSTART] === 0x11;
    const newFlow = (t.iflag & IXON) !== 0 && t.cc[VSTOP] === 0x13 && t.cc[VSTART] === 0x11;
    if (oldFlow !== newFlow || extproc) {
      if (oldFlow !== newFlow) {
        tty.pktstatus &= ~(TIOCPKT_DOSTOP | TIOCPKT_NOSTOP);
        tty.pktstatus |= newFlow ? TIOCPKT_DOSTOP : TIOCPKT_NOSTOP;
      }
      if (extproc) tty.pktstatus |= TIOCPKT_IOCTL;
      link.wakeReaders();
    }
  }
  t.cflag = ((t.cflag & ~(CSIZE | PARENB)) | CS8 | CREAD) >>> 0;
}

function ptyStartStop(tty: Tty, start: boolean): void {
  if (tty.link && tty.link.packetMode) {
    tty.pktstatus &= start ? ~TIOCPKT_STOP : ~TIOCPKT_START;
    tty.pktstatus |= start ? TIOCPKT_START : TIOCPKT_STOP;
    tty.link.wakeReaders();
  }
}

/** one devpts instance: its pty numbers and the /dev/pts/N nodes that exist */
export class PtsFs {
  /** slaves by index while their node exists (devpts_pty_new .. devpts_pty_kill) */
  readonly nodes = new Map<number, Tty>();
  private readonly used = new Set<number>();

  constructor(readonly host: TtyHost, readonly max = 4096) {}

  private readonly master: TtyDriver = {
    type: "pty",
    subtype: "master",
    resetTermios: true,
    realRaw: true,
    initTermios: ptyMasterTermios,
    write: ptyWrite,
    writeRoom: ptyWriteRoom,
    flushBuffer: ptyFlushBuffer,
    open: ptyOpen,
    close: (tty) => this.close(tty),
    remove: (tty) => this.used.delete(tty.index),
    devnum: (tty) => encodeDev(PTY_MASTER_MAJOR, tty.index),
  };

  private readonly slave: TtyDriver = {
    type: "pty",
    subtype: "slave",
    resetTermios: true,
    realRaw: true,
    initTermios: ptySlaveTermios,
    write: ptyWrite,
    writeRoom: ptyWriteRoom,
    flushBuffer: ptyFlushBuffer,
    setTermios: ptySetTermios,
    start: (tty) => ptyStartStop(tty, true),
    stop: (tty) => ptyStartStop(tty, false),
    open: ptyOpen,
    close: (tty) => this.close(tty),
    remove: (tty) => this.used.delete(tty.index),
    devnum: (tty) => encodeDev(PTY_SLAVE_MAJOR, tty.index),
  };

  /** devpts_new_index: the lowest free number */
  private newIndex(): number {
    if (this.used.size >= this.max) return -ENOSPC;
    let i = 0;
    while (this.used.has(i)) i++;
    this.used.add(i);
    return i;
  }

  /** ptmx_open + pty_common_install: a new pair, the slave locked until TIOCSPTLCK 0 */
  openMaster(flags: number, readable: boolean, writable: boolean): TtyFile | number {
    const index = this.newIndex();
    if (index < 0) return index;
    const master = new Tty(this.master, this.host, PTY_BUFFER_LIMIT);
    const slave = new Tty(this.slave, this.host, PTY_BUFFER_LIMIT);
    master.index = slave.index = index;
    master.link = slave;
    slave.link = master;
    master.count = 1;
    slave.count = 1;
    master.ptyLocked = true;
    this.nodes.set(index, slave);
    return ttyOpen(master, flags, readable, writable, { fresh: true, noctty: true });
  }

  /** open of /dev/pts/N (or TIOCGPTPEER): pts_unix98_lookup, then tty_open's reopen */
  openSlave(index: number, flags: number, readable: boolean, writable: boolean, noctty: boolean): TtyFile | number {
    const slave = this.nodes.get(index);
    if (!slave) return -EIO;
    return ttyOpen(slave, flags, readable, writable, { fresh: false, noctty });
  }

  /** pty_close: the last slave file, or the master, going away */
  private close(tty: Tty): void {
    if (tty.driver.subtype === "slave") {
      if (tty.ioError) return;
      if (tty.count > 2) return;
    }
    tty.ioError = true;
    tty.wakeReaders();
    tty.wakeWriters();
    tty.packetMode = false;
    const link = tty.link;
    if (!link) return;
    link.otherClosed = true;
    link.wakeReaders();
    link.wakeWriters();
    if (tty.driver.subtype === "master") {
      tty.otherClosed = true;
      this.nodes.delete(tty.index);
      link.hangup(false);
    }
  }
}
