// Kernel behaviour through the embedding API, with hand-made programs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Kernel } from "../src/system.js";
import { LoadError } from "../src/kernel/kernel.js";
import { tinyElf, li, ecall, sub, ld, sd, ebreak, exitWithA0, A0, A1, A2, A7, SP, S0, la, bne, jal, sw, beq, blt, FENCE_I, CODE_BASE } from "./lib/asm.js";

function run(code: number[], opts = {}) {
  const trace: string[] = [];
  const events: string[] = [];
  const k = new Kernel({ trace: (l) => trace.push(l), onEvent: (e) => events.push(e.type), ...opts });
  k.spawn(tinyElf(code), ["/bin/t"], []);
  const r = k.run(1e7);
  return { r, trace, events, k };
}

test("an unknown syscall returns -ENOSYS and is traced", () => {
  const { r, trace } = run([li(A7, 500), ecall(), sub(A0, 0, A0), ...exitWithA0()]);
  assert.deepEqual(r, { state: "exited", status: 38 << 8 });
  // strace names a number no kernel assigns syscall_0x1f4 and prints its six arguments in hex
  assert.ok(trace.some((l) => /^syscall_0x1f4\(0, 0, 0, 0, 0, 0\) += -1 ENOSYS \(Function not implemented\)$/.test(l)), trace.join("\n"));
});

test("clone3 checks its size first: EINVAL below version 0, E2BIG above a page", () => {
  assert.deepEqual(run([li(A0, 0), li(A1, 8), li(A7, 435), ecall(), sub(A0, 0, A0), ...exitWithA0()]).r, { state: "exited", status: 22 << 8 });
  assert.deepEqual(run([li(A0, 0), li(A1, 1), 0x00c59593 /* slli a1,a1,12 */, li(A7, 435), 0x00158593 /* addi a1,a1,1 */, ecall(), sub(A0, 0, A0), ...exitWithA0()]).r, { state: "exited", status: 7 << 8 });
});

test("an illegal instruction kills with SIGILL", () => {
  const { r } = run([0xffffffff | 0]);
  assert.deepEqual(r, { state: "exited", status: 4 });
});

test("ebreak kills with SIGTRAP", () => {
  const { r } = run([ebreak()]);
  assert.deepEqual(r, { state: "exited", status: 5 });
});

test("a load from an unmapped address kills with SIGSEGV", () => {
  const { r } = run([ld(A0, 0, 8)]);
  assert.deepEqual(r, { state: "exited", status: 11 });
});

test("a store into the read-only text segment kills with SIGSEGV", () => {
  // sp-relative load of argc works; a store to the code page does not
  const code = [ld(A0, SP, 0), 0, ...exitWithA0()];
  code[1] = sd(A0, 0, 0);
  const { r } = run(code);
  assert.deepEqual(r, { state: "exited", status: 11 });
});

test("argc arrives on the stack and the exit status round-trips", () => {
  const { r } = run([ld(A0, SP, 0), ...exitWithA0()]);
  assert.deepEqual(r, { state: "exited", status: 1 << 8 });
});

test("the kernel reports task events, and every trace line as a syscall event", () => {
  const { events } = run([li(A0, 3), ...exitWithA0()]);
  // the boot banner's kernel log record, exit_group's line, then its "+++ exited with 3 +++" line
  assert.deepEqual(events, ["log", "task-created", "syscall", "syscall", "task-exited"]);
  const texts: string[] = [];
  const k = new Kernel({ onEvent: (e) => e.type === "syscall" && texts.push(`${e.name ?? "-"}: ${e.text}`) });
  k.spawn(tinyElf([li(A0, 3), ...exitWithA0()]), ["/bin/t"], []);
  k.run(1e7);
  assert.deepEqual(texts, ["exit_group: exit_group(3)                           = ?", "-: +++ exited with 3 +++"]);
});

test("bad ELF input is a LoadError with a one-line reason", () => {
  const k = new Kernel();
  const bad = tinyElf([0]);
  bad[18] = 62; // EM_X86_64
  assert.throws(() => k.spawn(bad, ["x"], []), (e: unknown) => e instanceof LoadError && /not a riscv64 program \(ELF64 x86-64\)/.test((e as Error).message));
  assert.throws(() => k.spawn(new TextEncoder().encode("#!/bin/sh\necho hi\n"), ["x"], []), /#! interpreter \/bin\/sh: ENOENT/);
  assert.throws(() => k.spawn(new TextEncoder().encode("just text\n"), ["x"], []), /not an ELF file/);
  assert.throws(() => k.spawn(tinyElf([0]).subarray(0, 40), ["x"], []), /truncated/);
});

test("instruction limit pauses and resumes", () => {
  // an infinite loop: jal x0, 0
  const k = new Kernel();
  k.spawn(tinyElf([0x6f]), ["/bin/t"], []);
  assert.deepEqual(k.run(5000), { state: "limit" });
  assert.deepEqual(k.run(5000), { state: "limit" });
  // the budget counts the pages exec zeroed and filled as work too (Kernel.totalWork)
  assert.ok(k.totalInstructions + k.totalWork >= 10000 && k.totalInstructions >= 5000, `${k.totalInstructions} + ${k.totalWork}`);
});

test("code rewritten after it ran is not executed stale", () => {
  const code = [
    li(S0, 0),
    li(A0, 1), // the target: rewritten to li a0, 42 after its first run
    bne(S0, 0, 36),
    li(S0, 1),
    ...la(A1, CODE_BASE + 4),
    ...la(A2, li(A0, 42)),
    sw(A2, A1, 0),
    FENCE_I,
    jal(0, -36),
    li(A7, 94),
    ecall(),
  ];
  const k = new Kernel();
  k.spawn(tinyElf(code, 7), ["/bin/t"], []);
  assert.deepEqual(k.run(1e6), { state: "exited", status: 42 << 8 });
});

test("a fork bomb stops at the kernel's task limit with EAGAIN", () => {
  const code = [
    li(A0, 17), li(A1, 0), li(A7, 220), ecall(), // 0..3: fork-shaped clone
    beq(A0, 0, 16), // 4: the child spins at 8
    blt(A0, 0, 8), // 5: error: exit with -errno at 7
    jal(0, -24), // 6: parent: again
    sub(A0, 0, A0), // 7
    li(A7, 94), ecall(), // 8, 9
  ];
  // the child jumps from 4 to 8: li a7,94 / ecall — it exits at once with its a0 (0)
  const k = new Kernel({ maxTasks: 16 });
  k.spawn(tinyElf(code), ["/bin/t"], []);
  assert.deepEqual(k.run(1e7), { state: "exited", status: 11 << 8 });
});
