// Writing cpio "newc" archives, the initramfs format (Linux: usr/gen_init_cpio.c writes the
// same layout); the image builder and the tests use it, initramfs.ts reads it.

export interface CpioEntry {
  /** the path inside the archive, without a leading "/" (as gen_init_cpio writes it) */
  name: string;
  /** st_mode: type and permission bits */
  mode: number;
  uid?: number;
  gid?: number;
  /** seconds since the epoch */
  mtime?: number;
  /** an inode number; entries sharing one (with nlink >= 2) are hard links */
  ino?: number;
  nlink?: number;
  /** file data, or a symlink's target */
  body?: Uint8Array;
  /** for device nodes */
  rmajor?: number;
  rminor?: number;
  /** write the "070702" format with this entry's checksum */
  withChecksum?: boolean;
}

const enc = new TextEncoder();

function hex8(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`cpio field out of range: ${n}`);
  return n.toString(16).toUpperCase().padStart(8, "0");
}

/** one header + name + body, padded as newc wants */
export function cpioEntryBytes(e: CpioEntry, ino: number): Uint8Array {
  const name = enc.encode(e.name + "\0");
  const body = e.body ?? new Uint8Array(0);
  let sum = 0;
  if (e.withChecksum) for (const c of body) sum = (sum + c) >>> 0;
  const fields = [ino, e.mode, e.uid ?? 0, e.gid ?? 0, e.nlink ?? ((e.mode & 0o170000) === 0o040000 ? 2 : 1), e.mtime ?? 0, body.length, 0, 0, e.rmajor ?? 0, e.rminor ?? 0, name.length, sum];
  const header = enc.encode((e.withChecksum ? "070702" : "070701") + fields.map(hex8).join(""));
  const nameEnd = header.length + name.length;
  const bodyAt = nameEnd + ((4 - (nameEnd % 4)) % 4);
  const end = bodyAt + body.length;
  const out = new Uint8Array(end + ((4 - (end % 4)) % 4));
  out.set(header, 0);
  out.set(name, header.length);
  out.set(body, bodyAt);
  return out;
}

/** a whole archive: the entries in order, numbered from inode 1 unless they give one, then
 *  the TRAILER!!! entry */
export function cpioArchive(entries: CpioEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let ino = 1;
  for (const e of entries) parts.push(cpioEntryBytes(e, e.ino ?? ino++));
  parts.push(cpioEntryBytes({ name: "TRAILER!!!", mode: 0, nlink: 1 }, 0));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
