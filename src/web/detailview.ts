// The task pane: one task as /proc would show it (ids, credentials, namespaces, signal
// state, open files, memory maps) plus its copy-on-write counters.

import type { TaskDetail, TaskView } from "../kernel/inspect.js";
import { esc } from "./html.js";


function table(rows: [string, string][]): string {
  return `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join("")}</table>`;
}

export function renderDetail(d: TaskDetail | null, view: TaskView | undefined): string {
  if (!d) {
    if (view && view.state === "gone") {
      const s = view.status;
      const end = s === null ? "" : (s & 0x7f) === 0 ? `exited with status ${(s >> 8) & 0xff}` : `killed by signal ${s & 0x7f}`;
      return `<div class=empty>Task ${view.tid} (${esc(view.comm)}) is gone: ${end}, reaped. It was created with ${esc(view.how || "?")}, ` +
        `ran ${view.instructions.toLocaleString()} instructions and had ${view.cowFaults} copy-on-write breaks in ${view.faults} page faults.</div>`;
    }
    return `<div class=empty>Click a task in the tree to see it here.</div>`;
  }
  const c = d.creds;
  const parts: string[] = [];
  parts.push(
    table([
      ["command", `<code>${esc(d.cmdline.join(" ") || d.comm)}</code>`],
      ["exe", esc(d.exe)],
      ["ids", `tid ${d.tid} · pgid ${d.pgid} · sid ${d.sid}${view ? ` · tgid ${view.tgid} · ppid ${view.ppid}` : ""}${view && view.pids.length > 1 ? ` · NSpid ${view.pids.join(" ")}` : ""}`],
      ["created with", esc(view?.how || "?")],
      ["exit signal", esc(d.exitSignal)],
      ["cwd / root", `${esc(d.cwd)} / ${esc(d.root)}`],
    ]),
  );
  const k = d.counters;
  parts.push("<h3>Memory</h3>");
  parts.push(
    table([
      ["address space", d.mm ? `mm #${d.mm.id}, used by ${d.mm.users} task${d.mm.users === 1 ? "" : "s"}, brk ${d.mm.brk}` : "none (a kernel thread or an exited task)"],
      ["pages", `${k.resident} resident · ${k.faults} page faults · <b>${k.cowFaults} copy-on-write breaks</b>`],
      ["work", `${k.instructions.toLocaleString()} instructions · ${k.syscalls.toLocaleString()} syscalls`],
    ]),
  );
  parts.push("<h3>Credentials</h3>");
  parts.push(
    table([
      ["uid (real eff saved fs)", c.uid.join(" ")],
      ["gid (real eff saved fs)", c.gid.join(" ")],
      ["groups", c.groups.join(" ") || "none"],
      ["capabilities", `effective ${c.capEff} · permitted ${c.capPrm} · bounding ${c.capBnd}`],
      ["user namespace", String(c.userns) + (c.noNewPrivs ? " · no_new_privs" : "")],
    ]),
  );
  parts.push("<h3>Namespaces</h3>");
  parts.push(table(Object.entries(d.ns).map(([t, ino]) => [t, `${t}:[${ino}]`])));
  const s = d.signals;
  parts.push("<h3>Signals</h3>");
  parts.push(
    table([
      ["blocked", esc(s.blocked.join(" ") || "none")],
      ["pending (thread)", esc(s.pending.join(" ") || "none")],
      ["pending (process)", esc(s.groupPending.join(" ") || "none")],
      ["handlers", s.handlers.length ? s.handlers.map((h) => `${h.sig}: ${h.action}${h.flags ? ` (${h.flags})` : ""}`).map(esc).join("<br>") : "all default"],
      ["alternate stack", esc(s.altstack)],
    ]),
  );
  parts.push("<h3>Open files</h3>");
  parts.push(
    d.fds.length
      ? `<table><tr><th>fd</th><th>file</th><th>flags</th><th>offset</th></tr>${d.fds
          .map((f) => `<tr><td>${f.fd}</td><td>${esc(f.path)}</td><td>${esc(f.flags)}${f.cloexec ? " · CLOEXEC" : ""}</td><td>${f.pos}</td></tr>`)
          .join("")}</table>`
      : "<div class=empty>none</div>",
  );
  parts.push("<h3>Memory maps</h3>");
  parts.push(`<pre>${esc(d.maps || "(none)")}</pre>`);
  return parts.join("");
}
