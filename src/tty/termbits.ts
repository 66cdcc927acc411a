// termios layout and constants of the generic Linux ABI (include/uapi/asm-generic/termbits.h,
// termbits-common.h, ioctls.h) used by riscv64 and x86_64, and the kernel's default settings.

/** c_iflag */
export const IGNBRK = 0x001, BRKINT = 0x002, IGNPAR = 0x004, PARMRK = 0x008, INPCK = 0x010, ISTRIP = 0x020,
  INLCR = 0x040, IGNCR = 0x080, ICRNL = 0x100, IUCLC = 0x200, IXON = 0x400, IXANY = 0x800, IXOFF = 0x1000,
  IMAXBEL = 0x2000, IUTF8 = 0x4000;
/** c_oflag */
export const OPOST = 0x01, OLCUC = 0x02, ONLCR = 0x04, OCRNL = 0x08, ONOCR = 0x10, ONLRET = 0x20, OFILL = 0x40,
  OFDEL = 0x80, TABDLY = 0x1800, TAB3 = 0x1800, XTABS = 0x1800;
/** c_cflag */
export const CBAUD = 0x100f, B0 = 0, B38400 = 0xf, CSIZE = 0x30, CS8 = 0x30, CSTOPB = 0x40, CREAD = 0x80,
  PARENB = 0x100, PARODD = 0x200, HUPCL = 0x400, CLOCAL = 0x800, CBAUDEX = 0x1000, BOTHER = 0x1000,
  ADDRB = 0x20000000, CIBAUD = 0x100f0000, IBSHIFT = 16;
/** c_lflag */
export const ISIG = 0x1, ICANON = 0x2, XCASE = 0x4, ECHO = 0x8, ECHOE = 0x10, ECHOK = 0x20, ECHONL = 0x40,
  NOFLSH = 0x80, TOSTOP = 0x100, ECHOCTL = 0x200, ECHOPRT = 0x400, ECHOKE = 0x800, FLUSHO = 0x1000,
  PENDIN = 0x4000, IEXTEN = 0x8000, EXTPROC = 0x10000;

/** c_cc indices (NCCS 19) */
export const VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSWTC = 7, VSTART = 8,
  VSTOP = 9, VSUSP = 10, VEOL = 11, VREPRINT = 12, VDISCARD = 13, VWERASE = 14, VLNEXT = 15, VEOL2 = 16;
export const NCCS = 19;
/** struct termio has the first 8 control characters */
export const NCC = 8;
/** a c_cc slot holding this value is disabled (_POSIX_VDISABLE) */
export const DISABLED_CHAR = 0;

/** TCXONC and TCFLSH arguments */
export const TCOOFF = 0, TCOON = 1, TCIOFF = 2, TCION = 3;
export const TCIFLUSH = 0, TCOFLUSH = 1, TCIOFLUSH = 2;

/** ioctl numbers (asm-generic/ioctls.h) */
export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TCGETA = 0x5405,
  TCSETA = 0x5406, TCSETAW = 0x5407, TCSETAF = 0x5408, TCSBRK = 0x5409, TCXONC = 0x540a, TCFLSH = 0x540b,
  TIOCEXCL = 0x540c, TIOCNXCL = 0x540d, TIOCSCTTY = 0x540e, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410,
  TIOCOUTQ = 0x5411, TIOCSTI = 0x5412, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, TIOCMGET = 0x5415,
  TIOCMBIS = 0x5416, TIOCMBIC = 0x5417, TIOCMSET = 0x5418, TIOCGSOFTCAR = 0x5419, TIOCSSOFTCAR = 0x541a,
  FIONREAD = 0x541b, TIOCINQ = 0x541b, TIOCLINUX = 0x541c, TIOCCONS = 0x541d, TIOCGSERIAL = 0x541e,
  TIOCSSERIAL = 0x541f, TIOCPKT = 0x5420, FIONBIO = 0x5421, TIOCNOTTY = 0x5422, TIOCSETD = 0x5423,
  TIOCGETD = 0x5424, TCSBRKP = 0x5425, TIOCSBRK = 0x5427, TIOCCBRK = 0x5428, TIOCGSID = 0x5429,
  TCGETS2 = 0x802c542a, TCSETS2 = 0x402c542b, TCSETSW2 = 0x402c542c, TCSETSF2 = 0x402c542d,
  TIOCGPTN = 0x80045430, TIOCSPTLCK = 0x40045431, TIOCGDEV = 0x80045432, TCGETX = 0x5432, TCSETX = 0x5433,
  TCSETXF = 0x5434, TCSETXW = 0x5435, TIOCSIG = 0x40045436, TIOCVHANGUP = 0x5437, TIOCGPKT = 0x80045438,
  TIOCGPTLCK = 0x80045439, TIOCGEXCL = 0x80045440, TIOCGPTPEER = 0x5441, FIONCLEX = 0x5450, FIOCLEX = 0x5451,
  FIOASYNC = 0x5452, TIOCGLCKTRMIOS = 0x5456, TIOCSLCKTRMIOS = 0x5457, TIOCGICOUNT = 0x545d;

