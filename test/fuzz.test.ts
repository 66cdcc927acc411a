// The fuzzer's own parts: the assembler against GNU as, `li` for any 64-bit value, a few fixed-seed
// cases of each mode in the watched runner, and a reproducer that runs on its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import * as A from "./fuzz/asm.js";
import { Rng } from "./fuzz/rng.js";
import { makeCase } from "./fuzz/main.js";
import { build, allCalls } from "./fuzz/program.js";
import { Pool } from "./fuzz/pool.js";
import { reproducer, listing } from "./fuzz/repro.js";
import { ROOT } from "./lib/run.js";

test("the assembler's encodings match GNU as (riscv64-linux-gnu-as -march=rv64g)", () => {
  const { A0, A1, A2, A5, A7, T0, T1, T2, S1, S2, S3, S4, SP, RA, ZERO } = A;
  const ours = [
    A.addi(A0, A1, -5), A.addiw(T0, T0, 2047), A.slli(S1, S2, 63), A.lui(A7, 0xfffff), A.auipc(T1, 0x12345), A.add(A0, A1, A2),
    A.ld(A0, S1, -8), A.lw(T2, SP, 2044), A.sd(A0, S3, 2040), A.sw(S4, A5, -2048), A.jalr(ZERO, RA, 0), A.beq(A0, ZERO, 8), A.NOP, A.bne(T0, T1, -8),
  ];
  const gnu = [0xffb58513, 0x7ff2829b, 0x03f91493, 0xfffff8b7, 0x12345317, 0x00c58533, 0xff84b503, 0x7fc12383, 0x7ea9bc23, 0x8147a023, 0x00008067,
    0x00050463, 0x00000013, 0xfe629ce3];
  assert.deepEqual(ours.map((w) => w >>> 0), gnu);
  assert.throws(() => A.addi(A0, A1, 2048));
  assert.throws(() => A.beq(A0, A1, 3));
});

test("li loads every 64-bit value exactly (evaluated instruction by instruction)", () => {
  const r = new Rng(42);
  const edge = [0n, 1n, -1n, 2047n, -2048n, 2048n, 0x7ffff800n, 0x7fffffffn, -0x80000000n, 0x80000000n, 0xffffffffn, 1n << 63n, (1n << 63n) - 1n, 0x123456789abcdef0n];
  for (let i = 0; i < 20000; i++) {
    const v = i < edge.length ? BigInt.asIntN(64, edge[i]) : BigInt.asIntN(64, r.u64() >> BigInt(r.below(64)));
    const seq = A.li(A.A0, v);
    assert.equal(A.evalLi(seq), v, `li ${v}`);
    assert.ok(seq.length <= 8);
  }
});

test("fixed-seed fuzz cases of both modes run with no host failure; generation is deterministic", async () => {
  const o = { seed: 7, mode: "mix" as const, calls: 200, units: 400 };
  assert.deepEqual(build(makeCase(o, 3).program), build(makeCase(o, 3).program));
  const pool = new Pool(30_000, 2 * 2 ** 30);
  let syscalls = 0;
  const modes = new Set<string>();
  try {
    for (let i = 0; i < 12; i++) {
      const c = makeCase(o, i);
      modes.add(c.mode);
      const r = await pool.run({ id: i + 1, elf: build(c.program), kernel: c.kernel, limit: 300_000 });
      assert.ok(r.ok, r.ok ? "" : `case ${i}: ${r.fail.kind} ${r.fail.detail}`);
      syscalls += r.out.syscalls;
    }
  } finally {
    pool.close();
  }
  assert.deepEqual([...modes].sort(), ["insn", "sys"]);
  assert.ok(syscalls > 300, `${syscalls} syscalls`);
});

test("a reproducer is a self-contained script: it runs the embedded guest and says whether the host failed", () => {
  const c = makeCase({ seed: 7, mode: "sys", calls: 40, units: 0 }, 1);
  assert.equal(c.program.kind, "sys");
  const lines = listing(c.program.kind === "sys" ? c.program.calls : []);
  assert.equal(lines.filter((l) => /^ *res\[\d+\] = \w+\(/.test(l)).length, allCalls(c.program.kind === "sys" ? c.program.calls : []).length);
  const text = reproducer({ name: "t", fail: { kind: "hang", detail: "test", frames: [], lastNr: -1 }, seed: 7, caseIndex: 1, mode: "sys", kept: 1, total: 1 },
    c.program, { id: 1, elf: build(c.program), kernel: c.kernel, limit: 100_000 }, 2 ** 31, [c.kernel.jit]);
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "forkscope-repro-")), "r.mjs");
  fs.writeFileSync(f, text);
  const r = spawnSync(process.execPath, [f, ROOT], { encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /no host failure/);
  fs.rmSync(path.dirname(f), { recursive: true, force: true });
});
