#!/usr/bin/env bash
# Run busybox's own testsuite (testsuite/ of the Debian source guest/busybox was built from)
# against guest/busybox/busybox, on a real kernel under qemu-riscv64 and inside forkscope, in
# the same root filesystem (dist/rootfs.cpio), and print the pass/fail counts of each.
#
#   bash scripts/busybox-testsuite.sh [qemu|forkscope|both] [APPLET...]
#
# Both runs execute the unmodified `runtest` with the image's /bin/sh (busybox ash) from
# /bbtest/testsuite, where /bbtest holds `busybox` (a link to /bin/busybox), the `.config` it
# was built with (runtest reads it to skip tests of features that are off) and a copy of
# testsuite/. As Debian's package build does (debian/rules), mdev.tests is removed: it needs
# to create device nodes.
#
# qemu: a real Linux kernel runs the test scripts, each riscv64 program under qemu-riscv64.
#   The image is unpacked into a directory used as a chroot, inside a new user and mount
#   namespace (unshare -Urm, so no change is visible outside it) that mounts its own
#   binfmt_misc instance (Linux 6.7 and later) and registers qemu-riscv64 there for riscv64
#   ELF files, with flags F (the interpreter is opened now, so it need not exist in the
#   chroot; it is qemu-user-static's, which needs no dynamic loader there) and P (argv[0] is passed on; qemu takes that from the interpreter's name ending
#   in -binfmt-P), so `#!/bin/sh`, PATH lookups and busybox's applet symlinks all work as on
#   a riscv64 machine. The host's /proc and /dev are bind-mounted into the chroot.
#   Without unshare, a host that already has qemu-riscv64 registered (qemu-user-binfmt) and
#   runs this as root gets the same through a plain chroot.
# forkscope: `forkscope run --image default --mount WORK:/bbtest:rw busybox sh -c ...`.
# forkscope-tmpfs: the same, but the guest first copies /bbtest to /tmp/bbtest (tmpfs) and
#   runs there, which tells failures of the kernel from those of the --mount host adapter.
#
# Output: WORK/{qemu,forkscope}.log (runtest's output, -v: with the diff of each failure)
# and one summary line per run. WORK is dist/busybox-testsuite unless BBTEST_WORK is set.
# The main run is stopped after BBTEST_TIMEOUT seconds (default 3600), each slow applet
# (BBTEST_SLOW, default "bc") after BBTEST_SLOW_TIMEOUT (default 1800). The exit status is 0
# when forkscope passed at least as many tests as qemu (or when only one side ran).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${BBTEST_WORK:-$ROOT/dist/busybox-testsuite}"
TIMEOUT="${BBTEST_TIMEOUT:-3600}"
MODE="${1:-both}"
[ $# -gt 0 ] && shift
APPLETS=("$@")
IMAGE="$ROOT/dist/rootfs.cpio"
BUSYBOX="$ROOT/guest/busybox/busybox"

log() { echo "busybox-testsuite: $*" >&2; }
case "$MODE" in qemu|forkscope|forkscope-tmpfs|both) ;; *) log "usage: $0 [qemu|forkscope|forkscope-tmpfs|both] [APPLET...]"; exit 2 ;; esac
[ -f "$IMAGE" ] && [ -f "$ROOT/dist/forkscope.mjs" ] || { log "run 'npm run build' first"; exit 2; }

SRC="$(bash "$ROOT/guest/busybox/build.sh" --source)"
mkdir -p "$WORK"

# /bbtest for one run: the testsuite, busybox and its .config
prepare() {
    local dir="$WORK/$1"
    rm -rf "$dir"
    mkdir -p "$dir"
    cp -a "$SRC/testsuite" "$dir/testsuite"
    rm -f "$dir/testsuite/mdev.tests"
    ln -s /bin/busybox "$dir/busybox"
    cp "$ROOT/guest/busybox/busybox.config" "$dir/.config"
}

