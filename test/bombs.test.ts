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

const MiB = 2 ** 20;

test("bombs that end fast, with 64 MiB of guest memory: unbounded recursion SIGSEGV, a 64 GiB mapping ENOMEM, with MAP_NORESERVE the toucher OOM-killed, malloc-and-touch OOM-killed", () => {
  const run = (kind: string) => {
    const kmsg: string[] = [];
    const r = runGuest("bomb", [kind], { memory: 64 * MiB, kmsg: (l) => kmsg.push(l) });
    assert.equal(r.status, 0, `${kind}: ${r.stderr}`);
    return { stdout: r.stdout, kmsg: kmsg.join("\n") };
  };
  assert.equal(run("recurse").stdout, "recursing child: killed by SEGV\n");
  assert.equal(run("mmap").stdout, "mmap 64 GiB: ENOMEM\n");
  const nr = run("mmap-noreserve");
  assert.equal(nr.stdout, "mmap 64 GiB MAP_NORESERVE: ok\ntouching child: killed by KILL\n");
  assert.match(nr.kmsg, /Out of memory: Killed process \d+ \(bomb\)/);
  const mem = run("mem");
  assert.equal(mem.stdout, "malloc-and-touch child: killed by KILL\n");
  assert.match(mem.kmsg, /Out of memory: Killed process \d+ \(bomb\)/);
});

test("100,000 files in a tmpfs with 64 MiB of memory: ENOSPC at its inode limit (half of memory), every file removed again", () => {
  const r = runGuest("bomb", ["files"], { memory: 64 * MiB });
  assert.match(r.stdout, /^created (\d+) files, then ENOSPC; removed \1\n$/);
});
