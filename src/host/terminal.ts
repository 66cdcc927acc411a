// The host terminal under a guest terminal console: raw mode while forkscope runs (stty raw -echo,
// so every byte the user types, ^C and ^Z included, goes to the guest's line discipline, and the
// guest's output reaches the screen unchanged), the window size at start and on SIGWINCH, the
// escape sequence that stays with forkscope (Ctrl-] then q), and the terminal restored on every
// way out: normal exit, the guest killed, an internal error, SIGTERM/SIGHUP/SIGINT/SIGQUIT to
// forkscope, and a stop (SIGTSTP, or the guest's job stopping: suspend()) with raw mode set again
// on SIGCONT.

import { createRequire } from "node:module";

/** the escape key: Ctrl-] (as telnet's), then q to quit; Ctrl-] twice sends one Ctrl-] */
export const ESCAPE_KEY = 0x1d;
export const ESCAPE_HELP = "Ctrl-] q: quit forkscope (the guest is killed); Ctrl-] Ctrl-]: send Ctrl-] to the guest";

/** run stty on the terminal at fd 0; its output, or null if it failed */
function stty(args: string[]): string | null {
  // required here, not imported: node:child_process costs ~3 ms of every start-up, and only a
  // terminal console runs stty
  const { spawnSync } = createRequire("/")("node:child_process") as typeof import("node:child_process");
  const r = spawnSync("stty", args, { stdio: [0, "pipe", "pipe"], encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

const SIGNALS = ["SIGTERM", "SIGHUP", "SIGINT", "SIGQUIT"] as const;
const SIGNO: Record<(typeof SIGNALS)[number], number> = { SIGTERM: 15, SIGHUP: 1, SIGINT: 2, SIGQUIT: 3 };

export interface TerminalEvents {
  /** key bytes for the guest */
  keys(data: Uint8Array): void;
  /** the window changed size */
  resize(cols: number, rows: number): void;
  /** the user asked to quit (Ctrl-] q) */
  quit(): void;
  /** the terminal went away (end of input) */
  end(): void;
  /** forkscope was continued after a stop (the host shell's fg or bg) */
  continued(): void;
}

export class HostTerminal {
  private saved: string | null = null;
  private escape = false;
  private readonly onExit = () => this.restore();
  private readonly onSignal = (sig: NodeJS.Signals) => {
    this.restore();
    process.exit(128 + (SIGNO[sig as (typeof SIGNALS)[number]] ?? 1));
  };
  private readonly onStop = () => this.suspend();
  private readonly onCont = () => {
    if (this.saved === null) return;
    this.raw();
    this.ev.resize(...this.size());
    this.ev.continued();
  };
  private readonly onResize = () => this.ev.resize(...this.size());
  private readonly onData = (b: Buffer) => this.input(new Uint8Array(b));
  private readonly onEnd = () => this.ev.end();

  constructor(private readonly ev: TerminalEvents) {}

  /** the window size (columns, rows) of the host terminal */
  size(): [number, number] {
    return [process.stdout.columns || 80, process.stdout.rows || 24];
  }

  /** raw mode on, and every way out restores the terminal; false if stty failed */
  start(): boolean {
    this.saved = stty(["-g"]);
    if (this.saved === null) return false;
    process.on("exit", this.onExit);
    for (const s of SIGNALS) process.on(s, this.onSignal);
    process.on("SIGTSTP", this.onStop);
    process.on("SIGCONT", this.onCont);
    process.stdout.on("resize", this.onResize);
    if (!this.raw()) {
      this.restore();
      return false;
    }
    process.stdin.on("data", this.onData);
    process.stdin.on("end", this.onEnd);
    process.stdin.on("error", this.onEnd);
    process.stdin.resume();
    return true;
  }

  private raw(): boolean {
    return stty(["raw", "-echo"]) !== null;
  }

  /** stop forkscope as a job of the host shell: the terminal's modes as they were while it is
   *  stopped (input stays connected); SIGCONT sets raw mode again and calls continued() */
  suspend(): void {
    if (this.saved === null) return;
    stty([this.saved]);
    process.kill(process.pid, "SIGSTOP");
  }

  /** the terminal as it was, input no longer read (safe to call more than once) */
  restore(): void {
    if (this.saved === null) return;
    const saved = this.saved;
    this.saved = null;
    stty([saved]);
    process.stdin.off("data", this.onData);
    process.stdin.off("end", this.onEnd);
    process.stdin.off("error", this.onEnd);
    process.stdin.pause();
    process.stdin.destroy();
    process.off("exit", this.onExit);
    for (const s of SIGNALS) process.off(s, this.onSignal);
    process.off("SIGTSTP", this.onStop);
    process.off("SIGCONT", this.onCont);
    process.stdout.off("resize", this.onResize);
  }

  /** key bytes: everything goes to the guest but the escape sequence */
  private input(b: Uint8Array): void {
    const out: number[] = [];
    for (const c of b) {
      if (this.escape) {
        this.escape = false;
        if (c === 0x71 || c === 0x51) {
          if (out.length) this.ev.keys(Uint8Array.from(out));
          this.ev.quit();
          return;
        }
        out.push(ESCAPE_KEY);
        if (c !== ESCAPE_KEY) out.push(c);
      } else if (c === ESCAPE_KEY) this.escape = true;
      else out.push(c);
    }
    if (out.length) this.ev.keys(Uint8Array.from(out));
  }
}
