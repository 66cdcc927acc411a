// --root DIR: a host directory as the guest's /, read-only under an in-memory overlay (src/fs/overlay.ts,
// Linux's overlayfs) or read-write with :rw. busybox in the host directory is the guest's shell;
// the overlay's changes must be seen by the guest and must never reach the host.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "./lib/run.js";

const CLI = path.join(ROOT, "dist/forkscope.mjs");
const BUSYBOX = path.join(ROOT, "guest/busybox/busybox");

/** a small userland: /bin/busybox, /bin/sh -> busybox, /etc/greet, /d/a, /d/sub/b, /f/x */
function userland(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "forkscope-root-"));
  for (const p of ["bin", "etc", "d/sub", "f"]) fs.mkdirSync(path.join(d, p), { recursive: true });
  fs.copyFileSync(BUSYBOX, path.join(d, "bin/busybox"));
  fs.chmodSync(path.join(d, "bin/busybox"), 0o755);
  fs.symlinkSync("busybox", path.join(d, "bin/sh"));
  fs.writeFileSync(path.join(d, "etc/greet"), "hello\n");
  fs.writeFileSync(path.join(d, "d/a"), "A\n");
  fs.writeFileSync(path.join(d, "d/sub/b"), "B\n");
  fs.writeFileSync(path.join(d, "f/x"), "X\n");
  // old times: a write through to the host would move them
  const old = new Date(Date.now() - 3 * 86400_000);
  for (const p of ["etc/greet", "d/a", "d/sub/b", "f/x"]) fs.utimesSync(path.join(d, p), old, old);
  return d;
}

/** every file under dir with its bytes, mode and mtime */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = path.join(rel, name);
      const st = fs.lstatSync(path.join(dir, r), { bigint: true });
      const body = st.isFile() ? fs.readFileSync(path.join(dir, r)).toString("hex") : st.isSymbolicLink() ? fs.readlinkSync(path.join(dir, r)) : "";
      out.set(r, `${st.mode} ${st.mtimeNs} ${st.size} ${body.slice(0, 64)}`);
      if (st.isDirectory()) walk(r);
    }
  };
  walk("");
  return out;
}

function run(args: string[], script: string) {
  const r = spawnSync(process.execPath, [CLI, "run", ...args, "/bin/sh", "-c", script], { encoding: "utf8", timeout: 300_000 });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

test("--root: the overlay shows the host directory, takes writes in memory, never writes the host", () => {
  const d = userland();
  const before = snapshot(d);
  const r = run(["--root", d], [
    "B=/bin/busybox",
    "$B cat /etc/greet",
    "echo more >> /etc/greet; $B cat /etc/greet",
    "echo new > /etc/new; $B ls /etc",
    "$B rm /etc/greet; $B ls /etc; $B cat /etc/greet 2>/dev/null || echo gone",
    "$B rm /f/x; $B ls -a /f",
    "$B mkdir /f/x; $B ls -a /f/x",
    "$B mv /d /e; echo mv=$?; $B ls /; $B cat /e/a /e/sub/b",
    "$B ln /etc/new /etc/new2; $B stat -c %h /etc/new2",
    "$B chmod 700 /e/a; $B stat -c %a /e/a",
    "$B touch -d 2000-01-01 /bin/busybox; $B stat -c %y /bin/busybox | $B cut -c1-10",
    "$B awk '/ \\/ /{print $1, $2, $3}' /proc/mounts",
    "$B ls /dev/null /proc/self/stat /tmp",
  ].join("; "));
  assert.equal(r.status, 0, r.err);
  assert.equal(r.err, "");
  assert.equal(r.out, [
    "hello",
    "hello", "more",
    "greet", "new",
    "new", "gone",
    ".", "..",
    ".", "..",
    "mv=0", "bin", "dev", "e", "etc", "f", "proc", "sys", "tmp", "A", "B",
    "2",
    "700",
    "2000-01-01",
    "overlay / overlay",
    "/dev/null", "/proc/self/stat", "", "/tmp:",
  ].join("\n") + "\n");
  assert.deepEqual(snapshot(d), before, "the host directory is unchanged: bytes, modes and mtimes");
  fs.rmSync(d, { recursive: true });
});

test("--root DIR:rw: writes reach the host directory; --root with --image FILE is refused", () => {
  const d = userland();
  fs.mkdirSync(path.join(d, "proc"));
  const r = run(["--root", d + ":rw"], "echo written > /etc/greet; /bin/busybox mkdir /made; /bin/busybox rm /d/a; /bin/busybox ls /proc/self/stat");
  assert.equal(r.status, 0, r.err);
  assert.equal(r.out, "/proc/self/stat\n");
  assert.equal(fs.readFileSync(path.join(d, "etc/greet"), "utf8"), "written\n");
  assert.ok(fs.statSync(path.join(d, "made")).isDirectory());
  assert.equal(fs.existsSync(path.join(d, "d/a")), false);
  const bad = run(["--root", d, "--image", "default"], "true");
  assert.equal(bad.status, 2);
  assert.match(bad.err, /--root and --image conflict/);
  fs.rmSync(d, { recursive: true });
});

test("--help describes --root", () => {
  const r = spawnSync(process.execPath, [CLI, "--help"], { encoding: "utf8" });
  assert.match(r.stdout, /--root DIR\[:rw\]/);
  assert.match(r.stdout, /no image is\s+unpacked/);
});
