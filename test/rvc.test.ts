// Tests for src/cpu/rvc.ts (RV64C -> RV64G expansion).
//
// Oracles:
//  1. test/rvc-golden/expand.u32le.gz: all 49152 non-32-bit halfwords, decoded
//     by binutils objdump and re-assembled uncompressed by binutils as
//     (see test/rvc-golden/regen.sh and gen.mjs). 0 = objdump rejects it.
//  2. test/rvc-golden/forms.golden.tsv: hand-written forms encoded by the
//     binutils assembler (the encoder direction, independent of objdump).
//  3. The spec's list of reserved encodings, written out below from the
//     RISC-V unprivileged spec's RVC chapter, independently of rvc.ts.
// Where binutils disagrees with the spec, the spec wins; every such case is
// listed in SPEC_EXCEPTIONS and nowhere else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { expandRvc } from '../src/cpu/rvc.js';

const N = 49152;

function goldenDir(): string {
  const rel = join('test', 'rvc-golden');
  // Walk up from the compiled test (dist/test/) to the repo root; fall back to cwd.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let k = 0; k < 6; k++) {
    if (existsSync(join(dir, rel, 'expand.u32le.gz'))) return join(dir, rel);
    dir = dirname(dir);
  }
  const cwd = join(process.cwd(), rel);
  if (existsSync(join(cwd, 'expand.u32le.gz'))) return cwd;
  throw new Error('cannot find test/rvc-golden/expand.u32le.gz');
}

const DIR = goldenDir();
const RAW = gunzipSync(readFileSync(join(DIR, 'expand.u32le.gz')));
/** golden[i] = binutils expansion of halfwordAt(i). */
const golden = new Uint32Array(N);
for (let i = 0; i < N && 4 * i + 4 <= RAW.length; i++) golden[i] = RAW.readUInt32LE(4 * i);

function indexOf(h: number): number {
  return (h >>> 2) * 3 + (h & 3);
}

const hex4 = (v: number): string => v.toString(16).padStart(4, '0');
const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

/**
 * Halfwords where binutils 2.40 and the spec disagree. The golden table keeps
 * binutils' answer (it is generated, never hand-edited); the test expects the
 * spec's.
 */
const SPEC_EXCEPTIONS: ReadonlyArray<{ h: number; binutils: number; spec: number; why: string }> = [
  {
    // objdump decodes 0x6101 as `c.addi16sp sp,0` (and gas would assemble it);
    // the spec: "C.ADDI16SP ... The code point with nzimm=0 is reserved."
    h: 0x6101,
    binutils: 0x00010113, // addi sp,sp,0
    spec: 0,
    why: 'C.ADDI16SP with nzimm=0 is reserved',
  },
];
// Not exceptions, but worth knowing when reading the table:
//  * 0x0000 disassembles as `c.unimp`: binutils' name for the defined-illegal
//    all-zero halfword, recorded as 0 by regen.sh, as the spec requires.
//  * c.slli64 / c.srli64 / c.srai64 are binutils' (RV128) names for the
//    shamt=0 encodings; on RV64 these are HINTs and regen.sh rewrites them as
//    slli/srli/srai rd,rd,0, which matches the spec.
//  * All other HINT code points (C.NOP imm!=0, C.ADDI imm=0, C.LI/C.LUI/C.MV/
//    C.ADD/C.SLLI with rd=x0, ...) are accepted by binutils, as by the spec.

const exceptionFor = new Map(SPEC_EXCEPTIONS.map((e) => [e.h, e]));

/** The expected expansion of compressed halfword h: golden, overridden by the spec exceptions. */
function expected(h: number): number {
  const e = exceptionFor.get(h);
  return e ? e.spec : golden[indexOf(h)]!;
}

/**
 * Reserved/illegal RV64GC compressed encodings per the spec (no Zc*), written
 * from the spec's tables, not from rvc.ts.
 */
