// Writes a finding as a self-contained reproducer: an .mjs that embeds the guest ELF, runs it
// through dist/src/index.js in a child process with a host time and memory limit, and exits 1
// while the host failure reproduces. Its header lists the syscalls that were kept.

import * as zlib from "node:zlib";
import { SYSCALLS } from "../../src/syscalls/table.js";
import { Arg, Call, Program } from "./program.js";
import type { Job } from "./runner.js";
import type { Failure } from "./pool.js";

const names = new Map(SYSCALLS.map((d) => [d.nr, d.name]));

function fmtArg(a: Arg): string {
  if (a.k === "r") return `res[${a.i}]` + (a.add ? `+${a.add}` : "");
  if (a.k === "m") return `*(int*)0x${a.a.toString(16)}`;
  const v = BigInt(a.v);
  return v > -4096n && v < 65536n ? String(v) : "0x" + BigInt.asUintN(64, v).toString(16);
}

/** the program's calls, one line each, children indented under the call that made them */
export function listing(calls: Call[], indent = ""): string[] {
  const out: string[] = [];
  for (const c of calls) {
    const n = names.get(c.nr) ?? `syscall_${c.nr}`;
    out.push(`${indent}res[${c.id}] = ${n}(${c.args.map(fmtArg).join(", ")})`);
    if (c.child) {
      out.push(`${indent}  in the child (then ${c.childExit === 93 ? "exit" : "exit_group"}):`);
      out.push(...listing(c.child, indent + "    "));
    }
  }
  return out;
}

export interface ReproMeta {
  name: string;
  fail: Failure;
  seed: number;
  caseIndex: number;
  mode: string;
  kept: number;
  total: number;
}

export function reproducer(meta: ReproMeta, program: Program, job: Omit<Job, "stuckFile" | "hangMs" | "memLimit">, memLimit: number, jits: number[]): string {
  const f = meta.fail;
  const b64 = zlib.deflateRawSync(Buffer.from(job.elf), { level: 9 }).toString("base64");
  const lines = [
    `// forkscope fuzz reproducer ${meta.name}`,
    `// ${f.kind}: ${f.detail}`,
    ...f.frames.slice(0, 6).map((l, i) => `//   ${i === 0 ? "at" : "  "} ${l}`),
    `// found by \`npm run fuzz -- --seed ${meta.seed} --case ${meta.caseIndex}\` (${meta.mode} mode)` + (f.lastNr >= 0 ? `; last syscall ${names.get(f.lastNr) ?? f.lastNr}` : ""),
  ];
  if (program.kind === "sys") {
    lines.push(`// guest program (${meta.kept}/${meta.total} calls kept after minimization):`);
    lines.push(...listing(program.calls).map((l) => "//   " + l));
  } else {
    lines.push(`// guest program: random instructions (${meta.kept}/${meta.total} units kept after minimization), translation threshold ${jits.join(" and ")}`);
  }
  lines.push(
    "// usage: node THIS.mjs [/path/to/forkscope]   (default: the current directory; run `npm run build` first)",
    `// Runs the guest in a child process with a 20 s limit; exits 1 while the host failure (an exception`,
    `// escaping the kernel, run() not returning, host RSS past ${Math.round(memLimit / 2 ** 20)} MiB) reproduces, 0 once the guest ends normally.`,
  );
  const body = `import * as zlib from "node:zlib";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { pathToFileURL, fileURLToPath } from "node:url";
const project = path.resolve(process.argv[2] ?? ".");
const MEM_LIMIT = ${memLimit};
if (process.argv[3] !== "--child") {
  const t0 = Date.now();
  const c = spawnSync(process.execPath, [fileURLToPath(import.meta.url), project, "--child"], { stdio: ["ignore", "pipe", "inherit"], timeout: 20000, killSignal: "SIGKILL" });
  process.stdout.write(String(c.stdout ?? ""));
  if (c.signal === "SIGKILL" || c.error) { console.log(\`HOST HANG: Kernel.run() did not return within 20 s (\${Date.now() - t0} ms)\`); process.exit(1); }
  process.exit(c.status ?? 1);
}
const { Kernel } = await import(pathToFileURL(path.join(project, "dist/src/index.js")).href);
const elf = new Uint8Array(zlib.inflateRawSync(Buffer.from(${JSON.stringify(b64)}, "base64")));
const o = ${JSON.stringify(job.kernel)};
const JITS = ${JSON.stringify(jits)};
function once(jit) {
  const k = new Kernel({ ...o, jit, output: { write: () => {} } });
  k.spawn(elf, ["/bin/t"], ["HOME=/", "PATH=/bin"], "/bin/t");
  const t0 = Date.now();
  let left = ${job.limit};
  for (;;) {
    const before = k.totalInstructions + k.totalWork;
    const r = k.run(Math.min(100000, left));
    left -= k.totalInstructions + k.totalWork - before;
    const peak = process.resourceUsage().maxRSS * 1024;
    if (peak > MEM_LIMIT) { console.log("HOST MEMORY: peak RSS", Math.round(peak / 1048576), "MiB"); process.exit(1); }
    if (r.state === "input") { k.pushInput(null); continue; }
    if (r.state !== "limit" || left <= 0) {
      console.log(\`jit \${jit}: guest ended: \${JSON.stringify(r)} instructions \${k.totalInstructions} ms \${Date.now() - t0}\`);
      return JSON.stringify(r) + "/" + k.totalInstructions;
    }
  }
}
try {
  const ends = JITS.map(once);
  if (ends.length === 2 && ends[0] !== ends[1]) { console.log("DIVERGENCE: the interpreter and the translation to JS differ"); process.exit(1); }
  console.log("no host failure");
} catch (e) {
  console.log("HOST FAILURE:", e && e.stack ? e.stack.split("\\n").slice(0, 8).join("\\n") : e);
  process.exitCode = 1;
}
`;
  return lines.join("\n") + "\n" + body;
}
