// The playground's Web Worker: boots a Kernel, runs it in short slices so that messages from
// the page (input, pause, step, selection) get in between, and sends the page what to show:
// console output, trace lines, the task list, a task's detail and its page map.

import { Kernel } from "../system.js";
import { LoadError } from "../kernel/kernel.js";
import type { KernelEvent } from "../kernel/kernel.js";
import { timeText } from "../kernel/printk.js";
import { liveTasks, recordView, taskDetail, TaskView } from "../kernel/inspect.js";
import { pageMap } from "../mm/pagemap.js";
import type { Mm } from "../mm/mm.js";
import { lookup } from "../fs/path.js";
import { utf8ToBytestr } from "../base/bytestr.js";
import { FromWorker, RunConfig, RunState, Status, ToWorker, TraceLine } from "./protocol.js";

interface WorkerScope {
  postMessage(m: unknown, transfer?: unknown[]): void;
  onmessage: ((e: { data: ToWorker }) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (m: FromWorker, transfer: unknown[] = []) => scope.postMessage(m, transfer);

/** host time one slice of the loop may take before the worker looks at its messages again */
const SLICE_MS = 12;
/** how often the task list, detail and memory views are refreshed while running (host ms); at
 *  most 5% of the worker's time goes to them (a thousand tasks take a few ms to describe) */
const VIEW_MS = 250;
let viewEvery = VIEW_MS;
/** the largest file copied out of the guest */
const MAX_FILE = 64 << 20;

let k: Kernel | null = null;
let config: RunConfig | null = null;
let state: RunState = "booting";
let message = "";
let exitStatus: number | null = null;
let jit: Status["jit"] = "on";
let paused = false;
let stepping = false;
let stepDone = false;
let scheduled = false;
/** the guest's next timer is due (run() said how long it may wait for input): run again even
 *  without input */
let timerDue = false;
let timer: ReturnType<typeof setTimeout> | undefined;
/** input chunks not yet given to the guest: the stdin script first, then what was typed */
const inputQueue: (Uint8Array | null)[] = [];
/** a replay's recorded times for the first inputs of the queue (virtual ns) */
const inputAt: number[] = [];
/**
 * The host clock the kernel follows while the guest waits for input (KernelOptions.hostClock).
 * Live, it is the page's clock. A replay with recorded times holds it still and moves it only to
 * give each input at the virtual time it was given (or to the guest's next timer first), so the
 * replayed run is the same, waits included; when the recording is used up it goes on live.
 */
let replayClock: number | null = null;
let liveOffset = 0;
const hostClock = (): number => replayClock ?? liveOffset + Math.round(performance.now() * 1e6);
let out: Uint8Array[] = [];
let trace: TraceLine[] = [];
let seq = 0;
let syscalls = 0;
let selected: number | null = null;
let wantMemory = false;
let lastViews = 0;
let prevLive = new Set<number>();
/** tasks created since the last task list: one that came and went between two lists still
 *  shows up as gone */
const created = new Set<number>();
let chunk = 100_000;
let ipsWindow = { t: 0, n: 0, ips: 0 };
/** start-up milestones (ms since the worker started), logged once the guest first waits for input */
const times: Record<string, number> = { start: performance.now() };

/** can this worker generate code? A Content-Security-Policy without 'unsafe-eval' says no */
function codegenAllowed(): boolean {
  try {
    return new Function("return 1")() === 1;
  } catch {
    return false;
  }
}

function onEvent(e: KernelEvent): void {
  if (e.type === "task-created") created.add(e.tid);
  // kernel log records go to the trace pane as "kmsg" lines, as dmesg prints them
  if (e.type === "log") {
    trace.push({ pid: 0, tid: 0, name: "kmsg", res: 0, text: `${timeText(e.usec ?? 0)} ${e.text ?? ""}`, seq: seq++ });
    return;
  }
  if (e.type !== "syscall") return;
  // signal and exit lines have no name, a call's "<unfinished ...>" entry line no result yet
  if (e.name === undefined || e.result === undefined) {
    trace.push({ pid: e.pid, tid: e.tid, name: e.name ?? "", res: 0, text: e.text!, seq: seq++ });
    return;
  }
  syscalls++;
  trace.push({ pid: e.pid, tid: e.tid, name: e.name, res: e.result, text: e.text!, seq: seq++ });
  if (stepping) {
    stepDone = true;
    k!.requestStop();
  }
}

function readGuestFile(path: string): Uint8Array | string {
  const root = k!.rootLoc();
  const lk = lookup(root, root, utf8ToBytestr(path), true);
  if (typeof lk === "number") return `${path}: error ${-lk}`;
  if (lk.missing) return `${path}: no such file`;
  const node = lk.loc.node;
  if (node.isDir()) return `${path}: is a directory`;
  const loff = node.size();
  if (loff > MAX_FILE) return `${path}: larger than ${MAX_FILE >> 20} MiB`;
  const size = Number(loff);
  const buf = new Uint8Array(size);
  const n = node.readAt(0, buf, 0, size);
  if (n < 0) return `${path}: read error ${-n}`;
  return buf.subarray(0, n);
}

/** a response body, gunzipped when it is gzip data (a static host may or may not decode .gz) */
async function fetchBytes(url: string | Uint8Array): Promise<Uint8Array> {
  let b: Uint8Array;
  if (typeof url === "string") {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`cannot load ${url}: ${r.status} ${r.statusText}`);
    b = new Uint8Array(await r.arrayBuffer());
  } else b = url;
  if (b[0] !== 0x1f || b[1] !== 0x8b) return b;
  const s = new Blob([b as BlobPart]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

async function boot(m: Extract<ToWorker, { type: "boot" }>): Promise<void> {
  times.boot = performance.now();
  let rootfs: Uint8Array;
  let program: Uint8Array | null;
  try {
    [rootfs, program] = await Promise.all([fetchBytes(m.rootfs), m.program === null ? null : fetchBytes(m.program)]);
    times.fetched = performance.now();
  } catch (e) {
    state = "error";
    message = e instanceof Error ? e.message : String(e);
    sendStatus();
    return;
  }
  config = m.config;
  paused = m.paused;
  const allowed = codegenAllowed();
  jit = !allowed ? "blocked" : m.config.jit ? "on" : "off";
  try {
    k = new Kernel({
      seed: m.config.seed,
      history: true,
      // a terminal with Linux's line discipline and job control: the shell edits lines itself
      // (busybox's line editing), ^C and ^Z reach its foreground job
      tty: true,
      // while the guest waits for the person, virtual time follows the page's clock (sleep 10 at
      // the prompt takes 10 s); runs that never wait for input stay deterministic
      hostClock,
      jit: jit === "on" ? undefined : 0,
      initramfs: rootfs,
      output: { write: (_fd, data) => void out.push(data) },
      onEvent,
    });
    let bytes = program;
    if (bytes === null) {
      const b = readGuestFile(m.path);
      if (typeof b === "string") throw new LoadError(b);
      bytes = b;
    }
    times.kernel = performance.now();
    k.spawn(bytes, m.config.argv, m.env, m.path, { install: program !== null, cwd: program === null ? "/root" : "/" });
  } catch (e) {
    state = "error";
    message = e instanceof Error ? e.message : String(e);
    sendStatus();
    return;
  }
  const enc = new TextEncoder();
  for (const line of m.config.stdin) inputQueue.push(enc.encode(line));
  const at = m.config.stdinAt;
  if (at && at.length === m.config.stdin.length && at.length > 0) {
    inputAt.push(...at);
    replayClock = 0;
  }
  state = paused ? "paused" : "running";
  ipsWindow = { t: performance.now(), n: 0, ips: 0 };
  times.spawned = performance.now();
  flush(true);
  schedule();
  // what the page asked for while the image was on its way
  for (const m of early.splice(0)) handle(m);
}

/** messages that came before the kernel was up */
const early: ToWorker[] = [];

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(loop, 0);
}

function finished(): boolean {
  return state === "exited" || state === "deadlock" || state === "error";
}

/** give the guest its next input chunk if it waits for one (`wait`: ns until its next timer, as
 *  run() said); false if there is none. A recorded input waits for its time: the clock moves on to
 *  it, or to the timer when that comes first (then true without feeding: run again). */
function feed(wait: number | null): boolean {
  if (inputQueue.length === 0) return false;
  const kk = k!;
  if (replayClock !== null && inputAt.length > 0) {
    const need = inputAt[0] - kk.clock.approx();
    if (need > 0 && wait !== null && wait < need) {
      replayClock += wait;
      return true;
    }
    if (need > 0) replayClock += need;
    inputAt.shift();
  }
  const c = inputQueue.shift()!;
  kk.pushInput(c);
  if (replayClock !== null && inputAt.length === 0) {
    // the recording is used up: the clock goes on from here at the page's rate
    liveOffset = replayClock - Math.round(performance.now() * 1e6);
    replayClock = null;
  }
  post({ type: "fed", line: c === null ? "\u0004" : new TextDecoder().decode(c), at: kk.clock.approx() });
  return true;
}

/** run the kernel for at most `ms` of host time (or one syscall when stepping) */
function runFor(ms: number): void {
  const kk = k!;
  const t0 = performance.now();
  for (;;) {
    const before = kk.totalInstructions;
    const s = performance.now();
    const r = kk.run(chunk);
    const took = performance.now() - s;
    const ran = kk.totalInstructions - before;
    // aim for slices of a few ms: long enough to be efficient, short enough to stay responsive
    if (ran > 0 && took > 0) chunk = Math.max(10_000, Math.min(5_000_000, Math.round((ran / took) * 4)));
    if (r.state === "exited") {
      state = "exited";
      exitStatus = r.status;
      return;
    }
    if (r.state === "deadlock") {
      state = "deadlock";
      message = "every task is blocked and nothing can wake them";
      return;
    }
    if (r.state === "input") {
      if (!feed(r.wait)) {
        // wake up for the guest's next timer, in host time
        clearTimeout(timer);
        if (r.wait !== null) timer = setTimeout(wakeForTimer, Math.ceil(r.wait / 1e6));
        if (times.input === undefined) {
          times.input = performance.now();
          console.debug(`forkscope worker start-up (ms, from ${Math.round(performance.timeOrigin)}): ` + Object.entries(times).map(([k, v]) => `${k} ${Math.round(v)}`).join(", "));
        }
        state = "input";
        return;
      }
      if (stepping && stepDone) return;
      continue;
    }
    state = "running";
    if (stepping && stepDone) return;
    if (performance.now() - t0 >= ms) return;
  }
}

/** the timer run() waited for is due: run again (after a resume, if paused) */
function wakeForTimer(): void {
  if (!k || finished() || state !== "input") return;
  timerDue = true;
  schedule();
}

function loop(): void {
  scheduled = false;
  if (!k || finished()) return;
  if (paused && !stepping) return;
  if (state === "input" && inputQueue.length === 0 && !timerDue) return;
  timerDue = false;
  try {
    if (stepping) {
      stepDone = false;
      // one syscall, but never freeze: a task computing for long gives the page a turn
      runFor(200);
      if (stepDone || finished() || state === "input") {
        stepping = false;
        if (!finished() && state !== "input") state = "paused";
      }
    } else runFor(SLICE_MS);
  } catch (e) {
    state = "error";
    message = "internal error: " + (e instanceof Error ? e.message : String(e));
    console.error(e);
  }
  flush(paused || finished() || state === "input");
  if (!finished() && (stepping || (!paused && state === "running"))) schedule();
}

function sendStatus(): void {
  const now = performance.now();
  const n = k?.totalInstructions ?? 0;
  if (now - ipsWindow.t >= 1000) {
    ipsWindow = { t: now, n, ips: Math.round(((n - ipsWindow.n) * 1000) / (now - ipsWindow.t)) };
  }
  const st = k?.frames.stats;
  post({
    type: "status",
    status: {
      state, instructions: n, vtime: k?.clock.approx() ?? 0, ips: state === "running" ? ipsWindow.ips : 0, jit,
      jitExecuted: k?.hart.jitStats.executed ?? 0, exitStatus, message, syscalls,
      tasks: k ? [...k.tasks.values()].filter((t) => t.regs !== null && t.state !== "X").length : 0,
      frames: { inUse: st?.inUse ?? 0, cowCopies: st?.cowCopies ?? 0, cowReuses: st?.cowReuses ?? 0 },
    },
  });
}

/** the task list (with the tasks that went away since the last one), detail and page map */
function sendViews(force: boolean): void {
  const now = performance.now();
  if (!force && now - lastViews < viewEvery) return;
  lastViews = now;
  const kk = k!;
  const tasks = liveTasks(kk);
  const live = new Set(tasks.map((t) => t.tid));
  const gone: TaskView[] = [];
  for (const tid of created) prevLive.add(tid);
  created.clear();
  for (const tid of prevLive) {
    if (live.has(tid)) continue;
    const r = kk.history.get(tid);
    if (r) gone.push(recordView(r));
  }
  prevLive = live;
  post({ type: "tree", tasks, gone });
  if (selected !== null) {
    post({ type: "detail", detail: taskDetail(kk, selected) });
    if (wantMemory) {
      const t = kk.tasks.get(selected);
      const mms = new Map<number, Mm>();
      const owners: Record<number, number[]> = {};
      for (const o of kk.tasks.values()) {
        if (!o.mm || o.state === "X" || o.state === "Z") continue;
        mms.set(o.mm.id, o.mm);
        (owners[o.mm.id] ??= []).push(o.tid);
      }
      const map = t?.mm && t.state !== "X" ? pageMap(t.mm, mms.values()) : null;
      post({ type: "memory", map, owners }, map ? [map.vpn.buffer, map.frame.buffer, map.kind.buffer] : []);
    }
  }
  viewEvery = Math.max(VIEW_MS, 20 * (performance.now() - now));
}

function flush(force: boolean): void {
  if (out.length > 0) {
    const total = out.reduce((n, c) => n + c.length, 0);
    const data = new Uint8Array(total);
    let o = 0;
    for (const c of out) {
      data.set(c, o);
      o += c.length;
    }
    out = [];
    post({ type: "out", data }, [data.buffer]);
  }
  if (trace.length > 0) {
    post({ type: "trace", lines: trace });
    trace = [];
  }
  sendStatus();
  if (k) sendViews(force);
}

scope.onmessage = (e) => {
  if (e.data.type === "boot") void boot(e.data);
  else if (!k && state === "booting") early.push(e.data);
  else handle(e.data);
};

function handle(m: ToWorker): void {
  switch (m.type) {
    case "boot":
      return;
    case "input":
    case "eof":
      inputQueue.push(m.type === "eof" ? null : m.data);
      if (state === "input" && !paused) {
        state = "running";
        schedule();
      }
      return;
    case "pause":
      paused = true;
      if (!finished()) state = state === "input" ? "input" : "paused";
      flush(true);
      return;
    case "resume":
      paused = false;
      if (!finished() && state === "paused") state = "running";
      schedule();
      flush(true);
      return;
    case "step":
      if (!k || finished()) return;
      paused = true;
      stepping = true;
      if (state === "input" && inputQueue.length === 0) {
        stepping = false;
        flush(true);
        return;
      }
      schedule();
      return;
    case "select":
      selected = m.tid;
      wantMemory = m.memory;
      if (k) sendViews(true);
      return;
    case "put-file": {
      if (!k) return;
      try {
        k.addFile(m.path, m.data, m.mode);
      } catch (err) {
        post({ type: "file", id: -1, data: null, error: `cannot write ${m.path}: ${err instanceof Error ? err.message : String(err)}` });
      }
      return;
    }
    case "get-file": {
      if (!k) return;
      const r = readGuestFile(m.path);
      if (typeof r === "string") post({ type: "file", id: m.id, data: null, error: r });
      else post({ type: "file", id: m.id, data: r, error: "" });
      return;
    }
    case "resize":
      // the terminal's window size: SIGWINCH to the guest's foreground job on a change
      if (!k) return;
      k.console.resize(m.cols, m.rows);
      timerDue = true;
      schedule();
      return;
  }
}
