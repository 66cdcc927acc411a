// A gzip writer (RFC 1952) over deflate "stored" blocks (RFC 1951 section 3.2.4): the bytes are
// kept as they are, framed so that any gunzip reads them back. /proc/config.gz needs nothing
// more, and the core may not use Node's zlib.

let crcTable: Int32Array | null = null;

/** CRC-32 (IEEE 802.3, reflected, as gzip uses) */
export function crc32(data: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const MAX_STORED = 65535;

/** data wrapped as a gzip member of stored deflate blocks (mtime 0, so the bytes never change) */
export function gzipStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_STORED));
  const out = new Uint8Array(10 + blocks * 5 + data.length + 8);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]); // magic, CM=deflate, no flags, mtime 0, XFL 0, OS unix
  let o = 10;
  for (let b = 0; b < blocks; b++) {
    const start = b * MAX_STORED;
    const len = Math.min(MAX_STORED, data.length - start);
    // BFINAL on the last block, BTYPE 00; the rest of the byte pads to the boundary
    out[o++] = b === blocks - 1 ? 1 : 0;
    out[o++] = len & 0xff;
    out[o++] = len >>> 8;
    out[o++] = ~len & 0xff;
    out[o++] = (~len >>> 8) & 0xff;
    out.set(data.subarray(start, start + len), o);
    o += len;
  }
  const dv = new DataView(out.buffer);
  dv.setUint32(o, crc32(data), true);
  dv.setUint32(o + 4, data.length >>> 0, true);
  return out;
}
