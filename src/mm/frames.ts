// Physical memory: reference-counted 4 KiB frames in a pool of typed-array chunks.
//
// Frames are numbered from 1 (0 means "no frame" in a page-table entry). A chunk holds
// 4,096 frames (16 MiB) and is allocated only when the pool grows into it, so a small guest
// costs a small host heap. Not larger: V8 counts ArrayBuffers as external memory and met a
// first chunk of 32 MiB or more with extra collections (64 MiB: three, ~12 ms of hello's
// start-up). Not smaller: a copy-on-write copy within one chunk needs no view object (copy()).
// A frame's refcount counts the page-table entries and shared-memory objects that point at
// it, not the address spaces: a leaf table shared by two address spaces after fork holds
// one reference.

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
const CHUNK_SHIFT = 12;
const CHUNK_FRAMES = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_FRAMES - 1;
/** initial length of the per-frame arrays (doubled as the pool grows): 16 MiB of guest memory */
const INITIAL_FRAMES = 4096;
/** with a WebAssembly memory: bytes before frame 0 (the CPU's per-hart area: TLBs and
 *  registers that translated wasm code reads, see cpu/wasm-jit.ts) */
export const WASM_HEADER = 65536;
/** wasm32 addresses 4 GiB at most */
const WASM_MAX_BYTES = 2 ** 32;

export interface FrameStats {
  /** frames ever handed out by alloc() */
  allocated: number;
  /** frames handed out and not yet freed */
  inUse: number;
  /** the most frames in use at once */
  peak: number;
  /** frames copied to break copy-on-write sharing */
  cowCopies: number;
  /** writes that found a frame no longer shared and took it over without copying */
  cowReuses: number;
  /** frames holding tmpfs file pages, shared anonymous memory and System V segments (Linux's
   *  Shmem in /proc/meminfo); part of inUse */
  shmem: number;
  /** frames holding pipe buffers (part of inUse) */
  pipe: number;
  /** host bytes charged for kernel objects that are not frames (page tables, tasks, VMAs,
   *  inodes and names, open files, queued signals, socket and message queues): they count
   *  against the memory size as pages (Linux: the slab and page-table pages a memcg is charged) */
  kernelBytes: number;
}

export class FramePool {
  readonly u8: Uint8Array[] = [];
  readonly u16: Uint16Array[] = [];
  readonly i32: Int32Array[] = [];
  /** reference count per frame; 0 = free */
  ref = new Int32Array(INITIAL_FRAMES);
  /** decoded-instruction cache per frame, owned by the CPU; dropped when the frame is written or freed.
   *  Kept dense (grown with the refcount array): a sparse array would fall into V8's slow dictionary mode. */
  code: (Int32Array | null)[] = new Array(INITIAL_FRAMES).fill(null);
  private freeList = new Int32Array(1024);
  private freeTop = 0;
  private nextFresh = 1;
  readonly stats: FrameStats = { allocated: 0, inUse: 0, peak: 0, cowCopies: 0, cowReuses: 0, shmem: 0, pipe: 0, kernelBytes: 0 };
  /** bytes the kernel copied to, from or within guest memory since the scheduler last looked
   *  (syscall work the CPU's instruction count does not see); the scheduler charges it to
   *  run()'s budget so that run(n) bounds host time, not only guest instructions */
  work = 0;
  /** whole pages the kernel objects take (kernelBytes rounded up): frames and these share maxFrames */
  private kernelPages = 0;
  /** called when alloc() finds memory full (the kernel's OOM killer: it may choose and signal a
   *  victim, but frees nothing at once, so the caller still sees the failure) */
  onExhausted: (() => void) | null = null;

  /** all frames in one WebAssembly.Memory (frame f at WASM_HEADER + f * 4096), which translated
   *  wasm code addresses directly; null: each chunk is an ArrayBuffer of its own */
  readonly wasm: WebAssembly.Memory | null = null;
  /** with `wasm`: frames numbered from here on do not fit in it (alloc fails) */
  private frameLimit = Infinity;
  private hartAreaTaken = false;

  /** @param maxFrames upper bound on frames plus kernel objects; alloc() fails (the guest sees ENOMEM or an OOM kill) beyond it
   *  @param wasm put the frames in one WebAssembly.Memory, reserved at once for maxFrames (at most
   *  4 GiB with the header, so maxFrames becomes at most 2^20 - 17: a 4 GiB pool loses 68 KiB) */
  constructor(readonly maxFrames: number, wasm = false) {
    if (wasm) {
      const chunks = Math.ceil((maxFrames + 1) / CHUNK_FRAMES);
      const bytes = Math.min(WASM_MAX_BYTES, WASM_HEADER + chunks * CHUNK_FRAMES * PAGE_SIZE);
      try {
        this.wasm = new WebAssembly.Memory({ initial: bytes / 65536, maximum: bytes / 65536 });
        this.frameLimit = (bytes - WASM_HEADER) / PAGE_SIZE;
        // guest memory is what fits (frames are numbered from 1): /proc/meminfo and the OOM killer agree with it
        this.maxFrames = Math.min(maxFrames, this.frameLimit - 1);
      } catch {
        // a host that cannot reserve it (a 32-bit or memory-limited browser): ArrayBuffer chunks, JS regions
      }
    }
  }

  /** the per-hart area in the wasm memory's header (its byte offset), once per pool; -1 when
   *  there is no wasm memory or another hart has it */
  claimHartArea(): number {
    if (this.wasm === null || this.hartAreaTaken) return -1;
    this.hartAreaTaken = true;
    return 0;
  }

