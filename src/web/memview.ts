// The memory pane: the selected task's address space, one square per present page, grouped by
// mapping. Blue pages are private, orange ones still shared copy-on-write with another address
// space, purple ones belong to a MAP_SHARED mapping. A page whose frame changed since the last
// picture (a copy-on-write break) is outlined red for a few seconds; a newly present one green.

import type { PageMap } from "../mm/pagemap.js";

const CELL = 9;
const GAP = 1;
const LABEL = 15;
/** most pages drawn per mapping */
const MAX_PAGES = 6000;
const FLASH_MS = 4000;
const KIND_COLOUR = ["#ccc", "#3b7ddd", "#f0a020", "#9b59b6"];
const KIND_NAME = ["", "private", "shared copy-on-write", "MAP_SHARED"];

const hex = (n: number) => n.toString(16).padStart(8, "0");

interface Cell { x: number; y: number; i: number }

export class MemView {
  private map: PageMap | null = null;
  private owners: Record<number, number[]> = {};
  /** the last picture: vpn -> frame * 4 + kind */
  private prev = new Map<number, number>();
  private prevMm = -1;
  /** vpn -> when its frame changed (copy-on-write break) or it appeared */
  private broke = new Map<number, number>();
  private fresh = new Map<number, number>();
  private alone = new Map<number, number>();
  private cells: Cell[] = [];
  private timer = 0;
  /** copy-on-write breaks seen while this pane watched */
  breaks = 0;

  constructor(private box: HTMLElement, private canvas: HTMLCanvasElement, private legend: HTMLElement, private tip: HTMLElement) {
    canvas.addEventListener("mousemove", (e) => this.hover(e));
    canvas.addEventListener("mouseleave", () => (this.tip.hidden = true));
    new ResizeObserver(() => this.draw()).observe(box);
  }

  clear(): void {
    this.map = null;
    this.prev.clear();
    this.prevMm = -1;
    this.broke.clear();
    this.fresh.clear();
    this.alone.clear();
    this.breaks = 0;
    this.draw();
  }

  update(map: PageMap | null, owners: Record<number, number[]>): void {
    const now = performance.now();
    this.owners = owners;
    if (map && map.mm === this.prevMm) {
      for (let i = 0; i < map.vpn.length; i++) {
        const was = this.prev.get(map.vpn[i]);
        if (was === undefined) this.fresh.set(map.vpn[i], now);
        else if (Math.floor(was / 4) !== map.frame[i]) {
          // a new frame at the same address: a write to a shared copy-on-write page copied it
          if (was % 4 === 2) {
            this.broke.set(map.vpn[i], now);
            this.breaks++;
          } else this.fresh.set(map.vpn[i], now);
        } else if (was % 4 === 2 && map.kind[i] === 1) {
          // same frame, no longer shared: the other side copied it or went away (or this side
          // wrote to it as its last user, and took it over without a copy)
          this.alone.set(map.vpn[i], now);
        }
      }
    } else {
      this.broke.clear();
      this.fresh.clear();
      this.alone.clear();
    }
    this.prev = new Map();
    if (map) for (let i = 0; i < map.vpn.length; i++) this.prev.set(map.vpn[i], map.frame[i] * 4 + map.kind[i]);
    this.prevMm = map?.mm ?? -1;
    this.map = map;
    this.draw();
    clearTimeout(this.timer);
    if (this.broke.size || this.fresh.size || this.alone.size) this.timer = window.setTimeout(() => this.draw(), FLASH_MS + 50);
  }

  /** the current picture's counts (tests read them) */
  counts(): { private: number; cow: number; shared: number; breaks: number } {
    const c = [0, 0, 0, 0];
    if (this.map) for (const k of this.map.kind) c[k]++;
    return { private: c[1], cow: c[2], shared: c[3], breaks: this.breaks };
  }

