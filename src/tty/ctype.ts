// The kernel's character classes (lib/ctype.c): ISO 8859-1, so 128-159 are control characters and
// 192-255 letters. n_tty uses these for ECHOCTL, column counting, VWERASE, IUCLC and OLCUC.

const C = 1, U = 2, L = 4, D = 8, P = 16;

const TABLE = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  let k = 0;
  if (c < 32 || c === 127 || (c >= 128 && c < 160)) k = C;
  else if (c >= 0x30 && c <= 0x39) k = D;
  else if ((c >= 0x41 && c <= 0x5a) || (c >= 192 && c <= 222 && c !== 215)) k = U;
  else if ((c >= 0x61 && c <= 0x7a) || (c >= 223 && c !== 247)) k = L;
  else if (c !== 32 && c !== 160) k = P;
  TABLE[c] = k;
}

export const iscntrl = (c: number): boolean => (TABLE[c] & C) !== 0;
export const isalnum = (c: number): boolean => (TABLE[c] & (U | L | D)) !== 0;
const isupper = (c: number): boolean => (TABLE[c] & U) !== 0;
const islower = (c: number): boolean => (TABLE[c] & L) !== 0;
/** __tolower/__toupper: a fixed offset of 32, also for 223 and 255 (as the kernel does) */
export const tolower = (c: number): number => (isupper(c) ? c + 32 : c);
export const toupper = (c: number): number => (islower(c) ? c - 32 : c);
