#!/usr/bin/env bash
# Run every conformance test on the real (x86_64) kernel, the oracle, and
# record its output in expected/NAME.out: stdout, then a last line "exit=N"
# (or "signal=N" when a signal killed it, "timeout" after 20 s).
#
#   ./native.sh           build the native binary, run all tests twice, fail if
#                         the runs differ, write expected/*.out
#   ./native.sh --check   same runs, compare with the committed expected/*.out,
#                         write nothing
#   ./native.sh [--check] NAME...   only these tests
#
# Needs root (namespaces, ptrace, set_tid, setresuid) and an x86_64 host.
set -uo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$DIR/bin/conform-x86_64"
CHECK=0
if [ "${1:-}" = "--check" ]; then CHECK=1; shift; fi

# rebuild only when a source is newer than the binary
if [ ! -x "$BIN" ] || [ -n "$(find "$DIR/src" "$DIR/build.sh" -newer "$BIN" 2>/dev/null | head -n 1)" ]; then
    "$DIR/build.sh" x86_64 >/dev/null || { echo "native.sh: build failed" >&2; exit 1; }
fi
if [ "$(id -u)" != 0 ]; then echo "native.sh: warning: not root, expect differences" >&2; fi

WORK="$(mktemp -d /tmp/conform-native.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
# run a private copy, so a rebuild meanwhile cannot disturb this run
cp "$BIN" "$WORK/conform-x86_64"
BIN="$WORK/conform-x86_64"

if [ $# -gt 0 ]; then TESTS=("$@"); else mapfile -t TESTS < <("$BIN" list); fi
[ ${#TESTS[@]} -gt 0 ] || { echo "native.sh: no tests" >&2; exit 1; }

# run_one NAME OUTFILE: stdout + status line into OUTFILE
run_one() {
    local name="$1" out="$2" scratch rc
    scratch="$(mktemp -d "$WORK/cwd.XXXXXX")"
    (cd "$scratch" && exec env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/ LANG=C \
        timeout -k 2 20 "$BIN" "$name" </dev/null >"$out" 2>"$out.err")
    rc=$?
    if [ $rc = 124 ]; then echo "timeout" >>"$out"
    elif [ $rc -gt 128 ]; then echo "signal=$((rc - 128))" >>"$out"
    else echo "exit=$rc" >>"$out"
    fi
    rm -rf "$scratch"
}

start=$(date +%s)
fail=0
mkdir -p "$WORK/1" "$WORK/2"
for round in 1 2; do
    for t in "${TESTS[@]}"; do run_one "$t" "$WORK/$round/$t.out"; done
done
for t in "${TESTS[@]}"; do
    if ! cmp -s "$WORK/1/$t.out" "$WORK/2/$t.out"; then
        echo "UNSTABLE $t"
        diff "$WORK/1/$t.out" "$WORK/2/$t.out" | head -20
        fail=1
    fi
    if [ "$(tail -n 1 "$WORK/1/$t.out")" != "exit=0" ]; then
        echo "NOT-OK $t: $(tail -n 1 "$WORK/1/$t.out")"
        head -c 2000 "$WORK/1/$t.out.err"
        fail=1
    fi
done

if [ $CHECK = 1 ]; then
    for t in "${TESTS[@]}"; do
        if [ ! -f "$DIR/expected/$t.out" ]; then echo "MISSING expected/$t.out"; fail=1
        elif ! cmp -s "$WORK/1/$t.out" "$DIR/expected/$t.out"; then
            echo "DIFFERS $t"; diff "$DIR/expected/$t.out" "$WORK/1/$t.out" | head -20; fail=1
        fi
    done
    if [ $# -eq 0 ]; then
        declare -A known=()
        for t in "${TESTS[@]}"; do known[$t]=1; done
        for f in "$DIR"/expected/*.out; do
            [ -e "$f" ] || continue
            n="$(basename "$f" .out)"
            [ -n "${known[$n]:-}" ] || { echo "STALE expected/$n.out"; fail=1; }
        done
    fi
else
    if [ $fail = 0 ]; then
        mkdir -p "$DIR/expected"
        if [ $# -eq 0 ]; then rm -f "$DIR"/expected/*.out; fi
        for t in "${TESTS[@]}"; do cp "$WORK/1/$t.out" "$DIR/expected/$t.out"; done
    else
        echo "native.sh: not writing expected/ (see above)" >&2
    fi
fi
echo "native.sh: ${#TESTS[@]} tests, $(( $(date +%s) - start )) s, $([ $fail = 0 ] && echo ok || echo FAILED)"
exit $fail
