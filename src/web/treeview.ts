// The process tree pane: every task under its parent (threads under their group leader), with
// one coloured chip per kernel object it holds. A colour is one object: tasks showing the same
// colour share it (filled chip), a task alone with its object shows it hollow. Exited tasks
// stay, faded, until the next run.

import type { TaskView } from "../kernel/inspect.js";
import { esc } from "./html.js";

type ObjKey = keyof TaskView["objs"];

export const OBJECTS: [ObjKey, string, string][] = [
  ["mm", "mm", "address space (mm_struct); CLONE_VM shares it"],
  ["files", "fd", "file descriptor table (files_struct); CLONE_FILES shares it"],
  ["fs", "fs", "cwd, root and umask (fs_struct); CLONE_FS shares it"],
  ["sighand", "sig", "signal handlers (sighand_struct); CLONE_SIGHAND shares it"],
  ["group", "tg", "thread group (signal_struct): pid, pending signals, rlimits; CLONE_THREAD joins it"],
  ["sysvsem", "sem", "System V semaphore undo list; CLONE_SYSVSEM shares it"],
  ["io", "io", "I/O context; CLONE_IO shares it"],
];
const NS_TYPES = ["pid", "mnt", "uts", "ipc", "net", "user", "cgroup"];
/** most exited tasks kept on show */
const MAX_GONE = 5000;
/** a row's height in pixels (rows are drawn only where the pane shows them) */
const ROW = 21;

export function colour(kind: string, id: number): string {
  let h = 0;
  for (const c of kind) h = (h * 31 + c.charCodeAt(0)) % 360;
  return `hsl(${Math.round((id * 137.508 + h) % 360)} 62% 44%)`;
}


function stateText(t: TaskView): string {
  if (t.state === "gone" || t.state === "Z") {
    const s = t.status;
    const how = s === null ? "" : (s & 0x7f) === 0 ? `exit ${(s >> 8) & 0xff}` : `signal ${s & 0x7f}`;
    return (t.state === "Z" ? "zombie " : "") + how;
  }
  return ({ R: "running", S: "sleeping", T: "stopped" } as Record<string, string>)[t.state] ?? t.state;
}

export class TreeView {
  private live: TaskView[] = [];
  private gone = new Map<number, TaskView>();
  private pending = false;
  selected: number | null = null;
  showGone = true;
  onSelect: (tid: number) => void = () => {};

  /** the tree in display order, with each row's tree-line prefix */
  private order: { t: TaskView; lines: string }[] = [];
  private holders = new Map<string, number>();
  private init: TaskView | undefined;
  /** rows drawn at the last render (tests and the budget measurement read it) */
  drawn = 0;
  private height = 400;
  private drawnAt = 0;
  /** the HTML drawn last: unchanged rows are not drawn again */
  private last = "";

  constructor(private el: HTMLElement, legend: HTMLElement) {
    el.addEventListener("scroll", () => requestAnimationFrame(() => this.draw()));
    new ResizeObserver(() => {
      this.height = el.clientHeight;
      this.draw();
    }).observe(el);
    legend.innerHTML =
      OBJECTS.map(([k, label, title]) => `<span class="chip sh" style="--c:${colour(k, 1)}" title="${esc(title)}">${label}</span>`).join("") +
      ` filled: shared with another task · hollow: its own · ns: namespaces other than init's · hover a chip to see who shares it`;
    el.addEventListener("click", (e) => {
      const tr = (e.target as HTMLElement).closest("tr");
      if (tr?.dataset.tid) this.onSelect(Number(tr.dataset.tid));
    });
    el.addEventListener("mouseover", (e) => {
      const chip = (e.target as HTMLElement).closest(".chip") as HTMLElement | null;
      if (chip && !chip.title) chip.title = this.chipTitle(chip.dataset.k ?? "", chip.textContent ?? "");
      this.highlight(chip?.dataset.k ?? null);
    });
    el.addEventListener("mouseleave", () => this.highlight(null));
  }

  clear(): void {
    this.live = [];
    this.gone.clear();
    this.selected = null;
    this.schedule();
  }

  update(tasks: TaskView[], gone: TaskView[]): void {
    this.live = tasks;
    for (const g of gone) {
      this.gone.delete(g.tid);
      this.gone.set(g.tid, g);
    }
    for (const t of tasks) this.gone.delete(t.tid);
    while (this.gone.size > MAX_GONE) this.gone.delete(this.gone.keys().next().value!);
    this.schedule();
  }

  /** the task a test or the detail pane asks about, live or gone */
  find(tid: number): TaskView | undefined {
    return this.live.find((t) => t.tid === tid) ?? this.gone.get(tid);
  }

  all(): TaskView[] {
    return [...this.live, ...this.gone.values()];
  }

  schedule(): void {
    if (this.pending) return;
    this.pending = true;
    // with hundreds of tasks, at most two redraws a second: the page stays responsive
    const wait = this.order.length > 200 ? Math.max(0, 500 - (performance.now() - this.drawnAt)) : 0;
    setTimeout(() => requestAnimationFrame(() => {
      this.pending = false;
      this.drawnAt = performance.now();
      this.render();
    }), wait);
  }

  /** a chip's tooltip, made when the pointer reaches it (not drawn with every row) */
  private chipTitle(key: string, label: string): string {
    const [kind, id] = key.split(":");
    if (!id) return OBJECTS.find(([, l]) => l === label)?.[2] + ": none";
    if (kind.startsWith("ns-")) return `${kind.slice(3)} namespace ${id}`;
    const n = this.holders.get(key) ?? 0;
    const desc = OBJECTS.find(([k]) => k === kind)?.[2] ?? kind;
    return `${desc} #${id}${n > 1 ? `, held by ${n} tasks` : ""}`;
  }