# What runtest runs: every applet (as runtest does without arguments) but the slow ones, in
# one call; then each slow applet in a call of its own with its own time limit, so that a
# stress test (bc's parse and print tests pipe millions of lines through bc twice) neither
# holds up the rest nor loses their results. Naming applets on the command line runs just those.
SLOW=(${BBTEST_SLOW-bc})
SLOW_TIMEOUT="${BBTEST_SLOW_TIMEOUT:-1800}"
if [ ${#APPLETS[@]} -gt 0 ]; then
    PHASES=("${APPLETS[*]}")
    SLOW=()
else
    main="busybox"
    for a in $(sed 's|.*/||' "$ROOT/guest/busybox/busybox.links" | LC_ALL=C sort -u); do
        case " ${SLOW[*]} " in *" $a "*) ;; *) main="$main $a" ;; esac
    done
    PHASES=("$main" "${SLOW[@]}")
fi
# the environment of both runs: forkscope's default one
GUEST_ENV=(PATH=/usr/local/bin:/usr/bin:/bin HOME=/ LANG=C)
# the command both runs give the image's /bin/sh for one phase
runtest_cmd() {
    if [ "${INTMPFS:-}" = 1 ]; then
        echo "mkdir /tmp/bbtest && cp -a /bbtest/. /tmp/bbtest/ && cd /tmp/bbtest/testsuite && exec ./runtest -v $1"
    else
        echo "cd /bbtest/testsuite && exec ./runtest -v $1"
    fi
}
phase_timeout() { if [ "$1" = 0 ]; then echo "$TIMEOUT"; else echo "$SLOW_TIMEOUT"; fi; }

summary() {  # name logfile seconds
    local pass fail skip untested
    pass=$(grep -ac '^PASS: ' "$2" || true)
    fail=$(grep -ac '^FAIL: ' "$2" || true)
    skip=$(grep -ac '^SKIPPED: ' "$2" || true)
    untested=$(grep -ac '^UNTESTED: ' "$2" || true)
    printf '%-10s PASS %4d  FAIL %4d  SKIPPED %4d  UNTESTED %4d  (%s s; log %s)\n' \
        "$1" "$pass" "$fail" "$skip" "$untested" "$3" "${2#$ROOT/}"
    echo "$pass" > "$2.pass"
}

BINFMT_MAGIC='\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00'
BINFMT_MASK='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'

# a statically linked qemu-riscv64: in the chroot there is no x86-64 dynamic loader for it.
# Debian's qemu-user-static has one; without it installed, only that binary is taken from
# the package (apt-get download, the same version as qemu-user), nothing is installed.
static_qemu() {
    local q
    if q="$(command -v qemu-riscv64-static)"; then echo "$q"; return 0; fi
    q="$WORK/qemu-user-static/usr/bin/qemu-riscv64-static"
    if [ ! -x "$q" ]; then
        log "fetching qemu-riscv64-static from Debian's qemu-user-static package"
        local d="$WORK/qemu-user-static"
        rm -rf "$d" && mkdir -p "$d"
        (cd "$d" && apt-get download -qq qemu-user-static >&2 && \
         dpkg-deb --fsys-tarfile qemu-user-static_*.deb | tar -x ./usr/bin/qemu-riscv64-static && \
         rm -f qemu-user-static_*.deb) || { log "could not get qemu-user-static"; return 1; }
    fi
    echo "$q"
}

