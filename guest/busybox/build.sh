#!/usr/bin/env bash
# Build busybox from Debian's source package as a static riscv64 executable
# with the committed configuration (guest/busybox/busybox.config), and copy the
# binary, its LICENSE and AUTHORS, and busybox.links (the path of every applet,
# as `busybox --list-full` prints them) next to this script.
#
#   bash guest/busybox/build.sh            # fetch (once), configure, build, install
#   bash guest/busybox/build.sh --source   # only fetch and unpack the source
#   bash guest/busybox/build.sh --check    # build and fail if the result differs
#                                          # from the committed binary
#
# The source is fetched with `apt-get source busybox` into $BUSYBOX_SRC_DIR
# (default guest/busybox/.src, git-ignored).  If apt has no deb-src entry, one
# is added next to the existing deb entries (needs root).  When the source is
# already unpacked and built, a run only re-links nothing and takes a second;
# a build from scratch takes about 2.5 minutes on a 2-core machine.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC_ROOT="${BUSYBOX_SRC_DIR:-$HERE/.src}"
CROSS="${CROSS_COMPILE:-riscv64-linux-gnu-}"
MODE="${1:-build}"

log() { echo "busybox/build.sh: $*" >&2; }

# --- 1. apt source lines ----------------------------------------------------
have_deb_src() {
    grep -rqsE '^[[:space:]]*deb-src[[:space:]]|^Types:.*deb-src' \
        /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}

add_deb_src() {
    if [ "$(id -u)" != 0 ]; then
        log "apt has no deb-src entry and this is not root; add one, e.g."
        log "  sed 's/^Types: deb\$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources"
        exit 1
    fi
    local out=/etc/apt/sources.list.d/forkscope-deb-src.sources
    : > "$out.tmp"
    # deb822 files: copy each stanza whose Types is "deb", as deb-src.
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && [ "$f" != "$out" ] || continue
        awk 'BEGIN { RS = ""; ORS = "\n\n" }
             /(^|\n)Types:[ \t]*deb[ \t]*(\n|$)/ {
                 sub(/Types:[ \t]*deb[ \t]*(\n|$)/, "Types: deb-src\n"); print }' "$f" >> "$out.tmp"
    done
    # one-line format
    if [ -f /etc/apt/sources.list ]; then
        sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list > "$out.list.tmp"
        if [ -s "$out.list.tmp" ]; then
            mv "$out.list.tmp" /etc/apt/sources.list.d/forkscope-deb-src.list
        else
            rm -f "$out.list.tmp"
        fi
    fi
    if [ -s "$out.tmp" ]; then mv "$out.tmp" "$out"; else rm -f "$out.tmp"; fi
    log "added deb-src entries; running apt-get update"
    apt-get update -qq
}

# --- 2. source --------------------------------------------------------------
find_src() {
    # The unpacked source directory (busybox-VERSION), if any.
    local d
    for d in "$SRC_ROOT"/busybox-*/; do
        [ -f "$d/Makefile" ] && [ -f "$d/debian/changelog" ] && { echo "${d%/}"; return 0; }
    done
    return 1
}

fetch_src() {
    if SRC="$(find_src)"; then return 0; fi
    command -v apt-get >/dev/null || { log "apt-get not found"; exit 1; }
    command -v dpkg-source >/dev/null || { log "dpkg-source not found (apt-get install dpkg-dev)"; exit 1; }
    have_deb_src || add_deb_src
    mkdir -p "$SRC_ROOT"
    log "fetching Debian's busybox source into $SRC_ROOT"
    # apt-get drops privileges to _apt when it can; the target directory
    # is ours, so allow the unsandboxed download without a warning storm.
    if ! (cd "$SRC_ROOT" && apt-get source -qq busybox); then
        log "apt-get source failed; maybe run: apt-get update"
        exit 1
    fi
    SRC="$(find_src)" || { log "no busybox source after apt-get source"; exit 1; }
}

fetch_src
[ "$MODE" = --source ] && { echo "$SRC"; exit 0; }

# --- 3. configure and build ---------------------------------------------------
command -v "${CROSS}gcc" >/dev/null || {
    log "${CROSS}gcc not found; install gcc-riscv64-linux-gnu libc6-dev-riscv64-cross"
    exit 1
}

DEB_VERSION="$(dpkg-parsechangelog -l "$SRC/debian/changelog" -S Version 2>/dev/null \
               || sed -n '1s/.*(\(.*\)).*/\1/p' "$SRC/debian/changelog")"
log "source $SRC (Debian $DEB_VERSION)"

# Reproducible: no timestamps, no host paths in the output.
export SOURCE_DATE_EPOCH=0 KCONFIG_NOTIMESTAMP=1 LC_ALL=C TZ=UTC
export KBUILD_BUILD_USER=forkscope KBUILD_BUILD_HOST=forkscope
MAKEVARS=(CROSS_COMPILE="$CROSS" BB_EXTRA_VERSION="Debian $DEB_VERSION"
          CONFIG_EXTRA_CFLAGS="-ffile-prefix-map=$SRC=busybox")

if ! cmp -s "$HERE/busybox.config" "$SRC/.config"; then
    cp "$HERE/busybox.config" "$SRC/.config"
    # Same version as the config was written for: oldconfig asks nothing.
    # A newer source would ask about new symbols; take their defaults.
    make -C "$SRC" -s "${MAKEVARS[@]}" oldconfig < <(yes '') >/dev/null
    if ! diff -q <(grep '^CONFIG_\|^# CONFIG_' "$HERE/busybox.config") \
                 <(grep '^CONFIG_\|^# CONFIG_' "$SRC/.config") >/dev/null; then
        log "warning: oldconfig changed the configuration (new source version?)"
        diff <(grep '^CONFIG_\|^# CONFIG_' "$HERE/busybox.config") \
             <(grep '^CONFIG_\|^# CONFIG_' "$SRC/.config") | head -20 >&2 || true
    fi
fi

start=$(date +%s)
# Upstream's Makefile cannot take several targets in one parallel make
# (debian/rules says the same), so build the binary alone.
make -C "$SRC" -s -j"$(nproc)" "${MAKEVARS[@]}" busybox
# where each applet goes (what `busybox --list-full` prints), for the image builder
make -C "$SRC" -s "${MAKEVARS[@]}" busybox.links
log "make took $(( $(date +%s) - start )) s"

# --- 4. install next to this script ---------------------------------------------
if [ "$MODE" = --check ]; then
    if cmp -s "$SRC/busybox" "$HERE/busybox"; then
        log "binary matches the committed one"; exit 0
    fi
    log "binary differs from the committed guest/busybox/busybox"; exit 1
fi
install_if_changed() {  # src dst mode
    if ! cmp -s "$1" "$2"; then
        cp "$1" "$2.tmp" && chmod "$3" "$2.tmp" && mv -f "$2.tmp" "$2"
        log "updated ${2#$HERE/}"
    fi
}
install_if_changed "$SRC/busybox" "$HERE/busybox" 755
install_if_changed "$SRC/LICENSE" "$HERE/LICENSE" 644
install_if_changed "$SRC/AUTHORS" "$HERE/AUTHORS" 644
LC_ALL=C sort "$SRC/busybox.links" > "$SRC/busybox.links.sorted"
install_if_changed "$SRC/busybox.links.sorted" "$HERE/busybox.links" 644
printf 'busybox %s (Debian source package busybox %s)\n' \
    "$(sed -n 's/^# Busybox version: //p' "$HERE/busybox.config")" "$DEB_VERSION" > "$SRC/.forkscope-version"
install_if_changed "$SRC/.forkscope-version" "$HERE/VERSION" 644
