#!/usr/bin/env node
// Builds the guest root filesystem image, a cpio "newc" archive as Linux's initramfs takes it
// (forkscope unpacks it with src/fs/initramfs.ts), from:
//   image/rootfs/          text files (0644, or 0755 when executable; directories 0755)
//   image/rootfs.list      directories, symlinks, modes and owners (gen_init_cpio's format)
//   guest/busybox/busybox  as /bin/busybox, with a symlink for each applet of busybox.links
// The output is deterministic: entries sorted by path, owner root unless the list says
// otherwise, every mtime the guest clock's fixed epoch, inode numbers in entry order.
//
//   node scripts/build-image.mjs [--out FILE] [--quiet]     (default dist/rootfs.cpio)
// Needs tsc's output (dist/src), so it runs from `npm run build` after tsc.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { cpioArchive } = await import(pathToFileURL(path.join(ROOT, "dist/src/fs/cpio.js")).href);
const { DEFAULT_EPOCH_NS } = await import(pathToFileURL(path.join(ROOT, "dist/src/kernel/clock.js")).href);

const args = process.argv.slice(2);
const outArg = args.indexOf("--out");
const OUT = outArg >= 0 ? path.resolve(args[outArg + 1]) : path.join(ROOT, "dist/rootfs.cpio");
const quiet = args.includes("--quiet");

const TREE = path.join(ROOT, "image/rootfs");
const LIST = path.join(ROOT, "image/rootfs.list");
const BUSYBOX = path.join(ROOT, "guest/busybox/busybox");
const LINKS = path.join(ROOT, "guest/busybox/busybox.links");
const MTIME = Math.round(Number(DEFAULT_EPOCH_NS) / 1e9);
const S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000;
const enc = new TextEncoder();

function die(msg) {
  console.error(`build-image: ${msg}`);
  process.exit(1);
}

/** name (no leading "/") -> entry */
const entries = new Map();
const put = (name, e) => entries.set(name, { name, uid: 0, gid: 0, mtime: MTIME, ...e });

// 1. the tree of text files
(function walk(dir, rel) {
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const name = rel ? `${rel}/${d.name}` : d.name;
    const p = path.join(dir, d.name);
    if (d.isDirectory()) {
      put(name, { mode: S_IFDIR | 0o755 });
      walk(p, name);
    } else if (d.isFile()) {
      const exec = fs.statSync(p).mode & 0o111;
      put(name, { mode: S_IFREG | (exec ? 0o755 : 0o644), body: fs.readFileSync(p) });
    } else if (d.isSymbolicLink()) {
      put(name, { mode: S_IFLNK | 0o777, body: enc.encode(fs.readlinkSync(p)) });
    } else die(`${p}: not a file, directory or symlink`);
  }
})(TREE, "");

// 2. busybox and its applets
if (!fs.existsSync(BUSYBOX)) die(`${BUSYBOX} is missing (bash guest/busybox/build.sh)`);
put("bin/busybox", { mode: S_IFREG | 0o755, body: fs.readFileSync(BUSYBOX) });
for (const line of fs.readFileSync(LINKS, "utf8").split("\n")) {
  const p = line.trim();
  if (!p) continue;
  if (!p.startsWith("/") || /[\s\0]/.test(p) || p.split("/").includes("..")) die(`busybox.links: bad path '${p}'`);
  const name = p.slice(1);
  // relative, as busybox's `make install` links them: /bin/x -> busybox, /usr/bin/x -> ../../bin/busybox
  const dir = path.posix.dirname(name);
  const target = dir === "bin" ? "busybox" : path.posix.relative(dir, "bin/busybox");
  put(name, { mode: S_IFLNK | 0o777, body: enc.encode(target) });
}

// 3. the list: directories, symlinks, modes and owners
const octal = (s, where) => {
  if (!/^[0-7]{3,4}$/.test(s)) die(`${where}: bad mode '${s}'`);
  return parseInt(s, 8);
};
const id = (s, where) => {
  if (!/^\d+$/.test(s)) die(`${where}: bad uid/gid '${s}'`);
  return Number(s);
};
fs.readFileSync(LIST, "utf8")
  .split("\n")
  .forEach((raw, i) => {
    const where = `image/rootfs.list:${i + 1}`;
    const line = raw.replace(/#.*/, "").trim();
    if (!line) return;
    const f = line.split(/\s+/);
    const name = (f[1] ?? "").replace(/^\/+/, "");
    if (!name || name.split("/").includes("..")) die(`${where}: bad name '${f[1]}'`);
    if (f[0] === "dir" && f.length === 5) put(name, { mode: S_IFDIR | octal(f[2], where), uid: id(f[3], where), gid: id(f[4], where) });
    else if (f[0] === "slink" && f.length === 6) put(name, { mode: S_IFLNK | 0o777, body: enc.encode(f[2]), uid: id(f[4], where), gid: id(f[5], where) });
    else if (f[0] === "file" && f.length === 6) {
      const src = path.join(TREE, f[2]);
      if (!fs.existsSync(src)) die(`${where}: no ${src}`);
      put(name, { mode: S_IFREG | octal(f[3], where), body: fs.readFileSync(src), uid: id(f[4], where), gid: id(f[5], where) });
    } else die(`${where}: expected 'dir NAME MODE UID GID', 'slink NAME TARGET MODE UID GID' or 'file NAME LOCATION MODE UID GID'`);
  });

// every parent directory exists and comes first
for (const name of [...entries.keys()]) {
  const parts = name.split("/");
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join("/");
    const e = entries.get(dir);
    if (!e) die(`${name}: its directory /${dir} is not in image/rootfs or image/rootfs.list`);
    if ((e.mode & 0o170000) !== S_IFDIR) die(`${name}: /${dir} is not a directory`);
  }
}
const sorted = [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
const archive = cpioArchive(sorted);
fs.mkdirSync(path.dirname(OUT), { recursive: true });
const tmp = OUT + ".tmp";
fs.writeFileSync(tmp, archive);
fs.renameSync(tmp, OUT);
if (!quiet) console.log(`build-image: ${path.relative(process.cwd(), OUT)}: ${sorted.length} entries, ${archive.length} bytes`);
