// pids.max, which the conformance suite cannot compare with the kernel: the machine that
// generates its expectations binds the pids controller to cgroup v1. The hidden helper
// `conform --helper cgroup-pids` (conformance/src/cgroupns.c) prints its observations; they
// must be what Linux's pids controller (kernel/cgroup/pids.c) does, as written down here. On a
// host whose cgroup2 root offers pids, the native build prints the same lines.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { runGuest, ROOT } from "./lib/run.js";

const BIN = process.env.FORKSCOPE_CONFORM_BIN ?? path.join(ROOT, "conformance/bin/conform-riscv64");

const EXPECTED = `<cg>/a has pids.max before <cg> enables pids: no
enable pids in <cg>: ok
<cg>/a pids.max: max
<cg>/a pids.current: 0
write pids.max "-1": errno=EINVAL
write pids.max "4194305": errno=EINVAL
write pids.max "abc": errno=EINVAL
write pids.max "": ok
write pids.max "1 2": errno=EINVAL
write pids.max 2: ok
<cg>/a pids.max: 2
move self to <cg>/a: ok
<cg>/a pids.current: 1
one child: <cg>/a pids.current: 2
fork at the limit: errno=EAGAIN
pthread_create at the limit: EAGAIN
enable pids in <cg>/a, which holds processes: ok
<cg>/a/x pids.max: max
move the child to <cg>/a/x: ok
pids.current: <cg>/a 2, <cg>/a/x 1
fork at the parent's limit: errno=EAGAIN
write pids.max max: ok
fork: ok
with a zombie child: <cg>/a pids.current: 3
reaped: <cg>/a pids.current: 2
write pids.max 1, below pids.current: ok
fork: errno=EAGAIN
write <cg>/b pids.max 0: ok
clone3 into <cg>/b: errno=EAGAIN
disable pids in <cg>/a: ok
<cg>/a/x has pids.max: no
disable pids in <cg>: ok
<cg>/a has pids.max: no
fork with no limit: ok
enable pids in <cg> again: ok
<cg>/a pids.max: max
child: WIFEXITED=1 WEXITSTATUS=0
`;

// Why each line is what Linux prints: interface files appear only where the parent enables the
// controller; pids.max takes "max" or 0..PID_MAX_LIMIT (4194304), and a cgroup file write of
// 0 bytes does nothing; moving a process charges it even above the limit, fork and threads
// are refused with EAGAIN at it, and the charge counts in every ancestor (pids_try_charge);
// pids is a threaded controller, so a cgroup holding processes may enable it for its
// children (cgroup_vet_subtree_control_enable); a zombie stays charged until it is reaped
// (pids_release in release_task); clone3 CLONE_INTO_CGROUP charges the target cgroup;
// disabling the controller drops its state, so it comes back as "max".
for (const { seed, quantum } of [{ seed: 1, quantum: 200_000 }, { seed: 7, quantum: 37 }]) {
  test(`cgroup pids.max limits forks as Linux's pids controller does (seed ${seed}, quantum ${quantum})`, () => {
    const r = runGuest(BIN, ["--helper", "cgroup-pids"], { seed, quantum });
    assert.equal(r.stdout, EXPECTED);
    assert.equal(r.code, 0);
  });
}
