// Run a guest binary in-process through the Kernel API, the way the CLI does.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Kernel } from "../../src/system.js";
import type { KernelOptions } from "../../src/kernel/kernel.js";
import { DEFAULT_ENV } from "../../src/defaults.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const GUEST_BIN = process.env.FORKSCOPE_GUEST_BIN ?? path.join(ROOT, "guest/bin");

export interface GuestRun {
  stdout: string;
  stderr: string;
  /** the CLI's exit code: the exit status, or 128+N when killed by signal N */
  code: number;
  status: number;
  trace: string[];
  kernel: Kernel;
}

export function runGuest(bin: string, args: string[] = [], opts: KernelOptions & { env?: string[]; stdin?: Uint8Array } = {}): GuestRun {
  const bytes = fs.readFileSync(bin.includes("/") ? bin : path.join(GUEST_BIN, bin));
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const trace: string[] = [];
  const k = new Kernel({
    ...opts,
    output: { write: (s, d) => (s === 1 ? out : err).push(d) },
    trace: opts.trace ?? ((l) => trace.push(l)),
  });
  const name = "/bin/" + path.basename(bin);
  k.spawn(bytes, [name, ...args], opts.env ?? DEFAULT_ENV, name);
  let status = -1;
  for (let guard = 0; guard < 1000; guard++) {
    const r = k.run();
    if (r.state === "exited") {
      status = r.status;
      break;
    }
    if (r.state === "input") {
      k.pushInput(opts.stdin ?? null);
      opts = { ...opts, stdin: undefined };
      continue;
    }
    throw new Error(`guest ${bin} stopped: ${r.state}`);
  }
  const dec = (a: Uint8Array[]) => Buffer.concat(a).toString("utf8");
  const code = (status & 0x7f) !== 0 ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
  return { stdout: dec(out), stderr: dec(err), code, status, trace, kernel: k };
}
