// The built-in root filesystem image (dist/rootfs.cpio from scripts/build-image.mjs): what it
// holds, busybox running from it, and the CLI's --image option.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, runGuest } from "./lib/run.js";
import { Kernel } from "../src/system.js";
import { lookup } from "../src/fs/path.js";
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from "../src/fs/node.js";

const IMAGE = path.join(ROOT, "dist/rootfs.cpio");
const BUSYBOX = path.join(ROOT, "guest/busybox/busybox");
const CLI = path.join(ROOT, "dist/forkscope.mjs");
const image = new Uint8Array(fs.readFileSync(IMAGE));
const links = fs.readFileSync(path.join(ROOT, "guest/busybox/busybox.links"), "utf8").trim().split("\n");

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("the image unpacks completely: /bin/busybox, a symlink for every applet, /etc, /tmp, /root", () => {
  const k = new Kernel({ initramfs: image });
  assert.equal(k.initramfs!.skippedCount, 0, JSON.stringify(k.initramfs!.skipped));
  const root = k.rootLoc();
  const get = (p: string, follow = false) => {
    const lk = lookup(root, root, p, follow);
    assert.ok(typeof lk !== "number" && !lk.missing, `${p} is missing`);
    return lk.loc.node;
  };
  const bb = get("/bin/busybox");
  assert.equal(bb.mode, S_IFREG | 0o755);
  assert.equal(bb.size(), fs.statSync(BUSYBOX).size);
  assert.ok(links.includes("/bin/sh"));
  for (const l of links) {
    assert.equal(get(l).mode & S_IFMT, S_IFLNK, l);
    assert.equal(get(l, true), bb, `${l} leads to /bin/busybox`);
  }
  for (const f of ["passwd", "group", "hosts", "nsswitch.conf", "hostname", "profile", "shells"]) assert.equal(get("/etc/" + f).mode & S_IFMT, S_IFREG, f);
  assert.equal(get("/tmp").mode, S_IFDIR | 0o1777);
  assert.equal(get("/root").mode, S_IFDIR | 0o700);
  assert.equal(get("/etc/shadow").mode, S_IFREG | 0o640);
  assert.ok(get("/dev/null"), "the kernel's devices stay");
});

test("busybox --list-full, run by forkscope, names exactly the applet links of the image", () => {
  const r = runGuest(BUSYBOX, ["--list-full"], { initramfs: image });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split("\n").map((p) => "/" + p).sort(), [...links].sort());
});

test("the image's shell runs applets found through PATH", () => {
  const r = runGuest(BUSYBOX, ["sh", "-c", 'echo hi | cat; readlink /bin/sh; id -un; grep -c "^root:" /etc/passwd; cd /tmp && echo x > f && ls'], { initramfs: image });
  assert.equal(r.stderr, "");
  assert.equal(r.stdout, "hi\nbusybox\nroot\n1\nf\n");
  assert.equal(r.code, 0);
});

test("the image builder is deterministic: a second build gives the same bytes", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "forkscope-image-"));
  const out = path.join(tmp, "again.cpio");
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts/build-image.mjs"), "--out", out, "--quiet"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Buffer.from(image).equals(fs.readFileSync(out)));
  fs.rmSync(tmp, { recursive: true });
});

test("--image default|none|FILE, and a clear line for a bad image", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "forkscope-image-"));
  const script = ["sh", "-c", "test -e /etc/profile && echo image || echo none"];
  assert.equal(cli(["run", "--image", "default", BUSYBOX, ...script]).stdout, "image\n");
  assert.equal(cli(["run", "--image", "none", BUSYBOX, ...script]).stdout, "none\n");
  assert.equal(cli(["run", `--image=${IMAGE}`, BUSYBOX, ...script]).stdout, "image\n");
  const bad = path.join(tmp, "bad.cpio");
  fs.writeFileSync(bad, "070701" + "Z".repeat(104));
  const cases: [string[], RegExp][] = [
    [["--image", bad], /^forkscope: cannot unpack image .*bad\.cpio: malformed archive: header field ino is not hexadecimal \(at byte 6\)$/],
    [["--image", path.join(tmp, "missing.cpio")], /^forkscope: --image .*missing\.cpio: no such file$/],
    [["--image", tmp], /^forkscope: --image .*: not a regular file$/],
  ];
  for (const [opts, msg] of cases) {
    const r = cli(["run", ...opts, BUSYBOX, "true"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr.trimEnd(), msg);
    assert.equal(r.stderr.trimEnd().split("\n").length, 1);
  }
  fs.rmSync(tmp, { recursive: true });
});
