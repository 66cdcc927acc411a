// The translation of hot guest code to JavaScript (src/cpu/jit.ts) must be invisible: the same
// output, exit status, syscall trace and instruction count as the interpreter, under any
// schedule, and no stale code after the guest rewrites itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Kernel } from "../src/system.js";
import { runGuest, ROOT } from "./lib/run.js";
import { regionSource, instantiate, JitHost } from "../src/cpu/jit.js";
import { newCodePage, decodeInto } from "../src/cpu/decode.js";
import { Regs } from "../src/cpu/regs.js";
import { tinyElf, li, addi, ecall, la, sw, blt, slli, or, jal as jalEnc, FENCE_I, CODE_BASE, A0, A1, A2, A3, A7, S0 } from "./lib/asm.js";

const T0 = 5;

for (const [bin, args] of [["insntest", []], ["forkcow", []], ["files", []], ["crc32", ["64", "4"]]] as const) {
  test(`${bin}: translating every block at once, at the default threshold and never give the same run`, () => {
    const runs = [0, 1, 16, 20000].map((jit) => runGuest(bin, [...args], { jit, quantum: 997, seed: 3 }));
    const [plain, ...jitted] = runs;
    for (const r of jitted) {
      assert.equal(r.stdout, plain.stdout);
      assert.equal(r.status, plain.status);
      assert.deepEqual(r.trace, plain.trace);
      assert.equal(r.kernel.totalInstructions, plain.kernel.totalInstructions);
    }
    assert.equal(plain.kernel.hart.jitStats.regions, 0);
    assert.ok(runs[1].kernel.hart.jitStats.regions > 0);
  });
}

test("hot loops run translated", () => {
  const r = runGuest("crc32", ["64", "4"]);
  const j = r.kernel.hart.jitStats;
  assert.ok(j.executed > 0.9 * r.kernel.totalInstructions, `${j.executed} of ${r.kernel.totalInstructions} translated`);
});

test("an instruction rewritten inside a translated loop takes effect on the next iteration", () => {
  // a0 += 1 on the first pass, then the add is patched to a0 += s0 each pass: 1 + (1 + ... + 99)
  const target = CODE_BASE + 8;
  const code = [
    li(S0, 0),
    li(A0, 0),
    addi(A0, A0, 1), // patched
    addi(S0, S0, 1),
    ...la(A1, target),
    slli(A2, S0, 20),
    ...la(A3, addi(A0, A0, 0)),
    or(A2, A2, A3),
    sw(A2, A1, 0),
    FENCE_I,
    li(T0, 100),
    blt(S0, T0, -44),
    li(A7, 94),
    ecall(),
  ];
  for (const jit of [0, 1, 2]) {
    const k = new Kernel({ jit });
    k.spawn(tinyElf(code, 7), ["/bin/t"], []);
    assert.deepEqual(k.run(1e6), { state: "exited", status: (4951 & 0xff) << 8 }, `jit ${jit}`);
  }
});

test("a quantum ends at the same instruction with and without translation", () => {
  sameQuantumEnds("js");
});

test("a host that forbids generating code (no eval) runs everything interpreted", () => {
  // a loop no other test runs, so no translation of it is cached in this process
  const code = [li(S0, 0), li(T0, 777), addi(S0, S0, 3), addi(A0, S0, -1), blt(S0, T0, -8), li(A7, 94), ecall()];
  const saved = globalThis.Function;
  // what a Content-Security-Policy without 'unsafe-eval' does to new Function
  globalThis.Function = function () {
    throw new EvalError("Code generation from strings disallowed for this context");
  } as unknown as FunctionConstructor;
  try {
    const k = new Kernel({ jit: 1 });
    k.spawn(tinyElf(code), ["/bin/t"], []);
    assert.deepEqual(k.run(1e6), { state: "exited", status: ((777 - 1) & 0xff) << 8 });
    assert.equal(k.hart.jitStats.executed, 0);
    assert.equal(k.hart.jitThreshold, 0);
  } finally {
    globalThis.Function = saved;
  }
});

