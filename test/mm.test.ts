// Copy-on-write address spaces: fork shares page tables, writes copy only what they touch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FramePool } from "../src/mm/frames.js";
import { TablePool } from "../src/mm/pagetable.js";
import { Mm, PROT_READ, PROT_WRITE, ACCESS_WRITE, ACCESS_READ } from "../src/mm/mm.js";

const RW = PROT_READ | PROT_WRITE;
const BASE = 0x100000000;

function setup(pages: number, shared = false) {
  const frames = new FramePool(1 << 20);
  const tables = new TablePool();
  const mm = new Mm(frames, tables);
  mm.map(BASE, pages * 4096, RW, shared, null, 0, "");
  for (let i = 0; i < pages; i++) assert.ok(mm.write(BASE + i * 4096, new Uint8Array([i & 0xff, 1, 2, 3])));
  return { frames, tables, mm };
}

test("fork copies no frames and no tables, whatever the size", () => {
  for (const pages of [16, 4096]) {
    const { frames, tables, mm } = setup(pages);
    const f0 = frames.stats.inUse;
    const t0 = tables.inUse;
    const child = mm.fork();
    assert.equal(frames.stats.inUse, f0, "frames after fork");
    assert.equal(tables.inUse, t0, "tables after fork");
    assert.equal(child.read(BASE + 5 * 4096, 1)![0], 5);
  }
});

test("a write after fork copies one frame and leaves the other side intact", () => {
  const { frames, mm } = setup(1024);
  const child = mm.fork();
  const before = frames.stats.inUse;
  assert.ok(child.write(BASE + 7 * 4096, new Uint8Array([99])));
  assert.equal(frames.stats.inUse, before + 1);
  assert.equal(frames.stats.cowCopies, 1);
  assert.equal(child.read(BASE + 7 * 4096, 1)![0], 99);
  assert.equal(mm.read(BASE + 7 * 4096, 1)![0], 7);
  assert.equal(mm.read(BASE + 8 * 4096, 1)![0], 8);
  assert.equal(child.cowFaults, 1);
});

test("after the child exits the parent takes its pages back without copying", () => {
  const { frames, mm } = setup(64);
  const child = mm.fork();
  child.put();
  const copies = frames.stats.cowCopies;
  assert.ok(mm.write(BASE, new Uint8Array([42])));
  assert.equal(frames.stats.cowCopies, copies);
  assert.equal(mm.read(BASE, 1)![0], 42);
});

test("exit frees every frame that is no longer referenced", () => {
  const { frames, mm } = setup(300);
  const child = mm.fork();
  child.write(BASE, new Uint8Array([1]));
  child.put();
  mm.put();
  assert.equal(frames.stats.inUse, 0);
});

test("MAP_SHARED memory stays shared across fork, even pages first touched after it", () => {
  const { mm } = setup(4, true);
  const child = mm.fork();
  assert.ok(child.write(BASE + 4096, new Uint8Array([77])));
  assert.equal(mm.read(BASE + 4096, 1)![0], 77);
  mm.map(BASE + 0x100000, 4096 * 4, RW, true, null, 0, "");
  const c2 = mm.fork();
  assert.ok(c2.write(BASE + 0x100000 + 3 * 4096, new Uint8Array([5])));
  assert.equal(mm.read(BASE + 0x100000 + 3 * 4096, 1)![0], 5);
});

test("faults report unmapped and protected addresses", () => {
  const { mm } = setup(2);
  assert.equal(mm.frameFor(BASE - 4096, ACCESS_READ), -1);
  mm.protect(BASE, 4096, PROT_READ);
  assert.equal(mm.frameFor(BASE, ACCESS_WRITE), -2);
  assert.ok(mm.frameFor(BASE, ACCESS_READ) > 0);
  assert.equal(mm.write(BASE, new Uint8Array([1])), false);
});

test("munmap in the middle splits the mapping and frees its frames", () => {
  const { frames, mm } = setup(10);
  const n = frames.stats.inUse;
  mm.unmap(BASE + 3 * 4096, 2 * 4096);
  assert.equal(frames.stats.inUse, n - 2);
  assert.equal(mm.vmas.length, 2);
  assert.equal(mm.read(BASE + 3 * 4096, 1), null);
  assert.equal(mm.read(BASE + 5 * 4096, 1)![0], 5);
});

test("memory exhaustion is reported, not thrown", () => {
  const frames = new FramePool(8);
  const mm = new Mm(frames, new TablePool());
  mm.map(BASE, 64 * 4096, RW, false, null, 0, "");
  let ok = 0;
  for (let i = 0; i < 64; i++) if (mm.write(BASE + i * 4096, new Uint8Array([1]))) ok++;
  // the VMA itself is charged to the same memory (a page's worth, rounded up): 7 frames are left
  assert.equal(ok, 7);
  assert.equal(frames.stats.kernelBytes, 160);
});
