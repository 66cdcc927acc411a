// --init: the program runs as pid 1, as Linux's kernel_init execs init= (init/main.c). What it
// sees follows Linux's rules for the global init: ids (pid 1, ppid/pgrp/sid 0), orphans
// reparented to it (kernel/exit.c find_new_reaper), kthreadd not its child, SIGNAL_UNKILLABLE
// (kernel/signal.c sig_task_ignored), and its end panicking the kernel (do_exit).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "./lib/run.js";

const CLI = path.join(ROOT, "dist/forkscope.mjs");
const PID1 = path.join(ROOT, "guest/bin/pid1");

function run(args: string[], input = "") {
  const r = spawnSync(process.execPath, [CLI, "run", ...args], { encoding: "utf8", input, timeout: 120_000 });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

const SEEN_AS_INIT = [
  "pid 1 ppid 0 pgrp 0 sid 0",
  "middle reaped: yes, status 0",
  "orphan's parent is now 1",
  "orphan reaped by me: yes, status 7",
  "more children: -1 No child processes",
  "kill(self, SIGKILL) = 0",
  "kill(self, SIGTERM) = 0",
  "handled signal 10",
];

test("--init: pid 1's ids, orphans, wait, unkillable, and the panic at its exit", () => {
  const r = run(["--init", PID1]);
  assert.equal(r.out, SEEN_AS_INIT.join("\n") + "\n");
  assert.equal(r.status, 5);
  // KERN_EMERG reaches the console without --dmesg (do_exit: group_exit_code ?: code)
  assert.equal(r.err.replace(/^\[ *\d+\.\d{6}\] /gm, ""), "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000500\n" +
    "---[ end Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000500 ]---\n");
});

test("--init: a fault kills init (the kernel's signals get through) and the panic gives the signal", () => {
  const r = run(["--init", "--dmesg", PID1, "crash"]);
  assert.equal(r.out, [...SEEN_AS_INIT, "faulting"].join("\n") + "\n");
  assert.equal(r.status, 128 + 11);
  // riscv's show_unhandled_signals prints for global init (unhandled_signal() is true for it)
  assert.match(r.err, /\] pid1\[1\]: unhandled signal 11 code 0x1 at /);
  assert.match(r.err, /\] Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b\n/);
});

test("the same program as an ordinary job: the kernel's init adopts the orphan, SIGKILL kills", () => {
  const r = run([PID1]);
  // the launcher (a kernel task standing for the shell) is its parent and session leader
  assert.match(r.out, /^pid (\d+) ppid (\d+) pgrp \1 sid \2\n/);
  assert.match(r.out, /orphan reaped by me: no/);
  assert.equal(r.status, 128 + 9);
  assert.doesNotMatch(r.err, /panic/);
});

test("--init with a shell: kthreadd is pid 0's child, the tree has two roots, kill -9 1 is ignored", () => {
  const r = run(["--init", "--tree", "/bin/sh", "-c", "kill -9 1; echo alive; cut -d' ' -f1-4 /proc/2/stat; exit 0"]);
  assert.equal(r.status, 0);
  assert.equal(r.out, "alive\n2 (kthreadd) S 0\n");
  assert.match(r.err, /exitcode=0x00000000/);
  // two roots, as pstree 0 would draw them: init with its children, kthreadd with the kernel threads
  assert.match(r.err, /^1 sh \(boot\) exited 0;.*\n└─ \d+ cut /m);
  assert.match(r.err, /^2 \[kthreadd\] \(kernel_thread\) running$/m);
});