test("a jump in a page's last word links to the next 4 GiB when the page ends one", () => {
  // jal ra, +8 at offset 4092 of the page 0xfffff000: ra = 0x1_0000_0000
  const code = newCodePage();
  const jal = jalEnc(1, 8);
  const decode = (off: number) => decodeInto(code, off >> 1, jal & 0xffff, jal >>> 16);
  const region = regionSource(code, 4092, decode);
  assert.ok(region !== null);
  const fn = instantiate(region.src, region.starts);
  const host = { jn: 0, jpc: 0 } as unknown as JitHost;
  const r = new Regs();
  const base = 0xfffff000;
  fn(host, r.x, r.f, base, 4092, 100, r);
  assert.equal(r.x[2], 0);
  assert.equal(r.x[3], 1);
  assert.equal(host.jpc, base + 4092 + 8);
  assert.equal(host.jn, 99);
});

// the conformance programs (threads, signals, fork, exec, faults) translated on first arrival
// against interpreted, with a schedule that switches tasks every few dozen instructions: every
// sixth test, to keep the time down
const CONFORM = path.join(ROOT, "conformance/bin/conform-riscv64");
const conformTests = fs.existsSync(path.join(ROOT, "conformance/expected"))
  ? fs.readdirSync(path.join(ROOT, "conformance/expected")).filter((f) => f.endsWith(".out")).sort().map((f) => f.replace(/\.out$/, ""))
  : [];
