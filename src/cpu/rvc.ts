// RV64C ("C" extension) decompressor.
//
// expandRvc() maps a 16-bit compressed instruction to the 32-bit RV64G
// instruction it is defined to be equivalent to (the canonical expansion in
// the RISC-V unprivileged spec, chapter "C" Standard Extension), so the rest
// of the CPU only ever has to decode 32-bit instructions.
//
// Legality follows the spec for RV64GC (no Zc* extensions):
//   * reserved encodings and the defined-illegal all-zero halfword -> 0
//   * HINT encodings are legal and expand like the instruction they are a
//     hint of (e.g. C.LI x0,imm -> addi x0,x0,imm; C.SLLI rd,0 -> slli rd,rd,0)
//   * RV32-only meanings (C.FLW, C.FSW, C.JAL) do not exist on RV64: those
//     bit patterns are C.LD, C.SD and C.ADDIW.
//
// This module is pure arithmetic: no imports, no allocation.

// ---- RV64G major opcodes ---------------------------------------------------
const OP_LOAD = 0x03;
const OP_LOAD_FP = 0x07;
const OP_IMM = 0x13;
const OP_IMM_32 = 0x1b;
const OP_STORE = 0x23;
const OP_STORE_FP = 0x27;
const OP = 0x33;
const OP_LUI = 0x37;
const OP_32 = 0x3b;
const OP_BRANCH = 0x63;
const OP_JALR = 0x67;
const OP_JAL = 0x6f;

const EBREAK = 0x00100073;

const X0 = 0;
const X1 = 1; // ra
const X2 = 2; // sp

// ---- 32-bit instruction builders (all return unsigned 32-bit numbers) ------

