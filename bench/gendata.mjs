// Deterministic test data for the real-workload benchmarks (bench/real.mjs): SIZE bytes of text
// lines made of pseudo-words from a fixed xorshift32 stream, so every run, machine and Node
// version gets the same bytes (bench/real.mjs checks the SHA-256). gzip -9 makes 41% of it, and
// sort sees 319,609 lines of 3-12 words.
//
//   node bench/gendata.mjs [SIZE] > FILE
export function generate(size = 16 << 20) {
  let s = 0x2545f491; // xorshift32 state
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  // a vocabulary of 4,096 words of 2-10 letters, shorter ones more frequent (Zipf-like choice below)
  const vocab = [];
  for (let i = 0; i < 4096; i++) {
    const n = 2 + (next() % 9);
    let w = "";
    for (let j = 0; j < n; j++) w += String.fromCharCode(97 + (next() % 26));
    vocab.push(Buffer.from(w, "latin1"));
  }
  const out = Buffer.alloc(size);
  let at = 0;
  while (at < size) {
    const words = 3 + (next() % 10);
    for (let k = 0; k < words && at < size; k++) {
      // the product of two uniform draws favours low indices: frequent and rare words
      const r = next() % 4096, q = next() % 4096;
      const w = vocab[(r * q) >>> 12];
      if (k > 0) out[at++] = 0x20;
      at += w.copy(out, at, 0, Math.min(w.length, size - at));
    }
    if (at < size) out[at++] = 0x0a;
  }
  out[size - 1] = 0x0a; // the file ends with a whole line
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(generate(process.argv[2] ? Number(process.argv[2]) : undefined));
