#!/usr/bin/env bash
# Release build of the app into dist/, then print the gzipped size of what ships.
# Usage: scripts/build.sh [--public-url /kplay/]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/tests/node_modules/.bin:$PATH"
trunk build --release "$@"
wasm=$(ls dist/*.wasm | head -n1)
js=$(ls dist/*.js | head -n1)
wasm_gz=$(gzip -9 -c "$wasm" | wc -c)
js_gz=$(gzip -9 -c "$js" | wc -c)
total_gz=0
for f in dist/*; do [ -f "$f" ] && total_gz=$((total_gz + $(gzip -9 -c "$f" | wc -c))); done
echo "release wasm: $(wc -c < "$wasm") bytes raw, ${wasm_gz} bytes gzipped; js glue ${js_gz} bytes gzipped; whole dist/ ${total_gz} bytes gzipped"
# The budget (issue 2): the whole app under 350 KB gzipped. It is exceeded today
# (see README "Size"); the build says so loudly rather than hiding it, and fails
# only when KPLAY_ENFORCE_SIZE_BUDGET=1, until the app is brought back under it.
budget=$((350 * 1000))
if [ "$total_gz" -gt "$budget" ]; then
  echo "SIZE BUDGET EXCEEDED: dist/ is ${total_gz} bytes gzipped, $((total_gz - budget)) over the 350 KB budget" >&2
  if [ "${KPLAY_ENFORCE_SIZE_BUDGET:-0}" = "1" ]; then exit 1; fi
fi
