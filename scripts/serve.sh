#!/usr/bin/env bash
# README command 1: set up what is missing, build the app, serve it on http://127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/tests/node_modules/.bin:$PATH"
exec trunk serve --release --address 127.0.0.1 --port 8080 "$@"
