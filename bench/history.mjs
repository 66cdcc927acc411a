// The benchmark history: bench/results/history.json keeps a summary of every full run (date,
// commit, load average, each row's medians per platform) and speed-history.svg charts
// forkscope/qemu per workload over those runs. bench/run.mjs appends after a full run.
//
//   node bench/history.mjs                 # redraw bench/results/speed-history.svg
//   node bench/history.mjs --add FILE...   # append the summaries of latest.json files (partial runs too)
//   node bench/history.mjs --seed          # rebuild history.json from the latest.json files in git's history
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
export const HISTORY = path.join(BENCH, "results/history.json");
export const CHART = path.join(BENCH, "results/speed-history.svg");

/** the workloads the chart draws (forkscope/qemu): the CPU-bound ones and whole programs */
const SERIES = [
  ["cpu_crc32", "crc32"],
  ["cpu_fnv1a", "FNV-1a"],
  ["cpu_lcg", "LCG"],
  ["cpu_qsort", "qsort"],
  ["cpu_strings", "strings"],
  ["startup", "start-up (hello)"],
  ["esbuild", "esbuild, small project"],
  ["esbuild_rxjs", "esbuild, rxjs"],
  ["bb_sha256sum", "busybox sha256sum"],
  ["bb_gzip", "busybox gzip -9"],
  ["bb_sort", "busybox sort"],
  ["sh_exec", "sh: 1,000 fork+exec"],
  ["sh_pipeline", "sh: 300 pipelines"],
];
const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939"];

/** a run's summary from its latest.json object: medians (and CPU medians) per row and platform */
export function summary(json, source) {
  const m = json.meta ?? {};
  const rows = {};
  for (const r of json.rows ?? []) {
    const cells = {};
    for (const [t, c] of Object.entries(r.cells ?? {})) {
      if (c && isFinite(c.median)) cells[t] = c.cpu_median !== undefined ? { median: +c.median.toPrecision(4), cpu: +c.cpu_median.toPrecision(4) } : +c.median.toPrecision(4);
    }
    if (Object.keys(cells).length) rows[r.id] = { unit: r.unit, ...cells };
  }
  return {
    date: m.date,
    commit: m.commit,
    source,
    partial: m.options?.only ?? (m.options?.quick ? "--quick" : null),
    load_average_start: m.load_average_start?.[0],
    load_average_end: m.load_average_end?.[0],
    runtime_s: m.runtime_s,
    rows,
  };
}

export function readHistory(file = HISTORY) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return [];
  }
}

/** append a summary unless the same run (date and commit) is there; keeps the list in date order */
export function appendHistory(entry, file = HISTORY) {
  const h = readHistory(file).filter((e) => !(e.date === entry.date && e.commit === entry.commit));
  h.push(entry);
  h.sort((a, b) => String(a.date).localeCompare(String(b.date)));
  fs.writeFileSync(file, JSON.stringify(h, null, 1) + "\n");
  return h;
}

const med = (c) => (typeof c === "number" ? c : c?.median);
/** forkscope / qemu of a row in a summary (wall time, as the table's ratio) */
export const ratioOf = (row) => (row && med(row.forkscope) && med(row.qemu) ? med(row.forkscope) / med(row.qemu) : undefined);

