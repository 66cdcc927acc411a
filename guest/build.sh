#!/usr/bin/env bash
# Build every guest program in guest/src/NAME.c into guest/bin/NAME as a
# static, stripped riscv64 Linux executable.  Works from any cwd, stops on
# the first error and is idempotent (same sources -> same bytes).
set -euo pipefail

GUEST_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC_DIR="$GUEST_DIR/src"
BIN_DIR="$GUEST_DIR/bin"
CC="${RISCV_CC:-riscv64-linux-gnu-gcc}"

if ! command -v "$CC" >/dev/null 2>&1; then
    echo "build.sh: $CC not found" >&2
    echo "  install with: apt-get install -y gcc-riscv64-linux-gnu libc6-dev-riscv64-cross" >&2
    exit 1
fi

PROGRAMS=(hello forkcow files crc32 insntest escape tracefork tracethreads threadfork)

# Keep the output independent of where the repository lives and of the time.
export SOURCE_DATE_EPOCH=0
export LC_ALL=C
CFLAGS=(-static -O2 -Wall -s
        -ffile-prefix-map="$GUEST_DIR"=guest)

mkdir -p "$BIN_DIR"
trap 'rm -f "$BIN_DIR"/.*.tmp' EXIT
cd "$GUEST_DIR"
for name in "${PROGRAMS[@]}"; do
    src="src/$name.c"
    [ -f "$src" ] || { echo "build.sh: missing $src" >&2; exit 1; }
    tmp="bin/.$name.tmp"
    echo "  CC  $src -> bin/$name"
    "$CC" "${CFLAGS[@]}" -o "$tmp" "$src"
    mv -f "$tmp" "bin/$name"
done
