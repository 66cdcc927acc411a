// The RV64GC interpreter: runs one task's registers against one address space until the
// instruction budget runs out or the task needs the kernel (ecall, fault, illegal instruction).
//
// Hot path: pre-decoded slots per physical code frame, a 256-entry software TLB for loads
// and another for stores, 64-bit values as int32 halves, nothing allocated per instruction.

import { Op, SLOT_WORDS, decodeInto, decode32, newCodePage, SLOTS } from "./decode.js";
import { Regs } from "./regs.js";
import { execFp } from "./fpu.js";
import * as A from "./arith64.js";
import { FramePool } from "../mm/frames.js";
import { Mm, ACCESS_EXEC, ACCESS_READ, ACCESS_WRITE, FAULT_MAPERR, PROT_READ, PROT_WRITE, PROT_EXEC } from "../mm/mm.js";
import { TASK_SIZE } from "../mm/pagetable.js";
import { JitPage, JitStats, UNCOMPILABLE, regionSource, instantiate } from "./jit.js";

export const EXIT_BUDGET = 0;
export const EXIT_ECALL = 1;
export const EXIT_FAULT = 2;
export const EXIT_ILLEGAL = 3;
export const EXIT_EBREAK = 4;
export const EXIT_MISALIGNED = 5;
/** arrivals are counted in 16 bits */
export const MAX_JIT_THRESHOLD = UNCOMPILABLE - 1;

const TLB = 256;
const ITLB = 64;
const TWO32 = 4294967296;

export class Hart {
  private mm: Mm | null = null;
  private gen = -1;
  readonly rTagLo = new Int32Array(TLB).fill(-1);
  readonly rTagHi = new Int32Array(TLB);
  readonly rChunk = new Int32Array(TLB);
  readonly rOff = new Int32Array(TLB);
  private rFrame = new Int32Array(TLB);
  readonly wTagLo = new Int32Array(TLB).fill(-1);
  readonly wTagHi = new Int32Array(TLB);
  readonly wChunk = new Int32Array(TLB);
  readonly wOff = new Int32Array(TLB);
  private wFrame = new Int32Array(TLB);
  private iTag = new Float64Array(ITLB).fill(-1);
  private iFrame = new Int32Array(ITLB);
  private curFrame = 0;
  /** virtual page of the code being executed */
  private curVpn = -1;
  /** set when a store or fault dropped a decoded page: what is executing may be stale */
  codeStale = false;
  private scratch = scratchPage();

  /** value of the last slow-path load */
  vLo = 0;
  vHi = 0;
  private resValid = false;
  private resLo = 0;
  private resHi = 0;

  /** details of the last EXIT_FAULT / EXIT_MISALIGNED */
  faultAddr = 0;
  faultCode = 0;
  faultAccess = 0;
  /** instructions executed by the last run() */
  executed = 0;
  /** ticks of the `time` CSR (10 MHz), supplied by the kernel */
  timeNow: () => number = () => 0;

  /** arrivals by jump at one code offset before its region is translated to JS; 0 = never translate */
  jitThreshold = 20000;
  readonly jitStats: JitStats = { regions: 0, blocks: 0, insns: 0, failed: 0, executed: 0 };
  /** a translated region's remaining budget and next pc */
  jn = 0;
  jpc = 0;
  private jitPages: (JitPage | null)[] = [];

  constructor(readonly pool: FramePool) {}

  flush(): void {
    this.rTagLo.fill(-1);
    this.wTagLo.fill(-1);
    this.iTag.fill(-1);
    if (this.mm) this.gen = this.mm.generation;
  }

  /** after a fault we resolved: only vpn's translation changed, so only its entries go
   *  (a whole flush per fault made page-fault-heavy code pay ~1 µs a fault) */
  private faulted(vpn: number, write: boolean): void {
    this.rTagLo[vpn & (TLB - 1)] = -1;
    this.wTagLo[vpn & (TLB - 1)] = -1;
    this.iTag[vpn & (ITLB - 1)] = -1;
    this.gen = this.mm!.generation;
    // a write fault may have given vpn a new frame: if it is the page being executed, re-fetch it
    if (write && vpn === this.curVpn) this.codeStale = true;
  }

  private sync(mm: Mm): void {
    if (mm !== this.mm || mm.generation !== this.gen) {
      this.mm = mm;
      this.flush();
    }
  }

  // ---- translation slow paths ----

  private fail(lo: number, hi: number, code: number, access: number): boolean {
    this.faultAddr = hi * TWO32 + (lo >>> 0);
    this.faultCode = code;
    this.faultAccess = access;
    return false;
  }

  /** fill the read TLB entry for (lo, hi); false on fault */
  private fillR(lo: number, hi: number): boolean {
    const mm = this.mm!;
    if (hi >>> 0 >= TASK_SIZE / TWO32) return this.fail(lo, hi, FAULT_MAPERR, ACCESS_READ);
    const vpn = hi * 1048576 + (lo >>> 12);
    const vma = mm.findVma(vpn * 4096);
    if (vma === null) return this.fail(lo, hi, FAULT_MAPERR, ACCESS_READ);
    let f = (vma.prot & PROT_READ) !== 0 ? mm.pt.lookup(vpn) : 0;
    if (f === 0) {
      f = mm.fault(vpn, ACCESS_READ);
      if (f <= 0) return this.fail(lo, hi, f, ACCESS_READ);
      this.faulted(vpn, false);
    }
    const t = (lo >>> 12) & (TLB - 1);
    this.rTagLo[t] = lo >>> 12;
    this.rTagHi[t] = hi;
    this.rChunk[t] = FramePool.chunk(f);
    this.rOff[t] = FramePool.offset(f);
    this.rFrame[t] = f;
    return true;
  }

