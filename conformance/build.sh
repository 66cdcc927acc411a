#!/usr/bin/env bash
# Build the conformance multi-call program:
#   bin/conform-riscv64  static, stripped riscv64 (committed; runs under forkscope)
#   bin/conform-riscv64-dyn  the same, dynamically linked (a PIE that needs
#                        /lib/ld-linux-riscv64-lp64d.so.1 and libc.so.6; committed; runs
#                        under forkscope with --sysroot /usr/riscv64-linux-gnu)
#   bin/conform-x86_64   static native build (the oracle runs it; not committed)
# Usage: bash conformance/build.sh [all|riscv64|riscv64-dyn|x86_64]
# Deterministic: same sources -> same riscv64 bytes, wherever the repo lives.
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RISCV_CC="${RISCV_CC:-riscv64-linux-gnu-gcc}"
NATIVE_CC="${NATIVE_CC:-gcc}"
SOURCES=(src/main.c src/clone_flags.c src/clone_errors.c src/clone3.c src/vfork.c
         src/wait.c src/pidfd.c src/exec.c src/signals.c src/ptrace.c
         src/threads.c src/futex.c src/signals2.c src/namespaces.c src/netns.c
         src/mountns.c src/cgroupns.c src/pty.c src/ptyjob.c src/procfs.c src/fsbehav.c
         src/resource.c src/rlimits.c src/bits64.c)

export SOURCE_DATE_EPOCH=0
export LC_ALL=C
CFLAGS=(-O2 -fno-stack-protector -Wall -Wextra -Wno-unused-parameter -s
        -ffile-prefix-map="$DIR"=conformance)

cd "$DIR"
mkdir -p bin
trap 'rm -f bin/.*.$$.tmp' EXIT

what="${1:-all}"
if [ "$what" = all ] || [ "$what" = riscv64 ]; then
    if ! command -v "$RISCV_CC" >/dev/null 2>&1; then
        echo "build.sh: $RISCV_CC not found" >&2
        echo "  install with: apt-get install -y gcc-riscv64-linux-gnu libc6-dev-riscv64-cross" >&2
        exit 1
    fi
    echo "  CC  conform-riscv64"
    "$RISCV_CC" -static "${CFLAGS[@]}" -o bin/.conform-riscv64.$$.tmp "${SOURCES[@]}"
    mv -f bin/.conform-riscv64.$$.tmp bin/conform-riscv64
fi
if [ "$what" = all ] || [ "$what" = riscv64-dyn ]; then
    echo "  CC  conform-riscv64-dyn (dynamically linked)"
    "$RISCV_CC" "${CFLAGS[@]}" -o bin/.conform-riscv64-dyn.$$.tmp "${SOURCES[@]}"
    mv -f bin/.conform-riscv64-dyn.$$.tmp bin/conform-riscv64-dyn
fi
if [ "$what" = all ] || [ "$what" = x86_64 ]; then
    if [ "$(uname -m)" != x86_64 ]; then
        echo "build.sh: native build needs an x86_64 host" >&2
        exit 1
    fi
    echo "  CC  conform-x86_64"
    "$NATIVE_CC" -static "${CFLAGS[@]}" -o bin/.conform-x86_64.$$.tmp "${SOURCES[@]}"
    mv -f bin/.conform-x86_64.$$.tmp bin/conform-x86_64
fi
