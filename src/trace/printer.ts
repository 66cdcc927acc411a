// The --trace printer: strace -f's output, line by line (strace: src/strace.c printleader,
// syscall_entering_trace/syscall_exiting_trace, print_signalled/print_exited/print_stopped,
// print_event_exit). A call's entry opens a line; its exit completes it. When anything else must
// be printed first, the open line ends in " <unfinished ...>" and the exit later prints
// "<... name resumed>". Lines get "[pid N] " while more than one traced task exists.

import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import type { TraceHooks } from "../kernel/tracehook.js";
import type { SigInfo } from "../kernel/signals.js";
import type { Regs } from "../cpu/regs.js";
import { encodeSiginfo } from "../kernel/sigframe.js";
import { Call, type CloneNames } from "./call.js";
import { decoderFor, type Decoder } from "./specs.js";
import { syscallArgCount, syscallName } from "./names.js";
import { errorResult } from "./errmsg.js";
import { dec64, hexWord } from "./quote.js";
import { exitLine, sigName, siginfo } from "./sigfmt.js";
import type { TraceFilter } from "./filter.js";

/** strace's default -a: results start at column 40 */
const ACOLUMN = 40;

export interface TracerOptions {
  /** one finished line at a time */
  sink: (line: string) => void;
  /** strace -s: bytes of a string or buffer shown (default 32) */
  strsize?: number;
  /** strace -e trace=...: which calls are shown (default all) */
  filter?: TraceFilter | null;
  /** how clone flags are named (the personality's names) */
  cloneNames: CloneNames;
  /** the table's argument kinds for calls specs.ts does not know */
  fallbackKinds?: (nr: number) => string | undefined;
  /** every printed line, also as an event */
  onLine?: (t: Task, line: string, name: string | undefined, result: number | undefined) => void;
}

interface Open {
  t: Task;
  call: Call;
  /** the line so far, leader included */
  text: string;
}

export class Tracer implements TraceHooks {
  private open: Open | null = null;
  /** the task whose output was printed last (strace's printing_tcp) */
  private last: Task | null = null;
  /** traced tasks that exist (strace's nprocs) */
  private nprocs = 0;
  private readonly traced = new WeakSet<Task>();
  readonly strsize: number;

  constructor(private readonly k: Kernel, private readonly o: TracerOptions) {
    this.strsize = o.strsize ?? 32;
  }

  private prefix(t: Task): string {
    return this.nprocs > 1 ? `[pid ${String(t.tid).padStart(5)}] ` : "";
  }

  private emit(t: Task, line: string, name?: string, result?: number): void {
    this.o.sink(line);
    this.o.onLine?.(t, line, name, result);
  }

  /** strace's printleader: an open line of another call is cut with <unfinished ...> */
  private interrupt(): void {
    const o = this.open;
    if (o === null) return;
    this.emit(o.t, o.text + " <unfinished ...>", o.call.name);
    this.open = null;
  }

  /** a line that is not a syscall: signals and exits */
  private note(t: Task, text: string): void {
    this.interrupt();
    this.emit(t, this.prefix(t) + text);
    this.last = t;
  }

  // ---- syscalls (syscalls/dispatch.ts) ----

  /** the call is entered: print its entry, unless the filter hides it */
  enter(t: Task, nr: number, r: Regs): void {
    if (!this.traced.has(t)) return;
    const name = nr >= 0 ? syscallName(nr) : `syscall_${hexWord(r.x[34], r.x[35])}`;
    if (this.o.filter && !this.o.filter.shows(nr)) {
      t.traceCall = null;
      return;
    }
    const call = new Call(t, nr, name, syscallArgCount(nr), r, this.strsize, this.o.cloneNames);
    const dec = decoderFor(name, syscallArgCount(nr), this.o.fallbackKinds?.(nr));
    this.interrupt();
    call.entryText = guarded(() => dec.enter(call), () => rawArgs(call));
    this.open = { t, call, text: `${this.prefix(t)}${name}(${call.entryText}` };
    this.last = t;
    t.traceCall = call;
    // what the call prints waits until its line is written
    this.k.heldOutput.holding = true;
  }

