// Malformed ELF files made from a good static riscv64 executable: truncations, ELF header field
// mutations, program header mutations (huge, zero, overlapping, misaligned segments, entry outside
// every segment), PT_TLS and PT_INTERP abuse, wrong class/endianness/machine, and seeded random
// byte flips. Each mutant is named after what was done to it.

import { Rng } from "./rng.js";

export interface Mutant {
  name: string;
  bytes: Uint8Array;
}

const PT_NULL = 0, PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_PHDR = 6, PT_TLS = 7, PT_GNU_STACK = 0x6474e551;
const U64 = [0n, 1n, 2n, 3n, 0xfffn, 0x1000n, 0x7fffffffn, 0xffffffffn, 1n << 32n, 1n << 38n, (1n << 38n) - 0x1000n, 1n << 47n, 1n << 53n,
  (1n << 53n) + 1n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffff0000n, 0xffffffffffffffffn, 0xffffffff80000000n];

export function mutants(good: Uint8Array, seed = 1): Mutant[] {
  const out: Mutant[] = [];
  const dv0 = new DataView(good.buffer, good.byteOffset, good.byteLength);
  const phoff = Number(dv0.getBigUint64(32, true));
  const phnum = dv0.getUint16(56, true);
  const ph = (i: number) => phoff + 56 * i;
  const loads: number[] = [];
  let tls = -1, note = -1;
  for (let i = 0; i < phnum; i++) {
    const type = dv0.getUint32(ph(i), true);
    if (type === PT_LOAD) loads.push(i);
    if (type === PT_TLS) tls = i;
    if (type === PT_NOTE) note = i;
  }
  const seg = (i: number) => ({ off: Number(dv0.getBigUint64(ph(i) + 8, true)), vaddr: Number(dv0.getBigUint64(ph(i) + 16, true)), filesz: Number(dv0.getBigUint64(ph(i) + 32, true)), memsz: Number(dv0.getBigUint64(ph(i) + 40, true)) });
  const mut = (name: string, f: (b: Uint8Array, dv: DataView) => Uint8Array | void) => {
    const b = good.slice();
    const r = f(b, new DataView(b.buffer));
    out.push({ name, bytes: r ?? b });
  };
  const set = (o: number, size: 1 | 2 | 4 | 8, v: bigint | number) => (b: Uint8Array, dv: DataView) => {
    if (size === 1) b[o] = Number(v) & 0xff;
    else if (size === 2) dv.setUint16(o, Number(BigInt.asUintN(16, BigInt(v))), true);
    else if (size === 4) dv.setUint32(o, Number(BigInt.asUintN(32, BigInt(v))), true);
    else dv.setBigUint64(o, BigInt.asUintN(64, BigInt(v)), true);
  };

  // truncations
  const cuts = new Set([0, 1, 3, 4, 5, 16, 52, 63, 64, phoff + 1, phoff + 55, phoff + 56 * phnum - 1, good.length >> 1, good.length - 1]);
  for (const i of loads) {
    const s = seg(i);
    cuts.add(s.off + s.filesz - 1).add(s.off + 1);
  }
  for (const n of cuts) if (n >= 0 && n < good.length) out.push({ name: `truncated to ${n} bytes`, bytes: good.slice(0, n) });

  // identification and ELF header fields
  for (const v of [0, 1, 3, 255]) mut(`EI_CLASS ${v}`, set(4, 1, v));
  for (const v of [0, 2, 3]) mut(`EI_DATA ${v}`, set(5, 1, v));
  for (const v of [0, 2]) mut(`EI_VERSION ${v}`, set(6, 1, v));
  mut("EI_OSABI 3", set(7, 1, 3));
  mut("ELF32 big-endian MIPS", (b, dv) => { b[4] = 1; b[5] = 2; dv.setUint16(18, 8, false); });
  mut("ELF64 big-endian RISC-V", (b, dv) => { b[5] = 2; dv.setUint16(18, 243, false); });
  mut("magic 7f 45 4c 47", set(3, 1, 0x47));
  for (const v of [0, 1, 3, 4, 0xfe00, 0xffff]) mut(`e_type ${v}`, set(16, 2, v));
  for (const v of [0, 3, 62, 183, 0xffff]) mut(`e_machine ${v}`, set(18, 2, v));
  for (const v of [0, 2, 0xffffffff]) mut(`e_version ${v}`, set(20, 4, v));
  for (const v of U64) mut(`e_entry 0x${v.toString(16)}`, set(24, 8, v));
  const entry = Number(dv0.getBigUint64(24, true));
  for (const d of [1, 2, 3]) mut(`e_entry misaligned +${d}`, set(24, 8, entry + d));
  for (const i of loads) {
    const s = seg(i);
    mut(`e_entry just past load segment ${i}`, set(24, 8, s.vaddr + s.memsz + 0x10000));
    mut(`e_entry in the bss of segment ${i}`, set(24, 8, s.vaddr + s.memsz - 4));
  }
  for (const v of [...U64, BigInt(good.length), BigInt(good.length - 55)]) mut(`e_phoff 0x${v.toString(16)}`, set(32, 8, v));
  for (const v of [0n, 1n, 0xffffffffffffffffn]) mut(`e_shoff 0x${v.toString(16)}`, set(40, 8, v));
  for (const v of [0, 1, 4, 0xffffffff]) mut(`e_flags 0x${v.toString(16)}`, set(48, 4, v));
  for (const v of [0, 32, 0xffff]) mut(`e_ehsize ${v}`, set(52, 2, v));
  for (const v of [0, 32, 55, 57, 64, 0xffff]) mut(`e_phentsize ${v}`, set(54, 2, v));
  for (const v of [0, 1, 2, 64, 65, 1170, 1171, 0xffff]) mut(`e_phnum ${v}`, set(56, 2, v));
  for (const v of [0, 0xffff]) mut(`e_shnum ${v}`, (b, dv) => { dv.setUint16(60, v, true); dv.setUint16(62, v, true); });

  // program headers
  for (const i of loads) {
    const o = ph(i);
    const s = seg(i);
    for (const v of U64) mut(`segment ${i} p_offset 0x${v.toString(16)}`, set(o + 8, 8, v));
    mut(`segment ${i} p_offset misaligned`, set(o + 8, 8, s.off + 1));
    for (const v of U64) mut(`segment ${i} p_vaddr 0x${v.toString(16)}`, (b, dv) => { dv.setBigUint64(o + 16, v, true); dv.setBigUint64(o + 24, v, true); });
    for (const v of U64) mut(`segment ${i} p_filesz 0x${v.toString(16)}`, set(o + 32, 8, v));
    for (const v of U64) mut(`segment ${i} p_memsz 0x${v.toString(16)}`, set(o + 40, 8, v));
    mut(`segment ${i} zero-sized`, (b, dv) => { dv.setBigUint64(o + 32, 0n, true); dv.setBigUint64(o + 40, 0n, true); });
    mut(`segment ${i} filesz > memsz`, set(o + 32, 8, s.memsz + 0x1000));
    for (const v of [0, 1, 7, 0xffffffff]) mut(`segment ${i} p_flags ${v}`, set(o + 4, 4, v));
    for (const v of [0n, 3n, 1n << 40n, 0xffffffffffffffffn]) mut(`segment ${i} p_align 0x${v.toString(16)}`, set(o + 48, 8, v));
    for (const t of [PT_NULL, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_PHDR, PT_TLS, PT_GNU_STACK, 0x70000003, 0xffffffff]) mut(`segment ${i} p_type 0x${t.toString(16)}`, set(o, 4, t));
    mut(`segment ${i} wraps the address space`, (b, dv) => { dv.setBigUint64(o + 16, 0xfffffffffffff000n, true); dv.setBigUint64(o + 40, 0x2000n, true); });
  }
  if (loads.length >= 2) {
    const [a, b2] = loads;
    const sa = seg(a);
    mut("two load segments at the same address", (b, dv) => { dv.setBigUint64(ph(b2) + 16, BigInt(sa.vaddr), true); dv.setBigUint64(ph(b2) + 8, BigInt(sa.off), true); });
    mut("load segments overlapping by a page", (b, dv) => { dv.setBigUint64(ph(b2) + 16, BigInt(sa.vaddr + sa.memsz - 0x1000 - ((sa.vaddr + sa.memsz) % 0x1000) + (seg(b2).off % 0x1000)), true); });
    mut("load segments in descending order", (b, dv) => {
      const x = b.slice(ph(a), ph(a) + 56);
      b.copyWithin(ph(a), ph(b2), ph(b2) + 56);
      b.set(x, ph(b2));
    });
  }
  if (tls >= 0) {
    const o = ph(tls);
    for (const v of [0n, 1n << 40n, 0xffffffffffffffffn]) mut(`PT_TLS p_memsz 0x${v.toString(16)}`, set(o + 40, 8, v));
    for (const v of [0n, 3n, 1n << 40n, 0x8000000000000000n]) mut(`PT_TLS p_align 0x${v.toString(16)}`, set(o + 48, 8, v));
    for (const v of [0n, 1n << 40n, 0xffffffffffffffffn]) mut(`PT_TLS p_filesz 0x${v.toString(16)}`, set(o + 32, 8, v));
    mut("PT_TLS p_offset past the end", set(o + 8, 8, good.length + 0x1000));
    mut("two PT_TLS", set(ph(note >= 0 ? note : 0), 4, PT_TLS));
  }

  // PT_INTERP abuse: the note header becomes an interpreter naming a string placed in the file
  const interp = (name: string, s: Uint8Array | null, off?: bigint, len?: bigint) => mut(`PT_INTERP ${name}`, (b, dv) => {
    const o = ph(note >= 0 ? note : 0);
    const at = good.length - 0x11000;
    if (s) b.set(s, at);
    dv.setUint32(o, PT_INTERP, true);
    dv.setBigUint64(o + 8, off ?? BigInt(at), true);
    dv.setBigUint64(o + 32, len ?? BigInt(s ? s.length : 0), true);
  });
  const enc = (x: string) => new TextEncoder().encode(x);
  interp("/lib/ld-linux-riscv64-lp64d.so.1", enc("/lib/ld-linux-riscv64-lp64d.so.1\0"));
  interp("with terminal escapes", enc("/lib/\x1b[2J\x1b]0;pwned\x07\x1b[31mld.so\r\n\0"));
  interp("with invalid UTF-8 and controls", new Uint8Array([0x2f, 0xff, 0xfe, 0x08, 0x08, 0x7f, 0x9b, 0x32, 0x4a, 0]));
  interp("unterminated", enc("/lib/ld.so"));
  interp("empty", new Uint8Array(0));
  interp("of 64 KiB", enc("/" + "a".repeat(0xffff)), undefined, 0x10000n);
  interp("past the end of the file", null, BigInt(good.length + 10), 16n);
  interp("with a huge size", enc("/x\0"), undefined, 0xffffffffffffffffn);
  interp("at offset 2^63", null, 0x8000000000000000n, 8n);

  // seeded random damage to the headers and to anywhere
  const rng = new Rng(seed, 0xe1f);
  for (let n = 0; n < 120; n++) {
    const b = good.slice();
    const region = n < 80 ? phoff + 56 * phnum : b.length;
    const flips = rng.range(1, 8);
    for (let j = 0; j < flips; j++) b[rng.below(region)] = rng.chance(0.5) ? rng.u32() & 0xff : b[rng.below(region)] ^ (1 << rng.below(8));
    out.push({ name: `random damage ${n} (${flips} bytes${n < 80 ? " in the headers" : ""})`, bytes: b });
  }
  return out;
}
