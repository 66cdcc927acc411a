#!/usr/bin/env bash
# The package as a registry would ship it: `npm pack`, install the tarball into an empty
# project elsewhere, and run `npx forkscope` (its bin must work without a build step there).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$ROOT"
tgz="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund "./$tgz"
out="$(npx --no-install forkscope run "$ROOT/guest/bin/hello")"
[ "$out" = "hello, world" ] || { echo "check-pack: npx forkscope printed '$out'" >&2; exit 1; }
npx --no-install forkscope --version
echo "check-pack: ok ($tgz)"
