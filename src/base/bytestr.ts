// Guest byte strings. Linux names, paths, argv and the contents of its text files are bytes, not
// text: "\xffA" and "\xfeA" are two different file names. The kernel keeps them in JS strings of
// one char per byte (char codes 0-255), so every byte sequence survives the round trip from guest
// memory through the VFS and back. Host text (a CLI argument, a host path) is UTF-8 encoded once,
// at the edge, by utf8ToBytestr. (TextDecoder("latin1") is windows-1252, not a byte mapping.)

/** bytes as a byte string */
export function bytestr(b: Uint8Array, start = 0, end = b.length): string {
  let s = "";
  for (let i = start; i < end; i += 8192) s += String.fromCharCode.apply(null, b.subarray(i, Math.min(end, i + 8192)) as unknown as number[]);
  return s;
}

/** a byte string as bytes (chars above 255 cannot occur in one; they are masked to a byte) */
export function strbytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

const utf8enc = new TextEncoder();
const utf8dec = new TextDecoder();

/** a host (Unicode) string as the byte string of its UTF-8 encoding */
export function utf8ToBytestr(s: string): string {
  // ASCII is already its own byte string
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return bytestr(utf8enc.encode(s));
  return s;
}

/** a byte string shown to a person: its bytes decoded as UTF-8 (invalid sequences as U+FFFD) */
export function bytestrToUtf8(s: string): string {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return utf8dec.decode(strbytes(s));
  return s;
}