  private draw(): void {
    const now = performance.now();
    for (const [v, t] of this.broke) if (now - t > FLASH_MS) this.broke.delete(v);
    for (const [v, t] of this.fresh) if (now - t > FLASH_MS) this.fresh.delete(v);
    for (const [v, t] of this.alone) if (now - t > FLASH_MS) this.alone.delete(v);
    const m = this.map;
    const width = Math.max(200, this.box.clientWidth - 12);
    const ctx = this.canvas.getContext("2d")!;
    this.cells = [];
    if (!m) {
      this.legend.innerHTML = "Select a task with an address space to see its pages.";
      this.canvas.width = width;
      this.canvas.height = 0;
      return;
    }
    const counts = this.counts();
    const others = new Set<number>();
    m.sharers.forEach((s) => s.forEach((o) => others.add(o)));
    const sharerText = [...others].map((o) => `mm ${o} (${(this.owners[o] ?? []).join(",") || "?"})`).join(", ");
    const key = (k: number) => `<span class=key style="background:${KIND_COLOUR[k]}"></span>`;
    this.legend.innerHTML =
      `mm ${m.mm} (tasks ${(this.owners[m.mm] ?? []).join(", ")}): ${key(1)}${counts.private} private ${key(2)}${counts.cow} shared copy-on-write ${key(3)}${counts.shared} MAP_SHARED` +
      ` <span class=key style="border:2px solid var(--broke)"></span>copied on write just now <span class=key style="border:2px solid #222"></span>no longer shared <span class=key style="border:2px solid var(--fresh)"></span>new page` +
      (sharerText ? `<br>shares pages with ${sharerText}` : "");
    const perRow = Math.max(8, Math.floor((width - 4) / (CELL + GAP)));
    // layout first, to size the canvas
    const layout: { label: string; y: number; from: number; to: number; rows: number }[] = [];
    let y = 2;
    let p = 0;
    for (const v of m.vmas) {
      const startVpn = v.start / 4096;
      const endVpn = v.end / 4096;
      const from = p;
      while (p < m.vpn.length && m.vpn[p] < endVpn) p++;
      const n = p - from;
      const shown = Math.min(n, MAX_PAGES);
      const prot = (v.prot & 1 ? "r" : "-") + (v.prot & 2 ? "w" : "-") + (v.prot & 4 ? "x" : "-") + (v.shared ? "s" : "p");
      const label = `${hex(v.start)}-${hex(v.end)} ${prot} ${v.name || "[anon]"}  ${n} of ${endVpn - startVpn} pages present${n > shown ? ` (first ${shown} drawn)` : ""}`;
      const rows = Math.ceil(shown / perRow);
      layout.push({ label, y, from, to: from + shown, rows });
      y += LABEL + rows * (CELL + GAP) + 4;
    }
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(y * dpr);
    this.canvas.style.width = width + "px";
    this.canvas.style.height = y + "px";
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, y);
    ctx.font = "11px ui-monospace, monospace";
    ctx.textBaseline = "top";
    for (const l of layout) {
      ctx.fillStyle = "#555";
      ctx.fillText(l.label, 2, l.y + 1);
      for (let i = l.from; i < l.to; i++) {
        const k = i - l.from;
        const cx = 2 + (k % perRow) * (CELL + GAP);
        const cy = l.y + LABEL + Math.floor(k / perRow) * (CELL + GAP);
        ctx.fillStyle = KIND_COLOUR[m.kind[i]];
        ctx.fillRect(cx, cy, CELL, CELL);
        const vpn = m.vpn[i];
        const flash = this.broke.has(vpn) ? "#e0342b" : this.fresh.has(vpn) ? "#2ca05a" : this.alone.has(vpn) ? "#222" : null;
        if (flash) {
          ctx.strokeStyle = flash;
          ctx.lineWidth = 2;
          ctx.strokeRect(cx + 1, cy + 1, CELL - 2, CELL - 2);
        }
        this.cells.push({ x: cx, y: cy, i });
      }
    }
  }

  private hover(e: MouseEvent): void {
    const m = this.map;
    if (!m) return;
    const r = this.canvas.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    const c = this.cells.find((c) => x >= c.x && x < c.x + CELL && y >= c.y && y < c.y + CELL);
    if (!c) {
      this.tip.hidden = true;
      return;
    }
    const i = c.i;
    const s = m.sharers[i];
    const who = s.length ? `\nalso mapped by ${s.map((o) => `mm ${o} (${(this.owners[o] ?? []).join(",")})`).join(", ")}` : "";
    const note = this.broke.has(m.vpn[i]) ? "\ncopied on write just now" : this.alone.has(m.vpn[i]) ? "\nno longer shared: the other copy went away" : "";
    this.tip.textContent = `page ${hex(m.vpn[i] * 4096)} → frame ${m.frame[i]}\n${KIND_NAME[m.kind[i]]}${who}${note}`;
    this.tip.hidden = false;
    this.tip.style.left = Math.min(c.x + 14, this.box.clientWidth - 220) + "px";
    this.tip.style.top = c.y + 14 + (this.canvas.offsetTop) + "px";
  }
}
