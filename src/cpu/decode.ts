// RV64GC decoder into pre-decoded slots.
//
// A code page's decoded form is an Int32Array of 2 words per 2-byte slot:
//   [0] op | length << 8 | rd*2 << 11 | rs1*2 << 18 | rs2*2 << 24
//       (x0 as a destination becomes the discard slot 64; an f register's number for FP loads
//       and stores)
//   [1] immediate (the raw word for FP ops, funct5 for AMOs, csr | zimm << 12 for CSRs)
// Register numbers are pre-multiplied because registers are stored as int32 pairs. Two words
// instead of four halve the loads per interpreted instruction and the decoded page (16 KiB).

import { expandRvc } from "./rvc.js";

export const enum Op {
  UNDECODED = 0,
  PAGE_END, // sentinel past the last slot: leave the page
  CROSS, // 32-bit instruction straddling a page boundary
  ILLEGAL,
  LUI, AUIPC, JAL, JALR,
  BEQ, BNE, BLT, BGE, BLTU, BGEU,
  LB, LH, LW, LD, LBU, LHU, LWU,
  SB, SH, SW, SD,
  ADDI, SLTI, SLTIU, XORI, ORI, ANDI,
  SLLI, SRLI, SRAI, // shift amounts 0..31
  SLLI32, SRLI32, SRAI32, // shift amounts 32..63
  ADD, SUB, SLL, SLT, SLTU, XOR, SRL, SRA, OR, AND,
  ADDIW, SLLIW, SRLIW, SRAIW, ADDW, SUBW, SLLW, SRLW, SRAW,
  MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU,
  MULW, DIVW, DIVUW, REMW, REMUW,
  FENCE, FENCE_I, ECALL, EBREAK,
  CSRRW, CSRRS, CSRRC, CSRRWI, CSRRSI, CSRRCI,
  LR_W, SC_W, LR_D, SC_D,
  AMO_W, AMO_D, // funct5 in rs3 field
  FLW, FLD, FSW, FSD,
  FP, // any other F/D instruction, executed by execFp on the raw word
  LI, // addi rd, x0, imm
  MV, // addi rd, rs, 0
}

export const SLOT_WORDS = 2;
export const SLOTS = 2048;
/** two sentinel slots past the end: a 4-byte instruction at offset 4094 advances to slot 2049 */
export const CODE_WORDS = (SLOTS + 2) * SLOT_WORDS;

/** fields of a slot's first word */
export const opOf = (w: number) => w & 0xff;
export const lenOf = (w: number) => (w >>> 8) & 7;
export const rdOfSlot = (w: number) => (w >>> 11) & 127;
export const rs1OfSlot = (w: number) => (w >>> 18) & 63;
export const rs2OfSlot = (w: number) => w >>> 24;
/** the first word of a slot: rd, rs1, rs2 pre-multiplied (rd up to 64, rs up to 62) */
export const slotWord = (op: number, len: number, rd: number, rs1: number, rs2: number) =>
  op | (len << 8) | (rd << 11) | (rs1 << 18) | (rs2 << 24);

export function newCodePage(): Int32Array {
  const c = new Int32Array(CODE_WORDS);
  c[SLOTS * SLOT_WORDS] = Op.PAGE_END;
  c[(SLOTS + 1) * SLOT_WORDS] = Op.PAGE_END;
  return c;
}

const rdOf = (i: number) => {
  const r = (i >>> 7) & 31;
  return r === 0 ? 64 : r << 1;
};
const rs1Of = (i: number) => ((i >>> 15) & 31) << 1;
const rs2Of = (i: number) => ((i >>> 20) & 31) << 1;
const immI = (i: number) => i >> 20;
const immS = (i: number) => ((i >> 25) << 5) | ((i >>> 7) & 31);
const immB = (i: number) =>
  ((i >> 31) << 12) | (((i >>> 7) & 1) << 11) | (((i >>> 25) & 63) << 5) | (((i >>> 8) & 15) << 1);
const immJ = (i: number) =>
  ((i >> 31) << 20) | (((i >>> 12) & 255) << 12) | (((i >>> 20) & 1) << 11) | (((i >>> 21) & 1023) << 1);

/** Decode the instruction at `slot` of a code page from its 16-bit parcel(s). `lo16` is the
 *  first parcel; `hi16` the second (only read for 32-bit instructions). */
export function decodeInto(code: Int32Array, slot: number, lo16: number, hi16: number): void {
  let insn: number;
  let len: number;
  if ((lo16 & 3) !== 3) {
    insn = expandRvc(lo16);
    len = 2;
    if (insn === 0) {
      put(code, slot, Op.ILLEGAL, 2, 0, 0, 0, lo16);
      return;
    }
  } else {
    insn = (lo16 | (hi16 << 16)) | 0;
    len = 4;
    if ((lo16 & 0x1c) === 0x1c) {
      // 48-bit and longer encodings are not part of RV64GC
      put(code, slot, Op.ILLEGAL, 4, 0, 0, 0, insn);
      return;
    }
  }
  decode32(code, slot, insn | 0, len);
}

function put(code: Int32Array, slot: number, op: number, len: number, rd: number, rs1: number, rs2: number, imm: number): void {
  const b = slot * SLOT_WORDS;
  code[b] = slotWord(op, len, rd, rs1, rs2);
  code[b + 1] = imm;
}

