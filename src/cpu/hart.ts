// A hardware thread: runs one task's registers against one address space until the instruction
// budget runs out or the task needs the kernel (ecall, fault, illegal instruction).
//
// The hart owns the software TLBs (256 entries for loads, 256 for stores, 64 for fetches), the
// slow paths of memory access, the instructions that need more than a template (CSRs, LR/SC,
// AMOs, F/D) and the translations; the instruction loop itself is interp.gen.ts, generated from
// isa.ts.

import { Op, SLOT_WORDS, decodeInto, decode32, newCodePage, SLOTS } from "./decode.js";
import { interpret } from "./interp.gen.js";
import { warmUp } from "./warmup.js";
import { Regs } from "./regs.js";
import { execFp } from "./fpu.js";
import { FramePool } from "../mm/frames.js";
import { Mm, ACCESS_EXEC, ACCESS_READ, ACCESS_WRITE, FAULT_MAPERR, PROT_READ, PROT_WRITE, PROT_EXEC } from "../mm/mm.js";
import { TASK_SIZE } from "../mm/pagetable.js";
import { JitPage, JitStats, UNCOMPILABLE, RESUME, regionSource, instantiate } from "./jit.js";
import { AREA, WasmArea, wasmRegion } from "./wasm-jit.js";

export const EXIT_BUDGET = 0;
export const EXIT_ECALL = 1;
export const EXIT_FAULT = 2;
export const EXIT_ILLEGAL = 3;
export const EXIT_EBREAK = 4;
export const EXIT_MISALIGNED = 5;
/** arrivals are counted in 16 bits */
export const MAX_JIT_THRESHOLD = UNCOMPILABLE - 1;

/** the interpreter has run warmup.ts's program in this process; it does once the process has
 *  run TRAIN_AFTER guest instructions, so short programs (hello: 8,000) do not pay its ~20 ms */
let trained = false;
let ranSoFar = 0;
const TRAIN_AFTER = 300_000;

/** TLB sets; each has two ways, [t] (most recently filled) and [t + TLB] */
const TLB = 256;
const ITLB = 64;
const TWO32 = 4294967296;

export class Hart {
  private mm: Mm | null = null;
  private gen = -1;
  // two ways per set: a loop that walks one buffer while it reads a table in the same set (a
  // 1 MiB stride apart) would otherwise miss on every access
  // (tags and frames live in the frame pool's wasm memory when it has one: see the constructor)
  readonly rTagLo: Int32Array;
  readonly rTagHi: Int32Array;
  readonly rChunk = new Int32Array(2 * TLB);
  readonly rOff = new Int32Array(2 * TLB);
  private readonly rFrame: Int32Array;
  readonly wTagLo: Int32Array;
  readonly wTagHi: Int32Array;
  readonly wChunk = new Int32Array(2 * TLB);
  readonly wOff = new Int32Array(2 * TLB);
  private readonly wFrame: Int32Array;
  private iTag = new Float64Array(ITLB).fill(-1);
  private iFrame = new Int32Array(ITLB);
  private curFrame = 0;
  /** virtual page of the code being executed */
  private curVpn = -1;
  /** set when a store or fault dropped a decoded page: what is executing may be stale */
  codeStale = false;
  /** decoded slot 0: a page-straddling instruction; every other slot PAGE_END */
  readonly scratch = scratchPage();

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
  readonly jitStats: JitStats = { regions: 0, blocks: 0, insns: 0, failed: 0, executed: 0, wasm: 0 };
  /** a translated region's remaining budget and next pc */
  jn = 0;
  jpc = 0;
  private jitPages: (JitPage | null)[] = [];

  /** translate with JavaScript or (where the pool has a wasm memory) WebAssembly: see wasm-jit.ts */
  jitBackend: "js" | "wasm" = "js";
  /** the wasm backend's view of this hart (its area of the pool's wasm memory), or null */
  readonly wasmArea: WasmArea | null;

