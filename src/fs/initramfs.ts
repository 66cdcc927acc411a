// Unpacking an initramfs (a cpio "newc" archive) into the root filesystem at boot
// (Linux: init/initramfs.c, unpack_to_rootfs and its state machine).
//
// The archive is a sequence of entries, each a 110-byte ASCII header ("070701", or "070702"
// with a checksum, then 13 eight-digit hex fields), the NUL-terminated name padded so that
// header + name end on a 4-byte boundary, then the body (file data or symlink target) padded
// to 4 bytes. "TRAILER!!!" ends an archive; several archives may follow each other with zero
// padding between them. Linux does the same things in the same order: an existing node of
// another type is removed first (clean_path), a regular file is truncated and rewritten,
// directories take their mode and owner even if they exist, hard links are found by
// (major, minor, ino) once nlink >= 2, and directory times are set after everything else.
//
// Where Linux is silent this is not: a torn last entry (Linux stops quietly when an
// uncompressed buffer ends mid-entry) and a malformed header field (Linux's simple_strtoul
// stops at the first bad digit) are errors. Entries Linux would skip (a name longer than
// PATH_MAX, a symlink target longer than PATH_MAX, a non-file with a body, a path whose
// parent is missing) are skipped and reported. Device nodes, FIFOs and sockets are reported
// and not created: forkscope's /dev is built by the kernel, and mknod of a device is EPERM.
//
// Every length in a header is checked against the bytes actually present before anything
// is allocated, so the memory used is bounded by the archive's size.

