#!/usr/bin/env bash
# Build the benchmark multi-call binary from bench/src/*.c:
#   bench/bin/bench-riscv64  static riscv64 (riscv64-linux-gnu-gcc), committed
#   bench/bin/bench-x86_64   static native build (gcc), not committed
# Usage: bash bench/build.sh [all|native|riscv64]   (default all; works from any cwd)
# A missing compiler skips its binary with a message; exit status 1 only if
# nothing could be built.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WHAT="${1:-all}"
RISCV_CC="${RISCV_CC:-riscv64-linux-gnu-gcc}"
NATIVE_CC="${NATIVE_CC:-gcc}"
export SOURCE_DATE_EPOCH=0 LC_ALL=C
CFLAGS=(-static -O2 -Wall -Wextra -s -pthread -ffile-prefix-map="$BENCH_DIR"=bench)

cd "$BENCH_DIR"
mkdir -p bin
built=0
build() { # CC OUT
    local cc="$1" out="$2"
    if ! command -v "$cc" >/dev/null 2>&1; then
        echo "build.sh: $cc not found, skipping $out" >&2
        return
    fi
    echo "  CC  src/*.c -> $out"
    "$cc" "${CFLAGS[@]}" -o "$out.tmp" src/*.c
    mv -f "$out.tmp" "$out"
    built=$((built + 1))
}
case "$WHAT" in
    all) build "$RISCV_CC" bin/bench-riscv64; build "$NATIVE_CC" bin/bench-x86_64 ;;
    native) build "$NATIVE_CC" bin/bench-x86_64 ;;
    riscv64) build "$RISCV_CC" bin/bench-riscv64 ;;
    *) echo "usage: build.sh [all|native|riscv64]" >&2; exit 2 ;;
esac
[ "$built" -gt 0 ]
