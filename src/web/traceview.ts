// The syscall pane: the kernel's trace lines as a stream, filtered by pid, by syscall name and
// to failures only; process-creation calls are highlighted and a failure shows the kernel's
// reason for it, as the trace line carries it ("EINVAL (CLONE_SIGHAND requires CLONE_VM)").

import type { TraceLine } from "./protocol.js";

/** lines kept (older ones are dropped) */
const KEEP = 50_000;
/** lines drawn (the newest that match) */
const SHOW = 600;
const PROC = new Set(["clone", "clone3", "vfork", "fork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid", "unshare", "setns"]);
const CREATE = new Set(["clone", "clone3", "vfork", "fork", "execve", "execveat"]);

const esc = (s: string) => s.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);

export class TraceView {
  private lines: TraceLine[] = [];
  private dropped = 0;
  private pending = false;
  pid: number | null = null;
  name = "";
  failOnly = false;
  follow = true;

  constructor(private el: HTMLElement, private count: HTMLElement) {
    el.addEventListener("scroll", () => {
      // scrolling up stops following; back at the bottom resumes it
      const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
      if (this.follow !== atBottom) {
        this.follow = atBottom;
        this.onFollow(atBottom);
      }
    });
  }

  onFollow: (on: boolean) => void = () => {};

  clear(): void {
    this.lines = [];
    this.dropped = 0;
    this.schedule();
  }

  add(lines: TraceLine[]): void {
    for (const l of lines) this.lines.push(l);
    if (this.lines.length > KEEP) {
      const n = this.lines.length - KEEP;
      this.lines.splice(0, n);
      this.dropped += n;
    }
    this.schedule();
  }

  /** every kept line (tests look for a syscall) */
  all(): TraceLine[] {
    return this.lines;
  }

  schedule(): void {
    if (this.pending) return;
    this.pending = true;
    // at most ten redraws a second: a busy guest makes thousands of calls a second
    setTimeout(() => requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    }), 100);
  }

  private matches(l: TraceLine): boolean {
    if (this.pid !== null && l.pid !== this.pid && l.tid !== this.pid) return false;
    if (this.name && !l.name.includes(this.name)) return false;
    if (this.failOnly && !(l.res < 0 && l.res > -4096)) return false;
    return true;
  }

  private render(): void {
    const shown: TraceLine[] = [];
    let matching = 0;
    for (let i = this.lines.length - 1; i >= 0; i--) {
      const l = this.lines[i];
      if (!this.matches(l)) continue;
      matching++;
      if (shown.length < SHOW) shown.push(l);
    }
    shown.reverse();
    const html: string[] = [];
    if (matching > shown.length) html.push(`<div class=more>${matching - shown.length} earlier matching lines not drawn (filter to see them)</div>`);
    for (const l of shown) {
      const fail = l.res < 0 && l.res > -4096;
      const cls = (PROC.has(l.name) ? (CREATE.has(l.name) ? "proc" : "") : "") + (fail ? " fail" : "");
      html.push(`<div${cls.trim() ? ` class="${cls.trim()}"` : ""}>${esc(l.text)}</div>`);
    }
    if (shown.length === 0) html.push(`<div class=more>${this.lines.length ? "no line matches the filter" : "no syscalls yet"}</div>`);
    this.el.innerHTML = html.join("");
    this.count.textContent = `${this.lines.length + this.dropped} calls${this.dropped ? ` (${this.dropped} oldest dropped)` : ""}`;
    if (this.follow) this.el.scrollTop = this.el.scrollHeight;
  }
}
