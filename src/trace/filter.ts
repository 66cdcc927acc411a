// --trace-filter: which calls --trace shows, in the syntax of strace's -e trace=SET
// (strace: src/filter_qualify.c, src/basic_filters.c): a comma-separated list of syscall names,
// classes (%file, %process, %signal, %network, %ipc, %desc, %memory, %creds, %clock, %pure,
// %stat, %lstat, %fstat, %%stat, %statfs, %fstatfs, %%statfs, also without the %), /regex,
// "all" and "none"; a leading ! negates the whole set. Signal and exit lines are always shown.

import { SYSCALL_NAMES } from "./names.js";

const CLASSES = new Set(["file", "process", "signal", "network", "ipc", "desc", "memory", "creds", "clock", "pure", "stat", "lstat", "fstat", "%stat", "statfs", "fstatfs", "%statfs"]);
/** the classes strace also accepts without % (its historical names) */
const BARE = new Set(["file", "process", "signal", "network", "ipc", "desc", "memory"]);

export class TraceFilter {
  private constructor(private readonly set: ReadonlySet<number>, private readonly negate: boolean) {}

  shows(nr: number): boolean {
    return this.set.has(nr) !== this.negate;
  }

  /** parse strace's -e trace= value (with or without the "trace=" prefix); a string says what is wrong */
  static parse(spec: string): TraceFilter | string {
    let s = spec.startsWith("trace=") ? spec.slice(6) : spec;
    let negate = false;
    if (s.startsWith("!")) {
      negate = true;
      s = s.slice(1);
    }
    const set = new Set<number>();
    for (const raw of s.split(",")) {
      const item = raw.trim();
      if (item === "") return `empty item in '${spec}'`;
      if (item === "all") {
        for (const [nr] of SYSCALL_NAMES) set.add(nr);
        continue;
      }
      if (item === "none") continue;
      if (item.startsWith("/")) {
        let re: RegExp;
        try {
          re = new RegExp(item.slice(1));
        } catch {
          return `invalid regular expression '${item.slice(1)}'`;
        }
        for (const [nr, name] of SYSCALL_NAMES) if (re.test(name)) set.add(nr);
        continue;
      }
      const cls = item.startsWith("%") ? item.slice(1) : BARE.has(item) && !SYSCALL_NAMES.some(([, n]) => n === item) ? item : null;
      if (cls !== null) {
        if (!CLASSES.has(cls)) return `unknown class '${item}'`;
        for (const [nr, , , classes] of SYSCALL_NAMES) if (classes.split(" ").includes(cls)) set.add(nr);
        continue;
      }
      const hit = SYSCALL_NAMES.find(([, n]) => n === item);
      if (!hit) return `unknown syscall '${item}'`;
      set.add(hit[0]);
    }
    return new TraceFilter(set, negate);
  }
}
