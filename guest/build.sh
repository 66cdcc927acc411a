#!/usr/bin/env bash
# Build every guest program in guest/src/NAME.c into guest/bin/NAME as a
# static, stripped riscv64 Linux executable, and into guest/bin/NAME-dyn as a
# dynamically linked one (a PIE using /lib/ld-linux-riscv64-lp64d.so.1 and
# libc.so.6: run it with --sysroot /usr/riscv64-linux-gnu).
#   bash guest/build.sh [all|static|dyn]     (default: all)
# Works from any cwd, stops on the first error and is idempotent (same sources
# -> same bytes).
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

PROGRAMS=(hello forkcow files crc32 insntest escape shell loader bomb cloneexplore tracefork tracethreads threadfork klog cstopped race pid1)
MODE="${1:-all}"
case "$MODE" in all|static|dyn) ;; *) echo "usage: $0 [all|static|dyn]" >&2; exit 2 ;; esac

# Keep the output independent of where the repository lives and of the time.
export SOURCE_DATE_EPOCH=0
export LC_ALL=C
CFLAGS=(-O2 -Wall -s
        -ffile-prefix-map="$GUEST_DIR"=guest)

# spie is a static-pie program without a C library: Debian's cross glibc has no rcrt1.o, so
# gcc -static-pie cannot link against it (it relocates itself; see src/spie.c)
SPIE_FLAGS=(-O2 -Wall -s -fPIE -ffreestanding -static-pie -nostdlib -nostartfiles
            -Wl,--no-dynamic-linker -ffile-prefix-map="$GUEST_DIR"=guest)

mkdir -p "$BIN_DIR"
trap 'rm -f "$BIN_DIR"/.*.tmp' EXIT
cd "$GUEST_DIR"
for name in "${PROGRAMS[@]}"; do
    src="src/$name.c"
    [ -f "$src" ] || { echo "build.sh: missing $src" >&2; exit 1; }
    if [ "$MODE" != dyn ]; then
        tmp="bin/.$name.tmp"
        echo "  CC  $src -> bin/$name"
        "$CC" -static "${CFLAGS[@]}" -o "$tmp" "$src"
        mv -f "$tmp" "bin/$name"
    fi
    if [ "$MODE" != static ]; then
        tmp="bin/.$name-dyn.tmp"
        echo "  CC  $src -> bin/$name-dyn (dynamically linked)"
        "$CC" "${CFLAGS[@]}" -o "$tmp" "$src"
        mv -f "$tmp" "bin/$name-dyn"
    fi
done
if [ "$MODE" != dyn ]; then
    echo "  CC  src/spie.c -> bin/spie (static-pie)"
    "$CC" "${SPIE_FLAGS[@]}" -o bin/.spie.tmp src/spie.c
    mv -f bin/.spie.tmp bin/spie
fi
