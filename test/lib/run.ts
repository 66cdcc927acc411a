// Run a guest binary in-process through the Kernel API, the way the CLI does.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Kernel } from "../../src/system.js";
import type { KernelOptions } from "../../src/kernel/kernel.js";
import { DEFAULT_ENV } from "../../src/defaults.js";
import { hostMount } from "../../src/host/hostfs.js";

/** Debian's riscv64 cross sysroot (libc6-riscv64-cross), for dynamically linked guests */
export const SYSROOT = process.env.FORKSCOPE_SYSROOT ?? "/usr/riscv64-linux-gnu";
/** the interpreter the guests' PT_INTERP names, inside the sysroot */
export const HAVE_SYSROOT = fs.existsSync(path.join(SYSROOT, "lib/ld-linux-riscv64-lp64d.so.1"));
/** why dynamic tests are skipped here (CI sets FORKSCOPE_REQUIRE_SYSROOT=1: they must run there) */
export const NO_SYSROOT = HAVE_SYSROOT ? false : `no riscv64 sysroot at ${SYSROOT} (apt-get install libc6-riscv64-cross)`;
if (!HAVE_SYSROOT && process.env.FORKSCOPE_REQUIRE_SYSROOT) throw new Error(`FORKSCOPE_REQUIRE_SYSROOT: ${NO_SYSROOT}`);


export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const GUEST_BIN = process.env.FORKSCOPE_GUEST_BIN ?? path.join(ROOT, "guest/bin");

/** the built-in root filesystem image (dist/rootfs.cpio, from npm run build) */
export const IMAGE = path.join(ROOT, "dist/rootfs.cpio");
let imageBytes: Uint8Array | undefined;
export function image(): Uint8Array {
  return (imageBytes ??= new Uint8Array(fs.readFileSync(IMAGE)));
}

export interface GuestRun {
  stdout: string;
  stderr: string;
  /** the CLI's exit code: the exit status, or 128+N when killed by signal N */
  code: number;
  status: number;
  trace: string[];
  kernel: Kernel;
}

export interface RunOptions extends KernelOptions {
  env?: string[];
  stdin?: Uint8Array;
  /** mount the sysroot's lib directory at /lib, as --sysroot does */
  sysroot?: boolean;
  /** where the program goes in the guest (default /bin/BASENAME) */
  guestPath?: string;
}

export function runGuest(bin: string, args: string[] = [], opts: RunOptions = {}): GuestRun {
  const bytes = fs.readFileSync(bin.includes("/") ? bin : path.join(GUEST_BIN, bin));
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const trace: string[] = [];
  const k = new Kernel({
    ...opts,
    output: { write: (s, d) => (s === 1 ? out : err).push(d) },
    trace: opts.trace ?? ((l) => trace.push(l)),
  });
  const name = opts.guestPath ?? "/bin/" + path.basename(bin);
  k.addFile(name, bytes);
  if (opts.sysroot) {
    const lib = hostMount(path.join(SYSROOT, "lib"), true);
    if (typeof lib === "string") throw new Error(lib);
    k.mount("/lib", lib, "hostfs", path.join(SYSROOT, "lib"), true);
  }
  k.spawn(null, [name, ...args], opts.env ?? DEFAULT_ENV, name);
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
