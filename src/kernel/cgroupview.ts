// What the cgroup2 filesystem sees of processes (Linux: kernel/cgroup/cgroup.c cgroup.procs,
// cgroup_attach_task): the adapter through which fs/cgroupfs.ts lists and moves tasks.

import { EINVAL, ESRCH } from "../base/errno.js";
import type { CgroupHost } from "../fs/cgroupfs.js";
import type { Kernel } from "./kernel.js";
import { TaskState } from "./task.js";
import { ThreadGroup } from "./group.js";
import { pidIn } from "./pidns.js";

/** the cgroup hierarchy's view of processes, from the calling task */
export function cgroupHost(k: Kernel): CgroupHost {
  const live = () => [...k.tasks.values()].filter((t) => t.state !== TaskState.Dead && t.state !== TaskState.Zombie);
  return {
    members: (cg, threads) => {
      const viewer = k.current;
      const seen = new Set<ThreadGroup>();
      const ts = live().filter((t) => t.group.cgroup === cg && (threads || (!seen.has(t.group) && seen.add(t.group))));
      ts.sort((a, b) => a.group.cgroupSeq - b.group.cgroupSeq || a.tid - b.tid);
      // a process outside the reader's pid namespace shows as 0 (Linux: task_pid_vnr)
      return ts.map((t) => (viewer ? pidIn(threads ? t : t.group.leader, viewer.pidns) : t.tid));
    },
    count: (cg, below) => live().filter((t) => (below ? t.group.cgroup.within(cg) : t.group.cgroup === cg)).length,
    charged: (cg) => [...k.tasks.values()].filter((t) => t.state !== TaskState.Dead && t.group.cgroup.within(cg)).length,
    find: (pid) => {
      const viewer = k.current!;
      const t = pid === 0 ? viewer : viewer.pidns.tasks.get(pid);
      if (!t || t.state === TaskState.Dead) return -ESRCH;
      // kthreadd and kernel threads stay in the root cgroup (Linux: no_cgroup_migration)
      if (t.regs === null && t !== k.init) return -EINVAL;
      const g = t.group;
      return { cgroup: g.cgroup, exiting: g.live().length === 0 || g.groupExit, join: (cg) => g.joinCgroup(cg) };
    },
  };
}