  private highlight(key: string | null): void {
    for (const r of this.el.querySelectorAll("tr.hl")) r.classList.remove("hl");
    if (key) for (const r of this.el.querySelectorAll(`tr[data-objs~="${key}"]`)) r.classList.add("hl");
  }

  /** order the rows (parents before children) and count who holds what; then draw */
  private render(): void {
    const rows = this.showGone ? this.all() : this.live;
    // how many live tasks hold each object: more than one means shared
    this.holders = new Map();
    for (const t of this.live) {
      if (t.state === "Z") continue;
      for (const [k] of OBJECTS) {
        const key = `${k}:${t.objs[k]}`;
        if (t.objs[k]) this.holders.set(key, (this.holders.get(key) ?? 0) + 1);
      }
    }
    this.init = this.live.find((t) => t.tid === 1);
    const byTid = new Map(rows.map((t) => [t.tid, t]));
    const kids = new Map<number, TaskView[]>();
    const roots: TaskView[] = [];
    for (const t of rows) {
      const parent = t.tid !== t.tgid ? t.tgid : t.ppid;
      if (parent !== t.tid && byTid.has(parent)) {
        if (!kids.has(parent)) kids.set(parent, []);
        kids.get(parent)!.push(t);
      } else roots.push(t);
    }
    this.order = [];
    const walk = (t: TaskView, prefix: string, last: boolean, top: boolean) => {
      this.order.push({ t, lines: prefix + (top ? "" : last ? "└─ " : "├─ ") });
      const ch = (kids.get(t.tid) ?? []).sort((a, b) => a.tid - b.tid);
      const p = top ? "" : prefix + (last ? "   " : "│  ");
      ch.forEach((c, i) => walk(c, p, i === ch.length - 1, false));
    };
    roots.sort((a, b) => a.tid - b.tid).forEach((r, i) => walk(r, "", i === roots.length - 1, true));
    this.draw();
  }

  /** the rows the pane shows (and a few more), between spacers as tall as the rest */
  private draw(): void {
    if (this.order.length === 0) {
      this.el.innerHTML = this.last = `<div class="empty">no tasks yet</div>`;
      this.drawn = 0;
      return;
    }
    const first = Math.max(0, Math.floor(this.el.scrollTop / ROW) - 20);
    const last = Math.min(this.order.length, first + Math.ceil(this.height / ROW) + 40);
    const out: string[] = [
      "<table class=tree><thead><tr><th>pid</th><th>command</th><th>state</th><th>clone flags</th><th>holds</th><th>COW / faults</th></tr></thead><tbody>",
      `<tr class=spacer style="height:${first * ROW}px"></tr>`,
    ];
    for (let i = first; i < last; i++) out.push(this.row(this.order[i].t, this.order[i].lines));
    out.push(`<tr class=spacer style="height:${(this.order.length - last) * ROW}px"></tr></tbody></table>`);
    // the spacers keep the table as tall as all its rows: the scroll position stays put
    const html = out.join("");
    if (html !== this.last) this.el.innerHTML = html;
    this.last = html;
    this.drawn = last - first;
  }

  private row(t: TaskView, lines: string): string {
    const gone = t.state === "gone";
    const chips: string[] = [];
    const keys: string[] = [];
    for (const [k, label] of OBJECTS) {
      const id = t.objs[k];
      if (!id) {
        chips.push(`<span class="chip none">${label}</span>`);
        continue;
      }
      const key = `${k}:${id}`;
      keys.push(key);
      const shared = !gone && (this.holders.get(key) ?? 0) > 1;
      chips.push(`<span class="chip${shared ? " sh" : ""}" data-k="${key}" style="--c:${colour(k, id)}">${label}</span>`);
    }
    for (const ns of NS_TYPES) {
      const ino = t.ns[ns];
      if (ino === undefined || !this.init || this.init.ns[ns] === ino) continue;
      const key = `ns-${ns}:${ino}`;
      keys.push(key);
      chips.push(`<span class="chip sh" data-k="${key}" style="--c:${colour(ns, ino)}">${ns}</span>`);
    }
    const cls = [gone ? "gone" : t.state === "Z" ? "zombie" : "", t.tid === this.selected ? "sel" : ""].join(" ").trim();
    const nspid = t.pids.length > 1 ? ` <span class=ns title="its pid in each pid namespace, outermost first">(${t.pids.slice(1).join("/")})</span>` : "";
    const how = t.how.replace(/CLONE_/g, "");
    const thread = t.tid !== t.tgid ? ` <span class=ns>thread of ${t.tgid}</span>` : "";
    return (
      `<tr data-tid="${t.tid}" data-objs="${keys.join(" ")}"${cls ? ` class="${cls}"` : ""}>` +
      `<td class=pid>${t.tid}${nspid}</td>` +
      `<td class=comm><span class=tl>${lines}</span>${t.kernel ? `[${esc(t.comm)}]` : esc(t.comm || "?")}${thread}</td>` +
      `<td class=st>${esc(stateText(t))}</td>` +
      `<td class=how title="${esc(t.how)}">${esc(how)}</td>` +
      `<td class=chips>${chips.join("")}</td>` +
      `<td class=cow title="copy-on-write breaks / page faults of its address space">${t.objs.mm || gone ? `${t.cowFaults} / ${t.faults}` : ""}</td></tr>`
    );
  }
}
