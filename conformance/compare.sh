#!/usr/bin/env bash
# Run every conformance test under forkscope and diff against expected/.
#   ./compare.sh            all tests
#   ./compare.sh NAME...    only these (prints the diff of each mismatch)
#   -q                      one line per test, no diffs
# Environment: CONFORM_TIMEOUT (seconds per test, default 60),
# CONFORM_NO_BUILD=1 (skip npm run build), CONFORM_DIFF_LINES (default 15),
# CONFORM_SEED / CONFORM_QUANTUM (forkscope --seed / --quantum: other schedules).
# Exit status 0 when every selected test matches.
set -uo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$DIR/.." && pwd)"
QUIET=0
if [ "${1:-}" = "-q" ]; then QUIET=1; shift; fi
CLI="$ROOT/dist/src/host/cli.js"
# forkscope is rebuilt first (set CONFORM_NO_BUILD=1 to skip)
if [ "${CONFORM_NO_BUILD:-0}" != 1 ] || [ ! -f "$CLI" ]; then
    (cd "$ROOT" && npm run build --silent) || { echo "compare.sh: npm run build failed" >&2; exit 1; }
fi
BIN="$DIR/bin/conform-riscv64"
if [ $# -gt 0 ]; then TESTS=("$@"); else
    TESTS=(); for f in "$DIR"/expected/*.out; do TESTS+=("$(basename "$f" .out)"); done
fi
OUT="$(mktemp -d /tmp/conform-cmp.XXXXXX)"
trap 'rm -rf "$OUT"' EXIT
# run a snapshot of the build, so a rebuild meanwhile cannot mix versions
mkdir -p "$OUT/fs"
cp -r "$ROOT/dist" "$ROOT/package.json" "$OUT/fs/"
CLI="$OUT/fs/dist/src/host/cli.js"
mkdir -p "$OUT/bin" && cp "$BIN" "$OUT/bin/conform-riscv64"
BIN="$OUT/bin/conform-riscv64"
pass=0; failn=0; failed=()
for t in "${TESTS[@]}"; do
    o="$OUT/$t.out"
    timeout -k 2 "${CONFORM_TIMEOUT:-60}" node "$CLI" run ${CONFORM_SEED:+--seed "$CONFORM_SEED"} \
        ${CONFORM_QUANTUM:+--quantum "$CONFORM_QUANTUM"} "$BIN" "$t" </dev/null >"$o" 2>"$o.err"
    rc=$?
    if [ $rc = 124 ]; then echo "timeout" >>"$o"
    elif [ $rc -gt 128 ]; then echo "signal=$((rc - 128))" >>"$o"
    else echo "exit=$rc" >>"$o"; fi
    if cmp -s "$o" "$DIR/expected/$t.out"; then
        pass=$((pass + 1)); [ $QUIET = 1 ] && echo "PASS $t"
    else
        failn=$((failn + 1)); failed+=("$t")
        echo "FAIL $t"
        if [ $QUIET = 0 ]; then
            diff "$DIR/expected/$t.out" "$o" | head -n "${CONFORM_DIFF_LINES:-15}"
            head -c 600 "$o.err"
        fi
    fi
done
echo "compare.sh: $pass/${#TESTS[@]} match under forkscope"
[ $failn = 0 ]
