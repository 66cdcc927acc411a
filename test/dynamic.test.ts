// Dynamically linked and static-pie programs (kernel/binfmt_elf.ts): the guest programs' -dyn
// builds print what their static builds print under qemu-riscv64 (test/expected), a subset of
// the conformance suite's dynamic build matches the native kernel (all of it:
// scripts/conformance-dyn.sh), PT_INTERP errors are Linux's errnos, the PIE base is seeded.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runGuest, ROOT, GUEST_BIN, NO_SYSROOT, SYSROOT, image } from "./lib/run.js";
import { Kernel } from "../src/system.js";
import { LoadError } from "../src/kernel/kernel.js";
import { hostMount } from "../src/host/hostfs.js";
import { ELF_ET_DYN_BASE } from "../src/kernel/binfmt_elf.js";
import * as E from "../src/base/errno.js";

const EXPECTED = path.join(ROOT, "test/expected");
const LD = "/lib/ld-linux-riscv64-lp64d.so.1";
const cases = fs.readdirSync(EXPECTED).filter((f) => f.endsWith(".stdout")).map((f) => f.replace(/\.stdout$/, "")).sort();

for (const base of cases) {
  const [name, ...args] = base.split("-");
  if (!fs.existsSync(path.join(GUEST_BIN, name + "-dyn"))) continue;
  test(`${name}-dyn (dynamically linked) prints what the static ${base} printed under qemu`, { skip: NO_SYSROOT }, () => {
    const r = runGuest(path.join(GUEST_BIN, name + "-dyn"), args, { initramfs: image(), sysroot: true, guestPath: "/bin/" + name });
    assert.equal(r.stdout, fs.readFileSync(path.join(EXPECTED, base + ".stdout"), "utf8"));
    assert.equal(r.code, Number(fs.readFileSync(path.join(EXPECTED, base + ".status"), "utf8")));
  });
}

test("every guest program has a committed dynamically linked build", () => {
  for (const f of fs.readdirSync(path.join(ROOT, "guest/src"))) {
    const name = f.replace(/\.c$/, "");
    if (name === "spie") continue; // static-pie, no C library
    const b = fs.readFileSync(path.join(GUEST_BIN, name + "-dyn"));
    assert.ok(b.includes(Buffer.from(LD + "\0")), `${name}-dyn names ${LD}`);
  }
});

/** a kernel with the image and, when asked, the sysroot at /lib */
function kernel(sysroot: boolean, opts: { seed?: number } = {}): { k: Kernel; out: () => string; err: () => string; trace: string[] } {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const trace: string[] = [];
  const k = new Kernel({ ...opts, initramfs: image(), output: { write: (s, d) => (s === 1 ? out : err).push(d) }, trace: (l) => trace.push(l) });
  if (sysroot) {
    const lib = hostMount(path.join(SYSROOT, "lib"), true);
    assert.equal(typeof lib, "object", String(lib));
    k.mount("/lib", lib as Exclude<typeof lib, string>, "hostfs", path.join(SYSROOT, "lib"), true);
  }
  return { k, out: () => Buffer.concat(out).toString(), err: () => Buffer.concat(err).toString(), trace };
}

function runToExit(k: Kernel): number {
  for (let i = 0; i < 100; i++) {
    const r = k.run();
    if (r.state === "exited") return r.status;
    if (r.state === "input") k.pushInput(null);
    else throw new Error(r.state);
  }
  throw new Error("no exit");
}

const helloDyn = () => new Uint8Array(fs.readFileSync(path.join(GUEST_BIN, "hello-dyn")));

test("a missing dynamic loader: ENOENT from execve, in the guest and for the first program", () => {
  const { k } = kernel(false);
  assert.throws(() => k.spawn(helloDyn(), ["/bin/hello"], []), (e: unknown) =>
    e instanceof LoadError && e.errno === E.ENOENT && e.message === `needs its dynamic loader ${LD}, which is not in the guest filesystem`);
  // a static shell's execve of it fails with ENOENT ("not found"), as on Linux
  const g = kernel(false);
  g.k.addFile("/bin/hello-dyn", helloDyn());
  g.k.spawn(null, ["/bin/sh", "-c", "/bin/hello-dyn; echo status $?"], []);
  assert.equal(runToExit(g.k), 0);
  assert.equal(g.out(), "status 127\n");
  assert.ok(g.trace.some((l) => /execve\("\/bin\/hello-dyn", .*\) = -1 ENOENT/.test(l)), g.trace.join("\n"));
});

