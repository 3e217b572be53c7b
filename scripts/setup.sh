#!/usr/bin/env bash
# Installs what kplay's build and tests need, skipping whatever is present.
# Safe to run any number of times. Everything comes from the registries this
# project may use (crates.io, npm, Debian); nothing downloads a prebuilt binary.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

TRUNK_VERSION=0.21.14   # 0.22 needs rustc >= 1.96 (see shared TOOLCHAIN notes)
export PATH="$HOME/.cargo/bin:$ROOT/tests/node_modules/.bin:$PATH"

# 1. The wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2. Trunk at the pinned version.
if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
  log "cargo install trunk $TRUNK_VERSION (takes a few minutes once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# 3. wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock.
if [ ! -f Cargo.lock ]; then cargo generate-lockfile; fi
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if [ -z "$WBG_VERSION" ]; then echo "setup: cannot find wasm-bindgen in Cargo.lock" >&2; exit 1; fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WBG_VERSION\$"; then
  # --locked fails for wasm-bindgen-cli (its lockfile pins a yanked crate).
  log "cargo install wasm-bindgen-cli $WBG_VERSION"
  cargo install wasm-bindgen-cli --version "$WBG_VERSION" --force
fi

# 4. Debian's Chromium and ChromeDriver (never a downloaded browser).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  log "apt-get install chromium chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# 5. What the CLI's rdkafka dependency builds librdkafka with (its bundled
#    source): a C compiler, make, pkg-config and zlib's headers. The machine
#    image has them; install only if one is missing.
if ! command -v cc >/dev/null || ! command -v make >/dev/null || ! command -v pkg-config >/dev/null \
   || [ ! -f /usr/include/zlib.h ]; then
  log "apt-get install build-essential pkg-config zlib1g-dev (for librdkafka)"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq build-essential pkg-config zlib1g-dev >/dev/null
fi

# 6. npm dev dependencies of tests/: playwright-core (no browser download) and
#    binaryen 132 (wasm-opt; Debian's binaryen 108 corrupts Rust 1.95 output).
if [ ! -x tests/node_modules/.bin/wasm-opt ] || [ ! -d tests/node_modules/playwright-core ] \
   || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
  log "npm ci in tests/"
  (cd tests && npm ci --no-audit --no-fund --loglevel=error)
fi

log "ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}'), $(/usr/bin/chromium --version 2>/dev/null | head -n1)"
