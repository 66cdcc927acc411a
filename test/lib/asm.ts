// A few RV64 instruction encoders and a minimal static ELF writer, so kernel tests can run
// hand-made programs without a cross compiler.

export const addi = (rd: number, rs1: number, imm: number) => ((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13;
export const li = (rd: number, imm: number) => addi(rd, 0, imm);
export const sub = (rd: number, rs1: number, rs2: number) => (0x20 << 25) | (rs2 << 20) | (rs1 << 15) | (rd << 7) | 0x33;
export const ld = (rd: number, rs1: number, imm: number) => ((imm & 0xfff) << 20) | (rs1 << 15) | (3 << 12) | (rd << 7) | 0x03;
export const sd = (rs2: number, rs1: number, imm: number) =>
  (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (3 << 12) | ((imm & 0x1f) << 7) | 0x23;
export const ecall = () => 0x73;
export const ebreak = () => 0x100073;
export const A0 = 10, A1 = 11, A2 = 12, A7 = 17, SP = 2;

/** exit_group(a0) */
export const exitWithA0 = () => [li(A7, 94), ecall()];

/** a static riscv64 ET_EXEC with one R+X segment at 0x10000 holding `code` */
export function tinyElf(code: number[], segFlags = 5): Uint8Array {
  const hdr = 64 + 56;
  const size = hdr + code.length * 4;
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  dv.setUint16(16, 2, true); // ET_EXEC
  dv.setUint16(18, 243, true); // EM_RISCV
  dv.setUint32(20, 1, true);
  dv.setUint32(24, 0x10000 + hdr, true); // entry
  dv.setUint32(32, 64, true); // phoff
  dv.setUint16(52, 64, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, 1, true);
  dv.setUint32(64, 1, true); // PT_LOAD
  dv.setUint32(68, segFlags, true); // 5 = R+X, 7 = R+W+X
  dv.setUint32(80, 0x10000, true); // vaddr
  dv.setUint32(88, 0x10000, true); // paddr
  dv.setUint32(96, size, true); // filesz
  dv.setUint32(104, size, true); // memsz
  dv.setUint32(112, 0x1000, true);
  code.forEach((w, i) => dv.setUint32(hdr + i * 4, w >>> 0, true));
  return b;
}

export const lui = (rd: number, imm20: number) => ((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37;
export const mv = (rd: number, rs: number) => addi(rd, rs, 0);
/** load a 32-bit address: lui + addi with the carry of the sign-extended low part */
export const la = (rd: number, addr: number) => {
  const lo = ((addr & 0xfff) << 20) >> 20;
  return [lui(rd, (addr - lo) >>> 12), addi(rd, rd, lo)];
};
export const S0 = 8;
export const CODE_BASE = 0x10000 + 120;

/** a program that prints a file: open(path) read 256 bytes, write them, exit with -errno of open or 0 */
export function catProgram(file: string, flags = 0): Uint8Array {
  const codeLen = 23;
  const dataAddr = CODE_BASE + codeLen * 4;
  const code = [
    ...la(A1, dataAddr), li(A0, -100), li(A2, flags), li(A3, 0o644), li(A7, 56), ecall(), mv(S0, A0),
    mv(A0, S0), addi(A1, SP, -512), li(A2, 256), li(A7, 63), ecall(),
    mv(A2, A0), li(A0, 1), addi(A1, SP, -512), li(A7, 64), ecall(),
    sub(A0, 0, S0), srai(5, S0, 63), and(A0, A0, 5), li(A7, 94), ecall(),
  ];
  if (code.length !== codeLen) throw new Error(`catProgram: ${code.length} instructions`);
  const bytes = new TextEncoder().encode(file + "\0");
  const words: number[] = [...code];
  for (let i = 0; i < bytes.length; i += 4) words.push(bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
  return tinyElf(words);
}
export const A3 = 13;
export const srai = (rd: number, rs1: number, sh: number) => ((0x400 | sh) << 20) | (rs1 << 15) | (5 << 12) | (rd << 7) | 0x13;
export const and = (rd: number, rs1: number, rs2: number) => (rs2 << 20) | (rs1 << 15) | (7 << 12) | (rd << 7) | 0x33;
export const bne = (rs1: number, rs2: number, off: number) =>
  (((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (1 << 12) | (((off >> 1) & 0xf) << 8) | (((off >> 11) & 1) << 7) | 0x63;
export const jal = (rd: number, off: number) =>
  (((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (((off >> 12) & 0xff) << 12) | (rd << 7) | 0x6f;
export const sw = (rs2: number, rs1: number, imm: number) =>
  (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (2 << 12) | ((imm & 0x1f) << 7) | 0x23;
export const FENCE_I = 0x100f;
export const beq = (rs1: number, rs2: number, off: number) =>
  (((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (0 << 12) | (((off >> 1) & 0xf) << 8) | (((off >> 11) & 1) << 7) | 0x63;
export const blt = (rs1: number, rs2: number, off: number) =>
  (((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (4 << 12) | (((off >> 1) & 0xf) << 8) | (((off >> 11) & 1) << 7) | 0x63;
export const slli = (rd: number, rs1: number, sh: number) => (sh << 20) | (rs1 << 15) | (1 << 12) | (rd << 7) | 0x13;
export const or = (rd: number, rs1: number, rs2: number) => (rs2 << 20) | (rs1 << 15) | (6 << 12) | (rd << 7) | 0x33;
