// --tree as pstree -pt draws a run: threads in braces under their process, every child once,
// under the thread that created it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runGuest } from "./lib/run.js";
import { renderHistory } from "../src/kernel/tree.js";

/** "prefix tid name" of each task line, without the details after the clone flags */
function shape(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => !l.startsWith("frames:"))
    .map((l) => /^([│├└─ ]*)(\d+) (\S+)/.exec(l)!)
    .map((m) => `${m[1]}${m[2]} ${m[3]}`);
}

test("--tree: a thread under its process, a child once under the thread that forked it", () => {
  const r = runGuest("threadfork", [], { history: true });
  assert.equal(r.code, 0);
  assert.deepEqual(shape(renderHistory(r.kernel)), [
    "1 [init]",
    "├─ 2 [kthreadd]",
    // the program is a job of the launcher (the kernel task standing for the shell that ran it)
    "└─ 4 [launcher]",
    "   └─ 3 threadfork",
    "      ├─ 5 {threadfork}",
    "      │  └─ 6 threadfork",
    "      └─ 7 threadfork",
  ]);
});

test("--tree: threads are not siblings of their process, and children are not repeated per thread", () => {
  const r = runGuest("tracethreads", [], { history: true });
  const s = shape(renderHistory(r.kernel));
  assert.deepEqual(s.slice(2), ["└─ 4 [launcher]", "   └─ 3 tracethreads", "      ├─ 5 {tracethreads}", "      └─ 6 {tracethreads}"]);
  // the sharing shown for a thread names its process and the other thread
  assert.match(renderHistory(r.kernel), /5 \{tracethreads\} \(CLONE_VM\|.*CLONE_THREAD.*\) exited 0;.*thread-group with 3,6/);
});
