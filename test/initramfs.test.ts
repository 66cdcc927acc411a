// The initramfs unpacker (src/fs/initramfs.ts) with hand-built cpio newc archives, good and malformed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { unpackInitramfs, InitramfsError, UnpackResult } from "../src/fs/initramfs.js";
import { cpioArchive, cpioEntryBytes, CpioEntry } from "../src/fs/cpio.js";
import { Node, TmpDir, TmpFile, S_IFDIR, S_IFREG, S_IFLNK, S_IFMT } from "../src/fs/node.js";
import { Mount, rootOf } from "../src/fs/mount.js";
import { Kernel } from "../src/system.js";

const enc = new TextEncoder();
const DIR = S_IFDIR;
const REG = S_IFREG;
const LNK = S_IFLNK;

function fresh(): { root: TmpDir; unpack: (a: Uint8Array) => UnpackResult } {
  const root = new TmpDir();
  const loc = rootOf(new Mount({ fstype: "tmpfs", dev: root.dev, ro: false }, root, [], "rootfs", false));
  return { root, unpack: (a) => unpackInitramfs(loc, a) };
}

function at(root: Node, path: string): Node {
  let n: Node | null = root;
  for (const p of path.split("/").filter((x) => x)) {
    n = n!.lookup(p);
    assert.ok(n, `no ${path}`);
  }
  return n!;
}