import { bytestr } from "../base/bytestr.js";
import * as E from "../base/errno.js";
import { Loc, Lookup, PATH_MAX, lookup } from "./path.js";
import { Node, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from "./node.js";

const HEADER_LEN = 110;

/** an archive Linux would refuse, with its message ("no cpio magic", ...) and the byte offset */
export class InitramfsError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} (at byte ${offset})`);
  }
}

export interface UnpackResult {
  /** entries that created or updated a node (the trailers not counted) */
  entries: number;
  /** entries not created, each with its name and why (at most MAX_SKIPPED kept) */
  skipped: { name: string; why: string }[];
  /** how many entries were skipped in all */
  skippedCount: number;
}

const MAX_SKIPPED = 64;

/** the magic numbers of the compressed formats Linux's initramfs may hold (lib/decompress.c) */
const COMPRESSED: [string, number[]][] = [
  ["gzip", [0x1f, 0x8b]],
  ["gzip", [0x1f, 0x9e]],
  ["bzip2", [0x42, 0x5a, 0x68]],
  ["lzma", [0x5d, 0x00, 0x00]],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["lzo", [0x89, 0x4c, 0x5a, 0x4f]],
  ["lz4", [0x02, 0x21, 0x4c, 0x18]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
];

/** the name of the compression an archive starts with, or null (Linux: decompress_method) */
export function compressionOf(b: Uint8Array, off = 0): string | null {
  for (const [name, magic] of COMPRESSED) {
    if (off + magic.length <= b.length && magic.every((m, i) => b[off + i] === m)) return name;
  }
  return null;
}

const dec = new TextDecoder();

interface Header {
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  bodyLen: number;
  major: number;
  minor: number;
  nameLen: number;
  csum: number;
  hasCsum: boolean;
}

const FIELDS = ["ino", "mode", "uid", "gid", "nlink", "mtime", "filesize", "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check"];

/** Linux: parse_header; the 13 fields are 8 hex digits each */
function parseHeader(b: Uint8Array, at: number): Header {
  if (at + HEADER_LEN > b.length) throw new InitramfsError("truncated archive: incomplete header", at);
  const magic = dec.decode(b.subarray(at, at + 6));
  if (magic === "070707") throw new InitramfsError("incorrect cpio method used: use -H newc option", at);
  if (magic !== "070701" && magic !== "070702") throw new InitramfsError("no cpio magic", at);
  const f: number[] = [];
  for (let i = 0; i < 13; i++) {
    let v = 0;
    for (let j = 0; j < 8; j++) {
      const c = b[at + 6 + i * 8 + j];
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
      if (d < 0) throw new InitramfsError(`malformed archive: header field ${FIELDS[i]} is not hexadecimal`, at + 6 + i * 8 + j);
      v = v * 16 + d;
    }
    f.push(v);
  }
  return {
    ino: f[0], mode: f[1], uid: f[2], gid: f[3], nlink: f[4], mtime: f[5], bodyLen: f[6],
    major: f[7], minor: f[8], nameLen: f[11], csum: f[12], hasCsum: magic === "070702",
  };
}

/** x rounded up to a multiple of 4 (without 32-bit operators: lengths reach 2^32) */
const align4 = (x: number): number => x + ((4 - (x % 4)) % 4);

/**
 * Unpack `archive` into the tree seen from `root` (Linux: unpack_to_rootfs). Names in the
 * archive are paths resolved from root (as the init task's cwd), following symlinks in
 * their directories as Linux's init_mkdir and filp_open do. Throws InitramfsError for an
 * archive Linux would refuse.
 */
export function unpackInitramfs(root: Loc, archive: Uint8Array): UnpackResult {
  const res: UnpackResult = { entries: 0, skipped: [], skippedCount: 0 };
  const skip = (name: string, why: string): void => {
    res.skippedCount++;
    if (res.skipped.length < MAX_SKIPPED) res.skipped.push({ name, why });
  };
  /** Linux's link hash: (major, minor, ino, type) of a file with nlink >= 2 -> its node
   *  (null: the first name could not be created, so later names are not linked either) */
  let links = new Map<string, Node | null>();
  /** directories and their mtimes, set at the end (Linux: dir_add / dir_utime) */
  const dirs: [Node, number][] = [];
  const b = archive;
  let pos = 0;
  while (pos < b.length) {
    // zero padding between entries and between archives (Linux: do_reset)
    if (b[pos] === 0) {
      pos++;
      continue;
    }
    if (pos % 4 !== 0) throw new InitramfsError("broken padding", pos);
    if (b[pos] !== 0x30 /* '0' */) {
      const c = compressionOf(b, pos);
      throw new InitramfsError(c !== null ? `compression method ${c} not configured` : "junk in compressed archive", pos);
    }
    pos = entry(pos);
  }
  for (const [d, mtime] of dirs) d.atime = d.mtime = mtime;
  return res;

  /** the entry whose header is at `at` (Linux: do_header, do_name); returns where the next
   *  one may begin */
  function entry(at: number): number {
    const h = parseHeader(b, at);
    const nameAt = at + HEADER_LEN;
    // Linux: N_ALIGN(name_len); header and name end on a 4-byte boundary
    const bodyAt = align4(nameAt + h.nameLen);
    const end = bodyAt + h.bodyLen;
    if (end > b.length) throw new InitramfsError("truncated archive: entry runs past the end", at);
    // the last entry's padding may be missing (Linux: do_skip eats what is there)
    const next = Math.min(align4(end), b.length);
    // Linux: do_header skips names of 0 or more than PATH_MAX bytes, symlink targets of more
    // than PATH_MAX, and the bodies of everything but regular files and symlinks
    if (h.nameLen === 0 || h.nameLen > PATH_MAX) {
      skip("?", `name of ${h.nameLen} bytes`);
      return next;
    }
    // Linux: do_name and do_symlink refuse a name without its terminating NUL
    if (b[nameAt + h.nameLen - 1] !== 0) throw new InitramfsError("malformed archive: name without nulterm", nameAt);
    const raw = b.subarray(nameAt, nameAt + h.nameLen - 1);
    const nul = raw.indexOf(0);
    // names are bytes; they become node names as guest paths do (UTF-8, as the kernel decodes them)
    const name = bytestr(nul < 0 ? raw : raw.subarray(0, nul));
    const type = h.mode & S_IFMT;
    if (type === S_IFLNK && h.bodyLen > PATH_MAX) {
      skip(name, `symlink target of ${h.bodyLen} bytes`);
      return next;
    }
    if (type !== S_IFREG && type !== S_IFLNK && h.bodyLen !== 0) {
      skip(name, "a body on an entry that is not a file or symlink");
      return next;
    }
    if (name === "TRAILER!!!") {
      // the end of one archive: its hard links are forgotten (Linux: free_hash)
      links = new Map();
      return next;
    }
    const body = b.subarray(bodyAt, end);
    if (h.hasCsum && type === S_IFREG) {
      let sum = 0;
      for (let i = 0; i < body.length; i++) sum = (sum + body[i]) >>> 0;
      if (sum !== h.csum) throw new InitramfsError("bad data checksum", at);
    }
    const why = name.length === 0 ? "empty name" : place(h, name, type, body);
    if (why === null) res.entries++;
    else skip(name, why);
    return next;
  }

  /** create or update the node of one entry (Linux: do_name, do_copy, do_symlink); null when
   *  done, else why not */
  function place(h: Header, name: string, type: number, body: Uint8Array): string | null {
    const mtimeNs = h.mtime * 1e9;
    const owner = (n: Node): void => {
      n.uid = h.uid;
      n.gid = h.gid;
    };
    if (type === S_IFDIR) {
      const lk = cleanPath(name, S_IFDIR);
      if (typeof lk === "string") return lk;
      const d = lk.missing ? lk.parent.node.create(lk.name, S_IFDIR | (h.mode & 0o7777)) : lk.loc.node;
      if (typeof d === "number") return `mkdir: errno ${-d}`;
      if (!d.isDir()) return "not a directory";
      // Linux: init_mkdir, then init_chown and init_chmod even if it existed
      d.mode = S_IFDIR | (h.mode & 0o7777);
      owner(d);
      dirs.push([d, mtimeNs]);
      return null;
    }
    if (type === S_IFLNK) {
      const lk = cleanPath(name, 0);
      if (typeof lk === "string") return lk;
      if (!lk.missing) return "cannot replace a non-empty directory";
      const n = lk.parent.node.create(lk.name, S_IFLNK | 0o777, bytestr(body));
      if (typeof n === "number") return `symlink: errno ${-n}`;
      owner(n);
      n.atime = n.mtime = mtimeNs;
      return null;
    }
    if (type !== S_IFREG) {
      const kinds: Record<number, string> = { 0o020000: "character device", 0o060000: "block device", 0o010000: "FIFO", 0o140000: "socket" };
      const kind = kinds[type];
      return kind ? `${kind} not created (forkscope's /dev is built in)` : `unknown file type 0${type.toString(8)}`;
    }
    // Linux: maybe_link; a later name of a multiply-linked file becomes a hard link to the first
    const key = `${h.major}:${h.minor}:${h.ino}`;
    let file: Node | null = null;
    if (h.nlink >= 2 && links.has(key)) {
      const first = links.get(key)!;
      if (first === null) return "hard link to a file that was not created";
      const lk = cleanPath(name, 0);
      if (typeof lk === "string") return lk;
      if (!lk.missing) return "cannot replace a non-empty directory";
      const r = lk.parent.node.link(lk.name, first);
      if (r < 0) return `link: errno ${-r}`;
      file = first;
    } else {
      if (h.nlink >= 2) links.set(key, null);
      const lk = cleanPath(name, S_IFREG);
      if (typeof lk === "string") return lk;
      if (lk.missing) {
        const n = lk.parent.node.create(lk.name, S_IFREG | (h.mode & 0o7777));
        if (typeof n === "number") return `create: errno ${-n}`;
        file = n;
      } else {
        file = lk.loc.node;
        // O_TRUNC
        if (file.truncate(0) < 0) return "cannot open for writing";
      }
      if (h.nlink >= 2) links.set(key, file);
    }
    file.mode = S_IFREG | (h.mode & 0o7777);
    owner(file);
    if (body.length > 0) {
      // Linux: vfs_truncate to body_len, then the body written from offset 0
      if (file.truncate(0) < 0) return "cannot truncate";
      if (file.writeAt(0, body, 0, body.length) !== body.length) return "write error";
    }
    file.atime = file.mtime = mtimeNs;
    return null;
  }

  /** Linux: clean_path; look the name up without following its last component, and remove
   *  what is there when its type differs from `type` (a directory only if it is empty) */
  function cleanPath(name: string, type: number): Lookup | string {
    const lk = lookup(root, root, name, false);
    if (typeof lk === "number") return lk === -E.ENOENT ? "parent directory missing" : `lookup: errno ${-lk}`;
    if (lk.missing || (lk.loc.node.mode & S_IFMT) === type || lk.name === ".") return lk;
    if (lk.loc.node.isDir() && lk.loc.node.entries().length > 0) return lk;
    if (lk.parent.node.unlink(lk.name) < 0) return lk;
    return cleanPath(name, type);
  }
}