test("a static program's execve of a dynamically linked one works", { skip: NO_SYSROOT }, () => {
  const { k, out } = kernel(true);
  k.addFile("/bin/hello-dyn", helloDyn());
  k.spawn(null, ["/bin/sh", "-c", "hello-dyn && /bin/hello-dyn | tr a-z A-Z"], []);
  assert.equal(runToExit(k), 0);
  assert.equal(out(), "hello, world\nHELLO, WORLD\n");
});

/** hello-dyn with its PT_INTERP program header (offset, size) or string changed */
function patched(change: { offset?: number; filesz?: number; name?: string; unterminated?: boolean }): Uint8Array {
  const b = helloDyn();
  const dv = new DataView(b.buffer);
  const phoff = Number(dv.getBigUint64(32, true));
  const phnum = dv.getUint16(56, true);
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * 56;
    if (dv.getUint32(o, true) !== 3) continue;
    const at = Number(dv.getBigUint64(o + 8, true));
    const size = Number(dv.getBigUint64(o + 32, true));
    if (change.name !== undefined) {
      const s = Buffer.from(change.name, "latin1");
      assert.ok(s.length < size);
      b.fill(0, at, at + size);
      b.set(s, at);
    }
    if (change.unterminated) b[at + size - 1] = 0x41;
    if (change.offset !== undefined) dv.setBigUint64(o + 8, BigInt(change.offset), true);
    if (change.filesz !== undefined) dv.setBigUint64(o + 32, BigInt(change.filesz), true);
    return b;
  }
  throw new Error("no PT_INTERP");
}