/** TIOCPKT status bits, the first byte of each packet-mode read of a pty master */
export const TIOCPKT_DATA = 0, TIOCPKT_FLUSHREAD = 1, TIOCPKT_FLUSHWRITE = 2, TIOCPKT_STOP = 4,
  TIOCPKT_START = 8, TIOCPKT_NOSTOP = 16, TIOCPKT_DOSTOP = 32, TIOCPKT_IOCTL = 64;

/** line discipline numbers (TIOCGETD) */
export const N_TTY = 0;

/** the kernel's struct ktermios (struct termios2 with the speeds) */
export class Termios {
  iflag = 0;
  oflag = 0;
  cflag = 0;
  lflag = 0;
  line = 0;
  readonly cc = new Uint8Array(NCCS);
  ispeed = 0;
  ospeed = 0;

  clone(): Termios {
    const t = new Termios();
    t.assign(this);
    return t;
  }

  assign(o: Termios): void {
    this.iflag = o.iflag;
    this.oflag = o.oflag;
    this.cflag = o.cflag;
    this.lflag = o.lflag;
    this.line = o.line;
    this.cc.set(o.cc);
    this.ispeed = o.ispeed;
    this.ospeed = o.ospeed;
  }
}

/** INIT_C_CC (include/linux/termios_internal.h) */
function initCc(cc: Uint8Array): void {
  cc.fill(0);
  cc[VINTR] = 0x03;
  cc[VQUIT] = 0x1c;
  cc[VERASE] = 0x7f;
  cc[VKILL] = 0x15;
  cc[VEOF] = 0x04;
  cc[VSTART] = 0x11;
  cc[VSTOP] = 0x13;
  cc[VSUSP] = 0x1a;
  cc[VREPRINT] = 0x12;
  cc[VDISCARD] = 0x0f;
  cc[VWERASE] = 0x17;
  cc[VLNEXT] = 0x16;
  cc[VMIN] = 1;
}

/** tty_std_termios (drivers/tty/tty_io.c): what a serial line or the console starts with */
export function stdTermios(): Termios {
  const t = new Termios();
  t.iflag = ICRNL | IXON;
  t.oflag = OPOST | ONLCR;
  t.cflag = B38400 | CS8 | CREAD | HUPCL;
  t.lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
  initCc(t.cc);
  t.ispeed = 38400;
  t.ospeed = 38400;
  return t;
}

/** ptm_driver->init_termios (drivers/tty/pty.c): a pty master is raw */
export function ptyMasterTermios(): Termios {
  const t = stdTermios();
  t.iflag = 0;
  t.oflag = 0;
  t.cflag = B38400 | CS8 | CREAD;
  t.lflag = 0;
  return t;
}

/** pts_driver->init_termios: the standard settings without HUPCL */
export function ptySlaveTermios(): Termios {
  const t = stdTermios();
  t.cflag = B38400 | CS8 | CREAD;
  return t;
}

const BAUD_TABLE = [
  0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400,
  460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000,
];

function baudOf(cbaud: number, other: number): number {
  if (cbaud === BOTHER) return other;
  if (cbaud & CBAUDEX) cbaud = (cbaud & ~CBAUDEX) + 15;
  return cbaud >= BAUD_TABLE.length ? 0 : BAUD_TABLE[cbaud];
}

