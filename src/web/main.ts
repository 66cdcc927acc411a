// The playground page: starts a worker per run, wires the controls (program, seed, pause,
// step, share, files) and hands what the worker reports to the panes.

import type { TaskView } from "../kernel/inspect.js";
import { PROGRAMS, Program, programById } from "./gallery.js";
import { encodeRun } from "./url.js";
import { EarlyBoot, bootWhenReady, fetchRootfs, initialRun } from "./start.js";
import type { FromWorker, RunConfig, Status, ToWorker } from "./protocol.js";
import { TermView } from "./term.js";
import { TreeView } from "./treeview.js";
import { TraceView } from "./traceview.js";
import { MemView } from "./memview.js";
import { renderDetail } from "./detailview.js";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

// the first run: boot.js has started its worker (or, without boot.js, this script does)
const early = (self as { forkscopeBoot?: EarlyBoot }).forkscopeBoot;
const first = early ?? initialRun(location.hash);
const initialConfig = first.config;
const initialProgram = first.program;
const fromUrl = first.fromUrl;
/** the root filesystem image as fetched: fetched once, copied to each run's worker */
let rootfsBytes: Promise<ArrayBuffer> | null = early?.rootfs ?? null;
function rootfs(): Promise<ArrayBuffer> {
  rootfsBytes ??= fetchRootfs();
  rootfsBytes.catch(() => (rootfsBytes = null));
  return rootfsBytes;
}

let worker: Worker | null = null;
/** the worker boot.js started has been taken (by the first run) */
let adopted = false;
let config: RunConfig | null = null;
/** input chunks the guest has taken, in order: with the seed, they make the run */
let fed: string[] = [];
/** the virtual time each of `fed` was given at */
let fedAt: number[] = [];
let status: Status | null = null;
let output: number[] = [];
let paused = false;
let selected: number | null = null;
let autoSelected = false;
let side: "task" | "memory" = "task";
let lastDetail: Parameters<typeof renderDetail>[0] = null;
const pendingFiles = new Map<number, string>();
let nextFileId = 1;
/** when things happened since navigation (ms), for the report on start-up time */
const marks: Record<string, number> = {};
const mark = (name: string) => (marks[name] ??= Math.round(performance.now()));
mark("script");

function send(m: ToWorker, transfer: Transferable[] = []): void {
  worker?.postMessage(m, transfer);
}

spawnWorker(initialConfig, initialProgram);

/** a replay is typing its recorded input: the terminal's own answers (cursor position reports)
 *  and keys are not sent until the person presses a key, or the replay would get them twice */
let replaying = initialConfig.stdin.length > 0;
const term = new TermView($("term"), {
  input: (data) => {
    if (!replaying) send({ type: "input", data });
  },
  eof: () => send({ type: "eof" }),
  resize: (cols, rows) => send({ type: "resize", cols, rows }),
});
const tree = new TreeView($("tree"), $("tree-legend"));
const trace = new TraceView($("trace"), $("trace-count"));
const mem = new MemView($("memory"), $<HTMLCanvasElement>("mem-canvas"), $("mem-legend"), $("mem-tip"));

