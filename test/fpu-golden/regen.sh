#!/bin/sh
# Rebuild the golden vectors for test/fpu.test.ts.
# Needs: riscv64-linux-gnu-gcc (Debian: gcc-riscv64-linux-gnu libc6-dev-riscv64-cross) and
# qemu-riscv64 (qemu-user). Produced with qemu 7.2 (-cpu rv64: F/D, no Zfh/Zfa).
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
riscv64-linux-gnu-gcc -static -O2 -Wall -o "$tmp/gen" gen.c -lm
qemu-riscv64 -cpu rv64 "$tmp/gen" > "$tmp/vectors.txt"
gzip -9 -n < "$tmp/vectors.txt" > vectors.txt.gz
echo "$(wc -l < "$tmp/vectors.txt") vectors, $(wc -c < vectors.txt.gz) bytes gzipped"