export function decode32(code: Int32Array, slot: number, i: number, len: number): void {
  const opc = i & 0x7f;
  const f3 = (i >>> 12) & 7;
  const f7 = i >>> 25;
  const rd = rdOf(i);
  const rs1 = rs1Of(i);
  const rs2 = rs2Of(i);
  let op: number = Op.ILLEGAL;
  let imm = 0;
  switch (opc) {
    case 0x37: op = Op.LUI; imm = i & 0xfffff000; break;
    case 0x17: op = Op.AUIPC; imm = i & 0xfffff000; break;
    case 0x6f: op = Op.JAL; imm = immJ(i); break;
    case 0x67: if (f3 === 0) { op = Op.JALR; imm = immI(i); } break;
    case 0x63:
      imm = immB(i);
      op = [Op.BEQ, Op.BNE, Op.ILLEGAL, Op.ILLEGAL, Op.BLT, Op.BGE, Op.BLTU, Op.BGEU][f3];
      break;
    case 0x03:
      imm = immI(i);
      op = [Op.LB, Op.LH, Op.LW, Op.LD, Op.LBU, Op.LHU, Op.LWU, Op.ILLEGAL][f3];
      break;
    case 0x23:
      imm = immS(i);
      op = [Op.SB, Op.SH, Op.SW, Op.SD, Op.ILLEGAL, Op.ILLEGAL, Op.ILLEGAL, Op.ILLEGAL][f3];
      break;
    case 0x13: {
      imm = immI(i);
      const sh = (i >>> 20) & 63;
      const f6 = i >>> 26;
      switch (f3) {
        case 0: op = rs1 === 0 ? Op.LI : imm === 0 ? Op.MV : Op.ADDI; break;
        case 2: op = Op.SLTI; break;
        case 3: op = Op.SLTIU; break;
        case 4: op = Op.XORI; break;
        case 6: op = Op.ORI; break;
        case 7: op = Op.ANDI; break;
        case 1: if (f6 === 0) { op = sh < 32 ? Op.SLLI : Op.SLLI32; imm = sh; } break;
        case 5:
          if (f6 === 0) { op = sh < 32 ? Op.SRLI : Op.SRLI32; imm = sh; }
          else if (f6 === 0x10) { op = sh < 32 ? Op.SRAI : Op.SRAI32; imm = sh; }
          break;
      }
      break;
    }
    case 0x1b: {
      imm = immI(i);
      const sh = (i >>> 20) & 31;
      if (f3 === 0) op = Op.ADDIW;
      else if (f3 === 1 && f7 === 0) { op = Op.SLLIW; imm = sh; }
      else if (f3 === 5 && f7 === 0) { op = Op.SRLIW; imm = sh; }
      else if (f3 === 5 && f7 === 0x20) { op = Op.SRAIW; imm = sh; }
      break;
    }
    case 0x33:
      if (f7 === 0) op = [Op.ADD, Op.SLL, Op.SLT, Op.SLTU, Op.XOR, Op.SRL, Op.OR, Op.AND][f3];
      else if (f7 === 0x20) op = f3 === 0 ? Op.SUB : f3 === 5 ? Op.SRA : Op.ILLEGAL;
      else if (f7 === 1) op = [Op.MUL, Op.MULH, Op.MULHSU, Op.MULHU, Op.DIV, Op.DIVU, Op.REM, Op.REMU][f3];
      break;
    case 0x3b:
      if (f7 === 0) op = f3 === 0 ? Op.ADDW : f3 === 1 ? Op.SLLW : f3 === 5 ? Op.SRLW : Op.ILLEGAL;
      else if (f7 === 0x20) op = f3 === 0 ? Op.SUBW : f3 === 5 ? Op.SRAW : Op.ILLEGAL;
      else if (f7 === 1)
        op = [Op.MULW, Op.ILLEGAL, Op.ILLEGAL, Op.ILLEGAL, Op.DIVW, Op.DIVUW, Op.REMW, Op.REMUW][f3];
      break;
    case 0x0f:
      if (f3 === 0) op = Op.FENCE;
      else if (f3 === 1) op = Op.FENCE_I;
      break;
    case 0x73:
      if (f3 === 0) {
        if (i === 0x73) op = Op.ECALL;
        else if (i === 0x100073) op = Op.EBREAK;
      } else if (f3 !== 4) {
        op = [0, Op.CSRRW, Op.CSRRS, Op.CSRRC, 0, Op.CSRRWI, Op.CSRRSI, Op.CSRRCI][f3];
        // the csr number, and the rs1 field unscaled (the 5-bit zimm of the immediate forms)
        imm = ((i >>> 20) & 0xfff) | (((i >>> 15) & 31) << 12);
      }
      break;
    case 0x2f: {
      const f5 = i >>> 27;
      if (f3 !== 2 && f3 !== 3) break;
      const d = f3 === 3;
      if (f5 === 2) { if (rs2 === 0) op = d ? Op.LR_D : Op.LR_W; }
      else if (f5 === 3) op = d ? Op.SC_D : Op.SC_W;
      else if ([0, 1, 4, 8, 12, 16, 20, 24, 28].includes(f5)) op = d ? Op.AMO_D : Op.AMO_W;
      imm = f5;
      break;
    }
    case 0x07:
      imm = immI(i);
      if (f3 === 2) op = Op.FLW;
      else if (f3 === 3) op = Op.FLD;
      // FP destination: plain register index, no discard slot
      put(code, slot, op, len, ((i >>> 7) & 31) << 1, rs1, rs2, imm);
      return;
    case 0x27:
      imm = immS(i);
      if (f3 === 2) op = Op.FSW;
      else if (f3 === 3) op = Op.FSD;
      break;
    case 0x43: case 0x47: case 0x4b: case 0x4f: case 0x53:
      op = Op.FP;
      imm = i;
      break;
  }
  put(code, slot, op, len, rd, rs1, rs2, imm);
}