/** tty_termios_baud_rate (drivers/tty/tty_baudrate.c) */
export function outputBaud(t: Termios): number {
  return baudOf(t.cflag & CBAUD, t.ospeed);
}

/** tty_termios_input_baud_rate: CIBAUD, or the output rate when it is B0 */
export function inputBaud(t: Termios): number {
  const cbaud = (t.cflag >>> IBSHIFT) & CBAUD;
  if (cbaud === B0) return outputBaud(t);
  return baudOf(cbaud, t.ispeed);
}

/** sizes of the user structures: struct termio, termios, termios2, winsize */
export const TERMIO_SIZE = 18, TERMIOS_SIZE = 36, TERMIOS2_SIZE = 44, WINSIZE_SIZE = 8;

/** kernel_termios_to_user_termios(_1): struct termios (36 bytes) or termios2 (44 bytes) */
export function encodeTermios(t: Termios, size: typeof TERMIOS_SIZE | typeof TERMIOS2_SIZE): Uint8Array {
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, t.iflag >>> 0, true);
  dv.setUint32(4, t.oflag >>> 0, true);
  dv.setUint32(8, t.cflag >>> 0, true);
  dv.setUint32(12, t.lflag >>> 0, true);
  b[16] = t.line;
  b.set(t.cc, 17);
  if (size === TERMIOS2_SIZE) {
    dv.setUint32(36, t.ispeed >>> 0, true);
    dv.setUint32(40, t.ospeed >>> 0, true);
  }
  return b;
}

/** user_termios_to_kernel_termios(_1): replaces every field the user structure has */
export function decodeTermios(into: Termios, b: Uint8Array): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  into.iflag = dv.getUint32(0, true);
  into.oflag = dv.getUint32(4, true);
  into.cflag = dv.getUint32(8, true);
  into.lflag = dv.getUint32(12, true);
  into.line = b[16];
  into.cc.set(b.subarray(17, 17 + NCCS));
  if (b.byteLength >= TERMIOS2_SIZE) {
    into.ispeed = dv.getUint32(36, true);
    into.ospeed = dv.getUint32(40, true);
  }
}

/** kernel_termios_to_user_termio: struct termio, 16-bit flags and 8 control characters */
export function encodeTermio(t: Termios): Uint8Array {
  const b = new Uint8Array(TERMIO_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, t.iflag & 0xffff, true);
  dv.setUint16(2, t.oflag & 0xffff, true);
  dv.setUint16(4, t.cflag & 0xffff, true);
  dv.setUint16(6, t.lflag & 0xffff, true);
  b[8] = t.line;
  b.set(t.cc.subarray(0, NCC), 9);
  return b;
}

/** user_termio_to_kernel_termios: the low 16 bits of each flag word and the first 8 characters */
export function decodeTermio(into: Termios, b: Uint8Array): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  into.iflag = ((into.iflag & 0xffff0000) | dv.getUint16(0, true)) >>> 0;
  into.oflag = ((into.oflag & 0xffff0000) | dv.getUint16(2, true)) >>> 0;
  into.cflag = ((into.cflag & 0xffff0000) | dv.getUint16(4, true)) >>> 0;
  into.lflag = ((into.lflag & 0xffff0000) | dv.getUint16(6, true)) >>> 0;
  into.line = b[8];
  into.cc.set(b.subarray(9, 9 + NCC));
}

/** struct winsize */
export interface Winsize {
  row: number;
  col: number;
  xpixel: number;
  ypixel: number;
}

export function encodeWinsize(w: Winsize): Uint8Array {
  const b = new Uint8Array(WINSIZE_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, w.row, true);
  dv.setUint16(2, w.col, true);
  dv.setUint16(4, w.xpixel, true);
  dv.setUint16(6, w.ypixel, true);
  return b;
}

export function decodeWinsize(b: Uint8Array): Winsize {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { row: dv.getUint16(0, true), col: dv.getUint16(2, true), xpixel: dv.getUint16(4, true), ypixel: dv.getUint16(6, true) };
}

export function sameWinsize(a: Winsize, b: Winsize): boolean {
  return a.row === b.row && a.col === b.col && a.xpixel === b.xpixel && a.ypixel === b.ypixel;
}
