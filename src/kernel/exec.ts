// execve (Linux: fs/exec.c): check and read the new program, then — past the point of no
// return — replace the address space and registers.

import { bytestr, strbytes } from "../base/bytestr.js";
import { Regs, REG_SP } from "../cpu/regs.js";
import { Mm, MappableFile } from "../mm/mm.js";
import * as E from "../base/errno.js";
import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import { ElfHeader, buildStack, printable, readElf } from "./elf.js";
import { OpenedInterp, checkInterp, checkSegments, findInterp, loadElf, mmapRnd } from "./binfmt_elf.js";
import { mapVdso } from "./sigframe.js";
import { Lookup, locPath } from "../fs/path.js";
import { Node, S_IFREG } from "../fs/node.js";
import { PAGE_SIZE } from "../mm/frames.js";
import { traces, PTRACE_EVENT_EXEC } from "./ptrace.js";
import { vtid } from "./pidns.js";
import { doExit, releaseMm } from "./exit.js";
import { KERN_WARNING, printkOnce } from "./printk.js";
import { takeOverLeader } from "./pid.js";
import { munged, toKernel } from "../cred/userns.js";
import { forceSignal, sendToThread } from "./sigdeliver.js";
import { SIGSEGV, SIGTRAP } from "./signals.js";
import { commitCreds } from "../cred/cred.js";
import { refuse, type Refusal } from "../base/errno.js";
import { RLIMIT_STACK, rlimit } from "./rlimit.js";

/** the historical minimum room for arguments, 32 pages (Linux: ARG_MAX) */
export const ARG_MAX = 32 * 4096;
export const MAX_ARG_STRLEN = 32 * 4096;
export const MAX_ARG_STRINGS = 0x7fffffff;
/** Linux's _STK_LIM: the arguments never get more than 3/4 of it */
const STK_LIM = 8 << 20;

/** the bytes the file name, environment and argument strings and the argv/envp pointers may take
 *  (Linux: bprm_stack_limits): a quarter of RLIMIT_STACK, at most 6 MiB, at least ARG_MAX */
export function argLimit(t: Task): number {
  return Math.max(Math.min((STK_LIM / 4) * 3, Math.floor(rlimit(t, RLIMIT_STACK) / 4)), ARG_MAX);
}

/** E2BIG exactly where Linux gives it (bprm_stack_limits, then copy_strings' bprm->argmin): the
 *  pointers (at least one for argv) and every string with its NUL, the file name included */
function argsTooBig(t: Task, filename: string, argv: Uint8Array[], envp: Uint8Array[]): boolean {
  let room = argLimit(t) - 8 * (Math.max(argv.length, 1) + envp.length);
  if (room <= 0) return true;
  room -= filename.length + 1;
  for (const s of envp) room -= s.length + 1;
  for (const s of argv) room -= s.length + 1;
  return room < 0;
}

/** how much of a file execve reads to recognize its format (Linux: BINPRM_BUF_SIZE) */
const BINPRM_BUF_SIZE = 256;

/** what execve needs of a resolved file: its contents through the mapping interface */
export function execFile(node: Node, path: string): MappableFile {
  return {
    path,
    size: () => node.size(),
    readAt: (pos, dst, off, len) => node.readAt(pos, dst, off, len),
    // whole pages of a file with a page cache (tmpfs) are its frames, shared until written
    frameAt: (pos) => node.pageFrame(Math.floor(pos / PAGE_SIZE)),
  };
}

/** Linux: open_exec's checks (a regular file with an execute bit); the node, or an errno */
function openExec(lk: Lookup | number): Node | number | Refusal {
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  const node = lk.loc.node;
  if ((node.mode & 0o170000) !== S_IFREG) return refuse(E.EACCES, node.isDir() ? "is a directory" : "not a regular file");
  if ((node.mode & 0o111) === 0) return refuse(E.EACCES, "no execute permission");
  return node;
}

/**
 * Load an ELF program for t (Linux: load_elf_binary): the checks that may still fail execve,
 * then, past the point of no return, the new address space, registers and stack. A failure
 * Linux only finds after that point kills the process with SIGSEGV, as bprm_execve does.
 */
