// /proc/sys (Linux: kernel/sysctl.c proc_dointvec_minmax and proc_dostring, kernel/fork.c
// sysctl_max_threads, kernel/pid.c and pid_namespace.c pid_max and ns_last_pid,
// kernel/utsname_sysctl.c, drivers/char/random.c, mm/util.c, fs/file_table.c): every file reads
// and writes the kernel's own variable, with Linux's ranges, permissions and errnos.

import { KERNEL_VERSION_STRING, kernelRelease } from "./personality.js";
import * as E from "../base/errno.js";
import { Node } from "../fs/node.js";
import { Entry, ProcDir, ProcFile, ProcRwFile, text } from "../fs/procfs.js";
import type { Kernel } from "./kernel.js";
import type { Task } from "./task.js";
import { PID_MAX, RESERVED_PIDS } from "./pidns.js";
import { CAP_CHECKPOINT_RESTORE, CAP_LAST_CAP, CAP_SYS_ADMIN } from "../cred/capability.js";
import type { OpenFile } from "../fs/file.js";
import { INIT_USER_NS } from "../cred/userns.js";

/** fs.nr_open's upper bound (Linux: sysctl_nr_open_max on 64-bit) */
const NR_OPEN_MAX = 2147483584;

const INT_MAX = 2147483647;
/** FUTEX_TID_MASK: the most tasks threads-max allows */
const MAX_THREADS = 0x3fffffff;
const NGROUPS_MAX = 65536;
const UTS_LEN = 64;

/** what a sysctl handler needs: the kernel and the task reading or writing */
interface Ctx {
  k: Kernel;
  t: Task;
}

interface Sysctl {
  mode: number;
  read: (c: Ctx) => string;
  /** the written text, at file position pos; returns the count taken or -errno */
  write?: (c: Ctx, s: string, pos: number) => number;
}

type Table = { [name: string]: Sysctl | Table };

/** one integer, read and written like proc_dointvec_minmax: base-0 digits, optional sign,
 *  surrounding blanks; out of [min, max] or no number: EINVAL. Writes past position 0 are
 *  ignored (SYSCTL_WRITES_STRICT) */
export function parseSysctlInt(s: string): number | null {
  const m = /^[ \t\n]*(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)[ \t\n\0]*$/.exec(s);
  if (!m) return null;
  const b = m[2];
  const v = /^0[xX]/.test(b) ? parseInt(b.slice(2), 16) : b.length > 1 && b[0] === "0" ? parseInt(b, 8) : parseInt(b, 10);
  return m[1] === "-" ? -v : v;
}

function int(get: (c: Ctx) => number, set: ((c: Ctx, v: number) => number | void) | null, min = -INT_MAX - 1, max = INT_MAX, mode = 0o644, check?: (c: Ctx) => number): Sysctl {
  return {
    mode: set ? mode : 0o444,
    read: (c) => `${get(c)}\n`,
    write: set
      ? (c, s, pos) => {
          if (check) {
            const e = check(c);
            if (e < 0) return e;
          }
          // an empty write changes nothing (Linux: proc_sys_call_handler returns 0 for count 0)
          if (pos !== 0 || s.length === 0) return 0;
          const v = parseSysctlInt(s);
          if (v === null || v < min || v > max) return -E.EINVAL;
          const r = set(c, v);
          return typeof r === "number" && r < 0 ? r : s.length;
        }
      : undefined,
  };
}

const ro = (read: (c: Ctx) => string): Sysctl => ({ mode: 0o444, read });

/** a string like proc_dostring: up to the first newline or NUL, cut at maxlen - 1 */
function str(get: (c: Ctx) => string, set: (c: Ctx, v: string) => void, maxlen: number): Sysctl {
  return {
    mode: 0o644,
    read: (c) => `${get(c)}\n`,
    write: (c, s, pos) => {
      if (pos !== 0) return s.length;
      let v = s;
      const end = v.search(/[\n\0]/);
      if (end >= 0) v = v.slice(0, end);
      set(c, v.slice(0, maxlen - 1));
      return s.length;
    },
  };
}

