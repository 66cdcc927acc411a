// The devpts filesystem (Linux: fs/devpts/inode.c): every mount is its own instance (since Linux
// 4.7, what "newinstance" asked for) holding the slave nodes /dev/pts/N of the pairs made by its
// ptmx, and a "ptmx" node of its own. /dev/ptmx finds the instance mounted at "pts" next to it in
// the opener's mount namespace (devpts_acquire), so a container that mounts devpts gets pty
// numbers from 0 and sees only its own.

import * as E from "../base/errno.js";
import { FileOps, OpenFile, O_ACCMODE, O_NOCTTY, O_RDONLY, O_WRONLY } from "../fs/file.js";
import { Node, S_IFCHR, S_IFDIR } from "../fs/node.js";
import { childLoc, type Loc } from "../fs/path.js";
import { followMounts } from "../fs/mount.js";
import { encodeDev, PtsFs, PTMX_MAJOR, PTMX_MINOR, PTY_SLAVE_MAJOR } from "./pty.js";
import { TtyFile, TtyHost } from "./tty.js";
import { ttyFileOps } from "./ttyfops.js";

/** mount options (devpts_parse_param): uid=, gid=, mode=, ptmxmode=, max= */
export interface DevptsOptions {
  uid: number | null;
  gid: number | null;
  /** mode of new slave nodes (default 0600) */
  mode: number;
  /** mode of the instance's own ptmx node (default 0000) */
  ptmxmode: number;
  max: number;
}

export const DEVPTS_DEFAULTS: DevptsOptions = { uid: null, gid: null, mode: 0o600, ptmxmode: 0, max: 4096 };

/** "gid=5,mode=620,ptmxmode=666,newinstance": unknown options are refused as Linux does */
export function parseDevptsOptions(data: string | null): DevptsOptions | number {
  const o = { ...DEVPTS_DEFAULTS };
  if (!data) return o;
  for (const opt of data.split(",")) {
    if (opt === "" || opt === "newinstance") continue;
    const m = /^(uid|gid|mode|ptmxmode|max)=(\d+)$/.exec(opt);
    if (!m) return -E.EINVAL;
    const base = m[1] === "mode" || m[1] === "ptmxmode" ? 8 : 10;
    const v = parseInt(m[2], base);
    if (!Number.isSafeInteger(v)) return -E.EINVAL;
    if (m[1] === "uid") o.uid = v;
    else if (m[1] === "gid") o.gid = v;
    else if (m[1] === "mode") o.mode = v & 0o777;
    else if (m[1] === "ptmxmode") o.ptmxmode = v & 0o777;
    else o.max = Math.min(v, 4096);
  }
  return o;
}

/** the credentials devpts_pty_new gives a new slave node */
export interface Opener {
  fsuid: number;
  fsgid: number;
}

class DevptsDir extends Node {
  constructor(readonly fs: Devpts) {
    super(S_IFDIR | 0o755);
    this.ino = 1;
  }
  override lookup(name: string): Node | null {
    if (name === "ptmx") return this.fs.ptmx;
    if (!/^(0|[1-9][0-9]*)$/.test(name)) return null;
    return this.fs.slaveNode(Number(name));
  }
  override entries(): [string, Node][] {
    return [["ptmx", this.fs.ptmx], ...this.fs.slaveNodes().map((n): [string, Node] => [String(n.index), n])];
  }
  override create(): number {
    return -E.EACCES;
  }
  override unlink(): number {
    return -E.EPERM;
  }
}

/** /dev/pts/N: its tty is the slave of pair N while the master is open */
export class PtsNode extends Node {
  private readonly ops: FileOps;
  constructor(private readonly fs: Devpts, readonly index: number, mode: number, uid: number, gid: number) {
    super(S_IFCHR | mode);
    this.rdev = encodeDev(PTY_SLAVE_MAJOR, index);
    this.ino = index + 3;
    this.uid = uid;
    this.gid = gid;
    this.ops = ttyFileOps((f, flags) => this.fs.openSlave(this.index, f, flags));
  }
  override fileOps(): FileOps {
    return this.ops;
  }
}