/** the chart: forkscope/qemu per workload (log scale) against the runs in date order */
export function historySvg(history) {
  const runs = history.filter((e) => SERIES.some(([id]) => ratioOf(e.rows[id]) !== undefined));
  if (!runs.length) return null;
  const W = 900, H = 500, L = 70, R = 210, T = 56, B = 92;
  const vals = runs.flatMap((e) => SERIES.map(([id]) => ratioOf(e.rows[id])).filter((v) => v > 0));
  const lo = Math.floor(Math.log10(Math.min(...vals, 0.5))), hi = Math.ceil(Math.log10(Math.max(...vals, 2)));
  const x = (i) => L + 30 + (runs.length === 1 ? 0.5 : i / (runs.length - 1)) * (W - L - R - 60);
  const y = (v) => T + (1 - (Math.log10(v) - lo) / (hi - lo || 1)) * (H - T - B);
  const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const o = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  o.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  o.push(`<text x="${(L + W - R) / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">forkscope time / qemu-riscv64 time, per workload and run</text>`);
  o.push(`<text x="${(L + W - R) / 2}" y="42" text-anchor="middle" fill="#555">median wall time (CPU-bound rows: per repetition), log scale; below 1× forkscope is faster; dashed: the issue's 4× line</text>`);
  for (let d = lo; d <= hi; d++) {
    for (const k of d < hi ? [1, 2, 5] : [1]) {
      const v = k * 10 ** d;
      o.push(`<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${k === 1 ? "#ccc" : "#eee"}"/>`);
      o.push(`<text x="${L - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="${k === 1 ? "#000" : "#888"}">${+v.toPrecision(2)}×</text>`);
    }
  }
  o.push(`<line x1="${L}" x2="${W - R}" y1="${y(1).toFixed(1)}" y2="${y(1).toFixed(1)}" stroke="#000"/>`);
  if (4 >= 10 ** lo && 4 <= 10 ** hi) o.push(`<line x1="${L}" x2="${W - R}" y1="${y(4).toFixed(1)}" y2="${y(4).toFixed(1)}" stroke="#d62728" stroke-dasharray="6 4"/>`);
  runs.forEach((e, i) => {
    const px = x(i).toFixed(1);
    o.push(`<line x1="${px}" x2="${px}" y1="${T}" y2="${H - B}" stroke="#f2f2f2"/>`);
    const lines = [String(e.date).slice(0, 10), String(e.commit ?? "?").split(" ")[0], `load ${e.load_average_start ?? "?"}`, e.partial ? "partial" : "full"];
    lines.forEach((s, k) => o.push(`<text x="${px}" y="${H - B + 16 + k * 14}" text-anchor="middle" fill="${k ? "#666" : "#000"}" font-size="11">${esc(s)}</text>`));
  });
  o.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#888"/>`);
  SERIES.forEach(([id, name], k) => {
    const c = COLORS[k % COLORS.length];
    const pts = runs.map((e, i) => ({ i, v: ratioOf(e.rows[id]), e })).filter((p) => p.v > 0);
    const ly = T + 10 + k * 17;
    o.push(`<line x1="${W - R + 12}" x2="${W - R + 32}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="2"/><circle cx="${W - R + 22}" cy="${ly}" r="3.5" fill="${c}"/>`);
    const last = pts.length ? pts[pts.length - 1].v : undefined;
    o.push(`<text x="${W - R + 38}" y="${ly + 4}"${pts.length ? "" : ' fill="#aaa"'}>${esc(name)}${last ? ` (${last >= 10 ? last.toFixed(1) : last.toPrecision(2)}×)` : ""}</text>`);
    if (!pts.length) return;
    if (pts.length > 1) o.push(`<polyline fill="none" stroke="${c}" stroke-width="2" stroke-opacity="0.8" points="${pts.map((p) => `${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ")}"/>`);
    for (const p of pts) o.push(`<circle cx="${x(p.i).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="3.5" fill="${c}"><title>${esc(name)}, ${esc(String(p.e.date).slice(0, 10))} (${esc(p.e.commit)}): ${p.v.toPrecision(3)}×</title></circle>`);
  });
  o.push("</svg>");
  return o.join("\n") + "\n";
}

export function drawHistory(history = readHistory(), file = CHART) {
  const svg = historySvg(history);
  if (svg) fs.writeFileSync(file, svg);
  return svg;
}

/** every committed version of the results files, oldest first, as summaries */
function seed() {
  const entries = [];
  for (const f of ["bench/results/latest.json", "bench/results/issue13-speed/latest.json"]) {
    const commits = execFileSync("git", ["-C", ROOT, "log", "--format=%H", "--", f], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
    for (const c of commits) {
      let json;
      try {
        json = JSON.parse(execFileSync("git", ["-C", ROOT, "show", `${c}:${f}`], { encoding: "utf8", maxBuffer: 64 << 20 }));
      } catch {
        continue; // deleted in that commit
      }
      const e = summary(json, `${f} at ${c.slice(0, 7)}`);
      if (!entries.some((x) => x.date === e.date && x.commit === e.commit)) entries.push(e);
    }
  }
  entries.sort((a, b) => String(a.date).localeCompare(String(b.date)));
  fs.writeFileSync(HISTORY, JSON.stringify(entries, null, 1) + "\n");
  return entries;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let h;
  if (args[0] === "--seed") h = seed();
  else if (args[0] === "--add") for (const f of args.slice(1)) h = appendHistory(summary(JSON.parse(fs.readFileSync(f, "utf8")), path.relative(ROOT, path.resolve(f))));
  else h = readHistory();
  drawHistory(h);
  for (const e of h) console.log(`${e.date} ${e.commit} load ${e.load_average_start}${e.partial ? ` (partial: ${e.partial})` : ""}: ${SERIES.map(([id, n]) => (ratioOf(e.rows[id]) ? `${n} ${ratioOf(e.rows[id]).toPrecision(2)}×` : null)).filter(Boolean).join(", ")}`);
}
