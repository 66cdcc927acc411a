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
export function tinyElf(code: number[]): Uint8Array {
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
  dv.setUint32(68, 5, true); // R+X
  dv.setUint32(80, 0x10000, true); // vaddr
  dv.setUint32(88, 0x10000, true); // paddr
  dv.setUint32(96, size, true); // filesz
  dv.setUint32(104, size, true); // memsz
  dv.setUint32(112, 0x1000, true);
  code.forEach((w, i) => dv.setUint32(hdr + i * 4, w >>> 0, true));
  return b;
}
