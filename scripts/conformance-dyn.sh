#!/usr/bin/env bash
# The whole conformance suite with its dynamically linked build (conformance/bin/conform-riscv64-dyn,
# a PIE using the riscv64 sysroot's ld.so and libc.so.6): every test must print what the static
# build and the native kernel print (conformance/expected). npm test runs a subset of it
# (test/dynamic.test.ts); CI runs all of it with this script.
#   bash scripts/conformance-dyn.sh          (after npm run build; needs libc6-riscv64-cross)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/test/conformance.test.js ] || npm run build --silent
FORKSCOPE_CONFORM_DYN=1 FORKSCOPE_REQUIRE_SYSROOT=1 node --test dist/test/conformance.test.js
