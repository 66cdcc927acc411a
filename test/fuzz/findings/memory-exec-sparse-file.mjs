// forkscope fuzz reproducer memory-exec-sparse-file
// memory: host RSS past 1536 MiB (found by seed 5000 case 1045: readAt < doExecve); written by hand from that stack
//   at readAt (dist/src/fs/node.js)
//      doExecve (dist/src/kernel/exec.js)
//      sysExecve (dist/src/syscalls/proc.js)
// found by `npm run fuzz -- --seed 5000 --case 1045` (sys mode); last syscall execve
// guest program (5/5 calls kept after minimization):
//   res[0] = openat(-100, 0x901800, 66, 493, 0, 0)
//   res[1] = ftruncate(res[0], 0x3fffffff, 0, 0, 0, 0)
//   res[2] = close(res[0], 0, 0, 0, 0, 0)
//   res[3] = execve(0x901810, 0x901820, 0, 0, 0, 0)
//   res[4] = exit_group(0, 0, 0, 0, 0, 0)
// usage: node THIS.mjs [/path/to/forkscope]   (default: the current directory; run `npm run build` first)
// Runs the guest in a child process with a 20 s limit; exits 1 while the host failure (an exception
// escaping the kernel, run() not returning, host RSS past 512 MiB) reproduces, 0 once the guest ends normally.
import * as zlib from "node:zlib";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { pathToFileURL, fileURLToPath } from "node:url";
const project = path.resolve(process.argv[2] ?? ".");
const MEM_LIMIT = 536870912;
if (process.argv[3] !== "--child") {
  const t0 = Date.now();
  const c = spawnSync(process.execPath, [fileURLToPath(import.meta.url), project, "--child"], { stdio: ["ignore", "pipe", "inherit"], timeout: 20000, killSignal: "SIGKILL" });
  process.stdout.write(String(c.stdout ?? ""));
  if (c.signal === "SIGKILL" || c.error) { console.log(`HOST HANG: Kernel.run() did not return within 20 s (${Date.now() - t0} ms)`); process.exit(1); }
  process.exit(c.status ?? 1);
}
const { Kernel } = await import(pathToFileURL(path.join(project, "dist/src/index.js")).href);
const elf = new Uint8Array(zlib.inflateRawSync(Buffer.from("7c6xSsNQFMbxr2lubBVByGIpSKA4t7i0YxB0cnDyFZwEQQc3Y6V7IGMXhz6AgxIHBx+hj9B3EAcnbdJca00FN6H8f3A599x899xcHxwdOpWKLEevyrpQs7NQZaF6cot9ljLZZkvfTuY1KFpbbS5r8xmBvRct1K9xQfmel206NhAv1M62Pa8tv3dsv9/9qMvvAQAAAACwCk4jyZd0u+dtJP19tXon6/bsLyt1Y3UbsZr1epQ2Yvnm5T3djTUcmMj3Ajfxxjv+mpRkqxZVLyS17keqPrpKjcLh4O3D96Rkuua5iZPnHma5xEjlTDyb9TRSd/pe05ib4t1+OTvezLPPI/nTWcvnTUzxb06eKXoAAAAAAAAAAAAAAAAAAAAAAAAAAP5D+/LsvH31ew8AAFbPJw==", "base64")));
const o = {"seed":1,"memory":67108864,"jit":0,"quantum":200000,"maxTasks":64};
const JITS = [0];
function once(jit) {
  const k = new Kernel({ ...o, jit, output: { write: () => {} } });
  k.spawn(elf, ["/bin/t"], ["HOME=/", "PATH=/bin"], "/bin/t");
  const t0 = Date.now();
  let left = 1000000;
  for (;;) {
    const before = k.totalInstructions + (k.totalWork ?? 0);
    const r = k.run(Math.min(100000, left));
    left -= k.totalInstructions + (k.totalWork ?? 0) - before;
    const peak = process.resourceUsage().maxRSS * 1024;
    if (peak > MEM_LIMIT) { console.log("HOST MEMORY: peak RSS", Math.round(peak / 1048576), "MiB"); process.exit(1); }
    if (r.state === "input") { k.pushInput(null); continue; }
    if (r.state !== "limit" || left <= 0) {
      console.log(`jit ${jit}: guest ended: ${JSON.stringify(r)} instructions ${k.totalInstructions} ms ${Date.now() - t0}`);
      return JSON.stringify(r) + "/" + k.totalInstructions;
    }
  }
}
try {
  const ends = JITS.map(once);
  if (ends.length === 2 && ends[0] !== ends[1]) { console.log("DIVERGENCE: the interpreter and the translation to JS differ"); process.exit(1); }
  console.log("no host failure");
} catch (e) {
  console.log("HOST FAILURE:", e && e.stack ? e.stack.split("\n").slice(0, 8).join("\n") : e);
  process.exitCode = 1;
}
