// guest/bin/bomb: what a hostile program does to the machine, each ending as Linux ends it.
// The slow and memory-hungry kinds (10 GB to tmpfs, 64 GiB mappings touched, thread bombs)
// run in scripts/bombs.mjs, which also measures the host's peak RSS for each.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runGuest } from "./lib/run.js";

test("10,000 nested directories: made, read through long relative paths, left by \"..\" and removed, in linear time (was quadratic; same output as Linux 6.18)", () => {
  const r = runGuest("bomb", ["deep", "10000"]);
  assert.equal(r.stdout, [
    "10000 levels made; getcwd: ERANGE",
    'back up by "..": at the start',
    "the leaf through 10000-component paths: bottom",
    "removed 10000 directories",
    "",
  ].join("\n"));
  assert.equal(r.status, 0);
});
