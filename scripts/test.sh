#!/usr/bin/env bash
# README command 2 (and all that .ci/run does): set up what is missing, then run
# every check: format, lints, native tests, engine tests in headless Chromium
# (wasm), the release build with its size budget, and the Playwright end-to-end
# tests against that build served on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1;32m==> %s\033[0m\n' "$*"; }

bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/tests/node_modules/.bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
export CARGO_TERM_COLOR=never

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (host: engine, cli, fuzz; wasm: app) -D warnings"
cargo clippy -p kplay-engine -p kplay-cli -p kplay-fuzz --all-targets -- -D warnings
cargo clippy -p kplay-app --all-targets --target wasm32-unknown-unknown -- -D warnings

step "cargo test (engine, cli, fuzz regressions, app state on the host)"
cargo test -p kplay-engine -p kplay-cli -p kplay-fuzz
cargo test -p kplay-app --lib

step "fuzz smoke run"
bash scripts/fuzz.sh --smoke

step "engine and app tests compiled to wasm, in headless Chromium"
# Every engine test file runs here too (each case written once, run natively
# above and here in the browser), except the host-only ones: proptest files
# marked #![cfg(not(target_arch = "wasm32"))].
for t in engine/tests/*.rs; do
  if grep -q '^#!\[cfg(not(target_arch = "wasm32"))\]' "$t"; then continue; fi
  cargo test -p kplay-engine --target wasm32-unknown-unknown --test "$(basename "$t" .rs)"
done
cargo test -p kplay-app --target wasm32-unknown-unknown --test wasm

step "release build (trunk, wasm-opt) with the size ceiling, at / and as a Pages project site"
bash scripts/build.sh
# The same build under /kplay/ (how GitHub Pages serves a project site);
# tests/e2e/pages.test.mjs drives it on a *.github.io host name.
bash scripts/build.sh --public-url /kplay/ --dist dist-pages

step "end-to-end tests (Playwright + /usr/bin/chromium)"
(cd tests && node --test --test-concurrency=1 e2e/)
