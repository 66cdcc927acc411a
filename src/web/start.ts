// What the first run is and how a worker is told to boot it: shared by boot.ts (which starts
// the first worker before the page's script has loaded) and main.ts (every later run).

import { DEFAULT_ENV } from "../defaults.js";
import { PROGRAMS, Program, programById } from "./gallery.js";
import { decodeRun } from "./url.js";
import type { RunConfig, ToWorker } from "./protocol.js";

/** the run a link describes, or the shell */
export function initialRun(hash: string): { config: RunConfig; program: Program; fromUrl: boolean } {
  const u = decodeRun(hash);
  const p = u ? programById(u.prog) : undefined;
  if (u && p) return { config: { prog: p.id, argv: [p.name, ...u.args], stdin: u.stdin, stdinAt: u.stdinAt, seed: u.seed, jit: u.jit }, program: p, fromUrl: true };
  const sh = PROGRAMS[0];
  return { config: { prog: sh.id, argv: [sh.name, ...sh.args], stdin: [], seed: 1, jit: true }, program: sh, fromUrl: false };
}

export function envFor(p: Program): string[] {
  if (p.id !== "sh") return [...DEFAULT_ENV, "TERM=xterm-256color"];
  // what /etc/profile would set, without its `id -u` (a fork and exec before the first prompt)
  return ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C", "TERM=xterm-256color", "PS1=\\h:\\w# ", "PAGER=less", "EDITOR=vi"];
}

export function bootMessage(c: RunConfig, p: Program, rootfs: Uint8Array | string, paused: boolean): ToWorker {
  return { type: "boot", config: c, rootfs, program: p.file ? `programs/${p.file}.gz` : null, path: p.path, env: envFor(p), paused };
}

/** the root filesystem image as fetched (gzip-compressed; the worker unpacks it) */
export function fetchRootfs(): Promise<ArrayBuffer> {
  return fetch("rootfs.cpio.gz").then((r) => {
    if (!r.ok) throw new Error(`rootfs.cpio.gz: ${r.status} ${r.statusText}`);
    return r.arrayBuffer();
  });
}

/** tell worker w to boot run c once the image is here (if the page cannot fetch it, the worker
 *  tries, and reports the error); `still` says whether w is still wanted */
export function bootWhenReady(w: Worker, c: RunConfig, p: Program, rootfs: Promise<ArrayBuffer>, paused: boolean, still: () => boolean): void {
  rootfs.then(
    (b) => still() && w.postMessage(bootMessage(c, p, new Uint8Array(b.slice(0)), paused)),
    () => still() && w.postMessage(bootMessage(c, p, "rootfs.cpio.gz", paused)),
  );
}

/** what boot.ts leaves for main.ts */
export interface EarlyBoot {
  worker: Worker;
  /** messages from the worker before main.ts listened */
  queued: unknown[];
  config: RunConfig;
  program: Program;
  fromUrl: boolean;
  rootfs: Promise<ArrayBuffer>;
}
