// Determinism under stress: one seed gives one run of a threaded, forking program (output bytes,
// syscall trace, instruction count); other seeds give other interleavings (guest/src/race.c).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { runGuest } from "./lib/run.js";

const digest = (seed: number, quantum?: number) => {
  const r = runGuest("race", [], { seed, quantum });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /counter 80\n$/);
  return {
    stdout: r.stdout,
    trace: createHash("sha256").update(r.trace.join("\n")).digest("hex"),
    instructions: r.kernel.totalInstructions,
  };
};

test("ten runs of threads and forked processes with one seed are byte-identical: output, trace and instruction count", () => {
  const first = digest(5, 997);
  assert.ok(first.trace.length > 0 && first.instructions > 100_000);
  for (let i = 1; i < 10; i++) assert.deepEqual(digest(5, 997), first, `run ${i + 1}`);
});

test("different seeds give different interleavings of the same workers", () => {
  const runs = [1, 2, 3, 4].map((s) => digest(s, 997));
  // the lines of each worker come in order in every run; only their interleaving changes
  const order = (out: string) => out.split("\n").filter((l) => /^[a-z]\d /.test(l)).map((l) => l.split(" ")[0]).join(",");
  const orders = new Set(runs.map((r) => order(r.stdout)));
  assert.ok(orders.size >= 3, `${orders.size} distinct interleavings of 4 seeds`);
  assert.ok(new Set(runs.map((r) => r.trace)).size >= 3);
  for (const r of runs) {
    const lines = r.stdout.split("\n");
    for (const w of ["t1", "t2", "t3", "t4", "p1", "p2", "c3", "c4"]) {
      const mine = lines.filter((l) => l.startsWith(w + " "));
      assert.deepEqual(mine, Array.from({ length: 20 }, (_, i) => `${w} ${i}`));
    }
  }
});