  constructor(readonly pool: FramePool) {
    const at = pool.claimHartArea();
    const area = at < 0 ? null : new WasmArea(pool.wasm!, at);
    const tlb = (o: number) => (area === null ? new Int32Array(2 * TLB) : area.view(o, 2 * TLB));
    this.rTagLo = tlb(AREA.rTagLo).fill(-1);
    this.rTagHi = tlb(AREA.rTagHi);
    this.rFrame = tlb(AREA.rFrame);
    this.wTagLo = tlb(AREA.wTagLo).fill(-1);
    this.wTagHi = tlb(AREA.wTagHi);
    this.wFrame = tlb(AREA.wFrame);
    this.wasmArea = area;
  }

  flush(): void {
    this.rTagLo.fill(-1);
    this.wTagLo.fill(-1);
    this.iTag.fill(-1);
    if (this.mm) this.gen = this.mm.generation;
  }

  /** after a fault we resolved: only vpn's translation changed, so only its entries go
   *  (a whole flush per fault made page-fault-heavy code pay ~1 µs a fault) */
  private faulted(vpn: number, write: boolean): void {
    const t = vpn & (TLB - 1);
    this.rTagLo[t] = this.rTagLo[t + TLB] = -1;
    this.wTagLo[t] = this.wTagLo[t + TLB] = -1;
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
    this.ageR(t);
    this.rTagLo[t] = lo >>> 12;
    this.rTagHi[t] = hi;
    this.rChunk[t] = FramePool.chunk(f);
    this.rOff[t] = FramePool.offset(f);
    this.rFrame[t] = f;
    return true;
  }