run_qemu() {
    local qemu
    qemu="$(static_qemu)" || return 1
    prepare qemu
    local rootdir="$WORK/qemu-root"
    rm -rf "$rootdir"
    mkdir -p "$rootdir"
    (cd "$rootdir" && "$qemu" "$BUSYBOX" cpio -idm --quiet < "$IMAGE" 2>/dev/null) || true
    [ -x "$rootdir/bin/busybox" ] || { log "could not unpack $IMAGE"; return 1; }
    mkdir -p "$rootdir/bbtest"
    # qemu preserves argv[0] (binfmt flag P) when its name ends in -binfmt-P
    ln -sf "$qemu" "$WORK/qemu-riscv64-binfmt-P"
    local how
    if unshare -Urm true 2>/dev/null && unshare -Urm sh -c 'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc' 2>/dev/null; then
        how=userns
        log "qemu: chroot in a user+mount namespace with its own binfmt_misc"
    elif [ "$(id -u)" = 0 ] && grep -qs '^enabled' /proc/sys/fs/binfmt_misc/qemu-riscv64; then
        how=host
        log "qemu: chroot with the host's binfmt_misc registration of qemu-riscv64"
    else
        log "qemu: needs unshare -Urm with binfmt_misc in user namespaces (Linux >= 6.7), or root and a registered qemu-riscv64"
        return 1
    fi
    local t0=$SECONDS i=0 rc
    : > "$WORK/qemu.log"
    for phase in "${PHASES[@]}"; do
        local inner="
            set -e
            mount --rbind /proc '$rootdir/proc'
            mount --rbind /dev '$rootdir/dev'
            mount --bind '$WORK/qemu' '$rootdir/bbtest'
            exec chroot '$rootdir' /usr/bin/env -i ${GUEST_ENV[*]} /bin/sh -c '$(runtest_cmd "$phase")'"
        rc=0
        if [ $how = userns ]; then
            timeout "$(phase_timeout $i)" unshare -Urm --propagation private sh -c "
                mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
                printf '%s' ':forkscope-riscv64:M::$BINFMT_MAGIC:$BINFMT_MASK:$WORK/qemu-riscv64-binfmt-P:FP' > /proc/sys/fs/binfmt_misc/register
                $inner" >> "$WORK/qemu.log" 2>&1 < /dev/null || rc=$?
        else
            timeout "$(phase_timeout $i)" unshare -m --propagation private sh -c "$inner" >> "$WORK/qemu.log" 2>&1 < /dev/null || rc=$?
        fi
        [ $rc = 124 ] && log "qemu: '${phase:0:40}' stopped after $(phase_timeout $i) s" && echo "TIMEOUT: ${phase:0:40}" >> "$WORK/qemu.log"
        i=$((i + 1))
    done
    summary qemu "$WORK/qemu.log" $((SECONDS - t0))
}

run_forkscope() {
    local name=${1:-forkscope}
    prepare $name
    local t0=$SECONDS i=0 rc
    : > "$WORK/$name.log"
    for phase in "${PHASES[@]}"; do
        rc=0
        timeout "$(phase_timeout $i)" node "$ROOT/dist/forkscope.mjs" run --image default \
            --clear-env $(printf -- '--env %s ' "${GUEST_ENV[@]}") \
            --mount "$WORK/$name:/bbtest:rw" "$BUSYBOX" sh -c "$(runtest_cmd "$phase")" \
            < /dev/null >> "$WORK/$name.log" 2>&1 || rc=$?
        [ $rc = 124 ] && log "$name: '${phase:0:40}' stopped after $(phase_timeout $i) s" && echo "TIMEOUT: ${phase:0:40}" >> "$WORK/$name.log"
        i=$((i + 1))
    done
    summary $name "$WORK/$name.log" $((SECONDS - t0))
}

case "$MODE" in
    qemu) run_qemu ;;
    forkscope) run_forkscope ;;
    forkscope-tmpfs) INTMPFS=1 run_forkscope forkscope-tmpfs ;;
    both)
        run_qemu
        run_forkscope
        q=$(cat "$WORK/qemu.log.pass"); f=$(cat "$WORK/forkscope.log.pass")
        # the tests that pass under qemu and not under forkscope
        comm -23 <(grep -a '^PASS: ' "$WORK/qemu.log" | sort -u) <(grep -a '^PASS: ' "$WORK/forkscope.log" | sort -u) \
            | sed 's/^PASS: /only under qemu: /' > "$WORK/only-qemu.txt"
        comm -13 <(grep -a '^PASS: ' "$WORK/qemu.log" | sort -u) <(grep -a '^PASS: ' "$WORK/forkscope.log" | sort -u) \
            | sed 's/^PASS: /only under forkscope: /' >> "$WORK/only-qemu.txt"
        cat "$WORK/only-qemu.txt"
        if [ "$f" -lt "$q" ]; then
            log "forkscope passed $f tests, qemu $q"
            exit 1
        fi ;;
esac
