// Messages between the playground page and the Web Worker that runs the kernel.

import type { TaskDetail, TaskView } from "../kernel/inspect.js";
import type { PageMap } from "../mm/pagemap.js";

/** what to run: everything a replay needs */
export interface RunConfig {
  /** gallery id of the program ("sh" for the image's busybox shell) */
  prog: string;
  /** argv (argv[0] included) */
  argv: string[];
  /** lines typed at the guest, each given when the guest next waits for input */
  stdin: string[];
  /** the virtual time (ns) at which each of those was given, when recorded: a replay waits for
   *  the guest's clock to reach it, as the person did, so that time-dependent runs replay too */
  stdinAt?: number[];
  seed: number;
  /** translate hot code to JavaScript (off: interpret only) */
  jit: boolean;
}

export type ToWorker =
  /** rootfs: the image's bytes (gzip-compressed or not), or a promise of them as a URL to fetch */
  | { type: "boot"; config: RunConfig; rootfs: Uint8Array | string; program: string | null; path: string; env: string[]; paused: boolean }
  | { type: "input"; data: Uint8Array }
  | { type: "eof" }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "step" }
  | { type: "select"; tid: number | null; memory: boolean }
  | { type: "put-file"; path: string; data: Uint8Array; mode: number }
  | { type: "get-file"; path: string; id: number }
  | { type: "resize"; cols: number; rows: number };

export type RunState = "booting" | "running" | "paused" | "input" | "exited" | "deadlock" | "error";

export interface TraceLine {
  pid: number;
  tid: number;
  name: string;
  res: number;
  text: string;
  /** position in the run (a serial number), so the page can tell lost lines */
  seq: number;
}

export interface Status {
  state: RunState;
  instructions: number;
  /** guest virtual time (CLOCK_MONOTONIC, ns) */
  vtime: number;
  /** guest instructions per host second over the last second */
  ips: number;
  /** code translation: "on", "off" (asked for), or "blocked" (the page's CSP forbids generated code) */
  jit: "on" | "off" | "blocked";
  /** instructions that ran translated */
  jitExecuted: number;
  exitStatus: number | null;
  message: string;
  syscalls: number;
  tasks: number;
  frames: { inUse: number; cowCopies: number; cowReuses: number };
}

export type FromWorker =
  | { type: "out"; data: Uint8Array }
  | { type: "trace"; lines: TraceLine[] }
  | { type: "tree"; tasks: TaskView[]; gone: TaskView[] }
  | { type: "detail"; detail: TaskDetail | null }
  | { type: "memory"; map: PageMap | null; owners: Record<number, number[]> }
  | { type: "status"; status: Status }
  | { type: "file"; id: number; data: Uint8Array | null; error: string }
  | { type: "fed"; line: string; at: number };
