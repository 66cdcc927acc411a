// The fuzzer's child process: runs one guest at a time through the embedding API and reports the
// outcome. A watchdog thread in the same process samples host memory and, when a case overruns its
// host time or memory, pauses the main thread through the inspector to record where it was stuck
// (the parent then kills this process).

import { Worker } from "node:worker_threads";
import { Kernel, LoadError } from "../../src/kernel/kernel.js";
import { SYSCALLS } from "../../src/syscalls/table.js";
import { syscallEntry } from "../../src/syscalls/dispatch.js";

export interface Job {
  id: number;
  elf: Uint8Array;
  kernel: { seed: number; memory: number; jit: number; jitBackend?: "js" | "wasm"; quantum: number; maxTasks: number; user?: { uid: number; gid: number } };
  /** guest instructions */
  limit: number;
  /** files placed in the guest filesystem before the program starts (mode 0755) */
  files?: [string, Uint8Array][];
  /** where the watchdog writes a stuck stack */
  stuckFile: string;
  hangMs: number;
  memLimit: number;
}

export interface Outcome {
  id: number;
  kind: "ok" | "exception";
  state?: string;
  status?: number;
  instructions: number;
  syscalls: number;
  /** of which rt_sigreturn (returns from the fuzzer's signal handlers) */
  sigreturns: number;
  /** syscalls entered (handler calls less the retries of blocked calls) */
  entries: number;
  lastNr: number;
  outHash: number;
  outLen: number;
  ms: number;
  error?: string;
  stack?: string[];
}

const WATCHDOG = `
const { parentPort, workerData } = require("node:worker_threads");
const ticks = new Int32Array(workerData);
const { Session } = require("node:inspector");
const fs = require("node:fs");
let job = null, timer = null, grabbing = false;
function grab(kind, detail) {
  if (grabbing) return;
  grabbing = true;
  const s = new Session();
  s.connectToMainThread();
  const urls = new Map();
  s.on("Debugger.scriptParsed", (m) => urls.set(m.params.scriptId, m.params.url));
  s.on("Debugger.paused", (m) => {
    const url = (f) => (f.url || urls.get(f.location.scriptId) || "").replace(/^.*\\/dist\\//, "dist/");
    const frames = m.params.callFrames.map((f) => (f.functionName || "<anon>") + " (" + url(f) + ":" + (f.location.lineNumber + 1) + ")");
    fs.writeFileSync(job.stuckFile, JSON.stringify({ kind, detail, frames, rss: process.memoryUsage.rss() }));
  });
  s.post("Debugger.enable", () => s.post("Debugger.pause"));
}
parentPort.on("message", (m) => {
  if (m.start) {
    job = m.start;
    // the watchdog runs on the monotonic clock: setting the wall clock (conformance's time tests
    // do, natively) must not look like a hang
    const t0 = performance.now();
    let last = Atomics.load(ticks, 0), lastAt = t0;
    clearInterval(timer);
    timer = setInterval(() => {
      const rss = process.memoryUsage.rss();
      const now = performance.now(), tick = Atomics.load(ticks, 0);
      if (tick !== last) (last = tick), (lastAt = now);
      // a hang: one run() of at most 20,000 guest instructions does not return
      if (rss > job.memLimit) grab("memory", "host RSS " + Math.round(rss / 1048576) + " MiB");
      else if (now - lastAt > job.hangMs) grab("hang", "run() did not return for " + Math.round(now - lastAt) + " ms (" + Math.round(now - t0) + " ms into the case)");
      else if (now - t0 > 12 * job.hangMs) grab("hang", "slow: the case took " + Math.round(now - t0) + " ms");
    }, 25);
  } else if (m.done) clearInterval(timer);
});
`;

export function runJob(job: Job, onTick?: () => void): Outcome {
  let syscalls = 0;
  let sigreturns = 0;
  let entries = 0;
  let lastNr = -1;
  let outHash = 0x811c9dc5;
  let outLen = 0;
  // count syscalls and remember the last one by wrapping each entry of the table this kernel gets
  const table = SYSCALLS.map((d) => {
    const h = d.handler;
    const ret = d.nr === 139;
    return { ...d, handler: ((kk, t, r) => (syscalls++, ret && sigreturns++, t.blockedCall === null && entries++, (lastNr = d.nr), h(kk, t, r))) as typeof h };
  });
  const k = new Kernel(
    {
      ...job.kernel,
      output: {
        write: (_s: number, d: Uint8Array) => {
          outLen += d.length;
          for (let i = 0; i < Math.min(d.length, 4096); i++) outHash = Math.imul(outHash ^ d[i], 0x01000193);
        },
      },
    },
    syscallEntry(table),
  );
  const t0 = Date.now();
  const base = { id: job.id, syscalls: 0, sigreturns: 0, entries: 0, lastNr: -1, outHash: 0, outLen: 0 };
  try {
    for (const [p, b] of job.files ?? []) k.addFile(p, b);
    try {
      k.spawn(job.elf, ["/bin/t"], ["HOME=/", "PATH=/bin"], "/bin/t");
    } catch (e) {
      // the one-line error the CLI prints (forkscope: ...), not a host failure
      if (e instanceof LoadError) return { ...base, kind: "ok", state: "load-error", error: e.message, instructions: 0, ms: Date.now() - t0 };
      throw e;
    }
    let left = job.limit;
    for (;;) {
      const before = k.totalInstructions + k.totalWork;
      const r = k.run(Math.min(20000, left));
      left -= k.totalInstructions + k.totalWork - before;
      onTick?.();
      if (r.state === "input") {
        k.pushInput(null);
        continue;
      }
      if (r.state !== "limit" || left <= 0) {
        return { ...base, kind: "ok", state: r.state, status: r.state === "exited" ? r.status : undefined, instructions: k.totalInstructions, syscalls, sigreturns, entries, lastNr, outHash: outHash >>> 0, outLen, ms: Date.now() - t0 };
      }
    }
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const stack = (err.stack ?? "").split("\n").slice(1, 12).map((l) => l.trim().replace(/^at /, "").replace(/file:\/\/.*?\/dist\//, "dist/"));
    return { ...base, kind: "exception", error: `${err.name}: ${err.message}`, stack, instructions: k.totalInstructions, syscalls, sigreturns, entries, lastNr, outHash: 0, outLen, ms: Date.now() - t0 };
  }
}

// as a child process: take jobs from the parent, one at a time
if (process.send) {
  const ticks = new SharedArrayBuffer(4);
  const counter = new Int32Array(ticks);
  const dog = new Worker(WATCHDOG, { eval: true, workerData: ticks });
  dog.unref();
  process.on("message", (job: Job) => {
    dog.postMessage({ start: { stuckFile: job.stuckFile, hangMs: job.hangMs, memLimit: job.memLimit } });
    const out = runJob(job, () => Atomics.add(counter, 0, 1));
    dog.postMessage({ done: true });
    process.send!(out);
  });
  process.send({ ready: true });
}
