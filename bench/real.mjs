// Real workloads for bench/run.mjs (issue 13): busybox sha256sum, gzip -9 and sort over 16 MiB of
// generated text, shell loops that fork and exec 1,000 short commands, and esbuild bundling a
// real TypeScript project (rxjs from the npm registry). Each runs the same program natively
// (x86_64), under qemu-riscv64 and under forkscope, in the same run. See BENCHMARKS.md.
import { execFileSync, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { generate } from "./gendata.mjs";

const BENCH = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.dirname(BENCH);
const CACHE = path.join(BENCH, ".cache");
const GUEST_BUSYBOX = path.join(ROOT, "guest/busybox/busybox");
/** the data file: its size and SHA-256 (the generator is deterministic, so a change is a bug) */
const DATA_SIZE = 16 << 20;
const DATA_SHA256 = "cea8de4c5fc5f7f06857a5f9f637278ce0d70be06bfde54a237e33286862d4e0";
/** the project esbuild bundles: a registry package that ships its TypeScript sources */
const RXJS = { spec: "rxjs@7.8.1", integrity: "sha512-AA3TVj+0A2iuIoQkWEK/tqFjBq2j+6PO6Y0zJcvzLAFhEFIO3HL0vls9hWLncZbAAbK0mar7oZ4V079I/qPMxg==" };
/** one entry that keeps every public export of the package's entry points (none is tree-shaken) */
const RXJS_ENTRY = ["index", "operators/index", "ajax/index", "fetch/index", "testing/index", "webSocket/index"]
  .map((m) => `export * as ${m.split("/")[0] === "index" ? "rxjs" : m.split("/")[0]} from "./src/${m}";`)
  .join("\n") + "\n";

export const LABELS = {
  bb_sha256sum: ["busybox sha256sum of 16 MiB", "real"],
  bb_gzip: ["busybox gzip -9 of 16 MiB", "real"],
  bb_sort: ["busybox sort of 16 MiB (319,609 lines)", "real"],
  sh_exec: ["busybox sh: 1,000 × fork + exec /bin/true", "real"],
  sh_pipeline: ["busybox sh: 300 × `echo $i | cat | wc -c` (900 execs)", "real"],
  esbuild_rxjs: ["esbuild --bundle --minify of rxjs 7.8.1 (817 KB of TypeScript in 251 files)", "real"],
};

/**
 * `npm pack SPEC` into dir (once) and unpack it there; checks the tarball's integrity when given.
 * Returns the unpacked package directory. npm pack, not install: it also fetches packages whose
 * cpu field is not this machine's (@esbuild/linux-riscv64).
 */
export function npmPack(spec, dir, integrity) {
  const pkg = path.join(dir, "package");
  if (fs.existsSync(path.join(pkg, "package.json"))) return pkg;
  fs.mkdirSync(dir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(dir, "pack-"));
  try {
    const out = execFileSync("npm", ["pack", "--silent", spec], { cwd: tmp, encoding: "utf8" }).trim().split("\n").pop();
    const tgz = fs.readFileSync(path.join(tmp, out));
    const got = "sha512-" + crypto.createHash("sha512").update(tgz).digest("base64");
    if (integrity && got !== integrity) throw new Error(`${spec}: integrity ${got}, expected ${integrity}`);
    execFileSync("tar", ["xzf", out], { cwd: tmp });
    fs.renameSync(path.join(tmp, "package"), pkg);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return pkg;
}

/** the 16 MiB input, generated into bench/.cache/real once */
function dataDir() {
  const dir = path.join(CACHE, "real/data");
  const file = path.join(dir, "input.txt");
  const sha = (b) => crypto.createHash("sha256").update(b).digest("hex");
  if (!fs.existsSync(file) || fs.statSync(file).size !== DATA_SIZE) {
    fs.mkdirSync(dir, { recursive: true });
    const b = generate(DATA_SIZE);
    if (sha(b) !== DATA_SHA256) throw new Error(`bench/gendata.mjs made other bytes than before (sha256 ${sha(b)})`);
    fs.writeFileSync(file, b);
  }
  return dir;
}

/**
 * Directories of the commands the shell loops exec, one per target, so that every target runs
 * busybox's applets by execve of a path (never the shell's builtins or, in Debian's host build
 * with FEATURE_SH_STANDALONE, applets run in-process):
 * - native: symlinks to the host's busybox (Debian's busybox-static, same version and
 *   configuration as guest/busybox/busybox);
 * - qemu: scripts `#!qemu-riscv64 guest/busybox/busybox`, so each exec starts a new qemu, as
 *   binfmt_misc would (busybox runs the applet named by its first argument's last component);
 * - forkscope: symlinks to /bin/busybox, mounted at /b (they resolve inside the guest).
 */
function appletDirs(hostBusybox, qemu) {
  const base = path.join(CACHE, "real");
  const dirs = { native: path.join(base, "bin-native"), qemu: path.join(base, "bin-qemu"), forkscope: path.join(base, "bin-guest") };
  for (const d of Object.values(dirs)) fs.rmSync(d, { recursive: true, force: true }), fs.mkdirSync(d, { recursive: true });
  for (const a of ["true", "seq", "cat", "wc"]) {
    if (hostBusybox) fs.symlinkSync(hostBusybox, path.join(dirs.native, a));
    if (qemu) fs.writeFileSync(path.join(dirs.qemu, a), `#!${qemu} ${GUEST_BUSYBOX}\n`, { mode: 0o755 });
    fs.symlinkSync("/bin/busybox", path.join(dirs.forkscope, a));
  }
  return dirs;
}

const which = (cmd) => {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
};
const sha = (b) => crypto.createHash("sha256").update(b).digest("hex").slice(0, 16);

/**
 * The jobs, as [name, fn] for run.mjs. ctx: { wallRows, problem, log, active, bundle, quick, raw }.
 * Repetitions are chosen so a row takes about a minute on an idle 2-CPU machine: the long
 * forkscope runs (gzip, sort: ~13 s each) three times without a warm-up run, qemu's exec loops
 * (~40 ms per exec: a new qemu each time) once.
 */
export function realJobs(ctx) {
  const { wallRows, problem, log, raw } = ctx;
  const hostBusybox = which("busybox");
  const qemu = which("qemu-riscv64");
  const fsRun = (opts, args) => [process.execPath, ctx.bundle(), "run", "--stats", ...opts, GUEST_BUSYBOX, ...args];
  /** rows whose outputs must agree: forkscope against qemu (the same binary) byte for byte, native after `norm` */
  const compare = (id, outs, norm = (b) => b) => {
    const ref = outs.qemu ?? outs.forkscope;
    if (outs.forkscope && outs.qemu && !outs.forkscope.equals(outs.qemu)) problem(`${id}: the forkscope output differs from qemu's`);
    if (outs.native && ref && !norm(outs.native).equals(norm(ref))) problem(`${id}: the native output differs from the riscv64 one`);
    return Object.fromEntries(Object.entries(outs).map(([t, b]) => [t, { bytes: b.length, sha256: sha(b) }]));
  };

  function busyboxJob() {
    if (!hostBusybox) log("  no busybox on the host (apt-get install busybox-static): no native column");
    const dir = dataDir();
    const n = ctx.quick ? 1 : { native: 5, qemu: 5, forkscope: 3 };
    const warmup = { native: true, qemu: true, forkscope: false };
    const jobs = (raw.jobs.busybox = { data: { bytes: DATA_SIZE, sha256: DATA_SHA256, generator: "bench/gendata.mjs" }, host_busybox: hostBusybox && firstLine(hostBusybox), rows: {} });
    for (const [id, args, norm] of [
      ["bb_sha256sum", ["sha256sum", "input.txt"]],
      // Debian's x86_64 build writes 0 in the gzip header's XFL byte, the riscv64 build 2
      ["bb_gzip", ["gzip", "-9", "-c", "input.txt"], (b) => Buffer.concat([b.subarray(0, 8), b.subarray(9)])],
      ["bb_sort", ["sort", "input.txt"]],
    ]) {
      const outs = wallRows(id, n, {
        native: hostBusybox ? { cmd: [hostBusybox, ...args], cwd: dir } : null,
        qemu: qemu ? { cmd: [qemu, GUEST_BUSYBOX, ...args], cwd: dir } : null,
        forkscope: { cmd: fsRun(["--mount", `${dir}:/data`, "--cwd", "/data"], args) },
      }, null, { warmup, encoding: "buffer" });
      jobs.rows[id] = { args: args.join(" "), outputs: compare(id, outs, norm) };
    }
  }

  function shellJob() {
    const dirs = appletDirs(hostBusybox, qemu);
    // $B is the directory of the applets (see appletDirs); the loops are the issue's
    const scripts = {
      sh_exec: "for i in $($B/seq 1000); do $B/true; done; echo done",
      sh_pipeline: "for i in $($B/seq 300); do echo $i | $B/cat | $B/wc -c; done | $B/wc -l",
    };
    const n = ctx.quick ? 1 : { native: 5, qemu: 1, forkscope: 3 };
    const warmup = { native: true, qemu: false, forkscope: false };
    raw.jobs.shell = { scripts, rows: {} };
    for (const [id, script] of Object.entries(scripts)) {
      const outs = wallRows(id, n, {
        native: hostBusybox ? { cmd: [hostBusybox, "sh", "-c", script], env: { B: dirs.native } } : null,
        qemu: qemu ? { cmd: [qemu, GUEST_BUSYBOX, "sh", "-c", script], env: { B: dirs.qemu } } : null,
        forkscope: { cmd: fsRun(["--mount", `${dirs.forkscope}:/b`, "--env", "B=/b"], ["sh", "-c", script]) },
      }, null, { warmup, encoding: "buffer" });
      raw.jobs.shell.rows[id] = { outputs: compare(id, outs) };
    }
  }

  function rxjsJob() {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/esbuild/package.json"), "utf8")).version;
    const host = path.join(ROOT, "node_modules/.bin/esbuild");
    const guest = ctx.guestEsbuild(version);
    let proj;
    try {
      proj = npmPack(RXJS.spec, path.join(CACHE, RXJS.spec.replace("@", "-")), RXJS.integrity);
    } catch (e) {
      return problem(`esbuild_rxjs: could not fetch ${RXJS.spec}: ${e.message}`);
    }
    fs.writeFileSync(path.join(proj, "bench-entry.ts"), RXJS_ENTRY);
    const args = ["--bundle", "--minify", "--format=esm"];
    const n = ctx.quick ? 1 : { native: 5, qemu: 5, forkscope: 3 };
    const outs = wallRows("esbuild_rxjs", n, {
      native: fs.existsSync(host) ? [host, path.join(proj, "bench-entry.ts"), ...args] : null,
      qemu: qemu && guest ? [qemu, guest, path.join(proj, "bench-entry.ts"), ...args] : null,
      forkscope: guest ? [process.execPath, ctx.bundle(), "run", "--stats", "--mount", `${proj}:/proj`, guest, "/proj/bench-entry.ts", ...args] : null,
    }, null, { warmup: { native: true, qemu: true, forkscope: false }, encoding: "buffer" });
    const ts = fs.readdirSync(path.join(proj, "src"), { recursive: true }).filter((f) => f.endsWith(".ts"));
    raw.jobs.esbuild_rxjs = {
      package: RXJS.spec, integrity: RXJS.integrity, license: "Apache-2.0", entry: RXJS_ENTRY, args, version,
      ts_files: ts.length, ts_bytes: ts.reduce((a, f) => a + fs.statSync(path.join(proj, "src", f)).size, 0),
      outputs: compare("esbuild_rxjs", outs),
    };
  }

  return [["busybox", busyboxJob], ["shell", shellJob], ["esbuild-rxjs", rxjsJob]];
}

function firstLine(cmd) {
  const r = spawnSync(cmd, [], { encoding: "utf8" });
  return (r.stdout ?? "").split("\n")[0].trim();
}
