// The terminal pane: xterm.js showing the guest console. Every key (and xterm's answers to the
// guest's queries, such as the cursor position for ESC[6n) goes to the guest's terminal as one
// input chunk, unchanged: the kernel's console is a tty whose line discipline does ICRNL, echo
// and ^C, and whose output processing (ONLCR) ends lines in CR LF. A line mode (the page echoes
// and edits a line, sent on Enter) remains for a console that is not a terminal at all.

import { Terminal } from "@xterm/xterm";
import { FitAddon } from "@xterm/addon-fit";

export interface TermSink {
  /** a chunk of input for the guest (a whole line in line mode) */
  input(data: Uint8Array): void;
  eof(): void;
  resize(cols: number, rows: number): void;
}

export class TermView {
  readonly term: Terminal;
  private fit = new FitAddon();
  private line = "";
  private enc = new TextEncoder();
  private dec = new TextDecoder();
  /** true: the page edits lines (the guest's console is no terminal); false: keys to the guest */
  lineMode = false;
  /** send Enter (CR) as LF: only for a console without a line discipline to do it */
  icrnl = false;

  constructor(el: HTMLElement, private sink: TermSink) {
    this.term = new Terminal({
      // the guest's terminal turns LF into CR LF itself (OPOST ONLCR), and a program that turns
      // that off (vi, raw mode) means a bare line feed
      convertEol: false,
      cursorBlink: true,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 13,
      scrollback: 5000,
      theme: { background: "#111111" },
    });
    this.term.loadAddon(this.fit);
    this.term.open(el);
    this.term.onData((d) => this.onKeys(d));
    new ResizeObserver(() => this.refit()).observe(el);
    this.refit();
  }

  refit(): void {
    try {
      this.fit.fit();
    } catch {
      return;
    }
    this.sink.resize(this.term.cols, this.term.rows);
  }

  write(data: Uint8Array): void {
    this.term.write(data);
  }

  reset(): void {
    this.term.reset();
    this.line = "";
  }

  focus(): void {
    this.term.focus();
  }

  /** the visible text of the terminal (tests read it) */
  text(): string {
    const b = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? "");
    return lines.join("\n").replace(/\n+$/, "");
  }

  private onKeys(d: string): void {
    if (!this.lineMode) {
      this.sink.input(this.enc.encode(this.icrnl ? d.replace(/\r/g, "\n") : d));
      return;
    }
    // an escape sequence (arrow keys, function keys) has no meaning without line editing in the guest
    if (d.startsWith("\x1b")) return;
    for (const ch of d) {
      if (ch === "\r" || ch === "\n") {
        this.term.write("\r\n");
        this.sink.input(this.enc.encode(this.line + "\n"));
        this.line = "";
      } else if (ch === "\x7f" || ch === "\b") {
        if (this.line.length > 0) {
          this.line = [...this.line].slice(0, -1).join("");
          this.term.write("\b \b");
        }
      } else if (ch === "\x15") {
        // ^U: kill the line
        this.term.write("\b \b".repeat([...this.line].length));
        this.line = "";
      } else if (ch === "\x04") {
        if (this.line.length === 0) this.sink.eof();
      } else if (ch === "\x03") {
        // no tty yet: ^C cannot reach the guest's foreground job; drop the line as a shell would
        this.term.write("^C\r\n");
        this.line = "";
      } else if (ch >= " " && ch !== "\x1b") {
        this.line += ch;
        this.term.write(ch);
      }
    }
  }

  /** text for the UI of what the guest printed (for messages) */
  decode(b: Uint8Array): string {
    return this.dec.decode(b);
  }
}
