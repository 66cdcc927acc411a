// execve (Linux: fs/exec.c): check and read the new program, then — past the point of no
// return — replace the address space and registers.

import { Regs, REG_SP } from "../cpu/regs.js";
import { Mm } from "../mm/mm.js";
import * as E from "./errno.js";
import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import { ElfImage, buildStack, loadSegments, parseElf } from "./elf.js";
import { mapVdso } from "./sigframe.js";
import { locPath } from "../fs/path.js";
import { S_IFREG } from "../fs/node.js";

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
  const enc = new TextEncoder();
  let st;
  try {
    st = buildStack(mm, img, argv, envp, enc.encode(path), random, { uid: t.uid, euid: t.euid, gid: t.gid, egid: t.egid });
  } catch {
    st = null;
  }
  if (st === null) {
    mm.destroy();
    return -E.E2BIG;
  }
  mm.argStart = st.argStart;
  mm.argEnd = st.argEnd;
  mm.envStart = st.envStart;
  mm.envEnd = st.envEnd;
  mm.exe = path;
  // ---- point of no return ----
  deThread(k, t);
  const old = t.mm;
  if (old) {
    t.mm = null;
    if (t.vforkParent) {
      const p = t.vforkParent;
      t.vforkParent = null;
      k.makeRunnable(p);
    }
    if (--old.users === 0) old.destroy();
  }
  t.mm = mm;
  const r = new Regs();
  r.pc = img.entry;
  r.set(REG_SP, st.sp);
  t.regs = r;
  t.files.closeOnExec();
  if (t.sighand.users > 1) {
    t.sighand.users--;
    t.sighand = t.sighand.copy();
  }
  t.sighand.resetForExec();
  t.clearChildTid = 0;
  t.robustList = 0;
  t.comm = path.replace(/^.*\//, "").slice(0, 15);
  return 0;
}

/** other threads of the group die when one of them execs (Linux: de_thread) */
function deThread(k: Kernel, t: Task): void {
  for (const o of t.group.threads) {
    if (o !== t && o.state !== TaskState.Zombie && o.state !== TaskState.Dead) k.doExit(o, 9, true);
  }
}

/** the execve syscall after its arguments were copied in */
export function doExecve(k: Kernel, t: Task, path: string, argv: Uint8Array[], envp: Uint8Array[]): number {
  let size = 0;
  for (const s of [...argv, ...envp]) {
    if (s.length + 1 > MAX_ARG_STRLEN) return -E.E2BIG;
    size += s.length + 1 + 8;
  }
  if (size > ARG_MAX || argv.length + envp.length > MAX_ARG_STRINGS) return -E.E2BIG;
  const lk = k.resolve(t, path, true);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  const node = lk.loc.node;
  if (node.isDir()) return -E.EACCES;
  if ((node.mode & 0o170000) !== S_IFREG || (node.mode & 0o111) === 0) return -E.EACCES;
  const bytes = new Uint8Array(node.size());
  node.readAt(0, bytes, 0, bytes.length);
  const img = parseElf(bytes);
  if (typeof img === "string") {
    k.reason = img;
    return -E.ENOEXEC;
  }
  // an empty argv still gives the program a NULL-terminated argv (Linux 5.18+ inserts "")
  if (argv.length === 0) argv = [new Uint8Array(0)];
  return execImage(k, t, img, bytes, locPath(lk.loc), argv, envp);
}
