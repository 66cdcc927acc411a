// A run as a link: the program, its arguments, what was typed and the seed, in the URL's
// fragment (never sent to the server), so that opening the link replays the run.

import type { RunConfig } from "./protocol.js";

export function encodeRun(c: RunConfig): string {
  const p = new URLSearchParams();
  p.set("p", c.prog);
  p.set("a", JSON.stringify(c.argv.slice(1)));
  if (c.stdin.length > 0) p.set("i", JSON.stringify(c.stdin));
  if (c.stdinAt && c.stdinAt.length === c.stdin.length && c.stdin.length > 0) p.set("t", JSON.stringify(c.stdinAt));
  p.set("s", String(c.seed));
  if (!c.jit) p.set("j", "0");
  return "#" + p.toString();
}

function strings(v: unknown): string[] | null {
  return Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : null;
}

/** the run a fragment describes, or null; argv[0] is filled in by the caller */
export function decodeRun(hash: string): Omit<RunConfig, "argv"> & { args: string[] } | null {
  if (!hash.startsWith("#") || hash.length < 2) return null;
  const p = new URLSearchParams(hash.slice(1));
  const prog = p.get("p");
  if (!prog) return null;
  let args: string[] | null = [];
  let stdin: string[] | null = [];
  try {
    if (p.has("a")) args = strings(JSON.parse(p.get("a")!));
    if (p.has("i")) stdin = strings(JSON.parse(p.get("i")!));
  } catch {
    return null;
  }
  if (args === null || stdin === null) return null;
  // when each input was given (virtual ns); a link without them replays without waits
  let stdinAt: number[] | undefined;
  try {
    const t: unknown = p.has("t") ? JSON.parse(p.get("t")!) : null;
    if (Array.isArray(t) && t.length === stdin.length && t.every((x) => Number.isSafeInteger(x) && x >= 0)) stdinAt = t as number[];
  } catch {
    stdinAt = undefined;
  }
  const seed = Number(p.get("s") ?? "1");
  return { prog, args, stdin, stdinAt, seed: Number.isSafeInteger(seed) && seed >= 0 ? seed : 1, jit: p.get("j") !== "0" };
}