test("malformed PT_INTERP and bad interpreters: Linux's errnos, a printable reason, no host exception", () => {
  const cases: [string, Uint8Array, number, RegExp][] = [
    ["one byte", patched({ filesz: 1 }), E.ENOEXEC, /PT_INTERP of 1 bytes/],
    ["longer than PATH_MAX", patched({ filesz: 4097 }), E.ENOEXEC, /PT_INTERP of 4097 bytes/],
    ["huge", patched({ filesz: 2 ** 52 }), E.ENOEXEC, /PT_INTERP of/],
    ["not NUL-terminated", patched({ unterminated: true }), E.ENOEXEC, /not NUL-terminated/],
    ["past the end of the file", patched({ offset: 1 << 30 }), E.EIO, /past the end/],
    ["control characters", patched({ name: "/lib/\x1b[31mevil\n" }), E.ENOENT, /needs its dynamic loader \/lib\/\\x1b\[31mevil\\x0a,/],
    ["not an ELF file", patched({ name: "/etc/passwd" }), E.EACCES, /no execute permission/],
    ["a static program", patched({ name: "/bin/busybox" }), 0, /./],
    ["a directory", patched({ name: "/lib" }), E.EACCES, /is a directory/],
    ["a text file with x bits", patched({ name: "/etc/shells-x" }), E.ELIBBAD, /dynamic loader \/etc\/shells-x: not an ELF file/],
  ];
  for (const [what, bytes, errno, re] of cases) {
    const { k } = kernel(false);
    k.addFile("/etc/shells-x", new TextEncoder().encode("#!/bin/sh\nnot an ELF file at all, but long enough for a header..............\n"));
    if (errno === 0) {
      // busybox (a static ET_EXEC) as the interpreter: Linux maps it at its own addresses and
      // jumps to its entry, which finds no applet named x
      k.spawn(bytes, ["/bin/x"], []);
      assert.equal(runToExit(k) >> 8, 127, what);
      continue;
    }
    assert.throws(() => k.spawn(bytes, ["/bin/x"], []), (e: unknown) => {
      assert.ok(e instanceof LoadError, `${what}: ${e}`);
      assert.equal(e.errno, errno, `${what}: ${e.message}`);
      assert.match(e.message, re, what);
      assert.doesNotMatch(e.message, /[\x00-\x1f\x7f-\xff]/, `${what}: printable`);
      return true;
    });
  }
});

test("the dynamic loader run as a program (ET_DYN without PT_INTERP, like static-pie) runs a program", { skip: NO_SYSROOT }, () => {
  const { k, out } = kernel(true);
  k.addFile("/bin/hello-dyn", helloDyn());
  k.spawn(null, [LD, "/bin/hello-dyn"], [], LD);
  assert.equal(runToExit(k), 0);
  assert.equal(out(), "hello, world\n");
  const l = kernel(true);
  l.k.addFile("/bin/hello-dyn", helloDyn());
  l.k.spawn(null, [LD, "--list", "/bin/hello-dyn"], [], LD);
  assert.equal(runToExit(l.k), 0);
  assert.match(l.out(), /^\tlibc\.so\.6 => \/lib\/libc\.so\.6 \(0x[0-9a-f]+\)\n\t\/lib\/ld-linux-riscv64-lp64d\.so\.1 \(0x[0-9a-f]+\)\n$/);
});

test("a PIE goes to ELF_ET_DYN_BASE plus a seeded random page offset; the same seed, the same place", { skip: NO_SYSROOT }, () => {
  // ld.so's first call is brk(NULL): the end of the program's image, so it says where the PIE went
  const firstBrk = (seed: number) => {
    const { k, trace } = kernel(true, { seed });
    k.spawn(helloDyn(), ["/bin/hello"], []);
    assert.equal(runToExit(k), 0);
    const m = trace.map((l) => /brk\(NULL\) += (0x[0-9a-f]+)/.exec(l)).find((x) => x);
    assert.ok(m, trace.join("\n"));
    return Number(m[1]);
  };
  const a = firstBrk(1);
  const b = firstBrk(2);
  assert.equal(firstBrk(1), a);
  assert.notEqual(a, b);
  for (const x of [a, b]) {
    assert.ok(x > ELF_ET_DYN_BASE && x < ELF_ET_DYN_BASE + 2 ** 18 * 4096 + (1 << 20), x.toString(16));
  }
});

test("a file mapped MAP_SHARED read-only and MAP_PRIVATE from a host mount, at a page offset", () => {
  const dir = fs.mkdtempSync(path.join(ROOT, "test/.cache-map-"));
  try {
    const data = new Uint8Array(3 * 4096 + 100);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 12)) & 0xff;
    fs.writeFileSync(path.join(dir, "data"), data);
    const k = kernel(false);
    const m = hostMount(dir, true);
    k.k.mount("/mnt/host", m as Exclude<typeof m, string>, "hostfs", dir, true);
    k.k.spawn(new Uint8Array(fs.readFileSync(path.join(GUEST_BIN, "loader"))), ["/bin/loader", "map", "/mnt/host/data"], []);
    assert.equal(runToExit(k.k), 0);
    let sum = 0;
    for (let i = 4096; i < 3 * 4096; i++) sum = (Math.imul(sum, 31) + data[i]) >>> 0;
    assert.equal(k.out(), [
      `MAP_SHARED read-only at offset 4096: yes, checksum ${sum.toString(16).padStart(8, "0")}`,
      "MAP_PRIVATE at offset 4096: yes",
      "a private write stays private: yes",
      "mprotect(PROT_WRITE) of the read-only shared view: Permission denied",
      "MAP_SHARED|PROT_WRITE of a read-only descriptor: Permission denied",
      "offset not a page multiple: Invalid argument",
      "",
    ].join("\n"));
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

// a subset of the conformance suite, dynamically linked (all of it: scripts/conformance-dyn.sh)
const CONFORM_DYN = path.join(ROOT, "conformance/bin/conform-riscv64-dyn");
const SUBSET = ["exec_argv_envp", "exec_cloexec_fds", "exec_comm", "exec_err_enoexec", "exec_from_thread", "exec_keeps_pid", "exec_script",
  "exec_signal_state", "clone_vfork", "clone_thread_ids", "clone_settls", "futex_robust_thread", "vfork_exec_release", "wait4_exit_status"];
for (const name of SUBSET) {
  const file = path.join(ROOT, "conformance/expected", name + ".out");
  if (!fs.existsSync(file)) continue;
  test(`conformance (dynamically linked): ${name}`, { skip: NO_SYSROOT }, () => {
    const r = runGuest(CONFORM_DYN, [name], { sysroot: true, guestPath: "/bin/conform-riscv64" });
    const sig = r.status & 0x7f;
    assert.equal(r.stdout + (sig ? `signal=${sig}\n` : `exit=${(r.status >> 8) & 0xff}\n`), fs.readFileSync(file, "utf8"));
  });
}

test("the dynamic conformance subset names existing tests", () => {
  const missing = SUBSET.filter((n) => !fs.existsSync(path.join(ROOT, "conformance/expected", n + ".out")));
  assert.deepEqual(missing, []);
});
