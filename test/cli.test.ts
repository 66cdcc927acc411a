// The command line: clean one-line errors for bad input, exit statuses, --trace, --mount.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, GUEST_BIN } from "./lib/run.js";
import { tinyElf, li, ecall, catProgram, A0, A7 } from "./lib/asm.js";

const CLI = path.join(ROOT, "dist/forkscope.mjs");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "forkscope-cli-"));

function cli(args: string[], input = "") {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function oneLineError(r: { code: number | null; stderr: string }, pattern: RegExp) {
  assert.equal(r.code, 2);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
  assert.match(lines[0], /^forkscope: /);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

const hello = path.join(GUEST_BIN, "hello");

test("hello world", () => {
  const r = cli(["run", hello]);
  assert.equal(r.stdout, "hello, world\n");
  assert.equal(r.code, 0);
});

test("bad inputs get one clear line and exit status 2", () => {
  const bytes = fs.readFileSync(hello);
  const cases: [string, Uint8Array | string, RegExp][] = [
    ["truncated.elf", bytes.subarray(0, 100), /truncated/],
    ["header-only.elf", bytes.subarray(0, 40), /truncated/],
    ["text.txt", "just some text\n", /not an ELF file/],
    ["empty.bin", "", /not an ELF file/],
    ["script.sh", "#!/bin/sh\necho hi\n", /not an ELF file/],
  ];
  for (const [name, data, re] of cases) {
    const p = path.join(tmp, name);
    fs.writeFileSync(p, data);
    oneLineError(cli(["run", p]), re);
  }
  oneLineError(cli(["run", "/bin/true"]), /not a riscv64 program \(ELF64 x86-64\)/);
  oneLineError(cli(["run", path.join(tmp, "does-not-exist")]), /cannot read .*no such file/);
  oneLineError(cli(["run", tmp]), /is a directory/);
  oneLineError(cli(["run", "--bogus", hello]), /unknown option --bogus/);
  oneLineError(cli(["run", "--mount", "/nonexistent-dir:/data", hello]), /cannot mount/);
});

test("committed bad-ELF fixtures get clean errors", { skip: !fs.existsSync(path.join(ROOT, "test/fixtures")) }, () => {
  const dir = path.join(ROOT, "test/fixtures");
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith(".sh") && f !== "script.sh") continue;
    const r = cli(["run", path.join(dir, f)]);
    oneLineError(r, f.startsWith("dynamic") ? /dynamically linked/ : /./);
  }
});

test("exit status and death by signal", () => {
  const p = path.join(tmp, "exit7");
  fs.writeFileSync(p, tinyElf([li(A0, 7), li(A7, 94), ecall()]));
  assert.equal(cli(["run", p]).code, 7);
  const q = path.join(tmp, "ill");
  fs.writeFileSync(q, tinyElf([0xffffffff | 0]));
  assert.equal(cli(["run", q]).code, 128 + 4);
});

test("--trace decodes arguments, results and errors", () => {
  const r = cli(["run", "--trace", hello]);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /\[pid 3\] readlinkat\(AT_FDCWD, "\/proc\/self\/exe", "\/bin\/hello", 4096\) = 10/);
  assert.match(r.stderr, /\[pid 3\] write\(1, "hello, world\\n", 13\) = 13/);
  assert.match(r.stderr, /\[pid 3\] exit_group\(0\) = \?/);
});

test("--trace=FILE, unknown syscalls show as ENOSYS", () => {
  const p = path.join(tmp, "nosys");
  fs.writeFileSync(p, tinyElf([li(A7, 258), ecall(), li(A7, 94), ecall()]));
  const tf = path.join(tmp, "trace.txt");
  cli(["run", `--trace=${tf}`, p]);
  assert.match(fs.readFileSync(tf, "utf8"), /syscall_258\(.*\) = -1 ENOSYS \(not implemented\)/);
});

test("--mount shows a host directory read-only, and nothing else of the host", () => {
  const data = path.join(tmp, "data");
  fs.mkdirSync(data);
  fs.writeFileSync(path.join(data, "in.txt"), "from the host\n");
  const cat = (name: string, file: string, flags = 0) => {
    const p = path.join(tmp, name);
    fs.writeFileSync(p, catProgram(file, flags));
    return p;
  };
  const r = cli(["run", "--mount", `${data}:/data`, cat("cat1", "/data/in.txt")]);
  assert.equal(r.stdout, "from the host\n");
  assert.equal(r.code, 0);
  // O_WRONLY|O_CREAT on a read-only mount: EROFS (30); the host file is untouched
  const w = cli(["run", "--mount", `${data}:/data`, cat("cat2", "/data/new.txt", 0o101)]);
  assert.equal(w.code, 30);
  assert.equal(fs.existsSync(path.join(data, "new.txt")), false);
  // with :rw the guest may create it
  const rw = cli(["run", "--mount", `${data}:/data:rw`, cat("cat3", "/data/new.txt", 0o101)]);
  assert.equal(rw.code, 0);
  assert.equal(fs.existsSync(path.join(data, "new.txt")), true);
  // the host's own files are not there: ENOENT (2)
  assert.equal(cli(["run", cat("cat4", "/etc/hostname.host")]).code, 2);
  assert.equal(cli(["run", cat("cat5", path.join(data, "in.txt"))]).code, 2);
});

test("the same seed gives the same trace", () => {
  const a = cli(["run", "--trace", "--seed", "5", path.join(GUEST_BIN, "forkcow")]);
  const b = cli(["run", "--trace", "--seed", "5", path.join(GUEST_BIN, "forkcow")]);
  assert.equal(a.code, 0);
  assert.equal(a.stdout, b.stdout);
  assert.equal(a.stderr, b.stderr);
});

test("--stats reports guest and host memory at the guest's stdin read and at exit", () => {
  // bench resident 4: touches 4 MiB (1,024 pages), then reads stdin once
  const r = cli(["run", "--stats", path.join(ROOT, "bench/bin/bench-riscv64"), "resident", "4"]);
  assert.equal(r.code, 0, r.stderr);
  const at = (label: string) => {
    const m = new RegExp(`forkscope: memory at ${label}: (.*)`).exec(r.stderr);
    assert.ok(m, r.stderr);
    return Object.fromEntries([...m[1].matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1], Number(x[2])]));
  };
  const input = at("stdin read"), exit = at("exit");
  assert.ok(input.frames >= 1024 && input.frames < 1200, `frames ${input.frames}`);
  assert.ok(input.array_buffers >= input.frames * 4096, "the frames live in ArrayBuffers");
  assert.equal(exit.frames, 0);
  assert.ok(exit.frames_peak >= input.frames);
});