function reservedBySpec(h: number): boolean {
  const op = h & 3;
  const f3 = h >>> 13;
  const rd = (h >>> 7) & 0x1f;
  const rs2 = (h >>> 2) & 0x1f;
  const b12 = (h >>> 12) & 1;
  if (op === 0) {
    if (f3 === 0) return (h & 0x1fe0) === 0; // C.ADDI4SPN nzuimm=0 (incl. 0x0000)
    return f3 === 4; // reserved slot
  }
  if (op === 1) {
    if (f3 === 1) return rd === 0; // C.ADDIW rd=0
    if (f3 === 3) return b12 === 0 && rs2 === 0; // C.ADDI16SP / C.LUI with zero immediate (any rd)
    if (f3 === 4) return ((h >>> 10) & 3) === 3 && b12 === 1 && ((h >>> 5) & 3) >= 2; // RV64 CA reserved
    return false;
  }
  if (op === 2) {
    if (f3 === 2 || f3 === 3) return rd === 0; // C.LWSP / C.LDSP rd=0
    if (f3 === 4) return b12 === 0 && rd === 0 && rs2 === 0; // C.JR rs1=0
    return false;
  }
  return true; // quadrant 3 is not a compressed instruction
}

const QUAD_NAMES = [
  ['C.ADDI4SPN', 'C.FLD', 'C.LW', 'C.LD', 'reserved', 'C.FSD', 'C.SW', 'C.SD'],
  ['C.NOP/C.ADDI', 'C.ADDIW', 'C.LI', 'C.ADDI16SP/C.LUI', 'C.MISC-ALU', 'C.J', 'C.BEQZ', 'C.BNEZ'],
  ['C.SLLI', 'C.FLDSP', 'C.LWSP', 'C.LDSP', 'C.JR/MV/EBREAK/JALR/ADD', 'C.FSDSP', 'C.SWSP', 'C.SDSP'],
];

test('golden table is intact', () => {
  assert.equal(RAW.length, 4 * N, 'expand.u32le.gz must hold 49152 uint32');
  const meta = readFileSync(join(DIR, 'meta.txt'), 'utf8');
  const m = /sha256\(expand table, uncompressed\): ([0-9a-f]{64})/.exec(meta);
  assert.ok(m, 'meta.txt records the table checksum');
  assert.equal(createHash('sha256').update(RAW).digest('hex'), m[1]);
  let zeros = 0;
  for (let i = 0; i < N; i++) {
    const w = golden[i]!;
    if (w === 0) zeros++;
    else assert.equal(w & 3, 3, `golden entry ${i} is not a 32-bit instruction`);
  }
  // 2409 spec-reserved halfwords, minus the one binutils accepts (0x6101).
  assert.equal(zeros, 2408);
});

test('spec exceptions are exactly where binutils and the spec disagree on legality', () => {
  for (const e of SPEC_EXCEPTIONS) {
    const g = golden[indexOf(e.h)]!;
    // A newer binutils may have been fixed to agree with the spec; either is fine.
    assert.ok(g === e.binutils || g === e.spec, `${hex4(e.h)}: golden ${hex8(g)}, noted as ${hex8(e.binutils)} (${e.why})`);
  }
  const disagree: string[] = [];
  for (let h = 0; h < 0x10000; h++) {
    if ((h & 3) === 3) continue;
    const goldenIllegal = golden[indexOf(h)] === 0;
    if (goldenIllegal !== reservedBySpec(h) && !exceptionFor.has(h)) disagree.push(hex4(h));
  }
  assert.deepEqual(disagree, [], 'unlisted spec/binutils legality disagreements');
});

for (let q = 0; q < 3; q++) {
  for (let f3 = 0; f3 < 8; f3++) {
    const name = QUAD_NAMES[q]![f3]!;
    test(`exhaustive Q${q} funct3=${f3} (${name}): all 2048 halfwords match golden`, () => {
      const bad: string[] = [];
      let n = 0;
      for (let hi = 0; hi < 0x800; hi++) {
        const h = (f3 << 13) | (hi << 2) | q;
        const got = expandRvc(h);
        const want = expected(h);
        n++;
        if (got !== want) bad.push(`${hex4(h)}: got ${hex8(got)} want ${hex8(want)}`);
      }
      assert.equal(n, 2048);
      assert.equal(bad.length, 0, `${bad.length} mismatches, first: \n${bad.slice(0, 20).join('\n')}`);
    });
  }
}

