// Runs guest jobs in a child process (runner.ts) under a host watchdog: a job that does not answer
// within its host time, or grows the child past its memory bound, is reported as a hang or memory
// blow-up with the stack the child's watchdog thread recorded, and the child is replaced.

import { fork, ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { Job, Outcome } from "./runner.js";

export interface Failure {
  kind: "exception" | "hang" | "memory" | "crash" | "divergence";
  /** one line: the error, or what overran */
  detail: string;
  /** top frames, innermost first */
  frames: string[];
  lastNr: number;
}

export type Result = { ok: true; out: Outcome } | { ok: false; fail: Failure; out?: Outcome };

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), "runner.js");

function rssOf(pid: number): number {
  try {
    const statm = fs.readFileSync(`/proc/${pid}/statm`, "utf8").split(" ");
    return Number(statm[1]) * 4096;
  } catch {
    return 0;
  }
}

export class Pool {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private readonly stuckFile = path.join(os.tmpdir(), `forkscope-fuzz-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  restarts = 0;

  constructor(private readonly hangMs: number, private readonly memLimit: number) {}

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const c = fork(RUNNER, [], { serialization: "advanced", stdio: ["ignore", "ignore", "inherit", "ipc"], execArgv: ["--max-old-space-size=4096", "--stack-size=984"] });
    this.child = c;
    this.ready = new Promise((res, rej) => {
      const onMsg = (m: { ready?: boolean }) => {
        if (m.ready) {
          c.off("message", onMsg);
          res();
        }
      };
      c.on("message", onMsg);
      c.once("exit", () => rej(new Error("fuzz runner exited before it was ready")));
    });
    return this.ready;
  }

  private kill(): void {
    if (this.child) {
      this.child.removeAllListeners();
      this.child.kill("SIGKILL");
    }
    this.child = null;
    this.ready = null;
    this.restarts++;
  }

  async run(job: Omit<Job, "stuckFile" | "hangMs" | "memLimit">, hangMs = this.hangMs): Promise<Result> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.start();
        break;
      } catch (e) {
        this.kill();
        if (attempt === 2) return { ok: false, fail: { kind: "crash", detail: String(e), frames: [], lastNr: -1 } };
      }
    }
    const c = this.child!;
    try {
      fs.rmSync(this.stuckFile, { force: true });
    } catch {}
    return new Promise<Result>((resolve) => {
      const t0 = performance.now();
      let done = false;
      const finish = (r: Result) => {
        if (done) return;
        done = true;
        clearInterval(poll);
        c.off("message", onMsg);
        c.off("exit", onExit);
        resolve(r);
      };
      const stuck = (): Failure | null => {
        try {
          const s = JSON.parse(fs.readFileSync(this.stuckFile, "utf8")) as { kind: "hang" | "memory"; detail: string; frames: string[] };
          return { kind: s.kind, detail: s.detail, frames: s.frames, lastNr: -1 };
        } catch {
          return null;
        }
      };
      const poll = setInterval(() => {
        const s = stuck();
        const rss = rssOf(c.pid!);
        if (s !== null || rss > this.memLimit + (1 << 30) || performance.now() - t0 > 12 * hangMs + 5000) {
          const f = s ?? { kind: rss > this.memLimit ? "memory" : "hang", detail: rss > this.memLimit ? `host RSS ${Math.round(rss / 2 ** 20)} MiB` : `no result after ${Math.round(performance.now() - t0)} ms`, frames: [], lastNr: -1 } as Failure;
          this.kill();
          finish({ ok: false, fail: f });
        }
      }, 50);
      const onMsg = (m: Outcome) => {
        if (m.id !== job.id) return;
        if (m.kind === "exception") finish({ ok: false, fail: { kind: "exception", detail: m.error!, frames: m.stack ?? [], lastNr: m.lastNr }, out: m });
        else finish({ ok: true, out: m });
      };
      const onExit = (code: number | null, sig: string | null) => {
        this.child = null;
        this.ready = null;
        this.restarts++;
        finish({ ok: false, fail: { kind: "crash", detail: `runner died (exit ${code}, signal ${sig})`, frames: [], lastNr: -1 } });
      };
      c.on("message", onMsg);
      c.on("exit", onExit);
      c.send({ ...job, stuckFile: this.stuckFile, hangMs, memLimit: this.memLimit });
    });
  }

  close(): void {
    if (this.child) {
      this.child.removeAllListeners();
      this.child.kill("SIGKILL");
    }
    this.child = null;
    try {
      fs.rmSync(this.stuckFile, { force: true });
    } catch {}
  }
}

/** a short, stable name for a failure: the kind and the innermost frames inside forkscope's code */
export function signature(f: Failure): string {
  const ours = f.frames.filter((l) => l.includes("dist/src/")).map((l) => l.replace(/^(\S+).*?dist\/src\/([^:]+):(\d+).*$/, "$1"));
  const top = ours.slice(0, 2).join("<") || f.frames[0] || "?";
  if (f.kind === "exception") return `exception ${f.detail.replace(/\d+/g, "N").slice(0, 60)} @ ${top}`;
  return `${f.kind} ${top}`;
}