function rType(funct7: number, rs2: number, rs1: number, funct3: number, rd: number, opcode: number): number {
  return ((funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
}

/** imm is a signed or unsigned value; only its low 12 bits are encoded. */
function iType(imm: number, rs1: number, funct3: number, rd: number, opcode: number): number {
  return (((imm & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
}

function sType(imm: number, rs2: number, rs1: number, funct3: number, opcode: number): number {
  return (
    ((((imm >> 5) & 0x7f) << 25) |
      (rs2 << 20) |
      (rs1 << 15) |
      (funct3 << 12) |
      ((imm & 0x1f) << 7) |
      opcode) >>>
    0
  );
}

/** imm is the signed byte offset (even). */
function bType(imm: number, rs2: number, rs1: number, funct3: number): number {
  return (
    ((((imm >> 12) & 1) << 31) |
      (((imm >> 5) & 0x3f) << 25) |
      (rs2 << 20) |
      (rs1 << 15) |
      (funct3 << 12) |
      (((imm >> 1) & 0xf) << 8) |
      (((imm >> 11) & 1) << 7) |
      OP_BRANCH) >>>
    0
  );
}

/** imm is the signed byte offset (even). */
function jType(imm: number, rd: number): number {
  return (
    ((((imm >> 20) & 1) << 31) |
      (((imm >> 1) & 0x3ff) << 21) |
      (((imm >> 11) & 1) << 20) |
      (((imm >> 12) & 0xff) << 12) |
      (rd << 7) |
      OP_JAL) >>>
    0
  );
}

// ---- compressed-field helpers -----------------------------------------------

/** Bit `n` of h, moved to bit position `to`. */
function bit(h: number, n: number, to: number): number {
  return ((h >>> n) & 1) << to;
}

/** rd'/rs1' in bits 9:7 (CIW/CL/CS/CB/CA formats), mapped to x8..x15. */
function rs1p(h: number): number {
  return ((h >>> 7) & 7) + 8;
}

/** rd'/rs2' in bits 4:2, mapped to x8..x15. */
function rs2p(h: number): number {
  return ((h >>> 2) & 7) + 8;
}

/** Full register field in bits 11:7. */
function rdFull(h: number): number {
  return (h >>> 7) & 0x1f;
}

/** Full register field in bits 6:2. */
function rs2Full(h: number): number {
  return (h >>> 2) & 0x1f;
}

/** The 6-bit immediate imm[5] = bit 12, imm[4:0] = bits 6:2, sign-extended. */
function ciImm(h: number): number {
  return (((h >>> 7) & 0x20) | ((h >>> 2) & 0x1f)) << 26 >> 26;
}

/** Same 6 bits, unsigned (shift amounts). */
function ciShamt(h: number): number {
  return ((h >>> 7) & 0x20) | ((h >>> 2) & 0x1f);
}

/** CL/CS double-word offset: uimm[5:3] = bits 12:10, uimm[7:6] = bits 6:5. */
function clOffsetD(h: number): number {
  return (((h >>> 10) & 7) << 3) | (((h >>> 5) & 3) << 6);
}

/** CL/CS word offset: uimm[5:3] = bits 12:10, uimm[2] = bit 6, uimm[6] = bit 5. */
function clOffsetW(h: number): number {
  return (((h >>> 10) & 7) << 3) | bit(h, 6, 2) | bit(h, 5, 6);
}

/** CSS double-word offset: uimm[5:3] = bits 12:10, uimm[8:6] = bits 9:7. */
function cssOffsetD(h: number): number {
  return (((h >>> 10) & 7) << 3) | (((h >>> 7) & 7) << 6);
}

/** CI (xLWSP/xLDSP) double-word offset: uimm[5] = bit 12, uimm[4:3] = bits 6:5, uimm[8:6] = bits 4:2. */
function ciOffsetD(h: number): number {
  return bit(h, 12, 5) | (((h >>> 5) & 3) << 3) | (((h >>> 2) & 7) << 6);
}

/** CB branch offset: offset[8|4:3] = bits 12:10, offset[7:6|2:1|5] = bits 6:2; sign-extended. */
function cbOffset(h: number): number {
  const u =
    bit(h, 12, 8) |
    (((h >>> 10) & 3) << 3) |
    (((h >>> 5) & 3) << 6) |
    (((h >>> 3) & 3) << 1) |
    bit(h, 2, 5);
  return (u << 23) >> 23;
}

/** CJ jump offset: offset[11|4|9:8|10|6|7|3:1|5] = bits 12:2; sign-extended. */
function cjOffset(h: number): number {
  const u =
    bit(h, 12, 11) |
    bit(h, 11, 4) |
    (((h >>> 9) & 3) << 8) |
    bit(h, 8, 10) |
    bit(h, 7, 6) |
    bit(h, 6, 7) |
    (((h >>> 3) & 7) << 1) |
    bit(h, 2, 5);
  return (u << 20) >> 20;
}

/**
 * Expand a 16-bit RV64C instruction to its canonical 32-bit RV64G equivalent.
 *
 * Only the low 16 bits of `h` are examined. Returns the 32-bit instruction
 * word as an unsigned number, or 0 when the halfword is not a legal RV64GC
 * compressed instruction (reserved encodings, the all-zero halfword, and
 * halfwords whose low two bits are 0b11, which are not compressed at all).
 */
export function expandRvc(h: number): number {
  h &= 0xffff;
  // Fast path: one dense switch on quadrant (bits 1:0) and funct3 (bits 15:13),
  // 0..23 (24..31 = quadrant 3), which V8 turns into a jump table. Each arm
  // is a few shifts and masks; nothing is allocated and no table is built.
  switch (((h & 3) << 3) | (h >>> 13)) {
    // ======================= Quadrant 0 =======================
    case 0x00: {
      // C.ADDI4SPN: addi rd', x2, nzuimm. nzuimm[5:4|9:6|2|3] = bits 12:5.
      const nzuimm =
        (((h >>> 11) & 3) << 4) | (((h >>> 7) & 0xf) << 6) | bit(h, 6, 2) | bit(h, 5, 3);
      if (nzuimm === 0) return 0; // reserved; includes the all-zero halfword
      return iType(nzuimm, X2, 0, rs2p(h), OP_IMM);
    }
    case 0x01: // C.FLD: fld rd', uimm(rs1')
      return iType(clOffsetD(h), rs1p(h), 3, rs2p(h), OP_LOAD_FP);
    case 0x02: // C.LW: lw rd', uimm(rs1')
      return iType(clOffsetW(h), rs1p(h), 2, rs2p(h), OP_LOAD);
    case 0x03: // C.LD: ld rd', uimm(rs1')   (C.FLW on RV32)
      return iType(clOffsetD(h), rs1p(h), 3, rs2p(h), OP_LOAD);
    case 0x04: // reserved (Zcb space; not part of RV64GC)
      return 0;
    case 0x05: // C.FSD: fsd rs2', uimm(rs1')
      return sType(clOffsetD(h), rs2p(h), rs1p(h), 3, OP_STORE_FP);
    case 0x06: // C.SW: sw rs2', uimm(rs1')
      return sType(clOffsetW(h), rs2p(h), rs1p(h), 2, OP_STORE);
    case 0x07: // C.SD: sd rs2', uimm(rs1')   (C.FSW on RV32)
      return sType(clOffsetD(h), rs2p(h), rs1p(h), 3, OP_STORE);

    // ======================= Quadrant 1 =======================
    case 0x08: {
      // C.NOP (rd=0) / C.ADDI: addi rd, rd, imm. rd=0 or imm=0 forms are HINTs.
      const rd = rdFull(h);
      return iType(ciImm(h), rd, 0, rd, OP_IMM);
    }
    case 0x09: {
      // C.ADDIW: addiw rd, rd, imm   (C.JAL on RV32). rd=0 reserved.
      const rd = rdFull(h);
      if (rd === 0) return 0;
      return iType(ciImm(h), rd, 0, rd, OP_IMM_32);
    }
    case 0x0a: // C.LI: addi rd, x0, imm. rd=0 is a HINT.
      return iType(ciImm(h), X0, 0, rdFull(h), OP_IMM);
    case 0x0b: {
      const rd = rdFull(h);
      if (rd === X2) {
        // C.ADDI16SP: addi x2, x2, nzimm. nzimm[9] = bit 12, nzimm[4|6|8:7|5] = bits 6:2.
        const u =
          bit(h, 12, 9) | bit(h, 6, 4) | bit(h, 5, 6) | (((h >>> 3) & 3) << 7) | bit(h, 2, 5);
        if (u === 0) return 0; // reserved
        return iType((u << 22) >> 22, X2, 0, X2, OP_IMM);
      }
      // C.LUI: lui rd, nzimm[17:12]. nzimm=0 reserved; rd=0 (nzimm != 0) is a HINT.
      const imm6 = ciImm(h);
      if (imm6 === 0) return 0;
      return (((imm6 & 0xfffff) << 12) | (rd << 7) | OP_LUI) >>> 0;
    }
    case 0x0c: {
      const rd = rs1p(h);
      switch ((h >>> 10) & 3) {
        case 0: // C.SRLI: srli rd', rd', shamt (shamt=0 is a HINT on RV64)
          return iType(ciShamt(h), rd, 5, rd, OP_IMM);
        case 1: // C.SRAI: srai rd', rd', shamt
          return iType(0x400 | ciShamt(h), rd, 5, rd, OP_IMM);
        case 2: // C.ANDI: andi rd', rd', imm
          return iType(ciImm(h), rd, 7, rd, OP_IMM);
        default: {
          const rs2 = rs2p(h);
          const f2 = (h >>> 5) & 3;
          if ((h & 0x1000) === 0) {
            switch (f2) {
              case 0: return rType(0x20, rs2, rd, 0, rd, OP); // C.SUB
              case 1: return rType(0x00, rs2, rd, 4, rd, OP); // C.XOR
              case 2: return rType(0x00, rs2, rd, 6, rd, OP); // C.OR
              default: return rType(0x00, rs2, rd, 7, rd, OP); // C.AND
            }
          }
          switch (f2) {
            case 0: return rType(0x20, rs2, rd, 0, rd, OP_32); // C.SUBW
            case 1: return rType(0x00, rs2, rd, 0, rd, OP_32); // C.ADDW
            default: return 0; // reserved on RV64 (Zcb/Zcmp space)
          }
        }
      }
    }
    case 0x0d: // C.J: jal x0, offset
      return jType(cjOffset(h), X0);
    case 0x0e: // C.BEQZ: beq rs1', x0, offset
      return bType(cbOffset(h), X0, rs1p(h), 0);
    case 0x0f: // C.BNEZ: bne rs1', x0, offset
      return bType(cbOffset(h), X0, rs1p(h), 1);

    // ======================= Quadrant 2 =======================
    case 0x10: {
      // C.SLLI: slli rd, rd, shamt. rd=0 and shamt=0 forms are HINTs.
      const rd = rdFull(h);
      return iType(ciShamt(h), rd, 1, rd, OP_IMM);
    }
    case 0x11: // C.FLDSP: fld rd, uimm(x2)
      return iType(ciOffsetD(h), X2, 3, rdFull(h), OP_LOAD_FP);
    case 0x12: {
      // C.LWSP: lw rd, uimm(x2). uimm[5] = bit 12, uimm[4:2] = bits 6:4, uimm[7:6] = bits 3:2. rd=0 reserved.
      const rd = rdFull(h);
      if (rd === 0) return 0;
      const uimm = bit(h, 12, 5) | (((h >>> 4) & 7) << 2) | ((h & 0xc) << 4);
      return iType(uimm, X2, 2, rd, OP_LOAD);
    }
    case 0x13: {
      // C.LDSP: ld rd, uimm(x2)   (C.FLWSP on RV32). rd=0 reserved.
      const rd = rdFull(h);
      if (rd === 0) return 0;
      return iType(ciOffsetD(h), X2, 3, rd, OP_LOAD);
    }
    case 0x14: {
      const rd = rdFull(h);
      const rs2 = rs2Full(h);
      if ((h & 0x1000) === 0) {
        if (rs2 === 0) {
          // C.JR: jalr x0, 0(rs1). rs1=0 reserved.
          if (rd === 0) return 0;
          return iType(0, rd, 0, X0, OP_JALR);
        }
        return rType(0, rs2, X0, 0, rd, OP); // C.MV: add rd, x0, rs2 (rd=0 is a HINT)
      }
      if (rs2 === 0) {
        if (rd === 0) return EBREAK; // C.EBREAK
        return iType(0, rd, 0, X1, OP_JALR); // C.JALR: jalr x1, 0(rs1)
      }
      return rType(0, rs2, rd, 0, rd, OP); // C.ADD: add rd, rd, rs2 (rd=0 is a HINT)
    }
    case 0x15: // C.FSDSP: fsd rs2, uimm(x2)
      return sType(cssOffsetD(h), rs2Full(h), X2, 3, OP_STORE_FP);
    case 0x16: {
      // C.SWSP: sw rs2, uimm(x2). uimm[5:2] = bits 12:9, uimm[7:6] = bits 8:7.
      const uimm = (((h >>> 9) & 0xf) << 2) | (((h >>> 7) & 3) << 6);
      return sType(uimm, rs2Full(h), X2, 2, OP_STORE);
    }
    case 0x17: // C.SDSP: sd rs2, uimm(x2)   (C.FSWSP on RV32)
      return sType(cssOffsetD(h), rs2Full(h), X2, 3, OP_STORE);

    default: // quadrant 3: not a compressed instruction
      return 0;
  }
}