  /** the first way of set t moves to the second, making room */
  private ageR(t: number): void {
    const u = t + TLB;
    this.rTagLo[u] = this.rTagLo[t];
    this.rTagHi[u] = this.rTagHi[t];
    this.rChunk[u] = this.rChunk[t];
    this.rOff[u] = this.rOff[t];
    this.rFrame[u] = this.rFrame[t];
  }
  private ageW(t: number): void {
    const u = t + TLB;
    this.wTagLo[u] = this.wTagLo[t];
    this.wTagHi[u] = this.wTagHi[t];
    this.wChunk[u] = this.wChunk[t];
    this.wOff[u] = this.wOff[t];
    this.wFrame[u] = this.wFrame[t];
  }
  /** swap the ways of set t (the second one was hit) */
  private swapR(t: number): void {
    const u = t + TLB;
    let v = this.rTagLo[t]; this.rTagLo[t] = this.rTagLo[u]; this.rTagLo[u] = v;
    v = this.rTagHi[t]; this.rTagHi[t] = this.rTagHi[u]; this.rTagHi[u] = v;
    v = this.rChunk[t]; this.rChunk[t] = this.rChunk[u]; this.rChunk[u] = v;
    v = this.rOff[t]; this.rOff[t] = this.rOff[u]; this.rOff[u] = v;
    v = this.rFrame[t]; this.rFrame[t] = this.rFrame[u]; this.rFrame[u] = v;
  }
  private swapW(t: number): void {
    const u = t + TLB;
    let v = this.wTagLo[t]; this.wTagLo[t] = this.wTagLo[u]; this.wTagLo[u] = v;
    v = this.wTagHi[t]; this.wTagHi[t] = this.wTagHi[u]; this.wTagHi[u] = v;
    v = this.wChunk[t]; this.wChunk[t] = this.wChunk[u]; this.wChunk[u] = v;
    v = this.wOff[t]; this.wOff[t] = this.wOff[u]; this.wOff[u] = v;
    v = this.wFrame[t]; this.wFrame[t] = this.wFrame[u]; this.wFrame[u] = v;
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
    this.ageW(t);
    this.wTagLo[t] = lo >>> 12;
    this.wTagHi[t] = hi;
    this.wChunk[t] = FramePool.chunk(f);
    this.wOff[t] = FramePool.offset(f);
    this.wFrame[t] = f;
    // a page we may write is also readable through the same frame
    if ((vma.prot & PROT_READ) !== 0) {
      this.ageR(t);
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
    if (!(this.rTagLo[t] === lo >>> 12 && this.rTagHi[t] === hi)) {
      if (this.rTagLo[t + TLB] === lo >>> 12 && this.rTagHi[t + TLB] === hi) this.swapR(t);
      else if (!this.fillR(lo, hi)) return -1;
    }
    this.lastChunk = this.rChunk[t];
    return this.rOff[t] + (lo & 4095);
  }
  private byteW(lo: number, hi: number): number {
    const t = (lo >>> 12) & (TLB - 1);
    if (!(this.wTagLo[t] === lo >>> 12 && this.wTagHi[t] === hi)) {
      if (this.wTagLo[t + TLB] === lo >>> 12 && this.wTagHi[t + TLB] === hi) this.swapW(t);
      else if (!this.fillW(lo, hi)) return -1;
    }
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
  fetchPage(pc: number): Int32Array | null {
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
      for (let i = 0; i < 2 * TLB; i++) if (this.wFrame[i] === f) this.wTagLo[i] = -1;
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

  decodeSlot(code: Int32Array, off: number): void {
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
  crossPage(pc: number): Int32Array | null {
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

  /** src: the register (pre-multiplied) or, for the immediate forms, the 5-bit zimm */
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

  private amo(r: Regs, rd: number, a: number, b: number, f5: number, d: boolean): number {
    const x = r.x;
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
    if (this.jitBackend === "wasm" && this.wasmArea !== null) {
      let w;
      try {
        w = wasmRegion(code, off, (o) => this.decodeSlot(code, o), this.wasmArea);
      } catch {
        // a host that refuses to compile wasm (a Content-Security-Policy without
        // 'wasm-unsafe-eval'): JS regions from now on
        this.jitBackend = "js";
        w = null;
      }
      if (w !== null) {
        this.jitStats.regions++;
        this.jitStats.wasm++;
        this.jitStats.blocks += w.starts.length;
        this.jitStats.insns += w.insns;
        jp.install(w.fn, off, w.starts);
        return;
      }
      // the entry's first instruction has no wasm translation: a JS region instead
    }
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
    if (!trained && ranSoFar >= TRAIN_AFTER) {
      trained = true;
      const pool = new FramePool(16);
      const h = new Hart(pool);
      // the kernel replaces these: do it here too, or V8 sees a field written twice as a new
      // shape of Hart and discards the code it optimised for the training hart
      h.timeNow = () => 1;
      h.jitThreshold = MAX_JIT_THRESHOLD;
      warmUp(h, pool);
    }
    this.sync(mm);
    this.resValid = false;
    this.runBudget = budget;
    this.jitOn = this.jitThreshold > 0;
    const area = this.wasmArea;
    let exit: number;
    if (area !== null && this.jitBackend === "wasm" && this.jitOn) {
      // the task's registers live in the wasm memory for the run, where wasm regions read them
      // (copying them in and out around each region call cost ~40 ns a call)
      const own = r.x;
      area.regs.set(own);
      r.x = area.regs;
      try {
        exit = interpret(this, r, budget);
      } finally {
        own.set(area.regs);
        r.x = own;
      }
    } else exit = interpret(this, r, budget);
    ranSoFar += this.executed;
    return exit;
  }

  /** the budget of the current run (instructions retired = runBudget - remaining) */
  runBudget = 0;
  /** translation is on for this run */
  jitOn = false;

  /** An ecall, ebreak, CSR access, LR/SC, AMO or F/D instruction (word w and immediate of its
   *  slot), for the interpreter and translations alike; `retired` counts this run's instructions
   *  up to this one. Returns -1 to go on, or EXIT_* (the instruction has not completed). */
  system(r: Regs, w: number, imm: number, retired: number): number {
    const x = r.x;
    const op = w & 0xff;
    const rd = (w >>> 11) & 127;
    const a = (w >>> 18) & 63;
    const b = w >>> 24;
    switch (op) {
      case Op.ECALL:
        return EXIT_ECALL;
      case Op.EBREAK:
        return EXIT_EBREAK;
      case Op.FP:
        return execFp(r, imm) < 0 ? EXIT_ILLEGAL : -1;
      case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI:
        return this.csr(r, op, rd, op >= Op.CSRRWI ? imm >>> 12 : a, imm & 0xfff, retired) ? -1 : EXIT_ILLEGAL;
      case Op.LR_W: case Op.LR_D: {
        const d = op === Op.LR_D;
        const l = x[a];
        const h = x[a + 1];
        if ((l & (d ? 7 : 3)) !== 0) {
          this.faultAddr = h * TWO32 + (l >>> 0);
          return EXIT_MISALIGNED;
        }
        if (!this.loadSlow(l, h, d ? 8 : 4)) return EXIT_FAULT;
        x[rd] = this.vLo;
        x[rd + 1] = d ? this.vHi : this.vLo >> 31;
        this.resValid = true;
        this.resLo = l;
        this.resHi = h;
        return -1;
      }
      case Op.SC_W: case Op.SC_D: {
        const d = op === Op.SC_D;
        const l = x[a];
        const h = x[a + 1];
        if ((l & (d ? 7 : 3)) !== 0) {
          this.faultAddr = h * TWO32 + (l >>> 0);
          return EXIT_MISALIGNED;
        }
        let ok = 0;
        if (this.resValid && this.resLo === l && this.resHi === h) {
          if (!this.storeSlow(l, h, d ? 8 : 4, x[b], x[b + 1])) return EXIT_FAULT;
          ok = 1;
        }
        this.resValid = false;
        x[rd] = ok ? 0 : 1;
        x[rd + 1] = 0;
        return -1;
      }
      case Op.AMO_W: case Op.AMO_D:
        return this.amo(r, rd, a, b, imm, op === Op.AMO_D);
    }
    return EXIT_ILLEGAL;
  }

  /** Arrival by a jump at `off` of the decoded page `code` (frame curFrame, virtual `base`) with
   *  n instructions left: run its translation, if any, and those of the code it leaves for, back
   *  to back. Returns -2 when nothing ran (no translation, or its first block does not fit in n);
   *  otherwise the remaining budget and the next pc are in jn and jpc, and the result is -1 to go
   *  on interpreting (the pc was reached by a jump), RESUME (to interpret the instruction at the
   *  pc, which the translation left to the interpreter) or EXIT_*. Counts arrivals and translates the code once it is hot. */
  arrive(r: Regs, code: Int32Array, base: number, off: number, n: number): number {
    let jp = this.jitPage(this.curFrame, code);
    let fn = jp.fns[off >> 1];
    if (fn === null) {
      const heat = jp.heat[off >> 1] + 1;
      if (heat >= UNCOMPILABLE) return -2;
      jp.heat[off >> 1] = heat;
      if (heat < this.jitThreshold) return -2;
      this.compile(jp, code, off);
      fn = jp.fns[off >> 1];
      if (fn === null) return -2;
    }
    const start = n;
    const x = r.x;
    const pool = this.pool;
    for (;;) {
      const before = n;
      const e = fn(this, x, r.f, base, off, n, r);
      n = this.jn;
      this.jitStats.executed += before - n;
      if (e >= 0) return e;
      if (n === before) return n === start ? -2 : -1;
      if (e === RESUME || this.codeStale) return e;
      const pc = this.jpc;
      if (pc >= base && pc < base + 4096) {
        // another entry of this page (a call's return address, a jump into another region)
        off = pc - base;
        const fn2 = jp.fns[off >> 1];
        if (fn2 === null) return -1;
        fn = fn2;
        continue;
      }
      // leaving for another page: enter its translation directly when there is one
      const vpn = Math.floor(pc / 4096);
      const t = vpn & (ITLB - 1);
      if (!(pc >= 0) || this.iTag[t] !== vpn) return -1;
      const fr = this.iFrame[t];
      const c2 = pool.code[fr];
      const jp2 = fr < this.jitPages.length ? this.jitPages[fr] : null;
      if (c2 === null || jp2 === null || jp2.code !== c2) return -1;
      off = pc & 4095;
      const fn2 = jp2.fns[off >> 1];
      if (fn2 === null) return -1;
      base = pc - off;
      jp = jp2;
      this.curFrame = fr;
      this.curVpn = vpn;
      fn = fn2;
    }
  }
}

function scratchPage(): Int32Array {
  const s = newCodePage();
  for (let i = 1; i < SLOTS + 2; i++) s[i * SLOT_WORDS] = Op.PAGE_END;
  return s;
}
