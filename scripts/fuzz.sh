#!/usr/bin/env bash
# Fuzz every kplay-fuzz target (fuzz/README.md).
#
#   bash scripts/fuzz.sh            10,000,000 executions per target (release build)
#   bash scripts/fuzz.sh --smoke    20,000 executions per target (a few seconds each)
#
# Extra arguments go to kplay-fuzz (e.g. --seed 7, --max-len 8192). Each
# target prints its executions, seconds, executions/s and crashes; crashing
# inputs are minimised into fuzz/regressions/<target>/, and the exit status
# is non-zero when any target crashed or hung.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--smoke" ]]; then
  shift
  # Debug build, shared with `cargo test`: no extra compile in scripts/test.sh.
  cargo build -q -p kplay-fuzz
  exec target/debug/kplay-fuzz all --iterations 20000 "$@"
fi
# The release profile is size-optimised with panic=abort for the wasm app;
# the fuzzer must catch panics, so it builds with unwinding and opt-level 3,
# in its own target directory.
export CARGO_PROFILE_RELEASE_PANIC=unwind
export CARGO_PROFILE_RELEASE_OPT_LEVEL=3
export CARGO_PROFILE_RELEASE_LTO=thin
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target/fuzz}"
cargo build -q -p kplay-fuzz --release
"$CARGO_TARGET_DIR/release/kplay-fuzz" all --iterations 10000000 "$@"
