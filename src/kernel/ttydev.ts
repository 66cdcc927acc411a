// Terminal device nodes and how an open finds its tty (Linux: tty_open in drivers/tty/tty_io.c,
// tty_open_current_tty for /dev/tty, the console's /dev/console and ttyS0, ptmx_open and devpts
// mounts of fs/devpts/inode.c), and the console files the first program starts with.

import { ENXIO } from "../base/errno.js";
import { CharDev } from "../fs/devices.js";
import { OpenFile, O_NOCTTY, O_RDONLY, O_RDWR, O_WRONLY } from "../fs/file.js";
import type { Node, TmpDir } from "../fs/node.js";
import { CONSOLE_MAJOR, CONSOLE_MINOR } from "../tty/console.js";
import { Devpts, DevptsOptions, Opener, PtmxNode } from "../tty/devpts.js";
import { TtyFile } from "../tty/tty.js";
import { ttyFileOps, TtyResolver } from "../tty/ttyfops.js";
import { ttyOpen } from "../tty/ttyio.js";
import type { Kernel } from "./kernel.js";

/** the tty group of a usual system (/etc/group's tty:x:5:), which devpts gives new slave nodes */
export const TTY_GID = 5;
/** anonymous device numbers of devpts instances (0:N, N from 0x40) */
let nextDevptsDev = 0x40;

/** the credentials of the task opening /dev/ptmx (new /dev/pts/N nodes are its) */
function opener(k: Kernel): Opener {
  const c = k.current?.cred;
  return { fsuid: c?.fsuid ?? 0, fsgid: c?.fsgid ?? 0 };
}

/** a new devpts instance: every devpts mount is one */
export function newDevpts(k: Kernel, opts: DevptsOptions): Devpts {
  return new Devpts(k.ttyHost, nextDevptsDev++, opts, () => opener(k));
}

/** open of the console terminal: /dev/console never becomes a controlling terminal and has no
 *  job control (consoleDev); /dev/ttyS0 is the same terminal as an ordinary tty */
function consoleResolver(k: Kernel, consoleDev: boolean): TtyResolver {
  return (f, flags) => {
    const tty = k.console.tty;
    if (tty === null) return -ENXIO;
    const fresh = tty.count === 0;
    if (fresh) {
      // tty_init_dev: the first open
      tty.count = 1;
      tty.ensureLdisc();
    }
    const r = ttyOpen(tty, flags, f.readable, f.writable, { fresh, noctty: consoleDev || (flags & O_NOCTTY) !== 0 });
    if (r instanceof TtyFile) r.consoleDev = consoleDev;
    return r;
  };
}

/** tty_open_current_tty: /dev/tty is the caller's controlling terminal (ENXIO without one) */
function currentTtyResolver(k: Kernel): TtyResolver {
  return (f, flags) => {
    const tty = k.current?.group.tty.ctty ?? null;
    if (tty === null) return -ENXIO;
    return ttyOpen(tty, flags, f.readable, f.writable, { fresh: false, noctty: (flags & O_NOCTTY) !== 0 });
  };
}

/** /dev/tty, /dev/console, /dev/ttyS0 (a terminal console only), /dev/ptmx and a devpts mount at
 *  /dev/pts (mode=620,gid=5 as a usual system mounts it); returns the devpts root to mount */
export function addTtyDevices(k: Kernel, dev: TmpDir): Node {
  const own = (n: Node, mode: number, gid = 0): Node => {
    n.mode = (n.mode & ~0o7777) | mode;
    n.gid = gid;
    return n;
  };
  dev.add("tty", own(new CharDev(5, 0, ttyFileOps(currentTtyResolver(k))), 0o666, TTY_GID));
  if (k.console.tty) {
    dev.add("console", own(new CharDev(5, 1, ttyFileOps(consoleResolver(k, true))), 0o600));
    dev.add("ttyS0", own(new CharDev(CONSOLE_MAJOR, CONSOLE_MINOR, ttyFileOps(consoleResolver(k, false))), 0o620, TTY_GID));
  } else {
    dev.add("console", new CharDev(5, 1, k.console.streamOps(1), 0o600));
  }
  dev.add("ptmx", new PtmxNode(null, () => opener(k), 0o666));
  return newDevpts(k, { uid: null, gid: TTY_GID, mode: 0o620, ptmxmode: 0, max: 4096 }).root;
}

/**
 * The first program's stdin, stdout and stderr (it runs as current): a terminal console is opened
 * as /dev/ttyS0 without O_NOCTTY, so the program, a session leader, gets it as its controlling
 * terminal as a login shell does; a stream console gives /dev/console files for each stream.
 */
export function consoleFiles(k: Kernel): OpenFile[] {
  const dev = k.rootLoc().node.lookup("dev");
  if (k.console.tty) {
    const node = dev?.lookup("ttyS0") ?? new CharDev(CONSOLE_MAJOR, CONSOLE_MINOR, ttyFileOps(consoleResolver(k, false)));
    const f = new OpenFile(node, O_RDWR, node.fileOps()!, "/dev/ttyS0");
    const e = f.ops.open!(f, O_RDWR);
    if (typeof e === "number" && e < 0) throw new Error(`console open: ${e}`);
    return [f, f.get(), f.get()];
  }
  const out = new CharDev(5, 1, k.console.streamOps(1), 0o600);
  const err = new CharDev(5, 1, k.console.streamOps(2), 0o600);
  return [
    new OpenFile(out, O_RDONLY, out.fileOps(), "/dev/console"),
    new OpenFile(out, O_WRONLY, out.fileOps(), "/dev/console"),
    new OpenFile(err, O_WRONLY, err.fileOps(), "/dev/console"),
  ];
}