  /** pages still free for frames or kernel objects */
  get free(): number {
    return this.maxFrames - this.stats.inUse - this.kernelPages;
  }

  /** charge `bytes` of a kernel object; false (nothing charged) when memory is full */
  charge(bytes: number): boolean {
    if (this.stats.inUse + Math.ceil((this.stats.kernelBytes + bytes) / PAGE_SIZE) > this.maxFrames) return false;
    this.forceCharge(bytes);
    return true;
  }

  /** charge whatever memory says: objects whose creation cannot fail at that point (page tables
   *  in a fault, a task's exit record); each is small and follows a check that had room */
  forceCharge(bytes: number): void {
    this.stats.kernelBytes += bytes;
    this.kernelPages = Math.ceil(this.stats.kernelBytes / PAGE_SIZE);
  }

  uncharge(bytes: number): void {
    this.stats.kernelBytes -= bytes;
    this.kernelPages = Math.ceil(this.stats.kernelBytes / PAGE_SIZE);
  }

  /** chunk index of a frame */
  static chunk(f: number): number {
    return f >>> CHUNK_SHIFT;
  }
  /** byte offset of a frame inside its chunk */
  static offset(f: number): number {
    return (f & CHUNK_MASK) << PAGE_SHIFT;
  }

  /** a zero-filled frame with refcount 1, or 0 when memory is exhausted; `zero` false when the
   *  caller overwrites the whole frame anyway (copy-on-write); `force` for host-supplied content
   *  (the program, the root image), placed whatever memory says */
  alloc(zero = true, force = false): number {
    if (this.stats.inUse + this.kernelPages >= this.maxFrames && !force) {
      this.onExhausted?.();
      return 0;
    }
    let f: number;
    // zeroing or copying a page is host work a fault's one instruction does not pay for
    this.work += PAGE_SIZE;
    if (this.freeTop > 0) {
      f = this.freeList[--this.freeTop];
      if (zero) this.u8[f >>> CHUNK_SHIFT].fill(0, FramePool.offset(f), FramePool.offset(f) + PAGE_SIZE);
    } else {
      if (this.nextFresh >= this.frameLimit) {
        this.onExhausted?.();
        return 0;
      }
      f = this.nextFresh++;
      const c = f >>> CHUNK_SHIFT;
      if (c >= this.u8.length) this.growChunk();
      if (f >= this.ref.length) {
        const r = new Int32Array(this.ref.length * 2);
        r.set(this.ref);
        this.ref = r;
        const c = new Array(r.length).fill(null);
        for (let i = 0; i < this.code.length; i++) c[i] = this.code[i];
        this.code = c;
      }
    }
    this.ref[f] = 1;
    this.stats.allocated++;
    if (++this.stats.inUse > this.stats.peak) this.stats.peak = this.stats.inUse;
    return f;
  }

  private growChunk(): void {
    if (this.wasm !== null) {
      // a view of the reserved memory (never grown, so views never detach); the last chunk may be short
      const buf = this.wasm.buffer;
      const at = WASM_HEADER + this.u8.length * CHUNK_FRAMES * PAGE_SIZE;
      const len = Math.min(CHUNK_FRAMES * PAGE_SIZE, buf.byteLength - at);
      this.u8.push(new Uint8Array(buf, at, len));
      this.u16.push(new Uint16Array(buf, at, len >> 1));
      this.i32.push(new Int32Array(buf, at, len >> 2));
      return;
    }
    const buf = new ArrayBuffer(CHUNK_FRAMES * PAGE_SIZE);
    this.u8.push(new Uint8Array(buf));
    this.u16.push(new Uint16Array(buf));
    this.i32.push(new Int32Array(buf));
  }

  incRef(f: number): void {
    this.ref[f]++;
  }

  decRef(f: number): void {
    if (--this.ref[f] === 0) {
      if (this.freeTop === this.freeList.length) {
        const n = new Int32Array(this.freeList.length * 2);
        n.set(this.freeList);
        this.freeList = n;
      }
      this.freeList[this.freeTop++] = f;
      this.stats.inUse--;
      this.code[f] = null;
    }
  }

  /** a new frame holding a copy of f (refcount 1), or 0 when memory is exhausted */
  copy(f: number): number {
    const n = this.alloc(false);
    if (n === 0) return 0;
    const src = this.u8[f >>> CHUNK_SHIFT];
    const so = FramePool.offset(f);
    // within one chunk copyWithin needs no view object (a subarray per copy-on-write fault is garbage)
    if (f >>> CHUNK_SHIFT === n >>> CHUNK_SHIFT) src.copyWithin(FramePool.offset(n), so, so + PAGE_SIZE);
    else this.u8[n >>> CHUNK_SHIFT].set(src.subarray(so, so + PAGE_SIZE), FramePool.offset(n));
    return n;
  }

  /** drop the decoded-instruction cache of a frame that is about to be written */
  invalidateCode(f: number): void {
    this.code[f] = null;
  }

  read(f: number, off: number, dst: Uint8Array, dstOff: number, len: number): void {
    const o = FramePool.offset(f) + off;
    dst.set(this.u8[f >>> CHUNK_SHIFT].subarray(o, o + len), dstOff);
  }

  write(f: number, off: number, src: Uint8Array, srcOff: number, len: number): void {
    this.invalidateCode(f);
    this.u8[f >>> CHUNK_SHIFT].set(src.subarray(srcOff, srcOff + len), FramePool.offset(f) + off);
  }
}
