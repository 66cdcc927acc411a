// Host mounts cannot be escaped: guest/bin/escape tries every known way out of a --mount
// (stale directories whose names now hold symlinks out, descriptors kept across rmdir, absolute and
// relative symlinks, ".." past the mount root, hard links, renames out, /proc/self/cwd and root, a
// symlink swapped while another task opens through it) while a canary file sits on the host just
// outside the mounted directory. The answers must be Linux's (the read-write expectations are what
// the native kernel prints for the same program on a real directory, except that a rename to /tmp
// there stays on one filesystem), and the canary must stay unread and unchanged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, GUEST_BIN } from "./lib/run.js";
import { catProgram } from "./lib/asm.js";

const CLI = path.join(ROOT, "dist/forkscope.mjs");
const EXPECTED = path.join(ROOT, "test/expected-mount");

/** a mount directory and, beside it, a canary directory whose file must stay untouched */
function scene() {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), "forkscope-escape-"));
  const m = path.join(top, "m");
  const out = path.join(top, "out");
  fs.mkdirSync(m);
  fs.mkdirSync(out);
  const canary = path.join(out, "canary");
  fs.writeFileSync(canary, "CANARY\n");
  // times far in the past: any read of the file through the host would move atime (relatime
  // updates an atime older than a day)
  const old = new Date(Date.now() - 3 * 86400_000);
  fs.utimesSync(canary, old, old);
  const before = fs.statSync(canary, { bigint: true });
  return {
    top, m, out,
    check() {
      assert.deepEqual(fs.readdirSync(out), ["canary"], "nothing was created beside the canary");
      const after = fs.statSync(canary, { bigint: true });
      assert.equal(after.mtimeNs, before.mtimeNs);
      assert.equal(after.atimeNs, before.atimeNs, "the canary was not read");
      assert.equal(fs.readFileSync(canary, "utf8"), "CANARY\n");
      assert.deepEqual(fs.readdirSync(top).sort(), ["m", "out"], "nothing was created beside the mount");
    },
  };
}

function run(mount: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, "run", "--image", "none", "--mount", mount, path.join(GUEST_BIN, "escape"), ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("a read-write mount cannot be escaped, and files in it behave as inodes", () => {
  const s = scene();
  const r = run(`${s.m}:/m:rw`, "/m", s.out);
  assert.equal(r.stderr, "");
  assert.equal(r.code, 0);
  assert.equal(r.stdout, fs.readFileSync(path.join(EXPECTED, "escape-rw.stdout"), "utf8"));
  s.check();
  // on the host: the hard link is a link (both names, two links), names are bytes
  assert.equal(fs.statSync(path.join(s.m, "x")).nlink, 2);
  assert.equal(fs.statSync(path.join(s.m, "z")).ino, fs.statSync(path.join(s.m, "x")).ino);
  const names = fs.readdirSync(path.join(s.m, "bytes"), { encoding: "buffer" }).map((b) => b.toString("hex")).sort();
  assert.deepEqual(names, ["fe41", "ff41"]);
  // the symlinks the guest made hold exactly what it wrote (the host never followed them)
  assert.equal(fs.readlinkSync(path.join(s.m, "d")), s.out);
});

test("a read-only mount refuses every change with EROFS and cannot be escaped either", () => {
  const s = scene();
  const r = run(`${s.m}:/m`, "/m", s.out);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, fs.readFileSync(path.join(EXPECTED, "escape-ro.stdout"), "utf8"));
  assert.deepEqual(fs.readdirSync(s.m), []);
  s.check();
});

test("tmpfs gives the same answers for removed directories (nothing can be made in them)", () => {
  const s = scene();
  const r = spawnSync(process.execPath, [CLI, "run", path.join(GUEST_BIN, "escape"), "/tmp", s.out], { encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0);
  const want = fs.readFileSync(path.join(EXPECTED, "escape-rw.stdout"), "utf8").split("\n");
  const got = r.stdout.split("\n");
  // /tmp is tmpfs: the rename to /tmp/x stays inside it (as it does natively), and readdir lists
  // in creation order; every other line is the host mount's
  const differs = got.filter((l, i) => l !== want[i]);
  assert.deepEqual(differs.filter((l) => !l.startsWith("entry:")), ["rename x -> /tmp/x (out of the mount): ok"]);
  s.check();
});

test("a single host file can be mounted, read-only or read-write", () => {
  const s = scene();
  const file = path.join(s.m, "f.txt");
  fs.writeFileSync(file, "one file\n");
  const cat = path.join(s.top, "cat");
  fs.writeFileSync(cat, catProgram("/data/f.txt"));
  const r = spawnSync(process.execPath, [CLI, "run", "--mount", `${file}:/data/f.txt`, cat], { encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "one file\n");
  // O_WRONLY|O_TRUNC: EROFS (30) read-only; allowed with :rw
  fs.writeFileSync(cat, catProgram("/data/f.txt", 0o1001));
  const ro = spawnSync(process.execPath, [CLI, "run", "--mount", `${file}:/data/f.txt`, cat], { encoding: "utf8", timeout: 120_000 });
  assert.equal(ro.status, 30);
  assert.equal(fs.readFileSync(file, "utf8"), "one file\n");
  const rw = spawnSync(process.execPath, [CLI, "run", "--mount", `${file}:/data/f.txt:rw`, cat], { encoding: "utf8", timeout: 120_000 });
  assert.equal(rw.status, 0, rw.stderr);
  assert.equal(fs.readFileSync(file, "utf8"), "");
  fs.rmSync(file);
  fs.rmSync(cat);
  s.check();
});
