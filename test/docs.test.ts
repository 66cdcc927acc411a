// The syscall table doubles as the compatibility document: docs/syscalls.md must match it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./lib/run.js";
import { SYSCALLS } from "../src/syscalls/table.js";

test("docs/syscalls.md is generated from the current table", () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, "dist/src/host/cli.js"), "syscalls", "--markdown"], { encoding: "utf8" });
  assert.equal(r.status, 0);
  assert.equal(fs.readFileSync(path.join(ROOT, "docs/syscalls.md"), "utf8"), r.stdout, "run: node dist/src/host/cli.js syscalls --markdown > docs/syscalls.md");
});

test("syscall numbers are unique and every entry has a handler and argument kinds", () => {
  const seen = new Set<number>();
  for (const d of SYSCALLS) {
    assert.ok(!seen.has(d.nr), `duplicate syscall number ${d.nr}`);
    seen.add(d.nr);
    assert.equal(typeof d.handler, "function", d.name);
    assert.ok(Array.isArray(d.args), d.name);
    if (d.status === "partial") assert.ok(d.note, `${d.name} is partial and must say what is missing`);
  }
});
