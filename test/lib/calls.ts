// Run a hand-written list of syscalls as a guest (the fuzzer's program builder) and collect the
// trace: for regression tests of host failures the fuzzer found.
import { Kernel } from "../../src/system.js";
import type { KernelOptions, RunResult } from "../../src/kernel/kernel.js";
import { SYSCALLS } from "../../src/syscalls/table.js";
import { Arg, Call, MAX_CALLS, buildSys } from "../fuzz/program.js";
import { Heap } from "../fuzz/values.js";
import { Rng } from "../fuzz/rng.js";

const NR = new Map(SYSCALLS.map((d) => [d.name, d.nr]));

export const I = (v: number | bigint): Arg => ({ k: "i", v: BigInt.asIntN(64, BigInt(v)).toString() });
/** the result of call i */
export const R = (i: number, add = 0): Arg => ({ k: "r", i, add });
/** a C int the guest reads from memory at run time */
export const M = (a: number): Arg => ({ k: "m", a });

export class Guest {
  readonly heap = new Heap(new Rng(1));
  readonly calls: Call[] = [];

  /** a copy of the bytes in the guest's data segment; its address */
  put(b: Uint8Array | string): number {
    return typeof b === "string" ? this.heap.str(b) : this.heap.put(b);
  }

  /** append name(args); returns the call's result index */
  call(name: string, ...args: Arg[]): number {
    const nr = NR.get(name);
    if (nr === undefined) throw new Error(`no syscall ${name}`);
    while (args.length < 6) args.push(I(0));
    const id = this.calls.length;
    if (id >= MAX_CALLS) throw new Error(`at most ${MAX_CALLS} calls`);
    this.calls.push({ id, nr, args });
    return id;
  }

  elf(): Uint8Array {
    return buildSys({ kind: "sys", calls: this.calls, blobs: this.heap.blobs, ro: new Uint8Array(16) });
  }

  /** run to the end (or `limit` instructions); the trace lines and the outcome */
  run(opts: KernelOptions = {}, limit = 50_000_000): { trace: string[]; result: RunResult; kernel: Kernel; stdout: string } {
    const trace: string[] = [];
    const out: number[] = [];
    const k = new Kernel({ ...opts, trace: (l) => trace.push(l), output: { write: (_s, d) => out.push(...d) } });
    k.spawn(this.elf(), ["/bin/t"], [], "/bin/t");
    const result = k.run(limit);
    return { trace, result, kernel: k, stdout: Buffer.from(out).toString("latin1") };
  }
}

/** a struct from little-endian u64 fields */
export function u64s(...v: (number | bigint)[]): Uint8Array {
  const b = new Uint8Array(8 * v.length);
  const dv = new DataView(b.buffer);
  v.forEach((x, i) => dv.setBigUint64(8 * i, BigInt.asUintN(64, BigInt(x)), true));
  return b;
}

/** the results (text after " = ") of every traced call of `name`: a call on one line, or the
 *  "<... name resumed>" line of one that blocked (strace pads a short line's " = " to column 40) */
export function results(trace: string[], name: string): string[] {
  const out: string[] = [];
  for (const raw of trace) {
    const l = raw.replace(/^\[pid +\d+\] /, "");
    if (!l.startsWith(name + "(") && !l.startsWith(`<... ${name} resumed>`)) continue;
    const m = /^.*\) +=(?: (.*))?$/.exec(l);
    if (m) out.push(m[1] ?? "");
  }
  return out;
}
