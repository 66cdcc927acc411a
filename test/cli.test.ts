// The command line: clean one-line errors for bad input, exit statuses, --trace, --mount.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, GUEST_BIN } from "./lib/run.js";
import { tinyElf, li, ecall, catProgram, la, sub, jal, A0, A1, A2, A7 } from "./lib/asm.js";

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
  ];
  for (const [name, data, re] of cases) {
    const p = path.join(tmp, name);
    fs.writeFileSync(p, data);
    oneLineError(cli(["run", p]), re);
  }
  // an absolute path the guest does not have is a host file: the host's x86-64 /bin/true here
  oneLineError(cli(["run", "--image", "none", "/bin/true"]), /not a riscv64 program \(ELF64 x86-64\)/);
  // a #! script runs with the guest's interpreter, as execve runs it; without one, ENOENT
  fs.writeFileSync(path.join(tmp, "script.sh"), "#!/bin/sh\necho hi $0\n");
  assert.deepEqual(cli(["run", path.join(tmp, "script.sh")]), { code: 0, stdout: "hi /bin/script.sh\n", stderr: "" });
  oneLineError(cli(["run", "--image", "none", path.join(tmp, "script.sh")]), /#! interpreter \/bin\/sh: ENOENT/);
  oneLineError(cli(["run", path.join(tmp, "does-not-exist")]), /cannot read .*no such file/);
  oneLineError(cli(["run", tmp]), /is a directory/);
  oneLineError(cli(["run", "--bogus", hello]), /unknown option --bogus/);
  oneLineError(cli(["run", "--mount", "/nonexistent-dir:/data", hello]), /cannot mount/);
});