test('legality matches the spec reserved list (independent of binutils)', () => {
  let reserved = 0;
  for (let h = 0; h < 0x10000; h++) {
    const r = reservedBySpec(h);
    if (r && (h & 3) !== 3) reserved++;
    assert.equal(expandRvc(h) === 0, r, `${hex4(h)}: expandRvc=${hex8(expandRvc(h))}, spec reserved=${r}`);
  }
  assert.equal(reserved, 2409);
});

test('assembler-encoded forms (forms.golden.tsv) expand as their uncompressed twins', () => {
  const lines = readFileSync(join(DIR, 'forms.golden.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  assert.ok(lines.length >= 90, `only ${lines.length} forms`);
  for (const line of lines) {
    const [hs, ws, src] = line.split('\t');
    const h = parseInt(hs!, 16);
    const w = parseInt(ws!, 16);
    assert.equal(hex8(expandRvc(h)), hex8(w), src);
    assert.equal(hex8(golden[indexOf(h)]!), hex8(w), `golden table disagrees with assembler: ${src}`);
  }
});

test('hand-checked spec examples', () => {
  const cases: Array<[number, number, string]> = [
    [0x0000, 0, 'all-zero halfword is illegal'],
    [0x0001, 0x00000013, 'c.nop -> addi x0,x0,0'],
    [0x9002, 0x00100073, 'c.ebreak -> ebreak'],
    [0x8082, 0x00008067, 'c.jr ra -> jalr x0,0(ra) (ret)'],
    [0x9082, 0x000080e7, 'c.jalr ra -> jalr ra,0(ra)'],
    [0x852e, 0x00b00533, 'c.mv a0,a1 -> add a0,x0,a1'],
    [0x952e, 0x00b50533, 'c.add a0,a1 -> add a0,a0,a1'],
    [0x4501, 0x00000513, 'c.li a0,0 -> addi a0,x0,0'],
    [0x557d, 0xfff00513, 'c.li a0,-1 -> addi a0,x0,-1'],
    [0x7179, 0xfd010113, 'c.addi16sp sp,-48'],
    [0x6105, 0x02010113, 'c.addi16sp sp,32'],
    [0x6101, 0, 'c.addi16sp sp,0 is reserved'],
    [0x6001, 0, 'c.lui x0,0 is reserved'],
    [0x6501, 0, 'c.lui a0,0 is reserved'],
    [0x757d, 0xfffff537, 'c.lui a0,0xfffff (nzimm=-1 sign-extended)'],
    [0x6505, 0x00001537, 'c.lui a0,1'],
    [0x2001, 0, 'c.addiw x0 is reserved (not c.jal on RV64)'],
    [0x2501, 0x0005051b, 'c.addiw a0,0 -> sext.w a0,a0'],
    [0x6002, 0, 'c.ldsp x0 is reserved'],
    [0x4002, 0, 'c.lwsp x0 is reserved'],
    [0x8002, 0, 'c.jr x0 is reserved'],
    [0x0002, 0x00001013, 'c.slli x0,0 hint -> slli x0,x0,0'],
    [0x8101, 0x00055513, 'c.srli a0,0 hint -> srli a0,a0,0'],
    [0x9d01, 0x4085053b, 'c.subw a0,s0 -> subw a0,a0,s0'],
    [0x9d41, 0, 'bit12=1 funct2=10 CA encoding is reserved on RV64'],
    [0x9d61, 0, 'bit12=1 funct2=11 CA encoding is reserved on RV64'],
    [0x8000, 0, 'funct3=100 quadrant 0 is reserved'],
  ];
  for (const [h, w, what] of cases) assert.equal(hex8(expandRvc(h)), hex8(w), `${hex4(h)}: ${what}`);
});

test('input handling: only low 16 bits matter, quadrant 3 is 0, results are unsigned', () => {
  for (let h = 0; h < 0x10000; h += 7) {
    const w = expandRvc(h);
    assert.ok(Number.isInteger(w) && w >= 0 && w <= 0xffffffff, `${hex4(h)} -> ${w}`);
    assert.equal(expandRvc(h | 0x5a5a0000), w, `high bits must be ignored for ${hex4(h)}`);
    assert.equal(expandRvc((h | 0xffff0000) | 0), w, `negative input for ${hex4(h)}`);
    if ((h & 3) === 3) assert.equal(w, 0);
  }
});
