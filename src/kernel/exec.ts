// execve (Linux: fs/exec.c): check and read the new program, then — past the point of no
// return — replace the address space and registers.

import { bytestr, strbytes } from "../base/bytestr.js";
import { Regs, REG_SP } from "../cpu/regs.js";
import { Mm } from "../mm/mm.js";
import * as E from "../base/errno.js";
import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import { ElfImage, buildStack, loadSegments, parseElf } from "./elf.js";
import { mapVdso } from "./sigframe.js";
import { Lookup, locPath } from "../fs/path.js";
import { S_IFREG } from "../fs/node.js";
import { traces, PTRACE_EVENT_EXEC } from "./ptrace.js";
import { vtid } from "./pidns.js";
import { doExit, releaseMm } from "./exit.js";
import { takeOverLeader } from "./pid.js";
import { munged, toKernel } from "../cred/userns.js";
import { sendToThread } from "./sigdeliver.js";
import { SIGTRAP } from "./signals.js";
import { commitCreds } from "../cred/cred.js";
import { refuse, type Refusal } from "../base/errno.js";

/** argv plus envp may take at most this many bytes (Linux: 1/4 of the 8 MiB stack limit) */
export const ARG_MAX = 2 * 1024 * 1024;
export const MAX_ARG_STRLEN = 32 * 4096;
const MAX_ARG_STRINGS = 0x7fffffff;

