#!/usr/bin/env bash
# Regenerate the expected outputs of the guest programs by running them under
# qemu-riscv64 (the reference), in a clean environment:
#   env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/ LANG=C
# with stdin from /dev/null and a scratch working directory.  For each run it
# writes NAME.stdout and NAME.status (decimal exit status, 128+N when killed by
# signal N) next to this script.  Stderr is not recorded.
#
# Every program runs with qemu's -L pointed at the riscv64 sysroot (Debian's
# /usr/riscv64-linux-gnu, or $SYSROOT): loader dlopens libm.so.6 even when static.
#
# Usage: bash test/expected/regen.sh [--check | --check-dyn]
#   --check      run everything twice and fail if any output differs between runs
#                or from the committed files (nothing is written).
#   --check-dyn  the same for the dynamically linked builds (guest/bin/NAME-dyn,
#                where one exists): they must print what the static builds printed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="$ROOT/guest/bin"
QEMU="${QEMU:-qemu-riscv64}"
SYSROOT="${SYSROOT:-/usr/riscv64-linux-gnu}"
[ -e "$SYSROOT/lib/ld-linux-riscv64-lp64d.so.1" ] || {
    echo "regen.sh: no riscv64 sysroot at $SYSROOT (apt-get install -y libc6-riscv64-cross)" >&2
    exit 1
}

command -v "$QEMU" >/dev/null 2>&1 || {
    echo "regen.sh: $QEMU not found (apt-get install -y qemu-user)" >&2
    exit 1
}

check=0
dyn=0
if [ "${1:-}" = "--check" ]; then
    check=1
elif [ "${1:-}" = "--check-dyn" ]; then
    check=1
    dyn=1
elif [ $# -gt 0 ]; then
    echo "usage: $0 [--check | --check-dyn]" >&2
    exit 2
fi

# name|program|args...
RUNS=(
    "hello|hello"
    "forkcow|forkcow"
    "files|files"
    "crc32-64-4|crc32|64|4"
    "insntest|insntest"
    "shell|shell"
    "loader|loader"
    "spie|spie"
)

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# run NAME PROG [ARGS...] -> writes $scratch/out/NAME.stdout and .status
run_one() {
    local name="$1" prog="$2"
    shift 2
    local exe="$BIN/$prog"
    if [ "$dyn" = 1 ] && [ -x "$exe-dyn" ]; then
        # under the static build's name: programs may print their own name
        mkdir -p "$scratch/dyn"
        cp "$exe-dyn" "$scratch/dyn/$prog"
        exe="$scratch/dyn/$prog"
    fi
    [ -x "$exe" ] || { echo "regen.sh: missing $exe (run: npm run guest)" >&2; exit 1; }
    local cwd="$scratch/cwd-$name"
    rm -rf "$cwd"
    mkdir -p "$cwd" "$scratch/out"
    local status=0
    (
        cd "$cwd"
        exec env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/ LANG=C \
            "$QEMU" -L "$SYSROOT" "$exe" "$@" </dev/null >"$scratch/out/$name.stdout" 2>"$scratch/out/$name.stderr"
    ) || status=$?
    # bash reports death by signal N as 128+N already.
    echo "$status" >"$scratch/out/$name.status"
    rm -rf "$cwd"
}

run_all() {
    local dest="$1"
    rm -rf "$scratch/out"
    for spec in "${RUNS[@]}"; do
        IFS='|' read -r -a parts <<<"$spec"
        run_one "${parts[@]}"
    done
    mkdir -p "$dest"
    for spec in "${RUNS[@]}"; do
        local name="${spec%%|*}"
        cp "$scratch/out/$name.stdout" "$scratch/out/$name.status" "$dest/"
    done
}

run_all "$scratch/run1"
run_all "$scratch/run2"
fail=0
for spec in "${RUNS[@]}"; do
    name="${spec%%|*}"
    for ext in stdout status; do
        if ! cmp -s "$scratch/run1/$name.$ext" "$scratch/run2/$name.$ext"; then
            echo "regen.sh: NONDETERMINISTIC: $name.$ext differs between two runs" >&2
            diff "$scratch/run1/$name.$ext" "$scratch/run2/$name.$ext" >&2 || true
            fail=1
        fi
    done
done
[ "$fail" = 0 ] || exit 1

if [ "$check" = 1 ]; then
    for spec in "${RUNS[@]}"; do
        name="${spec%%|*}"
        for ext in stdout status; do
            if ! cmp -s "$scratch/run1/$name.$ext" "$HERE/$name.$ext"; then
                echo "regen.sh: $name.$ext differs from the committed file" >&2
                fail=1
            fi
        done
    done
    [ "$fail" = 0 ] && echo "regen.sh: all outputs deterministic and up to date"
    exit "$fail"
fi

for spec in "${RUNS[@]}"; do
    name="${spec%%|*}"
    cp "$scratch/run1/$name.stdout" "$scratch/run1/$name.status" "$HERE/"
    printf '  %-12s status %-3s %5d lines\n' "$name" "$(cat "$HERE/$name.status")" \
        "$(wc -l <"$HERE/$name.stdout")"
done
