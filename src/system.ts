// The composition root: a Kernel with Linux's syscall table and, when tracing, strace's printer.
// This is the one file that joins kernel/, syscalls/ and trace/, so that none imports another in a circle.

import { Kernel as KernelCore, KernelOptions } from "./kernel/kernel.js";
import { SYSCALLS } from "./syscalls/table.js";
import { syscallEntry } from "./syscalls/dispatch.js";
import { Tracer } from "./trace/printer.js";
import { TraceFilter } from "./trace/filter.js";
import { cloneFlagNames } from "./kernel/cloneflags.js";

const LINUX = syscallEntry(SYSCALLS);
const FALLBACK = new Map(SYSCALLS.map((d) => [d.nr, d.args.join(" ")]));

/** the kernel that embedders, the CLI and the tests create: new Kernel(options) */
export class Kernel extends KernelCore {
  constructor(options: KernelOptions = {}) {
    super(options, LINUX);
    if (options.trace || options.onEvent) {
      const filter = options.traceFilter !== undefined ? TraceFilter.parse(options.traceFilter) : null;
      if (typeof filter === "string") throw new Error(`traceFilter: ${filter}`);
      this.tracer = new Tracer(this, {
        sink: options.trace ?? (() => {}),
        strsize: options.traceStrsize,
        filter,
        cloneNames: (lo, hi) => cloneFlagNames(lo, hi, this.personality === "linux-2.6"),
        fallbackKinds: (nr) => FALLBACK.get(nr),
        onLine: options.onEvent
          ? (t, text, name, result) => this.emit({ type: "syscall", pid: t.tgid, tid: t.tid, name, result, text })
          : undefined,
      });
    }
  }
}