function toast(text: string): void {
  const t = $("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout((toast as unknown as { timer: number }).timer);
  (toast as unknown as { timer: number }).timer = window.setTimeout(() => (t.hidden = true), 4000);
}

/** a worker booting run c (the first run's comes from boot.js, already booting) */
function spawnWorker(c: RunConfig, p: Program, startPaused = false): void {
  worker?.terminate();
  const adopt = !adopted && early ? early : null;
  adopted = true;
  const w = adopt ? adopt.worker : new Worker("worker.js");
  worker = w;
  w.onmessage = (e: MessageEvent<FromWorker>) => {
    if (worker === w) onMessage(e.data);
  };
  w.onerror = (e) => showStatus({ state: "error", message: `worker: ${e.message}` } as Status);
  if (adopt) {
    // what it said before this script listened
    const queued = adopt.queued.splice(0) as FromWorker[];
    queueMicrotask(() => queued.forEach(onMessage));
  } else bootWhenReady(w, c, p, rootfs(), startPaused, () => worker === w);
}

function start(c: RunConfig, fromUrl = false, booted = false, startPaused = false): void {
  const p = programById(c.prog);
  if (!p) {
    toast(`no program '${c.prog}'`);
    return;
  }
  if (!booted) spawnWorker(c, p, startPaused);
  replaying = c.stdin.length > 0;
  config = c;
  fed = [];
  fedAt = [];
  output = [];
  selected = null;
  autoSelected = false;
  paused = startPaused;
  lastDetail = null;
  tree.clear();
  trace.clear();
  mem.clear();
  term.reset();
  $("detail").innerHTML = "";
  $("pause").textContent = paused ? "Resume" : "Pause";
  $<HTMLSelectElement>("prog").value = p.id;
  $<HTMLInputElement>("args").value = c.argv.slice(1).join(" ");
  $<HTMLInputElement>("seed").value = String(c.seed);
  $<HTMLInputElement>("jit-on").checked = c.jit;
  $("about").textContent = p.about;
  showStatus({ state: "booting" } as Status);
  if (!fromUrl) history.replaceState(null, "", encodeRun({ ...c, stdin: [] }));
  send({ type: "resize", cols: term.term.cols, rows: term.term.rows });
  term.focus();
}

function onMessage(m: FromWorker): void {
  switch (m.type) {
    case "out":
      mark("output");
      term.write(m.data);
      for (const b of m.data) output.push(b);
      return;
    case "trace":
      trace.add(m.lines);
      return;
    case "tree":
      tree.update(m.tasks, m.gone);
      if (selected === null && !autoSelected) {
        // show the program the run started with (the first user task)
        const first = m.tasks.find((t) => !t.kernel && t.tid > 2);
        if (first) {
          autoSelected = true;
          select(first.tid);
        }
      }
      return;
    case "detail":
      lastDetail = m.detail;
      if (side === "task") renderSide();
      return;
    case "memory":
      mem.update(m.map, m.owners);
      return;
    case "status":
      mark("status");
      if (m.status.state === "input") mark("input");
      showStatus(m.status);
      return;
    case "fed":
      fed.push(m.line);
      fedAt.push(m.at);
      return;
    case "file": {
      const path = pendingFiles.get(m.id);
      pendingFiles.delete(m.id);
      if (m.data === null) {
        $("files-msg").textContent = m.error;
        return;
      }
      const a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([m.data as BlobPart]));
      a.download = (path ?? "file").replace(/^.*\//, "") || "file";
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      $("files-msg").textContent = `${path}: ${m.data.length} bytes`;
      return;
    }
  }
}

function select(tid: number): void {
  selected = tid;
  tree.selected = tid;
  tree.schedule();
  send({ type: "select", tid, memory: side === "memory" });
  renderSide();
}

function renderSide(): void {
  const view: TaskView | undefined = selected === null ? undefined : tree.find(selected);
  $("side-title").textContent = selected === null ? "" : `pid ${selected}${view ? ` ${view.comm}` : ""}`;
  if (side === "task") $("detail").innerHTML = renderDetail(lastDetail && lastDetail.tid === selected ? lastDetail : null, view);
}

function fmt(n: number): string {
  if (n >= 1e9) return (n / 1e9).toFixed(2) + " G";
  if (n >= 1e6) return (n / 1e6).toFixed(1) + " M";
  if (n >= 1e3) return (n / 1e3).toFixed(1) + " k";
  return String(n);
}

/** virtual nanoseconds as a person reads them */
function fmtTime(ns: number): string {
  if (ns < 1e6) return (ns / 1e3).toFixed(1) + " µs";
  if (ns < 1e9) return (ns / 1e6).toFixed(2) + " ms";
  return (ns / 1e9).toFixed(ns < 1e10 ? 3 : 1) + " s";
}

let lastStatusDraw = 0;
function showStatus(s: Status): void {
  status = s;
  const now = performance.now();
  // the badge changes at once; the numbers at most four times a second
  const badge = $("state");
  const words: Record<string, string> = {
    booting: "booting", running: "running", paused: "paused", input: "waiting for input", exited: "exited", deadlock: "deadlock", error: "error",
  };
  badge.textContent = words[s.state] + (s.state === "exited" && s.exitStatus !== null ? ` (${describeStatus(s.exitStatus)})` : "");
  badge.className = "badge " + s.state;
  if (s.state === "error" || s.state === "deadlock") $("speed").textContent = s.message;
  if (s.instructions === undefined) return;
  if (now - lastStatusDraw < 500 && s.state === "running") return;
  lastStatusDraw = now;
  $("speed").textContent =
    `${s.state === "running" ? fmt(s.ips) + "instr/s · " : ""}guest time ${fmtTime(s.vtime)} · ${fmt(s.instructions)} instructions · ` +
    `${s.syscalls.toLocaleString()} syscalls · ${s.tasks} tasks · ${s.frames.cowCopies} pages copied on write`;
  const jit = $("jit");
  jit.className = s.jit === "blocked" ? "blocked" : "";
  jit.textContent =
    s.jit === "on"
      ? `· JIT: hot code runs as generated JavaScript (${s.instructions ? ((100 * s.jitExecuted) / s.instructions).toFixed(0) : 0}% of instructions)`
      : s.jit === "off"
        ? "· interpreting every instruction (JIT off)"
        : "· interpreting every instruction: this page's Content-Security-Policy forbids generated code";
}

function describeStatus(st: number): string {
  if ((st & 0x7f) === 0) return `status ${(st >> 8) & 0xff}`;
  return `killed by signal ${st & 0x7f}`;
}

function configFromControls(): RunConfig {
  const p = programById($<HTMLSelectElement>("prog").value) ?? PROGRAMS[0];
  const args = $<HTMLInputElement>("args").value.trim();
  const seed = Number($<HTMLInputElement>("seed").value);
  return {
    prog: p.id,
    argv: [p.name, ...(args ? args.split(/\s+/) : [])],
    stdin: [],
    seed: Number.isSafeInteger(seed) && seed >= 0 ? seed : 1,
    jit: $<HTMLInputElement>("jit-on").checked,
  };
}

function shareUrl(): string {
  if (!config) return location.href;
  return location.origin + location.pathname + encodeRun({ ...config, stdin: fed, stdinAt: fedAt });
}

// ---- files ----

async function copyIn(files: FileList | File[], dir: string): Promise<void> {
  const msgs: string[] = [];
  for (const f of Array.from(files)) {
    const data = new Uint8Array(await f.arrayBuffer());
    const elf = data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46;
    const name = f.name.replace(/[/\0]/g, "_") || "file";
    const path = (elf && dir === "/root" ? "/usr/local/bin" : dir.replace(/\/+$/, "")) + "/" + name;
    send({ type: "put-file", path, data, mode: elf ? 0o755 : 0o644 }, [data.buffer]);
    msgs.push(elf ? `${path} (a program: type ${name} to run it)` : path);
  }
  const text = `copied into the guest: ${msgs.join(", ")}`;
  $("files-msg").textContent = text;
  toast(text);
  term.focus();
}

// ---- controls ----

for (const p of PROGRAMS) {
  const o = document.createElement("option");
  o.value = p.id;
  o.textContent = p.title;
  $("prog").appendChild(o);
}
$("prog").addEventListener("change", () => {
  const p = programById($<HTMLSelectElement>("prog").value)!;
  $<HTMLInputElement>("args").value = p.args.join(" ");
  start(configFromControls());
});
$("run").addEventListener("click", () => start(configFromControls()));
$("jit-on").addEventListener("change", () => start(configFromControls()));
$("args").addEventListener("keydown", (e) => {
  if (e.key === "Enter") start(configFromControls());
});
$("pause").addEventListener("click", () => {
  paused = !paused;
  send({ type: paused ? "pause" : "resume" });
  $("pause").textContent = paused ? "Resume" : "Pause";
});
$("step").addEventListener("click", () => {
  paused = true;
  $("pause").textContent = "Resume";
  send({ type: "step" });
});
$("share").addEventListener("click", () => {
  const url = shareUrl();
  $<HTMLInputElement>("share-url").value = url;
  $<HTMLDialogElement>("share-dialog").showModal();
  $<HTMLInputElement>("share-url").select();
  navigator.clipboard?.writeText(url).catch(() => {});
});
$("share-open").addEventListener("click", () => window.open($<HTMLInputElement>("share-url").value, "_blank"));
$("files").addEventListener("click", () => $<HTMLDialogElement>("files-dialog").showModal());
$("upload").addEventListener("change", () => {
  const inp = $<HTMLInputElement>("upload");
  if (inp.files?.length) void copyIn(inp.files, $<HTMLInputElement>("upload-dir").value || "/root");
  inp.value = "";
});
$("download").addEventListener("click", () => {
  const id = nextFileId++;
  const path = $<HTMLInputElement>("download-path").value;
  pendingFiles.set(id, path);
  send({ type: "get-file", path, id });
});
document.addEventListener("dragover", (e) => {
  e.preventDefault();
  document.body.classList.add("dragging");
});
document.addEventListener("dragleave", (e) => {
  if (e.relatedTarget === null) document.body.classList.remove("dragging");
});
document.addEventListener("drop", (e) => {
  e.preventDefault();
  document.body.classList.remove("dragging");
  if (e.dataTransfer?.files.length) void copyIn(e.dataTransfer.files, "/root");
});
$("f-pid").addEventListener("input", () => {
  const v = $<HTMLInputElement>("f-pid").value.trim();
  trace.pid = v && Number.isInteger(Number(v)) ? Number(v) : null;
  trace.schedule();
});
$("f-name").addEventListener("input", () => {
  trace.name = $<HTMLInputElement>("f-name").value.trim();
  trace.schedule();
});
$("f-fail").addEventListener("change", () => {
  trace.failOnly = $<HTMLInputElement>("f-fail").checked;
  trace.schedule();
});
$("f-follow").addEventListener("change", () => {
  trace.follow = $<HTMLInputElement>("f-follow").checked;
  trace.schedule();
});
trace.onFollow = (on) => ($<HTMLInputElement>("f-follow").checked = on);
$("show-gone").addEventListener("change", () => {
  tree.showGone = $<HTMLInputElement>("show-gone").checked;
  tree.schedule();
});
tree.onSelect = (tid) => select(tid);
function setSide(s: "task" | "memory"): void {
  side = s;
  $("tab-task").classList.toggle("on", s === "task");
  $("tab-mem").classList.toggle("on", s === "memory");
  $("detail").hidden = s !== "task";
  $("memory").hidden = s !== "memory";
  send({ type: "select", tid: selected, memory: s === "memory" });
  renderSide();
}
$("tab-task").addEventListener("click", () => setSide("task"));
$("tab-mem").addEventListener("click", () => setSide("memory"));
$("term-mode").textContent = "the console is a tty: Linux's line discipline echoes and edits, ^C, ^Z and ^\\ signal the foreground job, a resize is SIGWINCH";
for (const ev of ["keydown", "paste"]) term.term.textarea?.addEventListener(ev, () => (replaying = false), { capture: true });

// what tests and curious people can read from the console
Object.assign(window, {
  forkscope: {
    output: () => new TextDecoder().decode(new Uint8Array(output)),
    screen: () => term.text(),
    status: () => status,
    tasks: () => tree.all(),
    trace: () => trace.all(),
    memory: () => mem.counts(),
    fed: () => fed.slice(),
    marks: () => ({ ...marks }),
    shareUrl,
    select,
    showMemory: () => setSide("memory"),
    run: (c: Partial<RunConfig> & { prog: string; args?: string[]; paused?: boolean }) => {
      const p = programById(c.prog)!;
      start({ prog: p.id, argv: [p.name, ...(c.args ?? p.args)], stdin: c.stdin ?? [], stdinAt: c.stdinAt, seed: c.seed ?? 1, jit: c.jit ?? true }, false, false, c.paused ?? false);
    },
  },
});

start(initialConfig, fromUrl !== null, true);
