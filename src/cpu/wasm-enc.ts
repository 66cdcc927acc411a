// A minimal WebAssembly binary encoder (no dependencies): one function body with structured
// control labels, and the module around it (type, import of one memory, function, export and
// code sections). Used by wasm-jit.ts to build a region's module; not on any hot path.
// Format: the WebAssembly core specification, section 5 ("Binary Format").

/** value types */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
/** the empty block type */
export const VOID = 0x40;

/** opcodes used by the translator (spec 5.4) */
export const enum W {
  unreachable = 0x00, block = 0x02, loop = 0x03, if_ = 0x04, else_ = 0x05, end = 0x0b,
  br = 0x0c, br_if = 0x0d, br_table = 0x0e, return_ = 0x0f, drop = 0x1a, select = 0x1b,
  local_get = 0x20, local_set = 0x21, local_tee = 0x22,
  i32_load = 0x28, i64_load = 0x29,
  i64_load8_s = 0x30, i64_load8_u = 0x31, i64_load16_s = 0x32, i64_load16_u = 0x33, i64_load32_s = 0x34, i64_load32_u = 0x35,
  i32_store = 0x36, i64_store = 0x37, i64_store8 = 0x3c, i64_store16 = 0x3d, i64_store32 = 0x3e,
  i32_const = 0x41, i64_const = 0x42,
  i32_eqz = 0x45, i32_eq = 0x46, i32_ne = 0x47, i32_lt_s = 0x48, i32_lt_u = 0x49,
  i64_eqz = 0x50, i64_eq = 0x51, i64_ne = 0x52, i64_lt_s = 0x53, i64_lt_u = 0x54, i64_ge_s = 0x59, i64_ge_u = 0x5a,
  i32_add = 0x6a, i32_sub = 0x6b, i32_mul = 0x6c, i32_div_s = 0x6d, i32_div_u = 0x6e, i32_rem_s = 0x6f, i32_rem_u = 0x70,
  i32_and = 0x71, i32_or = 0x72, i32_xor = 0x73, i32_shl = 0x74, i32_shr_s = 0x75, i32_shr_u = 0x76,
  i64_add = 0x7c, i64_sub = 0x7d, i64_mul = 0x7e, i64_div_s = 0x7f, i64_div_u = 0x80, i64_rem_s = 0x81, i64_rem_u = 0x82,
  i64_and = 0x83, i64_or = 0x84, i64_xor = 0x85, i64_shl = 0x86, i64_shr_s = 0x87, i64_shr_u = 0x88,
  i32_wrap_i64 = 0xa7, i64_extend_i32_s = 0xac, i64_extend_i32_u = 0xad, i64_trunc_f64_u = 0xb1,
}

function uleb(out: number[], v: number): void {
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

/** signed LEB128 of an int32 (the common case: immediates and offsets) */
function sleb32(out: number[], v: number): void {
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

function sleb(out: number[], v: bigint): void {
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** a function body under construction; labels are names resolved to depths at each branch */
export class Body {
  readonly b: number[] = [];
  private labels: (string | null)[] = [];
  private locals: number[] = [];
  constructor(private readonly params: number) {}

  /** a new local of type t; returns its index */
  local(t: number): number {
    this.locals.push(t);
    return this.params + this.locals.length - 1;
  }
  op(...ops: number[]): this {
    for (const o of ops) this.b.push(o);
    return this;
  }
  get(l: number): this {
    this.b.push(W.local_get);
    uleb(this.b, l);
    return this;
  }
  set(l: number): this {
    this.b.push(W.local_set);
    uleb(this.b, l);
    return this;
  }
  tee(l: number): this {
    this.b.push(W.local_tee);
    uleb(this.b, l);
    return this;
  }
  i32(v: number): this {
    this.b.push(W.i32_const);
    sleb32(this.b, v | 0);
    return this;
  }
  i64(v: number | bigint): this {
    this.b.push(W.i64_const);
    if (typeof v === "number" && v === (v | 0)) sleb32(this.b, v);
    else sleb(this.b, BigInt.asIntN(64, BigInt(v)));
    return this;
  }
  /** a load or store with its memarg (alignment as log2, constant offset) */
  mem(op: number, align: number, offset: number): this {
    this.b.push(op, align);
    uleb(this.b, offset);
    return this;
  }
  /** open block/loop/if with the block type (VOID or a value type), naming its label */
  open(op: W.block | W.loop | W.if_, label: string | null = null, type = VOID): this {
    this.b.push(op, type);
    this.labels.push(label);
    return this;
  }
  else_(): this {
    this.b.push(W.else_);
    return this;
  }
  end(): this {
    this.b.push(W.end);
    this.labels.pop();
    return this;
  }
  depth(label: string): number {
    const i = this.labels.lastIndexOf(label);
    if (i < 0) throw new Error(`wasm: no label ${label}`);
    return this.labels.length - 1 - i;
  }
  br(label: string): this {
    this.b.push(W.br);
    uleb(this.b, this.depth(label));
    return this;
  }
  brTable(labels: string[], dflt: string): this {
    this.b.push(W.br_table);
    uleb(this.b, labels.length);
    for (const l of labels) uleb(this.b, this.depth(l));
    uleb(this.b, this.depth(dflt));
    return this;
  }
  /** the body's encoding: locals (run-length by type) then the code and the final end */
  encode(): number[] {
    const out: number[] = [];
    const groups: [number, number][] = [];
    for (const t of this.locals) {
      const g = groups[groups.length - 1];
      if (g !== undefined && g[1] === t) g[0]++;
      else groups.push([1, t]);
    }
    uleb(out, groups.length);
    for (const [n, t] of groups) {
      uleb(out, n);
      out.push(t);
    }
    for (const x of this.b) out.push(x);
    out.push(W.end);
    return out;
  }
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id);
  uleb(out, content.length);
  for (const x of content) out.push(x);
}

function name(out: number[], s: string): void {
  uleb(out, s.length);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/** a module importing memory "m"."mem" and exporting one function "run" of the given signature */
export function moduleBytes(params: number[], results: number[], body: Body): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const type = [1, 0x60];
  uleb(type, params.length);
  type.push(...params);
  uleb(type, results.length);
  type.push(...results);
  section(out, 1, type);
  const imp = [1];
  name(imp, "m");
  name(imp, "mem");
  imp.push(0x02, 0x00, 0x01); // memory, limits: min 1 page, no maximum
  section(out, 2, imp);
  section(out, 3, [1, 0]);
  const exp = [1];
  name(exp, "run");
  exp.push(0x00, 0x00);
  section(out, 7, exp);
  const code = body.encode();
  const cs = [1];
  uleb(cs, code.length);
  for (const x of code) cs.push(x);
  section(out, 10, cs);
  return Uint8Array.from(out);
}