  private fillW(lo: number, hi: number): boolean {
    const mm = this.mm!;
    if (hi >>> 0 >= TASK_SIZE / TWO32) return this.fail(lo, hi, FAULT_MAPERR, ACCESS_WRITE);
    const vpn = hi * 1048576 + (lo >>> 12);
    const vma = mm.findVma(vpn * 4096);
    if (vma === null) return this.fail(lo, hi, FAULT_MAPERR, ACCESS_WRITE);
    let f = 0;
    if ((vma.prot & PROT_WRITE) !== 0) {
      f = mm.pt.lookup(vpn);
      if (f !== 0 && !vma.shared && !(this.pool.ref[f] === 1 && mm.pt.exclusivePath(vpn))) f = 0;
    }
    let fresh = false;
    if (f === 0) {
      f = mm.fault(vpn, ACCESS_WRITE);
      if (f <= 0) return this.fail(lo, hi, f, ACCESS_WRITE);
      this.faulted(vpn, true);
      fresh = mm.freshFrame;
    }
    // a frame the fault just made has no decoded code (and its slot is a cache miss away)
    if (!fresh && this.pool.code[f]) {
      this.pool.code[f] = null;
      this.codeStale = true;
    }
    const t = (lo >>> 12) & (TLB - 1);
    this.wTagLo[t] = lo >>> 12;
    this.wTagHi[t] = hi;
    this.wChunk[t] = FramePool.chunk(f);
    this.wOff[t] = FramePool.offset(f);
    this.wFrame[t] = f;
    // a page we may write is also readable through the same frame
    if ((vma.prot & PROT_READ) !== 0) {
      this.rTagLo[t] = lo >>> 12;
      this.rTagHi[t] = hi;
      this.rChunk[t] = this.wChunk[t];
      this.rOff[t] = this.wOff[t];
      this.rFrame[t] = f;
    }
    return true;
  }

  /** byte offset (in its chunk, chunk in this.lastChunk) of a readable byte; -1 on fault */
  private lastChunk = 0;
  private byteR(lo: number, hi: number): number {
    const t = (lo >>> 12) & (TLB - 1);
    if (!(this.rTagLo[t] === lo >>> 12 && this.rTagHi[t] === hi) && !this.fillR(lo, hi)) return -1;
    this.lastChunk = this.rChunk[t];
    return this.rOff[t] + (lo & 4095);
  }
  private byteW(lo: number, hi: number): number {
    const t = (lo >>> 12) & (TLB - 1);
    if (!(this.wTagLo[t] === lo >>> 12 && this.wTagHi[t] === hi) && !this.fillW(lo, hi)) return -1;
    this.lastChunk = this.wChunk[t];
    return this.wOff[t] + (lo & 4095);
  }