  /** the call blocked: its output so far goes out after its line, cut as unfinished */
  blocked(t: Task): void {
    if (this.k.heldOutput.pending && this.open?.t === t) this.interrupt();
    this.k.heldOutput.release();
  }

  /** the call returned `lo`/`hi` (or a kernel restart code): complete its line */
  exit(t: Task, resLo: number, resHi: number, reason = ""): void {
    const call = t.traceCall as Call | null;
    if (call === null) return;
    t.traceCall = null;
    call.setResult(resLo, resHi);
    call.exiting = true;
    const dec = decoderFor(call.name, syscallArgCount(call.nr), this.o.fallbackKinds?.(call.nr));
    const head = this.resumeHead(t, call);
    const res = call.failed ? errorResult(-call.rlo) + (reason ? ` [${reason}]` : "") : guarded(() => result(dec, call), () => dec64(call.rlo, call.rhi));
    this.finishLine(t, call, head + guarded(() => dec.exit(call), () => "") + ")", res);
  }

  /** an interrupted call will be restarted or fail: strace's `= ? ERESTARTSYS (...)` */
  restart(t: Task, code: number): void {
    this.exit(t, -code, -1);
  }

  /** the open line of t, or a new "<... name resumed>" line */
  private resumeHead(t: Task, call: Call): string {
    if (this.open !== null && this.open.t === t) {
      const text = this.open.text;
      this.open = null;
      return text;
    }
    this.interrupt();
    return `${this.prefix(t)}<... ${call.name} resumed>`;
  }

  private finishLine(t: Task, call: Call, text: string, res: string): void {
    const line = (text.length + 1 < ACOLUMN ? (text + " ").padEnd(ACOLUMN) : text + " ") + "= " + res;
    this.emit(t, line, call.name, call.res);
    this.last = t;
    this.k.heldOutput.release();
  }

  // ---- kernel events (TraceHooks) ----

  created(t: Task): void {
    if (t.regs === null || this.traced.has(t)) return;
    this.traced.add(t);
    this.nprocs++;
  }

  signal(t: Task, info: SigInfo): void {
    if (!this.traced.has(t)) return;
    this.note(t, `--- ${sigName(info.signo)} ${siginfo(encodeSiginfo(info, t))} ---`);
  }

  ignored(t: Task, info: SigInfo): void {
    if (!this.traced.has(t) || t.regs === null) return;
    (t.traceNotes ??= []).push(info);
  }

  returning(t: Task): void {
    const notes = t.traceNotes;
    t.traceNotes = null;
    if (notes) for (const info of notes) this.signal(t, info);
  }

  stopped(t: Task, sig: number): void {
    if (!this.traced.has(t)) return;
    this.note(t, `--- stopped by ${sigName(sig)} ---`);
  }

  exited(t: Task, status: number): void {
    if (!this.traced.has(t)) return;
    t.traceNotes = null;
    const call = t.traceCall as Call | null;
    if (call !== null) {
      // the call never returns (exit_group, or a fatal signal while blocked): strace's print_event_exit
      t.traceCall = null;
      this.finishLine(t, call, this.resumeHead(t, call) + ")", "?");
    }
    this.note(t, exitLine(status));
    this.traced.delete(t);
    this.nprocs--;
  }
}

/** a decoder must never stop the kernel: whatever the guest passed, a malformed structure that
 *  slips past a decoder's checks prints as raw arguments instead */
function guarded(f: () => string, fallback: () => string): string {
  try {
    return f();
  } catch {
    return fallback();
  }
}

function rawArgs(c: Call): string {
  const parts: string[] = [];
  for (let i = 0; i < c.nargs; i++) parts.push(hexWord(c.lo(i), c.hi(i)));
  return parts.join(", ");
}

function result(dec: Decoder, c: Call): string {
  return dec.ret ? dec.ret(c) : dec64(c.rlo, c.rhi);
}