/** replace t's image with a parsed ELF; nothing can fail after the new mm is built */
export function execImage(k: Kernel, t: Task, img: ElfImage, bytes: Uint8Array, path: string, argv: Uint8Array[], envp: Uint8Array[]): number {
  const mm = new Mm(k.frames, k.tables);
  loadSegments(mm, img, bytes, path);
  mapVdso(mm);
  const random = new Uint8Array(16);
  k.rand.fill(random);
  let st;
  try {
    const u = t.cred.userns;
    st = buildStack(mm, img, argv, envp, strbytes(path), random, {
      uid: munged(u.uidMap, t.cred.uid), euid: munged(u.uidMap, t.cred.euid), gid: munged(u.gidMap, t.cred.gid), egid: munged(u.gidMap, t.cred.egid),
    });
  } catch {
    st = null;
  }
  if (st === null) {
    mm.put();
    return -E.E2BIG;
  }
  mm.argStart = st.argStart;
  mm.argEnd = st.argEnd;
  mm.envStart = st.envStart;
  mm.envEnd = st.envEnd;
  mm.auxv = st.auxv;
  mm.startStack = st.sp;
  mm.exe = path;
  // ---- point of no return ----
  const oldTid = t.ptrace.tracer ? vtid(t, t.ptrace.tracer) : 0;
  deThread(k, t);
  // the old mm is left as at exit: robust list, CLONE_CHILD_CLEARTID, vfork parent (Linux: exec_mm_release)
  releaseMm(k, t);
  t.mm = mm;
  const r = new Regs();
  r.pc = img.entry;
  r.set(REG_SP, st.sp);
  t.regs = r;
  t.files.closeOnExec();
  // POSIX timers do not survive exec; ITIMER_REAL does (Linux: exit_itimers)
  for (const pt of t.group.posixTimers.values()) if (pt.timer) k.timers.cancel(pt.timer);
  t.group.posixTimers.clear();
  if (t.sighand.users > 1) {
    t.sighand.put();
    t.sighand = t.sighand.copy();
  }
  t.sighand.resetForExec();
  t.clearChildTid = 0;
  t.robustList = 0;
  t.comm = path.replace(/^.*\//, "").slice(0, 15);
  t.execed = true;
  t.dumpable = t.cred.euid === t.cred.uid && t.cred.egid === t.cred.gid;
  execCaps(t);
  // a traced task reports the exec: an event stop with PTRACE_O_TRACEEXEC, else a SIGTRAP
  if (t.ptrace.tracer !== null) {
    if (traces(t, PTRACE_EVENT_EXEC)) {
      t.ptrace.eventMsg = oldTid;
      t.ptrace.pendingStop = ((SIGTRAP | (PTRACE_EVENT_EXEC << 8)) << 8) | 0x7f;
    } else sendToThread(k, t, { signo: SIGTRAP, code: 0 });
  }
  return 0;
}

/** other threads of the group die when one of them execs; an exec'ing non-leader takes
 *  over the leader's pid (Linux: de_thread, exchange_tids) */
function deThread(k: Kernel, t: Task): void {
  const g = t.group;
  for (const o of [...g.threads]) {
    if (o !== t && o.state !== TaskState.Zombie && o.state !== TaskState.Dead) doExit(k, o, 9);
  }
  if (t.isLeader) return;
  const leader = g.leader;
  takeOverLeader(k, t, leader);
}

/** the execve syscall after its arguments were copied in (Linux: do_execveat_common, with
 *  binfmt_script for `#!` files, at most 4 interpreters deep) */
export function doExecve(k: Kernel, t: Task, path: string, argv: Uint8Array[], envp: Uint8Array[], first?: Lookup): number | Refusal {
  let size = 0;
  for (const s of [...argv, ...envp]) {
    if (s.length + 1 > MAX_ARG_STRLEN) return -E.E2BIG;
    size += s.length + 1 + 8;
  }
  if (size > ARG_MAX || argv.length + envp.length > MAX_ARG_STRINGS) return -E.E2BIG;
  // an empty argv still gives the program a NULL-terminated argv (Linux 5.18+ inserts "")
  if (argv.length === 0) argv = [new Uint8Array(0)];
  let file = path;
  for (let depth = 0; ; depth++) {
    if (depth > 4) return -E.ELOOP;
    const lk = depth === 0 && first ? first : k.resolve(t, file, true);
    if (typeof lk === "number") return lk;
    if (lk.missing) return -E.ENOENT;
    const node = lk.loc.node;
    if (node.isDir()) return -E.EACCES;
    if ((node.mode & 0o170000) !== S_IFREG || (node.mode & 0o111) === 0) return -E.EACCES;
    const bytes = new Uint8Array(node.size());
    node.readAt(0, bytes, 0, bytes.length);
    if (bytes.length >= 2 && bytes[0] === 0x23 && bytes[1] === 0x21) {
      const interp = parseShebang(bytes);
      if (interp === null) return -E.ENOEXEC;
      // argv[0] is replaced by the interpreter (and its one optional argument), then the script path
      argv = [strbytes(interp[0]), ...(interp[1] !== null ? [strbytes(interp[1])] : []), strbytes(file), ...argv.slice(1)];
      file = interp[0];
      continue;
    }
    const img = parseElf(bytes);
    if (typeof img === "string") {
      return refuse(E.ENOEXEC, img);
    }
    return execImage(k, t, img, bytes, locPath(lk.loc), argv, envp);
  }
}

/** `#!interpreter [one argument]` in the first 256 bytes, or null */
function parseShebang(b: Uint8Array): [string, string | null] | null {
  const head = bytestr(b, 2, Math.min(b.length, 256));
  const nl = head.indexOf("\n");
  const line = (nl >= 0 ? head.slice(0, nl) : head).replace(/^[ \t]+/, "").replace(/[ \t]+$/, "");
  if (line.length === 0) return null;
  const m = /^(\S+)(?:[ \t]+(.*))?$/.exec(line);
  if (!m) return null;
  return [m[1], m[2] !== undefined && m[2].length > 0 ? m[2] : null];
}

/** capabilities across execve without file capabilities (Linux: cap_bprm_creds_from_file):
 *  root (in its user namespace) keeps the bounding set, others keep only ambient ones */
function execCaps(t: Task): void {
  const c = t.cred;
  const root = toKernel(c.userns.uidMap, 0);
  if (root >= 0 && (c.euid === root || c.uid === root)) {
    const capPrm = c.capBnd;
    commitCreds(t, c.with({ capPrm, capEff: c.euid === root ? capPrm : 0n }));
  } else {
    commitCreds(t, c.with({ capPrm: c.capAmb, capEff: c.capAmb }));
  }
}