/** a ptmx node: /dev/ptmx (5,2) in /dev, or the instance's own /dev/pts/ptmx */
export class PtmxNode extends Node {
  private readonly ops: FileOps;
  /** own: the instance of a devpts ptmx node; null for /dev/ptmx, which looks for "pts" */
  constructor(own: Devpts | null, opener: () => Opener, mode: number) {
    super(S_IFCHR | mode);
    this.rdev = encodeDev(PTMX_MAJOR, PTMX_MINOR);
    this.ops = ttyFileOps((f, flags) => {
      const fs = own ?? devptsAcquire(f.loc ?? null);
      if (typeof fs === "number") return fs;
      return fs.openMaster(f, flags, opener());
    });
  }
  override fileOps(): FileOps {
    return this.ops;
  }
}

/** devpts_acquire: the devpts instance mounted at "pts" in the directory of the opened ptmx node */
function devptsAcquire(loc: Loc | null): Devpts | number {
  if (loc === null || loc.up === null) return -E.ENODEV;
  const dir: Loc = loc.up;
  const pts = dir.node.lookup("pts");
  if (pts === null) return -E.ENOENT;
  const at = followMounts(childLoc(dir, "pts", pts));
  if (at.mnt.sb.fstype !== "devpts" || at.node !== at.mnt.root || !(at.node instanceof DevptsDir)) return -E.ENODEV;
  return at.node.fs;
}

/** one devpts instance (struct pts_fs_info) */
export class Devpts {
  readonly pts: PtsFs;
  readonly root: Node;
  readonly ptmx: PtmxNode;
  private readonly slaves = new Map<number, PtsNode>();

  constructor(host: TtyHost, readonly dev: number, readonly opts: DevptsOptions, opener: () => Opener) {
    this.pts = new PtsFs(host, opts.max);
    this.root = new DevptsDir(this);
    this.root.dev = dev;
    this.ptmx = new PtmxNode(this, opener, opts.ptmxmode);
    this.ptmx.ino = 2;
    this.ptmx.dev = dev;
  }

  /** the node of pair `index`, while its master is open (devpts_pty_kill removes it) */
  slaveNode(index: number): PtsNode | null {
    const n = this.slaves.get(index) ?? null;
    if (n !== null && !this.pts.nodes.has(index)) {
      this.slaves.delete(index);
      return null;
    }
    return n;
  }

  slaveNodes(): PtsNode[] {
    return [...this.slaves.keys()].sort((a, b) => a - b).flatMap((i) => this.slaveNode(i) ?? []);
  }

  /** ptmx_open: a new pair and its /dev/pts/N node, owned by the opener unless uid=/gid= say otherwise */
  openMaster(f: OpenFile, flags: number, who: Opener): TtyFile | number {
    const r = this.pts.openMaster(flags, readable(flags), writable(flags));
    if (typeof r === "number") return r;
    const index = r.tty.index;
    const node = new PtsNode(this, index, this.opts.mode, this.opts.uid ?? who.fsuid, this.opts.gid ?? who.fsgid);
    node.dev = this.dev;
    this.slaves.set(index, node);
    r.tty.driverData = this;
    if (r.tty.link) r.tty.link.driverData = this;
    return r;
  }

  /** an open of /dev/pts/N (or TIOCGPTPEER) */
  openSlave(index: number, _f: OpenFile, flags: number): TtyFile | number {
    return this.pts.openSlave(index, flags, readable(flags), writable(flags), (flags & O_NOCTTY) !== 0);
  }

  /** the path TIOCGPTPEER's file shows */
  static slavePath(index: number): string {
    return `/dev/pts/${index}`;
  }
}

const readable = (flags: number): boolean => (flags & O_ACCMODE) !== O_WRONLY;
const writable = (flags: number): boolean => (flags & O_ACCMODE) !== O_RDONLY;
