// Host memory next to the guest memory it holds, for `forkscope run --stats`.
//
// The CLI samples when the guest waits to read stdin (a program can ask to be measured at a
// moment of its choosing by reading stdin then; bench/src/mem.c does) and prints the sample
// taken with the most guest pages resident, and one more at exit. The host side comes from
// process.memoryUsage(), at stdin after a full garbage collection, so that heap_used counts
// live objects (what the kernel keeps per page or per task), not garbage waiting to be
// collected. The exit sample skips the collection, which would add to the measured wall time
// of every benchmark run with --stats.

import { createRequire } from "node:module";
import type { Kernel } from "../kernel/kernel.js";

export interface MemorySample {
  /** guest frames in use: resident pages, counted once however many address spaces share them */
  frames: number;
  text: string;
}

let gc: (() => void) | null = null;

/** a full collection: --expose-gc set at run time only makes `gc` visible in new contexts.
 *  node:v8 is required here, not imported: it loads the stream modules (~2 ms of every start-up). */
function collect(): void {
  if (!gc) {
    const require = createRequire("/");
    (require("node:v8") as typeof import("node:v8")).setFlagsFromString("--expose-gc");
    gc = (require("node:vm") as typeof import("node:vm")).runInNewContext("gc") as () => void;
  }
  gc();
}

export function memorySample(k: Kernel, full: boolean): MemorySample {
  if (full) collect();
  const m = process.memoryUsage();
  const f = k.frames.stats;
  const poolBytes = k.frames.u8.reduce((a, c) => a + c.byteLength, 0);
  // a wasm frame pool (--jit-backend wasm) is one WebAssembly.Memory reserved whole: V8 counts
  // the reservation as external and none of it as ArrayBuffers; report its chunks in use as the
  // ArrayBuffers they are views of, so the numbers mean what they mean with a JS pool
  const reserved = k.frames.wasm?.buffer.byteLength ?? 0;
  const wasmPool = reserved > 0 ? poolBytes : 0;
  const fields = {
    frames: f.inUse,
    frames_peak: f.peak,
    page_tables: k.tables.inUse,
    cow_copies: f.cowCopies,
    tasks: k.tasks.size,
    // the ArrayBuffers holding frames and page tables, which grow in blocks (16 MiB, 2 MiB)
    frame_pool_bytes: poolBytes,
    table_pool_bytes: k.tables.slabs.reduce((a, c) => a + c.byteLength, 0),
    heap_used: m.heapUsed,
    array_buffers: m.arrayBuffers + wasmPool,
    external: m.external - reserved + wasmPool,
    rss: m.rss,
  };
  return { frames: f.inUse, text: Object.entries(fields).map(([key, v]) => `${key}=${v}`).join(" ") };
}