function text(n: Node): string {
  const b = new Uint8Array(Number(n.size()));
  n.readAt(0, b, 0, b.length);
  return new TextDecoder().decode(b);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const file = (name: string, body: string, mode = 0o644, more: Partial<CpioEntry> = {}): CpioEntry => ({ name, mode: REG | mode, body: enc.encode(body), ...more });

test("directories, files, symlinks, modes, owners and times come out as archived", () => {
  const { root, unpack } = fresh();
  const r = unpack(
    cpioArchive([
      { name: "etc", mode: DIR | 0o755, mtime: 1000 },
      file("etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0o644, { mtime: 2000 }),
      { name: "tmp", mode: DIR | 0o1777 },
      { name: "bin", mode: DIR | 0o755, uid: 5, gid: 6 },
      file("bin/prog", "\x7fELF", 0o4755, { uid: 7, gid: 8 }),
      { name: "bin/sh", mode: LNK | 0o777, body: enc.encode("prog"), mtime: 3000 },
      file("empty", ""),
    ]),
  );
  assert.equal(r.entries, 7);
  assert.equal(r.skippedCount, 0);
  const etc = at(root, "etc");
  assert.equal(etc.mode, DIR | 0o755);
  assert.equal(etc.mtime, 1000e9, "directory times are set after their entries are made");
  const pw = at(root, "etc/passwd");
  assert.equal(pw.mode, REG | 0o644);
  assert.equal(text(pw), "root:x:0:0::/root:/bin/sh\n");
  assert.equal(pw.mtime, 2000e9);
  assert.equal(at(root, "tmp").mode, DIR | 0o1777);
  assert.deepEqual([at(root, "bin").uid, at(root, "bin").gid], [5, 6]);
  const prog = at(root, "bin/prog");
  assert.equal(prog.mode, REG | 0o4755, "set-id bits are kept (Linux: init_chmod)");
  assert.deepEqual([prog.uid, prog.gid], [7, 8]);
  const sh = at(root, "bin/sh");
  assert.equal(sh.mode & S_IFMT, LNK);
  assert.equal(sh.readlink(), "prog");
  assert.equal(sh.mtime, 3000e9);
  assert.equal(at(root, "empty").size(), 0);
});

test("names may start with / or ./, and . sets the root directory's mode", () => {
  const { root, unpack } = fresh();
  unpack(cpioArchive([{ name: ".", mode: DIR | 0o700 }, { name: "./a", mode: DIR | 0o755 }, file("/a/b", "x"), file("a//c", "y")]));
  assert.equal(root.mode, DIR | 0o700);
  assert.equal(text(at(root, "a/b")), "x");
  assert.equal(text(at(root, "a/c")), "y");
});

test("hard links: entries sharing an inode number with nlink >= 2 become one node", () => {
  const { root, unpack } = fresh();
  // GNU cpio writes the data with the last name only
  unpack(
    cpioArchive([
      { name: "a", mode: REG | 0o755, ino: 42, nlink: 3 },
      { name: "b", mode: REG | 0o755, ino: 42, nlink: 3 },
      { name: "c", mode: REG | 0o755, ino: 42, nlink: 3, body: enc.encode("shared") },
      { name: "d", mode: REG | 0o644, ino: 43, nlink: 1, body: enc.encode("own") },
      { name: "e", mode: REG | 0o644, ino: 43, nlink: 1, body: enc.encode("own too") },
    ]),
  );
  const a = at(root, "a");
  assert.equal(a, at(root, "b"));
  assert.equal(a, at(root, "c"));
  assert.equal(a.nlink, 3);
  assert.equal(text(a), "shared");
  assert.notEqual(at(root, "d"), at(root, "e"), "nlink 1: no link even with the same inode number");
});

test("TRAILER!!! ends one archive; the next one's inode numbers are new files; zero padding between archives is skipped", () => {
  const { root, unpack } = fresh();
  const one = cpioArchive([{ name: "x", mode: REG | 0o644, ino: 9, nlink: 2, body: enc.encode("1") }]);
  const two = cpioArchive([{ name: "y", mode: REG | 0o644, ino: 9, nlink: 2, body: enc.encode("2") }]);
  const r = unpack(concat(one, new Uint8Array(512), two));
  assert.equal(r.entries, 2);
  assert.notEqual(at(root, "x"), at(root, "y"));
  assert.equal(text(at(root, "x")), "1");
  assert.equal(text(at(root, "y")), "2");
});

test("a later entry replaces an earlier one: a file is rewritten in place, another type is removed first", () => {
  const { root, unpack } = fresh();
  unpack(cpioArchive([file("f", "long contents"), { name: "l", mode: LNK | 0o777, body: enc.encode("f") }, { name: "d", mode: DIR | 0o755 }]));
  const f = at(root, "f");
  unpack(cpioArchive([file("f", "short", 0o600), file("l", "now a file"), { name: "d", mode: LNK | 0o777, body: enc.encode("/f") }]));
  assert.equal(at(root, "f"), f, "same inode, truncated (O_TRUNC)");
  assert.equal(text(f), "short");
  assert.equal(f.mode, REG | 0o600);
  assert.equal(at(root, "l").mode & S_IFMT, REG);
  assert.equal(at(root, "d").readlink(), "/f", "an empty directory is removed for another type");
});

test("paths go through symlinked directories, as Linux's filp_open does", () => {
  const { root, unpack } = fresh();
  unpack(cpioArchive([{ name: "usr", mode: DIR | 0o755 }, { name: "usr/lib", mode: DIR | 0o755 }, { name: "lib", mode: LNK | 0o777, body: enc.encode("usr/lib") }, file("lib/libc.so", "so")]));
  assert.equal(text(at(root, "usr/lib/libc.so")), "so");
});

test("entries Linux skips are skipped and reported: missing parent, device nodes, FIFOs, bodies on directories", () => {
  const { root, unpack } = fresh();
  const r = unpack(
    cpioArchive([
      file("nodir/f", "x"),
      { name: "null", mode: 0o020000 | 0o666, rmajor: 1, rminor: 3 },
      { name: "fifo", mode: 0o010000 | 0o644 },
      { name: "dirwithbody", mode: DIR | 0o755, body: enc.encode("junk") },
      file("ok", "fine"),
    ]),
  );
  assert.equal(r.entries, 1);
  assert.equal(r.skippedCount, 4);
  assert.deepEqual(
    r.skipped.map((s) => s.name),
    ["nodir/f", "null", "fifo", "dirwithbody"],
  );
  assert.match(r.skipped[0].why, /parent directory missing/);
  assert.match(r.skipped[1].why, /character device/);
  assert.equal(root.lookup("null"), null);
  assert.equal(text(at(root, "ok")), "fine");
});

test("the 070702 format's data checksum is checked", () => {
  const { root, unpack } = fresh();
  unpack(cpioArchive([file("good", "abc", 0o644, { withChecksum: true })]));
  assert.equal(text(at(root, "good")), "abc");
  const bad = cpioArchive([file("bad", "abc", 0o644, { withChecksum: true })]);
  // change one byte of the body: "abc" -> "abd"
  const i = bad.indexOf(0x63 /* c */, 112);
  bad[i] = 0x64;
  assert.throws(() => unpack(bad), (e: unknown) => e instanceof InitramfsError && e.reason === "bad data checksum" && e.offset === 0);
});

test("malformed archives are refused with Linux's message and the offset", () => {
  const good = cpioArchive([file("a", "hello"), file("b", "world")]);
  const second = cpioEntryBytes(file("a", "hello"), 1).length;
  const cases: [string, Uint8Array, RegExp, number][] = [
    ["old binary/odc format", enc.encode("070707" + "0".repeat(200)), /incorrect cpio method used: use -H newc option/, 0],
    ["wrong magic", enc.encode("070799" + "0".repeat(200)), /no cpio magic/, 0],
    ["text", enc.encode("hello world, not an archive"), /junk in compressed archive/, 0],
    ["gzip", new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), /compression method gzip not configured/, 0],
    ["zstd", new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0]), /compression method zstd not configured/, 0],
    ["truncated header", good.subarray(0, 60), /truncated archive/, 0],
    ["truncated body", good.subarray(0, second + 112 + 2), /truncated archive/, second],
  ];
  // a field that is not hexadecimal
  const badHex = good.slice();
  badHex[6 + 8 + 3] = 0x5a; // 'Z' in the mode field
  cases.push(["bad hex digit", badHex, /header field mode is not hexadecimal/, 6 + 8 + 3]);
  // a name whose last byte is not NUL
  const noNul = good.slice();
  noNul[110 + 1] = 0x41; // name "a\0" -> "aA"
  cases.push(["name without NUL", noNul, /malformed archive: name without nulterm/, 110]);
  // zero padding that leaves the next header off a 4-byte boundary
  cases.push(["broken padding", concat(cpioEntryBytes(file("a", "x"), 1), new Uint8Array(3), good), /broken padding/, cpioEntryBytes(file("a", "x"), 1).length + 3]);
  // a body length far beyond the archive: refused before anything is allocated
  const huge = good.slice();
  huge.set(enc.encode("FFFFFFFF"), 6 + 6 * 8);
  cases.push(["huge body", huge, /truncated archive: entry runs past the end/, 0]);
  const hugeName = good.slice();
  hugeName.set(enc.encode("7FFFFFFF"), 6 + 11 * 8);
  cases.push(["huge name", hugeName, /truncated archive/, 0]);
  for (const [what, archive, msg, offset] of cases) {
    const { unpack } = fresh();
    assert.throws(
      () => unpack(archive),
      (e: unknown) => {
        assert.ok(e instanceof InitramfsError, `${what}: ${e}`);
        assert.match(e.message, msg, what);
        assert.equal(e.offset, offset, what);
        return true;
      },
    );
  }
});

test("an empty archive and one with only padding unpack nothing", () => {
  const { root, unpack } = fresh();
  assert.equal(unpack(new Uint8Array(0)).entries, 0);
  assert.equal(unpack(new Uint8Array(16)).entries, 0);
  assert.equal(root.entries().length, 0);
});

test("Kernel's initramfs option unpacks over the boot root filesystem before /proc is mounted", () => {
  const k = new Kernel({
    initramfs: cpioArchive([
      { name: "etc", mode: DIR | 0o755 },
      file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n"),
      { name: "opt", mode: DIR | 0o755 },
      file("opt/tool", "#!/bin/sh\n", 0o755),
    ]),
  });
  const root = k.rootLoc().node;
  assert.match(text(at(root, "etc/passwd")), /alice/);
  assert.equal(at(root, "opt/tool").mode, REG | 0o755);
  assert.ok(at(root, "dev/null"), "the kernel's /dev is still there");
  assert.equal(k.initramfs?.entries, 4);
  assert.ok(at(root, "etc/passwd") instanceof TmpFile);
});
