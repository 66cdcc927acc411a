#!/usr/bin/env node
// Run each kind of guest/bin/bomb through the CLI and report how it ended and the host's peak
// RSS (GNU time's maximum resident set size of the forkscope process), with the default
// --memory and with a small one. Slow (minutes) and memory-hungry: not part of npm test.
//   node scripts/bombs.mjs [--memory MIB ...] [--timeout S] [KIND ...]
// Needs a build (npm run build) and /usr/bin/time. Prints a Markdown table.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const KINDS = ["fork", "thread", "mem", "mmap", "mmap-noreserve", "recurse", "files", "argv", "tmpfs-write", "pipes", "exec-sparse", "deep"];
const args = process.argv.slice(2);
const memories = [];
let timeout = 600;
const kinds = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--memory") memories.push(args[++i]);
  else if (args[i] === "--timeout") timeout = Number(args[++i]);
  else kinds.push(args[i]);
}
if (memories.length === 0) memories.push("default", "64");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bombs-"));
const rows = [];
for (const kind of kinds.length ? kinds : KINDS) {
  for (const mem of memories) {
    const timeFile = path.join(tmp, "time");
    const cli = [path.join(ROOT, "dist/forkscope.mjs"), "run", "--timeout", String(timeout), ...(mem === "default" ? [] : ["--memory", mem]), path.join(ROOT, "guest/bin/bomb"), kind];
    const t0 = Date.now();
    const r = spawnSync("/usr/bin/time", ["-f", "%M", "-o", timeFile, process.execPath, ...cli], { encoding: "latin1", maxBuffer: 1 << 26, timeout: (timeout + 60) * 1000 });
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    const rssKiB = Number(fs.readFileSync(timeFile, "utf8").trim().split("\n").pop());
    // the guest's own lines, the number of OOM kills and forkscope's own one-line messages
    const kills = (r.stderr.match(/Out of memory: Killed process/g) ?? []).length;
    const own = r.stderr.split("\n").filter((l) => l.startsWith("forkscope:") && !l.includes("kernel:")).map((l) => l.slice(0, 110));
    const outcome = [...r.stdout.trim().split("\n").filter(Boolean).map((l) => l.slice(0, 110)), ...(kills ? [`${kills} OOM kill${kills > 1 ? "s" : ""}`] : []), ...own].join("; ");
    const row = { kind, memory: mem === "default" ? "default (4096)" : mem, exit: r.status, seconds: secs, peakRssMiB: Math.round(rssKiB / 1024), outcome };
    rows.push(row);
    console.error(JSON.stringify(row));
  }
}
console.log("| bomb | --memory (MiB) | exit | host peak RSS (MiB) | time (s) | what the guest saw |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const r of rows) console.log(`| ${r.kind} | ${r.memory} | ${r.exit} | ${r.peakRssMiB} | ${r.seconds} | ${r.outcome.replace(/\|/g, "\\|")} |`);
fs.rmSync(tmp, { recursive: true, force: true });
