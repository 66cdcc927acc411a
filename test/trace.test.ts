// --trace against the oracle: forkscope's trace of a guest program, normalised, equals strace -f
// of the program's native x86_64 build (test/expected/strace/, recorded by regen.sh there), task
// by task and line by line. test/lib/strace.ts and docs/trace.md list the normalisation rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, runGuest } from "./lib/run.js";
import { normalise } from "./lib/strace.js";

const ORACLE = path.join(ROOT, "test/expected/strace");

for (const name of ["hello", "tracefork", "tracethreads"]) {
  test(`--trace of ${name} matches strace -f of its native build`, () => {
    const r = runGuest(name, [], { env: [] });
    const ours = normalise(r.trace.join("\n") + "\n");
    const theirs = normalise(fs.readFileSync(path.join(ORACLE, `${name}.strace`), "utf8"));
    assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort(), "the same tasks");
    for (const [task, lines] of theirs) assert.deepEqual(ours.get(task), lines, `task ${task}`);
  });
}