/** a random version-4 UUID (Linux: random.c proc_do_uuid) */
function uuid(k: Kernel): string {
  const b = new Uint8Array(16);
  k.rand.fill(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const bootIds = new WeakMap<Kernel, string>();

/** open file descriptions of every task (fs.file-nr's first number) */
function openFiles(k: Kernel): number {
  const seen = new Set<OpenFile>();
  const tables = new Set<unknown>();
  for (const t of k.tasks.values()) {
    if (tables.has(t.files)) continue;
    tables.add(t.files);
    for (const e of t.files.fds) if (e) seen.add(e.file);
  }
  return seen.size;
}

/** the file-max Linux computes from memory (files_maxfiles_init: 10% of memory in 1 KiB units) */
function fileMax(k: Kernel): number {
  return Math.max(Math.floor((k.frames.maxFrames * 4 * 10) / 100), 8192);
}

const TABLE: Table = {
  kernel: {
    ostype: ro(() => "Linux\n"),
    osrelease: ro((c) => kernelRelease(c.k.personality) + "\n"),
    version: ro(() => KERNEL_VERSION_STRING + "\n"),
    hostname: str((c) => c.t.nsproxy.uts.hostname, (c, v) => void (c.t.nsproxy.uts.hostname = v), UTS_LEN + 1),
    domainname: str((c) => c.t.nsproxy.uts.domainname, (c, v) => void (c.t.nsproxy.uts.domainname = v), UTS_LEN + 1),
    ngroups_max: ro(() => `${NGROUPS_MAX}\n`),
    cap_last_cap: ro(() => `${CAP_LAST_CAP}\n`),
    // per pid namespace since Linux 6.14
    pid_max: int((c) => c.t.nsproxy.pidForChildren.pidMax, (c, v) => void (c.t.nsproxy.pidForChildren.pidMax = v), RESERVED_PIDS + 1, PID_MAX),
    "threads-max": int((c) => c.k.maxTasks, (c, v) => void (c.k.maxTasks = v), 1, MAX_THREADS),
    // 0 or 1; writing needs CAP_SYS_ADMIN (Linux: proc_dointvec_minmax_sysadmin)
    dmesg_restrict: int(
      (c) => c.k.log.dmesgRestrict,
      (c, v) => void (c.k.log.dmesgRestrict = v),
      0, 1, 0o644,
      (c) => (c.t.can(CAP_SYS_ADMIN, INIT_USER_NS) ? 0 : -E.EPERM),
    ),
    // mode 0666: anyone may open it, writing needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE over the
    // namespace (Linux: pid_ns_ctl_handler)
    ns_last_pid: int(
      (c) => c.t.pidns.lastPid,
      (c, v) => void (c.t.pidns.lastPid = v),
      0, PID_MAX, 0o666,
      (c) => (c.t.can(CAP_SYS_ADMIN, c.t.pidns.owner) || c.t.can(CAP_CHECKPOINT_RESTORE, c.t.pidns.owner) ? 0 : -E.EPERM),
    ),
    random: {
      boot_id: ro((c) => {
        let id = bootIds.get(c.k);
        if (id === undefined) bootIds.set(c.k, (id = uuid(c.k)));
        return id + "\n";
      }),
      uuid: ro((c) => uuid(c.k) + "\n"),
      // the ChaCha-based generator always reports a full pool once seeded (Linux 5.18+)
      entropy_avail: ro(() => "256\n"),
      poolsize: ro(() => "256\n"),
    },
  },
  vm: {
    overcommit_memory: int((c) => c.k.vm.overcommitMemory, (c, v) => void (c.k.vm.overcommitMemory = v), 0, 2),
    // proc_dointvec: any int, negative ones too (overcommit_ratio_handler)
    overcommit_ratio: int((c) => c.k.vm.overcommitRatio, (c, v) => void (c.k.vm.overcommitRatio = v)),
    max_map_count: int((c) => c.k.vm.maxMapCount, (c, v) => setMaxMapCount(c.k, v), 0, INT_MAX),
  },
  fs: {
    "file-max": ro((c) => `${fileMax(c.k)}\n`),
    "file-nr": ro((c) => `${openFiles(c.k)}\t0\t${fileMax(c.k)}\n`),
    nr_open: int((c) => c.k.nrOpen, (c, v) => void (c.k.nrOpen = v), 64, NR_OPEN_MAX),
  },
};

function build(k: Kernel, table: Table): Entry[] {
  return Object.entries(table).map(([name, e]): Entry => {
    if (!("mode" in e && typeof e.mode === "number")) {
      const sub = e as Table;
      return [name, () => new ProcDir(() => build(k, sub))];
    }
    const s = e as Sysctl;
    const ctx = (): Ctx => ({ k, t: k.current ?? k.init });
    const gen = () => text(s.read(ctx()));
    const w = s.write;
    return [
      name,
      (): Node => {
        const n = w ? new ProcRwFile(gen, (data, pos) => w(ctx(), data, pos), s.mode) : new ProcFile(gen, s.mode);
        // root gets the owner's bits, not CAP_DAC_OVERRIDE (Linux: proc_sys_permission, test_perm)
        n.strictPerm = true;
        return n;
      },
    ];
  });
}

/** /proc/sys */
export function procSysDir(k: Kernel): Node {
  return new ProcDir(() => build(k, TABLE));
}

/** vm.max_map_count is one value for the system (Linux: sysctl_max_map_count); each address
 *  space holds a copy that mmap checks, so a write reaches every live one */
function setMaxMapCount(k: Kernel, v: number): void {
  k.vm.maxMapCount = v;
  for (const t of k.tasks.values()) if (t.mm !== null) t.mm.maxMapCount = v;
}
