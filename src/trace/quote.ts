// The small printers every decoder uses, written as strace writes them (strace: src/util.c
// string_quote, printstr_ex, printaddr; src/xlat.c printflags, printxval): quoted strings with
// octal or hex escapes and the -s limit, exact 64-bit numbers, flag sets and named values.

import { hex64 } from "../base/bits.js";

/** a 64-bit value given as its halves (lo, hi as int32 or uint32) */
export type Word = { lo: number; hi: number };

/** unsigned hex of a 64-bit word, exact: 0x... */
export function hexWord(lo: number, hi: number): string {
  return "0x" + hex64(lo >>> 0, hi >>> 0);
}

/** strace's printaddr: NULL or 0x... */
export function addr(lo: number, hi: number): string {
  return (lo | hi) === 0 ? "NULL" : hexWord(lo, hi);
}

/** a signed 64-bit value in decimal, exact */
export function dec64(lo: number, hi: number): string {
  if ((hi | 0) === (lo | 0) >> 31) return String(lo | 0);
  return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString();
}

/** an unsigned 64-bit value in decimal, exact */
export function udec64(lo: number, hi: number): string {
  if (hi >>> 0 === 0) return String(lo >>> 0);
  return ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString();
}

/** a number that is exact (below 2^53) in hex, as strace's %#lx */
export function hexNum(v: number): string {
  return v === 0 ? "0" : "0x" + v.toString(16);
}

/** strace's QUOTE_* styles */
export const QUOTE_0_TERMINATED = 1, QUOTE_FORCE_HEX = 2, QUOTE_OMIT_LEADING_TRAILING_QUOTES = 4;

/**
 * strace's string_quote: the bytes between double quotes, with \n \t \r \v \f \" \\ escapes and
 * octal escapes for other unprintable bytes (three digits when a digit follows, so that the
 * escape stays unambiguous), or \xNN for every byte with QUOTE_FORCE_HEX. With
 * QUOTE_0_TERMINATED the string ends at its first NUL.
 */
export function quoteBytes(b: Uint8Array, len: number, style = 0): string {
  let s = style & QUOTE_OMIT_LEADING_TRAILING_QUOTES ? "" : '"';
  const hex = (style & QUOTE_FORCE_HEX) !== 0;
  for (let i = 0; i < len; i++) {
    const c = b[i];
    if (style & QUOTE_0_TERMINATED && c === 0) break;
    if (hex) {
      s += "\\x" + c.toString(16).padStart(2, "0");
      continue;
    }
    switch (c) {
      case 0x22: s += '\\"'; break;
      case 0x5c: s += "\\\\"; break;
      case 0x0c: s += "\\f"; break;
      case 0x0a: s += "\\n"; break;
      case 0x0d: s += "\\r"; break;
      case 0x09: s += "\\t"; break;
      case 0x0b: s += "\\v"; break;
      default:
        if (c >= 0x20 && c <= 0x7e) s += String.fromCharCode(c);
        else {
          const next = i + 1 < len ? b[i + 1] : -1;
          if (next >= 0x30 && next <= 0x37) s += "\\" + c.toString(8).padStart(3, "0");
          else s += "\\" + c.toString(8);
        }
    }
  }
  return style & QUOTE_OMIT_LEADING_TRAILING_QUOTES ? s : s + '"';
}

/** a flag set as strace's printflags: names joined by |, unknown bits in hex, `zero` for 0 */
export function flags(v: number, names: readonly (readonly [number, string])[], zero = "0"): string {
  v >>>= 0;
  if (v === 0) return zero;
  const out: string[] = [];
  let rest = v;
  for (const [bit, name] of names) {
    if (bit !== 0 && (v & bit) >>> 0 === bit >>> 0 && (rest & bit) !== 0) {
      out.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest) out.push(hexNum(rest));
  return out.join("|");
}

/** a value as strace's printxval: its name, or the number with a comment for unknown ones */
export function xval(v: number, names: ReadonlyMap<number, string> | readonly string[], unknown: string, asHex = false): string {
  const n = Array.isArray(names) ? (names as readonly string[])[v] : (names as ReadonlyMap<number, string>).get(v);
  if (n !== undefined) return n;
  const num = asHex ? hexNum(v >>> 0) : String(v);
  return `${num} /* ${unknown} */`;
}

/** a map from [value, name] pairs, the first name of a value winning */
export function xlat(pairs: readonly (readonly [number, string])[]): ReadonlyMap<number, string> {
  const m = new Map<number, string>();
  for (const [v, n] of pairs) if (!m.has(v)) m.set(v, n);
  return m;
}