export function execElf(k: Kernel, t: Task, file: MappableFile, path: string, argv: Uint8Array[], envp: Uint8Array[], exe: Node | null = null, filename = path): number | Refusal {
  const h = readElf(file);
  if ("errno" in h) return h;
  const bad = checkSegments(file, h);
  if (bad !== null) return bad;
  const name = findInterp(file, h);
  if (name !== null && typeof name !== "string") return name;
  let interp: { it: OpenedInterp; h: ElfHeader } | null = null;
  if (name !== null) {
    const node = openExec(k.resolve(t, name, true));
    if (node === -E.ENOENT) return refuse(E.ENOENT, `needs its dynamic loader ${printable(name)}, which is not in the guest filesystem`);
    if (!(node instanceof Node)) {
      const [errno, why] = typeof node === "number" ? [-node, E.errnoName(-node)] : [node.errno, node.reason];
      return refuse(errno, `dynamic loader ${printable(name)}: ${why}`);
    }
    const it = { name, file: execFile(node, name) };
    const ih = checkInterp(it);
    if ("errno" in ih) return ih;
    interp = { it, h: ih };
  }
  // Linux: deny_write_access in do_open_execat; a file open for writing cannot run (ETXTBSY)
  if (exe !== null && !exe.denyWrite()) return -E.ETXTBSY;
  const mm = new Mm(k.frames, k.tables);
  mm.maxMapCount = k.vm.maxMapCount;
  mm.exeFile = exe;
  const loaded = loadElf(mm, file, h, interp, () => mmapRnd(() => k.rand.u32()));
  if ("fatal" in loaded) {
    mm.put();
    return execFatal(k, t, loaded.fatal, filename);
  }
  mapVdso(mm);
  const random = new Uint8Array(16);
  k.rand.fill(random);
  let st;
  try {
    const u = t.cred.userns;
    // AT_EXECFN points at the path execve was given (Linux: bprm->exec, the copied bprm->filename)
    st = buildStack(mm, loaded.aux, argv, envp, strbytes(filename), random, {
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
  beginNewExec(k, t, mm, filename);
  const r = new Regs();
  r.pc = loaded.pc;
  r.set(REG_SP, st.sp);
  t.regs = r;
  return 0;
}

/** a failure past the point of no return: the old image is gone and the process dies with
 *  SIGSEGV (Linux: bprm_execve's force_fatal_sig) */
function execFatal(k: Kernel, t: Task, why: string, filename: string): Refusal {
  const mm = new Mm(k.frames, k.tables);
  mm.maxMapCount = k.vm.maxMapCount;
  beginNewExec(k, t, mm, filename);
  t.regs = new Regs();
  forceSignal(k, t, { signo: SIGSEGV, code: 0x80 });
  return refuse(E.ENOEXEC, `killed by SIGSEGV after the point of no return: ${why}`);
}

/** the point of no return (Linux: begin_new_exec and setup_new_exec): other threads die, the
 *  old mm goes, signal handlers and close-on-exec descriptors are reset. `filename`, the path
 *  execve was given, names the task (Linux: comm is kbasename(bprm->filename), so /bin/sh, a
 *  link to busybox, runs as "sh") */
function beginNewExec(k: Kernel, t: Task, mm: Mm, filename: string): void {
  const oldTid = t.ptrace.tracer ? vtid(t, t.ptrace.tracer) : 0;
  deThread(k, t);
  // the old mm is left as at exit: robust list, CLONE_CHILD_CLEARTID, vfork parent (Linux: exec_mm_release)
  releaseMm(k, t);
  t.mm = mm;
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
  t.comm = filename.replace(/^.*\//, "").slice(0, 15);
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
  for (const s of envp) if (s.length + 1 > MAX_ARG_STRLEN) return -E.E2BIG;
  for (const s of argv) if (s.length + 1 > MAX_ARG_STRLEN) return -E.E2BIG;
  if (argsTooBig(t, path, argv, envp)) return -E.E2BIG;
  // an empty argv still gives the program a NULL-terminated argv (Linux 5.18+ inserts "")
  const nullArgv = argv.length === 0;
  if (nullArgv) argv = [new Uint8Array(0)];
  let file = path;
  for (let depth = 0; ; depth++) {
    if (depth > 4) return -E.ELOOP;
    const lk = depth === 0 && first ? first : k.resolve(t, file, true);
    const node = openExec(lk);
    if (!(node instanceof Node)) {
      const [errno, why] = typeof node === "number" ? [-node, E.errnoName(-node)] : [node.errno, node.reason];
      return depth > 0 ? refuse(errno, `#! interpreter ${printable(file)}: ${why}`) : node;
    }
    // do_execveat_common, once the file is open: pr_warn_once about the empty argv
    if (depth === 0 && nullArgv) printkOnce(k.log, "do_execveat_common", KERN_WARNING, `process '${t.comm}' launched '${path}' with NULL argv: empty string added`);
    // Linux reads the first BINPRM_BUF_SIZE bytes to choose the binary format
    const size = node.size();
    const head = new Uint8Array(size < BINPRM_BUF_SIZE ? Number(size) : BINPRM_BUF_SIZE);
    node.readAt(0, head, 0, head.length);
    if (head.length >= 2 && head[0] === 0x23 && head[1] === 0x21) {
      const interp = parseShebang(head);
      if (interp === null) return -E.ENOEXEC;
      // argv[0] is replaced by the interpreter (and its one optional argument), then the script path
      argv = [strbytes(interp[0]), ...(interp[1] !== null ? [strbytes(interp[1])] : []), strbytes(file), ...argv.slice(1)];
      file = interp[0];
      continue;
    }
    const p = locPath((lk as Lookup).loc);
    return execElf(k, t, execFile(node, p), p, argv, envp, node, path);
  }
}

/** `#!interpreter [one argument]` in the first 256 bytes, or null */
function parseShebang(b: Uint8Array): [string, string | null] | null {
  const head = bytestr(b, 2, Math.min(b.length, BINPRM_BUF_SIZE));
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