test("conformance programs translated on first arrival run as interpreted: output, trace, instruction count", () => {
  assert.ok(conformTests.length >= 50);
  let translated = 0;
  for (const name of conformTests.filter((_, i) => i % 6 === 0)) {
    const [plain, jit] = [0, 1].map((j) => runGuest(CONFORM, [name], { jit: j, seed: 7, quantum: 37 }));
    assert.equal(jit.stdout, plain.stdout, name);
    assert.equal(jit.status, plain.status, name);
    // mount ids count mounts of every kernel in this process, so the second run's differ
    const ids = (t: string[]) => t.map((l) => l.replace(/"\d+ \d+ /, '"N N '));
    assert.deepEqual(ids(jit.trace), ids(plain.trace), name);
    assert.equal(jit.kernel.totalInstructions, plain.kernel.totalInstructions, name);
    translated += jit.kernel.hart.jitStats.executed;
  }
  assert.ok(translated > 0);
});

// ---- the WebAssembly backend (src/cpu/wasm-jit.ts): the same exactness, from the same regions ----

for (const [bin, args] of [["insntest", []], ["forkcow", []], ["files", []], ["crc32", ["64", "4"]]] as const) {
  test(`${bin}: translated to wasm on first arrival, after 16 and at the default threshold gives the interpreter's run`, () => {
    const plain = runGuest(bin, [...args], { jit: 0, quantum: 997, seed: 3 });
    for (const jit of [1, 16, 20000]) {
      const r = runGuest(bin, [...args], { jit, jitBackend: "wasm", quantum: 997, seed: 3 });
      assert.equal(r.stdout, plain.stdout, `jit ${jit}`);
      assert.equal(r.status, plain.status, `jit ${jit}`);
      assert.deepEqual(r.trace, plain.trace, `jit ${jit}`);
      assert.equal(r.kernel.totalInstructions, plain.kernel.totalInstructions, `jit ${jit}`);
      if (jit === 1) assert.ok(r.kernel.hart.jitStats.wasm > 0, "no region was translated to wasm");
    }
  });
}

test("wasm: hot loops run translated to wasm, and an instruction rewritten inside one takes effect", () => {
  const r = runGuest("crc32", ["64", "4"], { jitBackend: "wasm" });
  const j = r.kernel.hart.jitStats;
  assert.ok(j.wasm > 0 && j.executed > 0.9 * r.kernel.totalInstructions, `${j.executed} of ${r.kernel.totalInstructions} translated, ${j.wasm} wasm regions`);
  // the self-modifying loop of the test above, translated to wasm
  const target = CODE_BASE + 8;
  const code = [li(S0, 0), li(A0, 0), addi(A0, A0, 1), addi(S0, S0, 1), ...la(A1, target), slli(A2, S0, 20), ...la(A3, addi(A0, A0, 0)), or(A2, A2, A3), sw(A2, A1, 0), FENCE_I, li(T0, 100), blt(S0, T0, -44), li(A7, 94), ecall()];
  for (const jit of [1, 2]) {
    const k = new Kernel({ jit, jitBackend: "wasm" });
    k.spawn(tinyElf(code, 7), ["/bin/t"], []);
    assert.deepEqual(k.run(1e6), { state: "exited", status: (4951 & 0xff) << 8 }, `jit ${jit}`);
    // at 2 the rewritten page never gets hot again: nothing is translated, the run is still right
    if (jit === 1) assert.ok(k.hart.jitStats.wasm > 0);
  }
});

test("wasm: a quantum ends at the same instruction as interpreted", () => {
  sameQuantumEnds("wasm");
});

test("wasm: conformance programs translated on first arrival run as interpreted: output, trace, instruction count", () => {
  let wasm = 0;
  // another sixth of the suite than the JS test's, without the tests that print mount ids (they
  // count every kernel's mounts in the process, so a second run's differ in length)
  for (const name of conformTests.filter((n, i) => i % 6 === 3 && !/mnt|mount/.test(n))) {
    const [plain, jit] = [0, 1].map((j) => runGuest(CONFORM, [name], { jit: j, jitBackend: "wasm", seed: 7, quantum: 37 }));
    assert.equal(jit.stdout, plain.stdout, name);
    assert.equal(jit.status, plain.status, name);
    const ids = (t: string[]) => t.map((l) => l.replace(/"\d+ \d+ /, '"N N '));
    assert.deepEqual(ids(jit.trace), ids(plain.trace), name);
    assert.equal(jit.kernel.totalInstructions, plain.kernel.totalInstructions, name);
    wasm += jit.kernel.hart.jitStats.wasm;
  }
  assert.ok(wasm > 0);
});

test("wasm: a host that refuses to compile wasm gets JS regions, and with no eval either, the interpreter", () => {
  const code = [li(S0, 0), li(T0, 555), addi(S0, S0, 5), addi(A0, S0, -2), blt(S0, T0, -8), li(A7, 94), ecall()];
  const savedModule = WebAssembly.Module;
  const savedFunction = globalThis.Function;
  // what a Content-Security-Policy without 'wasm-unsafe-eval' does to WebAssembly.Module
  WebAssembly.Module = function () {
    throw new Error("WebAssembly.Module(): Wasm code generation disallowed by embedder");
  } as unknown as typeof WebAssembly.Module;
  try {
    const k = new Kernel({ jit: 1, jitBackend: "wasm" });
    k.spawn(tinyElf(code), ["/bin/t"], []);
    assert.deepEqual(k.run(1e6), { state: "exited", status: ((555 - 2) & 0xff) << 8 });
    assert.equal(k.hart.jitStats.wasm, 0);
    assert.ok(k.hart.jitStats.executed > 0);
    assert.equal(k.hart.jitBackend, "js");
    globalThis.Function = function () {
      throw new EvalError("Code generation from strings disallowed for this context");
    } as unknown as FunctionConstructor;
    const k2 = new Kernel({ jit: 1, jitBackend: "wasm" });
    k2.spawn(tinyElf([li(S0, 0), li(T0, 333), addi(S0, S0, 3), addi(A0, S0, -1), blt(S0, T0, -8), li(A7, 94), ecall()]), ["/bin/t"], []);
    assert.deepEqual(k2.run(1e6), { state: "exited", status: ((333 - 1) & 0xff) << 8 });
    assert.equal(k2.hart.jitStats.executed, 0);
  } finally {
    WebAssembly.Module = savedModule;
    globalThis.Function = savedFunction;
  }
});

/** count to 1e6 in a two-block loop, pausing at odd instruction limits: interpreted and
 *  translated with `backend`, the run stops at the same instruction counts */
function sameQuantumEnds(backend: "js" | "wasm"): void {
  const code = [li(S0, 0), li(T0, 1000), slli(T0, T0, 10), addi(S0, S0, 1), addi(A0, S0, 0), blt(S0, T0, -8), li(A7, 94), ecall()];
  const seen: number[][] = [];
  for (const jit of [0, 1]) {
    const k = new Kernel({ jit, jitBackend: backend });
    k.spawn(tinyElf(code), ["/bin/t"], []);
    const counts: number[] = [];
    for (const limit of [1, 2, 3, 5, 7, 11, 1001, 99999]) {
      assert.deepEqual(k.run(limit), { state: "limit" });
      counts.push(k.totalInstructions);
    }
    assert.deepEqual(k.run(1e8), { state: "exited", status: ((1000 << 10) & 0xff) << 8 });
    counts.push(k.totalInstructions);
    seen.push(counts);
  }
  assert.deepEqual(seen[1], seen[0]);
}
