// The syscall pane: the kernel's trace lines as a stream, filtered by pid, by syscall name and
// to failures only; process-creation calls are highlighted and a failure shows the kernel's
// reason for it, as the trace line carries it ("EINVAL (Invalid argument) [CLONE_SIGHAND requires
// CLONE_VM]").

import type { TraceLine } from "./protocol.js";
import { esc } from "./html.js";

/** lines kept (older ones are dropped) */
const KEEP = 50_000;
/** a line's height in pixels: only the lines in view are drawn, between spacers */
const LINE = 16;
const CREATE = new Set(["clone", "clone3", "vfork", "fork", "execve", "execveat"]);


export class TraceView {
  private lines: TraceLine[] = [];
  private dropped = 0;
  private pending = false;
  private matching: TraceLine[] = [];
  private height = 300;
  pid: number | null = null;
  name = "";
  failOnly = false;
  follow = true;

  constructor(private el: HTMLElement, private count: HTMLElement) {
    el.addEventListener("scroll", () => {
      // scrolling up stops following; back at the bottom resumes it
      const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < LINE;
      if (this.follow !== atBottom) {
        this.follow = atBottom;
        this.onFollow(atBottom);
      }
      if (!this.follow) requestAnimationFrame(() => this.draw());
    });
    new ResizeObserver(() => {
      this.height = el.clientHeight;
      this.draw();
    }).observe(el);
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
    // at most five redraws a second: a busy guest makes thousands of calls a second
    setTimeout(() => requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    }), 200);
  }

  private matches(l: TraceLine): boolean {
    if (this.pid !== null && l.pid !== this.pid && l.tid !== this.pid) return false;
    if (this.name && !l.name.includes(this.name)) return false;
    if (this.failOnly && !(l.res < 0 && l.res > -4096)) return false;
    return true;
  }

  private render(): void {
    this.matching = this.lines.filter((l) => this.matches(l));
    this.count.textContent = `${this.lines.length + this.dropped} calls${this.dropped ? ` (${this.dropped} oldest dropped)` : ""}` +
      (this.matching.length !== this.lines.length ? `, ${this.matching.length} shown` : "");
    this.draw();
  }

  /** the lines in view (and a few more) between spacers as tall as the rest */
  private draw(): void {
    const m = this.matching;
    if (m.length === 0) {
      this.el.innerHTML = `<div class=more>${this.lines.length ? "no line matches the filter" : "no syscalls yet"}</div>`;
      return;
    }
    const top = this.follow ? Math.max(0, m.length * LINE - this.height) : this.el.scrollTop;
    const first = Math.max(0, Math.floor(top / LINE) - 10);
    const last = Math.min(m.length, first + Math.ceil(this.height / LINE) + 20);
    const html: string[] = [`<div class=sp style="height:${first * LINE}px"></div>`];
    for (let i = first; i < last; i++) {
      const l = m[i];
      const fail = l.res < 0 && l.res > -4096;
      const cls = (CREATE.has(l.name) ? "proc" : "") + (fail ? " fail" : "");
      html.push(`<div${cls.trim() ? ` class="${cls.trim()}"` : ""}>${esc(l.text)}</div>`);
    }
    html.push(`<div class=sp style="height:${(m.length - last) * LINE}px"></div>`);
    this.el.innerHTML = html.join("");
    if (this.follow) this.el.scrollTop = m.length * LINE;
  }
}
