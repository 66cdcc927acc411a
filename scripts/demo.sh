#!/usr/bin/env bash
# npm run demo: hello with a syscall trace, then fork/copy-on-write with the process tree.
set -euo pipefail
cd "$(dirname "$0")/.."
fs() { node dist/forkscope.mjs "$@"; }
echo "== forkscope run --trace guest/bin/hello"
fs run --trace guest/bin/hello
echo
echo "== forkscope run --tree guest/bin/forkcow   (first 12 lines of its output, then the tree)"
# the whole run, its output shortened afterwards (a pipe to head would end it early with SIGPIPE)
fs run --tree guest/bin/forkcow >/tmp/forkscope-demo-out.txt 2>/tmp/forkscope-demo-tree.txt
head -12 /tmp/forkscope-demo-out.txt
echo "..."
head -8 /tmp/forkscope-demo-tree.txt
echo "..."
tail -1 /tmp/forkscope-demo-tree.txt
rm -f /tmp/forkscope-demo-out.txt /tmp/forkscope-demo-tree.txt
