// The malformed-ELF corpus (test/fuzz/elfmut.ts, made from guest/bin/hello): loaded as the first
// program (the CLI's path) each mutant gives a one-line printable error or runs; exec'd by a guest
// it fails with an errno or ends in a signal as on Linux. Never a host exception, hang or blow-up:
// every mutant runs in a watched child process.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT, GUEST_BIN } from "./lib/run.js";
import { Guest, I, R } from "./lib/calls.js";
import { mutants } from "./fuzz/elfmut.js";
import { Pool } from "./fuzz/pool.js";
import type { Outcome } from "./fuzz/runner.js";

const good = new Uint8Array(fs.readFileSync(path.join(GUEST_BIN, "hello")));
const corpus = mutants(good);
const kernel = { seed: 1, memory: 256 << 20, jit: 0, quantum: 200_000, maxTasks: 64 };
const ENOEXEC = 8, SIGSEGV = 11, SIGKILL = 9;

async function runAll(mk: (bytes: Uint8Array) => { elf: Uint8Array; files?: [string, Uint8Array][] }): Promise<Map<string, Outcome>> {
  const pool = new Pool(20_000, 2 * 2 ** 30);
  const out = new Map<string, Outcome>();
  try {
    let id = 1;
    for (const m of corpus) {
      const r = await pool.run({ id: id++, ...mk(m.bytes), kernel, limit: 1_000_000 });
      assert.ok(r.ok, r.ok ? "" : `${m.name}: host ${r.fail.kind}: ${r.fail.detail}\n${r.fail.frames.slice(0, 6).join("\n")}`);
      out.set(m.name, r.out);
    }
  } finally {
    pool.close();
  }
  return out;
}

const tally = (outs: Map<string, Outcome>) => {
  const t: Record<string, number> = {};
  for (const o of outs.values()) {
    const k = o.state === "exited" ? ((o.status! & 0x7f) !== 0 ? `signal ${o.status! & 0x7f}` : `exit ${o.status! >> 8}`) : o.state!;
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
};

test(`malformed ELF corpus (${corpus.length} mutants) as the first program: a one-line printable error or a run, never a host failure`, async () => {
  assert.ok(corpus.length > 400);
  const outs = await runAll((bytes) => ({ elf: bytes }));
  for (const [name, o] of outs) {
    if (o.state === "load-error") assert.match(o.error!, /^[\x20-\x7e]+$/, `${name}: ${JSON.stringify(o.error)}`);
  }
  const t = tally(outs);
  assert.ok(t["load-error"] > 100 && (t["exit 0"] ?? 0) > 10, JSON.stringify(t));
  for (const n of ["EI_CLASS 1", "EI_DATA 2", "e_machine 62", "truncated to 52 bytes", "magic 7f 45 4c 47", "PT_INTERP with terminal escapes"]) {
    assert.equal(outs.get(n)!.state, "load-error", n);
  }
  assert.match(outs.get("PT_INTERP with terminal escapes")!.error!, /needs its dynamic loader \/lib\/\\x1b\[2J\\x1b\]0;pwned\\x07\\x1b\[31mld\.so\\x0d\\x0a, which is not in the guest filesystem$/);
});

test("the corpus exec'd by a guest: ENOEXEC (or another errno) from execve, or the new image runs or dies by a signal", async () => {
  const g = new Guest();
  g.call("execve", I(g.put("/tmp/m")), I(g.put(new Uint8Array(16))), I(0));
  g.call("exit_group", R(0));
  const wrapper = g.elf();
  const outs = await runAll((bytes) => ({ elf: wrapper, files: [["/tmp/m", bytes]] }));
  const t = tally(outs);
  const status = (n: string) => outs.get(n)!.status!;
  // what Linux's load_elf_binary does before the point of no return: ENOEXEC
  for (const n of ["EI_CLASS 1", "EI_DATA 2", "e_machine 62", "e_type 1", "magic 7f 45 4c 47", "e_phentsize 32", "e_phnum 0"]) {
    assert.equal(status(n) >> 8, 256 - ENOEXEC, `${n}: ${status(n)}`);
  }
  // an entry point outside every segment: the new image faults on its first instruction
  assert.equal(status("e_entry 0x0") & 0x7f, SIGSEGV);
  assert.equal(status("e_entry just past load segment 1") & 0x7f, SIGSEGV);
  assert.ok((t[`exit ${256 - ENOEXEC}`] ?? 0) > 100 && (t["exit 0"] ?? 0) > 10, JSON.stringify(t));
  void SIGKILL;
});

test("CLI: malformed programs get the one-line forkscope: error and exit status 2; a PT_INTERP string is escaped", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "forkscope-elf-"));
  for (const n of ["EI_CLASS 1", "truncated to 63 bytes", "e_phnum 0", "PT_INTERP with terminal escapes", "PT_INTERP with invalid UTF-8 and controls"]) {
    const f = path.join(tmp, "m.elf");
    fs.writeFileSync(f, corpus.find((m) => m.name === n)!.bytes);
    const r = spawnSync(process.execPath, [path.join(ROOT, "dist/forkscope.mjs"), "run", f], { encoding: "latin1", timeout: 60_000 });
    assert.equal(r.status, 2, n);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, `${n}: ${r.stderr}`);
    assert.match(lines[0], /^forkscope: [\x20-\x7e]+$/, n);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});