  /** load of `size` bytes at any alignment into vLo/vHi (zero-extended) */
  loadSlow(lo: number, hi: number, size: number): boolean {
    let vlo = 0;
    let vhi = 0;
    for (let i = 0; i < size; i++) {
      const l = (lo + i) | 0;
      const h = (hi + ((l >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
      const o = this.byteR(l, h);
      if (o < 0) return false;
      const b = this.pool.u8[this.lastChunk][o];
      if (i < 4) vlo |= b << (8 * i);
      else vhi |= b << (8 * (i - 4));
    }
    this.vLo = vlo;
    this.vHi = vhi;
    return true;
  }

  storeSlow(lo: number, hi: number, size: number, vlo: number, vhi: number): boolean {
    // translate every byte first so a faulting store writes nothing
    for (let i = 0; i < size; i++) {
      const l = (lo + i) | 0;
      const h = (hi + ((l >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
      if (this.byteW(l, h) < 0) return false;
    }
    for (let i = 0; i < size; i++) {
      const l = (lo + i) | 0;
      const h = (hi + ((l >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
      const o = this.byteW(l, h);
      this.pool.u8[this.lastChunk][o] = i < 4 ? vlo >>> (8 * i) : vhi >>> (8 * (i - 4));
    }
    return true;
  }

  /** the decoded code page holding pc; null (fault details set) when pc is not executable */
  private fetchPage(pc: number): Int32Array | null {
    if (!(pc >= 0 && pc < TASK_SIZE)) {
      this.faultAddr = pc;
      this.faultCode = FAULT_MAPERR;
      this.faultAccess = ACCESS_EXEC;
      return null;
    }
    const vpn = Math.floor(pc / 4096);
    const t = vpn & (ITLB - 1);
    let f: number;
    if (this.iTag[t] === vpn) {
      f = this.iFrame[t];
    } else {
      f = this.execFrame(vpn);
      if (f <= 0) {
        this.faultAddr = pc;
        this.faultCode = f;
        this.faultAccess = ACCESS_EXEC;
        return null;
      }
      this.iTag[t] = vpn;
      this.iFrame[t] = f;
    }
    let code = this.pool.code[f];
    if (!code) {
      code = newCodePage();
      this.pool.code[f] = code;
      // stores to this frame must now take the slow path, which drops the decoded page
      for (let i = 0; i < TLB; i++) if (this.wFrame[i] === f) this.wTagLo[i] = -1;
    }
    this.curFrame = f;
    this.curVpn = vpn;
    return code;
  }

  private execFrame(vpn: number): number {
    const mm = this.mm!;
    const vma = mm.findVma(vpn * 4096);
    if (vma === null) return FAULT_MAPERR;
    if ((vma.prot & PROT_EXEC) !== 0) {
      const f = mm.pt.lookup(vpn);
      if (f !== 0) return f;
    }
    const f = mm.fault(vpn, ACCESS_EXEC);
    if (f > 0) this.faulted(vpn, false);
    return f;
  }

  private decodeSlot(code: Int32Array, off: number): void {
    const f = this.curFrame;
    const u16 = this.pool.u16[FramePool.chunk(f)];
    const base = FramePool.offset(f) >> 1;
    const lo16 = u16[base + (off >> 1)];
    if ((lo16 & 3) === 3 && off === 4094) {
      const s = (off >> 1) * SLOT_WORDS;
      code[s] = Op.CROSS | (4 << 8);
      return;
    }
    decodeInto(code, off >> 1, lo16, off + 2 < 4096 ? u16[base + (off >> 1) + 1] : 0);
  }

  /** decode the page-straddling instruction at pc into the scratch page; null on fetch fault */
  private crossPage(pc: number): Int32Array | null {
    const lo = this.fetchPage(pc);
    if (lo === null) return null;
    const f1 = this.curFrame;
    const first = this.pool.u16[FramePool.chunk(f1)][(FramePool.offset(f1) + 4094) >> 1];
    const hiPage = this.fetchPage(pc + 2);
    if (hiPage === null) return null;
    const f2 = this.curFrame;
    const second = this.pool.u16[FramePool.chunk(f2)][FramePool.offset(f2) >> 1];
    // every other slot of the scratch page stays PAGE_END, so whatever follows leaves it
    const s = this.scratch;
    decode32(s, 0, (first | (second << 16)) | 0, 4);
    return s;
  }

  private csr(r: Regs, op: number, rd: number, src: number, csr: number, retired: number): boolean {
    const x = r.x;
    const imm = op >= Op.CSRRWI;
    const sLo = imm ? src : x[src];
    const sHi = imm ? 0 : x[src + 1];
    // csrrs/csrrc with rs1 = x0 (or zimm = 0) do not write
    const writes = op === Op.CSRRW || op === Op.CSRRWI || src !== 0;
    let oldLo = 0;
    let oldHi = 0;
    switch (csr) {
      case 1: oldLo = r.fcsr[0]; break;
      case 2: oldLo = r.fcsr[1]; break;
      case 3: oldLo = (r.fcsr[1] << 5) | r.fcsr[0]; break;
      case 0xc00: case 0xc02: {
        const v = r.instret + retired;
        oldLo = v | 0; oldHi = Math.floor(v / TWO32) | 0;
        if (writes) return false;
        break;
      }
      case 0xc01: {
        const v = this.timeNow();
        oldLo = v | 0; oldHi = Math.floor(v / TWO32) | 0;
        if (writes) return false;
        break;
      }
      default:
        return false;
    }
    if (writes) {
      let nv: number;
      if (op === Op.CSRRW || op === Op.CSRRWI) nv = sLo;
      else if (op === Op.CSRRS || op === Op.CSRRSI) nv = oldLo | sLo;
      else nv = oldLo & ~sLo;
      if (csr === 1) r.fcsr[0] = nv & 31;
      else if (csr === 2) r.fcsr[1] = nv & 7;
      else { r.fcsr[0] = nv & 31; r.fcsr[1] = (nv >>> 5) & 7; }
    }
    void sHi;
    x[rd] = oldLo;
    x[rd + 1] = oldHi;
    return true;
  }

  private amo(r: Regs, rd: number, rr: number, d: boolean): number {
    const x = r.x;
    const a = rr & 0xff;
    const b = (rr >>> 8) & 0xff;
    const f5 = rr >>> 16;
    const lo = x[a];
    const hi = x[a + 1];
    if ((lo & (d ? 7 : 3)) !== 0) {
      this.faultAddr = hi * TWO32 + (lo >>> 0);
      return EXIT_MISALIGNED;
    }
    const o = this.byteW(lo, hi);
    if (o < 0) return EXIT_FAULT;
    const m = this.pool.i32[this.lastChunk];
    const i = o >> 2;
    const oLo = m[i];
    const oHi = d ? m[i + 1] : oLo >> 31;
    const bLo = x[b];
    const bHi = d ? x[b + 1] : bLo >> 31;
    let nLo = 0;
    let nHi = 0;
    switch (f5) {
      case 1: nLo = bLo; nHi = bHi; break; // swap
      case 0: nLo = (oLo + bLo) | 0; nHi = (oHi + bHi + ((nLo >>> 0) < (oLo >>> 0) ? 1 : 0)) | 0; break;
      case 4: nLo = oLo ^ bLo; nHi = oHi ^ bHi; break;
      case 12: nLo = oLo & bLo; nHi = oHi & bHi; break;
      case 8: nLo = oLo | bLo; nHi = oHi | bHi; break;
      default: {
        // min/max/minu/maxu: compare as signed or unsigned 64-bit (32-bit values are sign-extended)
        const signed = f5 === 16 || f5 === 20;
        const lt = signed
          ? oHi < bHi || (oHi === bHi && oLo >>> 0 < bLo >>> 0)
          : oHi >>> 0 < bHi >>> 0 || (oHi === bHi && oLo >>> 0 < bLo >>> 0);
        const takeOld = f5 === 16 || f5 === 24 ? lt : !lt;
        nLo = takeOld ? oLo : bLo;
        nHi = takeOld ? oHi : bHi;
      }
    }
    m[i] = nLo;
    if (d) m[i + 1] = nHi;
    x[rd] = oLo;
    x[rd + 1] = oHi;
    return -1;
  }

  /** the translations of the decoded page `code` of frame f */
  private jitPage(f: number, code: Int32Array): JitPage {
    const pages = this.jitPages;
    if (f >= pages.length) {
      const n = Math.max(f + 1, this.pool.ref.length);
      for (let i = pages.length; i < n; i++) pages.push(null);
    }
    let jp = pages[f];
    if (jp === null || jp.code !== code) {
      jp = new JitPage(code);
      pages[f] = jp;
    }
    return jp;
  }

  /** translate the region entered at `off` of the current code page */
  private compile(jp: JitPage, code: Int32Array, off: number): void {
    if (this.jitThreshold === 0) return;
    const r = regionSource(code, off, (o) => this.decodeSlot(code, o));
    if (r === null) {
      jp.heat[off >> 1] = UNCOMPILABLE;
      this.jitStats.failed++;
      return;
    }
    let fn;
    try {
      fn = instantiate(r.src, r.starts);
    } catch {
      // a host without code generation (a page whose Content-Security-Policy forbids eval):
      // interpret from now on
      this.jitThreshold = 0;
      jp.heat[off >> 1] = UNCOMPILABLE;
      this.jitStats.failed++;
      return;
    }
    this.jitStats.regions++;
    this.jitStats.blocks += r.starts.length;
    this.jitStats.insns += r.insns;
    jp.install(fn, off, r.starts);
  }

  /** Run until the budget is spent or the kernel is needed; returns EXIT_*. r.pc is the pc of
   *  the instruction that exited (ecall, faulting or illegal instruction) or the next one. */
  run(r: Regs, mm: Mm, budget: number): number {
    this.sync(mm);
    this.resValid = false;
    const x = r.x;
    const pool = this.pool;
    const u8s = pool.u8;
    const u16s = pool.u16;
    const i32s = pool.i32;
    const rTagLo = this.rTagLo;
    const rTagHi = this.rTagHi;
    const rChunk = this.rChunk;
    const rOff = this.rOff;
    const wTagLo = this.wTagLo;
    const wTagHi = this.wTagHi;
    const wChunk = this.wChunk;
    const wOff = this.wOff;
    let n = budget;
    let pc = r.pc;
    let exit = EXIT_BUDGET;
    let code: Int32Array | null;
    let base: number;
    let off: number;
    const threshold = this.jitThreshold;
    let jp: JitPage | null = null;
    /** arrived by a jump: look for a translation of the code at `off` */
    let jumped = false;
    let translated = 0;
    outer: for (;;) {
      // pc < 2^53: the low 12 bits survive ToInt32, and a float modulo would be a libm call
      off = pc & 4095;
      base = pc - off;
      code = this.fetchPage(pc);
      this.codeStale = false;
      if (code === null) {
        exit = EXIT_FAULT;
        break;
      }
      jp = threshold > 0 && code !== this.scratch ? this.jitPage(this.curFrame, code) : null;
      jumped = jp !== null;
      for (;;) {
        if (jumped) {
          jumped = false;
          let fn = jp!.fns[off >> 1];
          if (fn !== null) {
            // run translations back to back while each one leaves for another translated page
            for (;;) {
              const before = n;
              const e = fn(this, x, r.f, base, off, n, r);
              translated += n - this.jn;
              n = this.jn;
              pc = this.jpc;
              if (e >= 0) {
                exit = e;
                break outer;
              }
              if (this.codeStale) continue outer;
              if (pc >= base && pc < base + 4096) {
                // code the region does not cover: count it as arrived at by a jump, unless the
                // region could not even start (budget), which would only call it again
                off = pc - base;
                jumped = this.jn !== before;
                break;
              }
              const vpn = Math.floor(pc / 4096);
              const t = vpn & (ITLB - 1);
              if (!(pc >= 0) || this.iTag[t] !== vpn) continue outer;
              const fr = this.iFrame[t];
              const c2 = pool.code[fr];
              const jp2 = fr < this.jitPages.length ? this.jitPages[fr] : null;
              if (c2 === null || jp2 === null || jp2.code !== c2) continue outer;
              off = pc & 4095;
              const fn2 = jp2.fns[off >> 1];
              if (fn2 === null) continue outer;
              base = pc - off;
              code = c2;
              jp = jp2;
              this.curFrame = fr;
              this.curVpn = vpn;
              fn = fn2;
            }
            if (jumped) continue;
          } else {
            const heat = jp!.heat[off >> 1] + 1;
            if (heat < UNCOMPILABLE) {
              jp!.heat[off >> 1] = heat;
              if (heat >= threshold) this.compile(jp!, code, off);
            }
          }
        }
        if (--n < 0) {
          n = 0;
          pc = base + off;
          break outer;
        }
        const s = off << 1;
        let w = code[s];
        if (w === 0) {
          this.decodeSlot(code, off);
          w = code[s];
        }
        const rd = code[s + 1];
        const rr = code[s + 2];
        const imm = code[s + 3];
        const a = rr & 0xff;
        const b = (rr >>> 8) & 0xff;
        switch (w & 0xff) {
          case Op.LI:
            x[rd] = imm;
            x[rd + 1] = imm >> 31;
            break;
          case Op.MV:
            x[rd] = x[a];
            x[rd + 1] = x[a + 1];
            break;
          case Op.ADDI: {
            const l0 = x[a];
            const l = (l0 + imm) | 0;
            x[rd + 1] = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            x[rd] = l;
            break;
          }
          case Op.ADDIW: {
            const l = (x[a] + imm) | 0;
            x[rd] = l;
            x[rd + 1] = l >> 31;
            break;
          }
          case Op.LUI:
            x[rd] = imm;
            x[rd + 1] = imm >> 31;
            break;
          case Op.AUIPC: {
            const v = base + off + imm;
            x[rd] = v | 0;
            x[rd + 1] = Math.floor(v / TWO32) | 0;
            break;
          }
          case Op.JAL: {
            const link = base + off + (w >>> 8);
            x[rd] = link | 0;
            x[rd + 1] = Math.floor(link / TWO32) | 0;
            off += imm;
            if (off >>> 0 >= 4096) {
              pc = base + off;
              continue outer;
            }
            jumped = jp !== null;
            continue;
          }
          case Op.JALR: {
            const l0 = x[a];
            const l = ((l0 + imm) | 0) & ~1;
            const h = (x[a + 1] + (imm >> 31) + (((l0 + imm) | 0) >>> 0 < l0 >>> 0 ? 1 : 0)) | 0;
            const link = base + off + (w >>> 8);
            x[rd] = link | 0;
            x[rd + 1] = Math.floor(link / TWO32) | 0;
            pc = h * TWO32 + (l >>> 0);
            if (pc >= base && pc < base + 4096 && code !== this.scratch) {
              off = pc - base;
              jumped = jp !== null;
              continue;
            }
            continue outer;
          }
          case Op.BEQ:
            if (x[a] === x[b] && x[a + 1] === x[b + 1]) { off += imm; if (off >>> 0 >= 4096) { pc = base + off; continue outer; } jumped = jp !== null; continue; }
            break;
          case Op.BNE:
            if (x[a] !== x[b] || x[a + 1] !== x[b + 1]) { off += imm; if (off >>> 0 >= 4096) { pc = base + off; continue outer; } jumped = jp !== null; continue; }
            break;
          case Op.BLT:
            if (x[a + 1] < x[b + 1] || (x[a + 1] === x[b + 1] && x[a] >>> 0 < x[b] >>> 0)) { off += imm; if (off >>> 0 >= 4096) { pc = base + off; continue outer; } jumped = jp !== null; continue; }
            break;
          case Op.BGE:
            if (!(x[a + 1] < x[b + 1] || (x[a + 1] === x[b + 1] && x[a] >>> 0 < x[b] >>> 0))) { off += imm; if (off >>> 0 >= 4096) { pc = base + off; continue outer; } jumped = jp !== null; continue; }
            break;
          case Op.BLTU:
            if (x[a + 1] >>> 0 < x[b + 1] >>> 0 || (x[a + 1] === x[b + 1] && x[a] >>> 0 < x[b] >>> 0)) { off += imm; if (off >>> 0 >= 4096) { pc = base + off; continue outer; } jumped = jp !== null; continue; }
            break;
          case Op.BGEU:
            if (!(x[a + 1] >>> 0 < x[b + 1] >>> 0 || (x[a + 1] === x[b + 1] && x[a] >>> 0 < x[b] >>> 0))) { off += imm; if (off >>> 0 >= 4096) { pc = base + off; continue outer; } jumped = jp !== null; continue; }
            break;
          case Op.LB: {
            const l0 = x[a];
            const l = (l0 + imm) | 0;
            const h = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            const t = (l >>> 12) & (TLB - 1);
            let vv: number;
            if (rTagLo[t] === l >>> 12 && rTagHi[t] === h) vv = u8s[rChunk[t]][rOff[t] + (l & 4095)];
            else {
              if (!this.loadSlow(l, h, 1)) { exit = EXIT_FAULT; pc = base + off; break outer; }
              vv = this.vLo;
            }
            const v = (vv << 24) >> 24; x[rd] = v; x[rd + 1] = v >> 31;
            break;
          }
          case Op.LBU: {
            const l0 = x[a];
            const l = (l0 + imm) | 0;
            const h = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            const t = (l >>> 12) & (TLB - 1);
            let vv: number;
            if (rTagLo[t] === l >>> 12 && rTagHi[t] === h) vv = u8s[rChunk[t]][rOff[t] + (l & 4095)];
            else {
              if (!this.loadSlow(l, h, 1)) { exit = EXIT_FAULT; pc = base + off; break outer; }
              vv = this.vLo;
            }
            x[rd] = vv & 0xff; x[rd + 1] = 0;
            break;
          }
          case Op.LH: {
            const l0 = x[a];
            const l = (l0 + imm) | 0;
            const h = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            const t = (l >>> 12) & (TLB - 1);
            let vv: number;
            if (rTagLo[t] === l >>> 12 && rTagHi[t] === h && (l & 1) === 0) vv = u16s[rChunk[t]][(rOff[t] + (l & 4095)) >> 1];
            else {
              if (!this.loadSlow(l, h, 2)) { exit = EXIT_FAULT; pc = base + off; break outer; }
              vv = this.vLo;
            }
            const v = (vv << 16) >> 16; x[rd] = v; x[rd + 1] = v >> 31;
            break;
          }
          case Op.LHU: {
            const l0 = x[a];
            const l = (l0 + imm) | 0;
            const h = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            const t = (l >>> 12) & (TLB - 1);
            let vv: number;
            if (rTagLo[t] === l >>> 12 && rTagHi[t] === h && (l & 1) === 0) vv = u16s[rChunk[t]][(rOff[t] + (l & 4095)) >> 1];
            else {
              if (!this.loadSlow(l, h, 2)) { exit = EXIT_FAULT; pc = base + off; break outer; }
              vv = this.vLo;
            }
            x[rd] = vv & 0xffff; x[rd + 1] = 0;
            break;
          }
          case Op.LW: {
            const l0 = x[a];
            const l = (l0 + imm) | 0;
            const h = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            const t = (l >>> 12) & (TLB - 1);
            let vv: number;
            if (rTagLo[t] === l >>> 12 && rTagHi[t] === h && (l & 3) === 0) vv = i32s[rChunk[t]][(rOff[t] + (l & 4095)) >> 2];
            else {
              if (!this.loadSlow(l, h, 4)) { exit = EXIT_FAULT; pc = base + off; break outer; }
              vv = this.vLo;
            }
            x[rd] = vv; x[rd + 1] = vv >> 31;
            break;
          }
          case Op.LWU: {
            const l0 = x[a];
            const l = (l0 + imm) | 0;
            const h = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            const t = (l >>> 12) & (TLB - 1);
            let vv: number;
            if (rTagLo[t] === l >>> 12 && rTagHi[t] === h && (l & 3) === 0) vv = i32s[rChunk[t]][(rOff[t] + (l & 4095)) >> 2];
            else {
              if (!this.loadSlow(l, h, 4)) { exit = EXIT_FAULT; pc = base + off; break outer; }
              vv = this.vLo;
            }
            x[rd] = vv; x[rd + 1] = 0;
            break;
          }
          case Op.FLW: {
            const l0 = x[a];
            const l = (l0 + imm) | 0;
            const h = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            const t = (l >>> 12) & (TLB - 1);
            let vv: number;
            if (rTagLo[t] === l >>> 12 && rTagHi[t] === h && (l & 3) === 0) vv = i32s[rChunk[t]][(rOff[t] + (l & 4095)) >> 2];
            else {
              if (!this.loadSlow(l, h, 4)) { exit = EXIT_FAULT; pc = base + off; break outer; }
              vv = this.vLo;
            }
            r.f[rd] = vv; r.f[rd + 1] = -1;
            break;
          }
          case Op.LD: {
            const l0 = x[a];
            const l = (l0 + imm) | 0;
            const h = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            const t = (l >>> 12) & (TLB - 1);
            if (rTagLo[t] === l >>> 12 && rTagHi[t] === h && (l & 7) === 0) {
              const m = i32s[rChunk[t]];
              const o = (rOff[t] + (l & 4095)) >> 2;
              x[rd] = m[o];
              x[rd + 1] = m[o + 1];
            } else {
              if (!this.loadSlow(l, h, 8)) { exit = EXIT_FAULT; pc = base + off; break outer; }
              x[rd] = this.vLo;
              x[rd + 1] = this.vHi;
            }
            break;
          }
          case Op.FLD: {
            const l0 = x[a];
            const l = (l0 + imm) | 0;
            const h = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            const t = (l >>> 12) & (TLB - 1);
            if (rTagLo[t] === l >>> 12 && rTagHi[t] === h && (l & 7) === 0) {
              const m = i32s[rChunk[t]];
              const o = (rOff[t] + (l & 4095)) >> 2;
              r.f[rd] = m[o];
              r.f[rd + 1] = m[o + 1];
            } else {
              if (!this.loadSlow(l, h, 8)) { exit = EXIT_FAULT; pc = base + off; break outer; }
              r.f[rd] = this.vLo;
              r.f[rd + 1] = this.vHi;
            }
            break;
          }
          case Op.SB: {
            const l0 = x[a];
            const l = (l0 + imm) | 0;
            const h = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            const t = (l >>> 12) & (TLB - 1);
            if (wTagLo[t] === l >>> 12 && wTagHi[t] === h) {
              u8s[wChunk[t]][wOff[t] + (l & 4095)] = x[b];
            } else {
              if (!this.storeSlow(l, h, 1, x[b], x[b + 1])) { exit = EXIT_FAULT; pc = base + off; break outer; }
              if (this.codeStale) {
                pc = base + off + (w >>> 8);
                continue outer;
              }
            }
            break;
          }
          case Op.SH: {
            const l0 = x[a];
            const l = (l0 + imm) | 0;
            const h = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            const t = (l >>> 12) & (TLB - 1);
            if (wTagLo[t] === l >>> 12 && wTagHi[t] === h && (l & 1) === 0) {
              u16s[wChunk[t]][(wOff[t] + (l & 4095)) >> 1] = x[b];
            } else {
              if (!this.storeSlow(l, h, 2, x[b], x[b + 1])) { exit = EXIT_FAULT; pc = base + off; break outer; }
              if (this.codeStale) {
                pc = base + off + (w >>> 8);
                continue outer;
              }
            }
            break;
          }
          case Op.SW: {
            const l0 = x[a];
            const l = (l0 + imm) | 0;
            const h = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            const t = (l >>> 12) & (TLB - 1);
            if (wTagLo[t] === l >>> 12 && wTagHi[t] === h && (l & 3) === 0) {
              i32s[wChunk[t]][(wOff[t] + (l & 4095)) >> 2] = x[b];
            } else {
              if (!this.storeSlow(l, h, 4, x[b], x[b + 1])) { exit = EXIT_FAULT; pc = base + off; break outer; }
              if (this.codeStale) {
                pc = base + off + (w >>> 8);
                continue outer;
              }
            }
            break;
          }
          case Op.FSW: {
            const l0 = x[a];
            const l = (l0 + imm) | 0;
            const h = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            const t = (l >>> 12) & (TLB - 1);
            if (wTagLo[t] === l >>> 12 && wTagHi[t] === h && (l & 3) === 0) {
              i32s[wChunk[t]][(wOff[t] + (l & 4095)) >> 2] = r.f[b];
            } else {
              if (!this.storeSlow(l, h, 4, r.f[b], r.f[b + 1])) { exit = EXIT_FAULT; pc = base + off; break outer; }
              if (this.codeStale) {
                pc = base + off + (w >>> 8);
                continue outer;
              }
            }
            break;
          }
          case Op.SD: {
            const l0 = x[a];
            const l = (l0 + imm) | 0;
            const h = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            const t = (l >>> 12) & (TLB - 1);
            if (wTagLo[t] === l >>> 12 && wTagHi[t] === h && (l & 7) === 0) {
              const m = i32s[wChunk[t]]; const o = (wOff[t] + (l & 4095)) >> 2; m[o] = x[b]; m[o + 1] = x[b + 1];
            } else {
              if (!this.storeSlow(l, h, 8, x[b], x[b + 1])) { exit = EXIT_FAULT; pc = base + off; break outer; }
              if (this.codeStale) {
                pc = base + off + (w >>> 8);
                continue outer;
              }
            }
            break;
          }
          case Op.FSD: {
            const l0 = x[a];
            const l = (l0 + imm) | 0;
            const h = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            const t = (l >>> 12) & (TLB - 1);
            if (wTagLo[t] === l >>> 12 && wTagHi[t] === h && (l & 7) === 0) {
              const m = i32s[wChunk[t]]; const o = (wOff[t] + (l & 4095)) >> 2; m[o] = r.f[b]; m[o + 1] = r.f[b + 1];
            } else {
              if (!this.storeSlow(l, h, 8, r.f[b], r.f[b + 1])) { exit = EXIT_FAULT; pc = base + off; break outer; }
              if (this.codeStale) {
                pc = base + off + (w >>> 8);
                continue outer;
              }
            }
            break;
          }
          case Op.SLTI: {
            const ih = imm >> 31;
            x[rd] = x[a + 1] < ih || (x[a + 1] === ih && x[a] >>> 0 < imm >>> 0) ? 1 : 0;
            x[rd + 1] = 0;
            break;
          }
          case Op.SLTIU: {
            const ih = imm >> 31;
            x[rd] = x[a + 1] >>> 0 < ih >>> 0 || (x[a + 1] === ih && x[a] >>> 0 < imm >>> 0) ? 1 : 0;
            x[rd + 1] = 0;
            break;
          }
          case Op.XORI: x[rd] = x[a] ^ imm; x[rd + 1] = x[a + 1] ^ (imm >> 31); break;
          case Op.ORI: x[rd] = x[a] | imm; x[rd + 1] = x[a + 1] | (imm >> 31); break;
          case Op.ANDI: x[rd] = x[a] & imm; x[rd + 1] = x[a + 1] & (imm >> 31); break;
          case Op.SLLI: shl(x, rd, x[a], x[a + 1], imm); break;
          case Op.SRLI: shr(x, rd, x[a], x[a + 1], imm, false); break;
          case Op.SRAI: shr(x, rd, x[a], x[a + 1], imm, true); break;
          case Op.ADD: {
            const l0 = x[a];
            const l = (l0 + x[b]) | 0;
            x[rd + 1] = (x[a + 1] + x[b + 1] + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
            x[rd] = l;
            break;
          }
          case Op.SUB: {
            const l0 = x[a];
            const r0 = x[b];
            x[rd + 1] = (x[a + 1] - x[b + 1] - ((l0 >>> 0) < (r0 >>> 0) ? 1 : 0)) | 0;
            x[rd] = (l0 - r0) | 0;
            break;
          }
          case Op.SLL: shl(x, rd, x[a], x[a + 1], x[b] & 63); break;
          case Op.SRL: shr(x, rd, x[a], x[a + 1], x[b] & 63, false); break;
          case Op.SRA: shr(x, rd, x[a], x[a + 1], x[b] & 63, true); break;
          case Op.SLT:
            x[rd] = x[a + 1] < x[b + 1] || (x[a + 1] === x[b + 1] && x[a] >>> 0 < x[b] >>> 0) ? 1 : 0;
            x[rd + 1] = 0;
            break;
          case Op.SLTU:
            x[rd] = x[a + 1] >>> 0 < x[b + 1] >>> 0 || (x[a + 1] === x[b + 1] && x[a] >>> 0 < x[b] >>> 0) ? 1 : 0;
            x[rd + 1] = 0;
            break;
          case Op.XOR: x[rd] = x[a] ^ x[b]; x[rd + 1] = x[a + 1] ^ x[b + 1]; break;
          case Op.OR: x[rd] = x[a] | x[b]; x[rd + 1] = x[a + 1] | x[b + 1]; break;
          case Op.AND: x[rd] = x[a] & x[b]; x[rd + 1] = x[a + 1] & x[b + 1]; break;
          case Op.SLLIW: { const v = x[a] << imm; x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.SRLIW: { const v = (x[a] >>> imm) | 0; x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.SRAIW: { const v = x[a] >> imm; x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.ADDW: { const v = (x[a] + x[b]) | 0; x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.SUBW: { const v = (x[a] - x[b]) | 0; x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.SLLW: { const v = x[a] << (x[b] & 31); x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.SRLW: { const v = (x[a] >>> (x[b] & 31)) | 0; x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.SRAW: { const v = x[a] >> (x[b] & 31); x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.MUL: A.mul(x[a], x[a + 1], x[b], x[b + 1]); x[rd] = A.out[0]; x[rd + 1] = A.out[1]; break;
          case Op.MULH: A.mulh(x[a], x[a + 1], x[b], x[b + 1]); x[rd] = A.out[0]; x[rd + 1] = A.out[1]; break;
          case Op.MULHSU: A.mulhsu(x[a], x[a + 1], x[b], x[b + 1]); x[rd] = A.out[0]; x[rd + 1] = A.out[1]; break;
          case Op.MULHU: A.mulhu(x[a], x[a + 1], x[b], x[b + 1]); x[rd] = A.out[0]; x[rd + 1] = A.out[1]; break;
          case Op.DIV: A.div(x[a], x[a + 1], x[b], x[b + 1], false); x[rd] = A.out[0]; x[rd + 1] = A.out[1]; break;
          case Op.REM: A.div(x[a], x[a + 1], x[b], x[b + 1], true); x[rd] = A.out[0]; x[rd + 1] = A.out[1]; break;
          case Op.DIVU: A.divu(x[a], x[a + 1], x[b], x[b + 1], false); x[rd] = A.out[0]; x[rd + 1] = A.out[1]; break;
          case Op.REMU: A.divu(x[a], x[a + 1], x[b], x[b + 1], true); x[rd] = A.out[0]; x[rd + 1] = A.out[1]; break;
          case Op.MULW: { const v = Math.imul(x[a], x[b]); x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.DIVW: { const v = A.divw(x[a], x[b], false); x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.REMW: { const v = A.divw(x[a], x[b], true); x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.DIVUW: { const v = A.divuw(x[a], x[b], false); x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.REMUW: { const v = A.divuw(x[a], x[b], true); x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.FENCE:
          case Op.FENCE_I:
            break;
          case Op.FP:
            if (execFp(r, imm) < 0) { exit = EXIT_ILLEGAL; pc = base + off; break outer; }
            break;
          case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI:
            if (!this.csr(r, w & 0xff, rd, rr, imm, budget - n)) { exit = EXIT_ILLEGAL; pc = base + off; break outer; }
            break;
          case Op.LR_W: case Op.LR_D: {
            const d = (w & 0xff) === Op.LR_D;
            const l = x[a];
            const h = x[a + 1];
            if ((l & (d ? 7 : 3)) !== 0) { this.faultAddr = h * TWO32 + (l >>> 0); exit = EXIT_MISALIGNED; pc = base + off; break outer; }
            if (!this.loadSlow(l, h, d ? 8 : 4)) { exit = EXIT_FAULT; pc = base + off; break outer; }
            x[rd] = this.vLo;
            x[rd + 1] = d ? this.vHi : this.vLo >> 31;
            this.resValid = true;
            this.resLo = l;
            this.resHi = h;
            break;
          }
          case Op.SC_W: case Op.SC_D: {
            const d = (w & 0xff) === Op.SC_D;
            const l = x[a];
            const h = x[a + 1];
            if ((l & (d ? 7 : 3)) !== 0) { this.faultAddr = h * TWO32 + (l >>> 0); exit = EXIT_MISALIGNED; pc = base + off; break outer; }
            let ok = 0;
            if (this.resValid && this.resLo === l && this.resHi === h) {
              if (!this.storeSlow(l, h, d ? 8 : 4, x[b], x[b + 1])) { exit = EXIT_FAULT; pc = base + off; break outer; }
              ok = 1;
            }
            this.resValid = false;
            x[rd] = ok ? 0 : 1;
            x[rd + 1] = 0;
            break;
          }
          case Op.AMO_W: case Op.AMO_D: {
            const e = this.amo(r, rd, rr, (w & 0xff) === Op.AMO_D);
            if (e >= 0) { exit = e; pc = base + off; break outer; }
            break;
          }
          case Op.ECALL:
            exit = EXIT_ECALL;
            pc = base + off;
            break outer;
          case Op.EBREAK:
            exit = EXIT_EBREAK;
            pc = base + off;
            break outer;
          case Op.PAGE_END:
            n++;
            pc = base + off;
            continue outer;
          case Op.CROSS: {
            const p = base + off;
            const sc = this.crossPage(p);
            if (sc === null) { exit = EXIT_FAULT; pc = p; break outer; }
            n++;
            code = sc;
            jp = null;
            base = p;
            off = 0;
            continue;
          }
          default:
            exit = EXIT_ILLEGAL;
            pc = base + off;
            break outer;
        }
        off += w >>> 8;
      }
    }
    x[64] = 0;
    x[65] = 0;
    this.executed = budget - n;
    this.jitStats.executed += translated;
    r.instret += this.executed;
    r.pc = pc;
    return exit;
  }
}

function scratchPage(): Int32Array {
  const s = newCodePage();
  for (let i = 1; i < SLOTS + 2; i++) s[i * SLOT_WORDS] = Op.PAGE_END;
  return s;
}

function shl(x: Int32Array, rd: number, lo: number, hi: number, sh: number): void {
  if (sh === 0) { x[rd] = lo; x[rd + 1] = hi; }
  else if (sh < 32) { x[rd + 1] = (hi << sh) | (lo >>> (32 - sh)); x[rd] = lo << sh; }
  else { x[rd + 1] = lo << (sh - 32); x[rd] = 0; }
}

function shr(x: Int32Array, rd: number, lo: number, hi: number, sh: number, arith: boolean): void {
  if (sh === 0) { x[rd] = lo; x[rd + 1] = hi; }
  else if (sh < 32) { x[rd] = (lo >>> sh) | (hi << (32 - sh)); x[rd + 1] = arith ? hi >> sh : (hi >>> sh) | 0; }
  else { x[rd] = arith ? hi >> (sh - 32) : (hi >>> (sh - 32)) | 0; x[rd + 1] = arith ? hi >> 31 : 0; }
}
