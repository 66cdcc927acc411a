#!/usr/bin/env bash
# Record the oracle for test/trace.test.ts: strace -f of the native (x86_64) builds of the
# guest programs whose traces forkscope's --trace is compared with. Each is built from the same
# source as guest/bin/NAME (gcc -static -O2) and run under strace 6.x with stdout on /dev/null
# (a character device, as forkscope's console is, so glibc makes the same isatty check) and a
# clean environment. Writes NAME.strace next to this script.
#
# Usage: bash test/expected/strace/regen.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
command -v strace >/dev/null || { echo "regen.sh: strace not found" >&2; exit 1; }
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for name in hello tracefork tracethreads; do
    gcc -static -O2 -Wall -o "$scratch/$name" "$ROOT/guest/src/$name.c" -lpthread
    (cd "$scratch" && env -i PATH=/usr/bin:/bin strace -f "./$name" >/dev/null 2>"$HERE/$name.strace" </dev/null) || true
    printf '  %-14s %4d lines\n' "$name" "$(wc -l <"$HERE/$name.strace")"
done