test("committed bad-ELF fixtures get clean errors", { skip: !fs.existsSync(path.join(ROOT, "test/fixtures")) }, () => {
  const dir = path.join(ROOT, "test/fixtures");
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith(".sh") && f !== "script.sh") continue;
    const r = cli(["run", "--image", "none", path.join(dir, f)]);
    oneLineError(r, f.startsWith("dynamic") ? /needs its dynamic loader \/lib\/ld-linux-riscv64-lp64d.so.1, which is not in the guest filesystem; (try|give)/ : /./);
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

test("--trace decodes arguments, results and errors as strace -f does", () => {
  const r = cli(["run", "--trace", hello]);
  assert.equal(r.code, 0);
  const lines = r.stderr.split("\n");
  assert.ok(lines.includes('readlinkat(AT_FDCWD, "/proc/self/exe", "/bin/hello", 4096) = 10'), r.stderr);
  assert.ok(lines.includes('write(1, "hello, world\\n", 13)          = 13'), r.stderr);
  assert.ok(lines.includes("ioctl(1, TCGETS, 0x3fffffea80)          = -1 ENOTTY (Inappropriate ioctl for device)"), r.stderr);
  assert.ok(lines.includes("exit_group(0)                           = ?"), r.stderr);
  assert.ok(lines.includes("+++ exited with 0 +++"), r.stderr);
});

test("--trace-filter and --trace-strsize select calls and cut strings as strace's -e trace= and -s", () => {
  const r = cli(["run", "--trace", "--trace-filter", "write,%process", "--trace-strsize", "5", hello]);
  assert.equal(r.code, 0);
  const lines = r.stderr.trim().split("\n");
  assert.deepEqual(lines, ['write(1, "hello"..., 13)                = 13', "exit_group(0)                           = ?", "+++ exited with 0 +++"]);
  const neg = cli(["run", "--trace", "--trace-filter", "!brk,write", hello]);
  assert.ok(!/^(brk|write)\(/m.test(neg.stderr) && /^exit_group\(/m.test(neg.stderr), neg.stderr);
  oneLineError(cli(["run", "--trace-filter", "nosuchcall", hello]), /--trace-filter: unknown syscall 'nosuchcall'/);
});

test("--trace=FILE, unimplemented syscalls show by name as ENOSYS", () => {
  const p = path.join(tmp, "nosys");
  fs.writeFileSync(p, tinyElf([li(A7, 258), ecall(), li(A7, 94), ecall()]));
  const tf = path.join(tmp, "trace.txt");
  cli(["run", `--trace=${tf}`, p]);
  assert.match(fs.readFileSync(tf, "utf8"), /^riscv_hwprobe\(NULL, 0, 0, NULL, 0\) += -1 ENOSYS \(Function not implemented\)$/m);
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
  const prog = path.join(ROOT, "bench/bin/bench-riscv64");
  const r = cli(["run", "--image", "none", "--stats", prog, "resident", "4"]);
  assert.equal(r.code, 0, r.stderr);
  const at = (label: string) => {
    const m = new RegExp(`forkscope: memory at ${label}: (.*)`).exec(r.stderr);
    assert.ok(m, r.stderr);
    return Object.fromEntries([...m[1].matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1], Number(x[2])]));
  };
  const input = at("stdin read"), exit = at("exit");
  // tmpfs pages are frames of the pool too: the program file placed at /bin stays after the exit
  const filePages = Math.ceil(fs.statSync(prog).size / 4096);
  assert.ok(input.frames >= 1024 + filePages && input.frames < 1200 + filePages, `frames ${input.frames}`);
  assert.ok(input.array_buffers >= input.frames * 4096, "the frames live in ArrayBuffers");
  assert.ok(exit.frames >= filePages && exit.frames < filePages + 8, `frames at exit ${exit.frames}`);
  assert.ok(exit.frames_peak >= input.frames);
});

// ---- the command line does what it says (issue 10) and forkscope's own outcomes (issue 14) ----

/** write(1, its own code, 64) forever (`yes`) */
const yesProgram = () => {
  const loop = [li(A0, 1), ...la(A1, 0x10000), li(A2, 64), li(A7, 64), ecall()];
  return tinyElf([...loop, jal(0, -loop.length * 4)]);
};

test("a host reader that goes away gives the guest SIGPIPE, as `yes | head` on Linux", () => {
  const p = path.join(tmp, "yes");
  fs.writeFileSync(p, yesProgram());
  const r = spawnSync("bash", ["-c", `'${process.execPath}' '${CLI}' run '${p}' | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: "utf8", timeout: 60_000 });
  assert.equal(r.stdout.trim(), String(128 + 13));
});

test("stdout on a full device gives the guest ENOSPC", () => {
  // write(1, code, 64), then exit with the result's negation
  const p = path.join(tmp, "full");
  fs.writeFileSync(p, tinyElf([li(A0, 1), ...la(A1, 0x10000), li(A2, 64), li(A7, 64), ecall(), sub(A0, 0, A0), li(A7, 94), ecall()]));
  const r = spawnSync("bash", ["-c", `'${process.execPath}' '${CLI}' run '${p}' >/dev/full`], { encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 28);
});

test("--max-instructions and --timeout stop a run with their own exit statuses", () => {
  const p = path.join(tmp, "spin");
  fs.writeFileSync(p, tinyElf([jal(0, 0)]));
  const a = cli(["run", "--max-instructions", "100000", p]);
  assert.equal(a.code, 125);
  assert.match(a.stderr, /^forkscope: stopped after 100000 instructions \(--max-instructions\)\n$/);
  const b = cli(["run", "--timeout", "0.5", p]);
  assert.equal(b.code, 124);
  assert.match(b.stderr, /--timeout/);
});

test("a deadlock has its own exit status, not a signal's", () => {
  // pause() with no other task: nothing can ever wake it
  const p = path.join(tmp, "pause");
  fs.writeFileSync(p, tinyElf([li(A0, 0), li(A1, 0), li(A2, 0), li(A7, 73), ecall(), li(A0, 0), li(A7, 94), ecall()]));
  const r = cli(["run", p]);
  assert.equal(r.code, 126);
  assert.match(r.stderr, /deadlock/);
  assert.match(cli(["--help"]).stdout, /126 +every task is blocked/);
});

test("option values are checked: one line and exit status 2 for each bad one", () => {
  oneLineError(cli(["run", "--trace=/nonexistent/x", hello]), /cannot write the trace to \/nonexistent\/x: ENOENT/);
  oneLineError(cli(["run", "--memory", "0", hello]), /--memory needs an integer from 4 to 65536/);
  oneLineError(cli(["run", "--user", "99999999999", hello]), /--user needs UID/);
  oneLineError(cli(["run", "--quantum", "0", hello]), /--quantum/);
  oneLineError(cli(["run", "/dev/zero"]), /not a regular file/);
  oneLineError(cli(["run", "--cwd", "/nonexistent", hello]), /working directory \/nonexistent: ENOENT/);
  oneLineError(cli(["run", "--cwd", "relative", hello]), /--cwd needs an absolute guest path/);
  oneLineError(cli(["syscalls", "--bogus"]), /syscalls takes only --markdown/);
});

test("--quantum 1 runs (a slice never splits an lr/sc retry loop forever)", () => {
  const r = cli(["run", "--quantum", "1", hello]);
  assert.equal(r.stdout, "hello, world\n");
  assert.equal(r.code, 0);
});

test("--version and syscalls --help", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  assert.equal(cli(["--version"]).stdout, `forkscope ${pkg.version} (reports Linux 6.12.0-forkscope riscv64)\n`);
  const h = cli(["syscalls", "--help"]);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /^usage: forkscope syscalls/);
});

test("--env replaces a default of the same name (later wins, as env(1))", async () => {
  const { mergeEnv } = await import("../src/host/options.js");
  assert.deepEqual(mergeEnv(["PATH=/bin", "HOME=/", "LANG=C"], ["PATH=/x", "A=1", "A=2", "E="]), ["PATH=/x", "HOME=/", "LANG=C", "A=2", "E="]);
});

test("mounts over /bin and over / keep the program runnable, and --cwd sets its directory", () => {
  const dir = path.join(tmp, "rootdir");
  fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
  fs.writeFileSync(path.join(dir, "in.txt"), "in the root\n");
  assert.equal(cli(["run", "--mount", `${dir}:/bin`, hello]).stdout, "hello, world\n");
  assert.equal(cli(["run", "--mount", `${dir}:/`, hello]).stdout, "hello, world\n");
  const p = path.join(tmp, "catrel");
  fs.writeFileSync(p, catProgram("in.txt"));
  const r = cli(["run", "--mount", `${dir}:/data`, "--cwd", "/data", p]);
  assert.equal(r.stdout, "in the root\n");
  const q = cli(["run", "--mount", `${dir}:/`, p]);
  assert.equal(q.stdout, "in the root\n");
  // a host path with a colon in it
  const colon = path.join(tmp, "a:b");
  fs.mkdirSync(colon);
  fs.writeFileSync(path.join(colon, "in.txt"), "colon\n");
  assert.equal(cli(["run", "--mount", `${colon}:/c:ro`, "--cwd", "/c", p]).stdout, "colon\n");
});

test("PROGRAM: an absolute path the guest has runs the guest's file through execve; anything else is a host file", () => {
  // the image's shell, with its applets
  assert.deepEqual(cli(["run", "/bin/sh", "-c", "echo hi $0; tar --help 2>&1 | head -1 | cut -c1-7"]), { code: 0, stdout: "hi /bin/sh\nBusyBox\n", stderr: "" });
  // a guest path under a mount is a guest file too; a relative one is the host's
  const dir = path.join(tmp, "prog");
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(hello, path.join(dir, "hi"));
  assert.equal(cli(["run", "--mount", `${dir}:/opt`, "/opt/hi"]).stdout, "hello, world\n");
  assert.equal(spawnSync(process.execPath, [CLI, "run", "hi"], { cwd: dir, encoding: "utf8" }).stdout, "hello, world\n");
  // a name the guest has in /bin but the host's cwd does not: one line saying how to run it
  const sh = spawnSync(process.execPath, [CLI, "run", "sh"], { cwd: dir, encoding: "utf8" });
  oneLineError({ code: sh.status, stderr: sh.stderr }, /cannot read sh: no such file \(the guest's \/bin\/sh is run as 'forkscope run \/bin\/sh'\)/);
  oneLineError(cli(["run", "/tmp"]), /\/tmp: is a directory in the guest/);
  oneLineError(cli(["run", "/etc/passwd"]), /\/etc\/passwd: no execute permission/);
  // system(), popen() and posix_spawn() of /bin/sh from a static program, with no options
  const r = cli(["run", path.join(GUEST_BIN, "shell")]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, fs.readFileSync(path.join(ROOT, "test/expected/shell.stdout"), "utf8"));
});

const SYSROOT = "/usr/riscv64-linux-gnu";
const noSysroot = fs.existsSync(path.join(SYSROOT, "lib/ld-linux-riscv64-lp64d.so.1")) ? false : `no ${SYSROOT}`;

test("--sysroot runs dynamically linked programs; without it, one line naming the loader", { skip: noSysroot }, () => {
  const dyn = path.join(GUEST_BIN, "hello-dyn");
  assert.deepEqual(cli(["run", "--sysroot", SYSROOT, dyn]), { code: 0, stdout: "hello, world\n", stderr: "" });
  const list = cli(["run", `--sysroot=${SYSROOT}`, "--mount", `${GUEST_BIN}:/g`, "/lib/ld-linux-riscv64-lp64d.so.1", "--list", "/g/hello-dyn"]);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /^\tlibc\.so\.6 => \/lib\/libc\.so\.6 \(0x/);
  oneLineError(cli(["run", dyn]), /hello-dyn: needs its dynamic loader \/lib\/ld-linux-riscv64-lp64d\.so\.1, which is not in the guest filesystem; try --sysroot \/usr\/riscv64-linux-gnu$/);
  oneLineError(cli(["run", "--sysroot", path.join(tmp, "nonexistent"), dyn]), /--sysroot .*: no such directory/);
  oneLineError(cli(["run", "--sysroot", tmp, dyn]), /--sysroot .*: holds none of lib, lib64, usr\/lib, usr\/lib64/);
});

test("the README's demo (scripts/demo.sh) runs to its end: hello's trace, forkcow's output and tree", () => {
  const r = spawnSync("bash", [path.join(ROOT, "scripts/demo.sh")], { encoding: "utf8", timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^== forkscope run --trace guest\/bin\/hello$/m);
  assert.match(r.stdout, /^hello, world$/m);
  assert.match(r.stdout, /^ {3}└─ 3 forkcow \(spawn\) exited 0;/m);
  assert.match(r.stdout, /^frames: \d+ allocated, \d+ copied on write/m);
});
