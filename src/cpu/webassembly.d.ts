// The part of WebAssembly's JS API the wasm backend uses (src/cpu/wasm-jit.ts, and the frame
// pool's memory in src/mm/frames.ts): every browser and Node have it, but ES2022's lib does not
// declare it and the core is compiled without the DOM's.
declare namespace WebAssembly {
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
