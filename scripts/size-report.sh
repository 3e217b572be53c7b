#!/usr/bin/env bash
# Where the release wasm's bytes go (for a size pass; not part of the tests).
# Builds the app's release wasm exactly as Trunk does (same profile and
# rustflags), keeps the function names, runs wasm-opt -Oz, and prints:
#   - the shipped size (names stripped), raw and gzipped;
#   - shallow bytes per crate / app module (twiggy, names kept);
#   - the largest functions.
# Installs twiggy with `cargo install --locked twiggy` if it is missing.
# Usage: scripts/size-report.sh [N largest functions, default 40]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/tests/node_modules/.bin:$PATH"
top_n="${1:-40}"
command -v twiggy >/dev/null || cargo install --locked twiggy
command -v wasm-opt >/dev/null || { echo "wasm-opt missing: run scripts/setup.sh" >&2; exit 1; }
out=target/size-report
mkdir -p "$out"
cargo build -q -p kplay-app --release --target wasm32-unknown-unknown
wasm-bindgen --target web --keep-debug --out-dir "$out" target/wasm32-unknown-unknown/release/kplay-app.wasm
features="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals"
# shellcheck disable=SC2086
wasm-opt -Oz -g $features "$out/kplay-app_bg.wasm" -o "$out/named.wasm"
# shellcheck disable=SC2086
wasm-opt $features --strip-debug --strip-producers "$out/named.wasm" -o "$out/shipped.wasm"
echo "shipped wasm: $(wc -c < "$out/shipped.wasm") bytes raw, $(gzip -9 -c "$out/shipped.wasm" | wc -c) bytes gzipped"
twiggy top -n 1000000 --format csv "$out/named.wasm" > "$out/top.csv"
python3 - "$out/top.csv" "$top_n" <<'PY'
import collections, csv, re, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if "subsection" not in r["Name"]]
by_owner = collections.Counter()
for r in rows:
    name, size = r["Name"], int(r["ShallowSize"])
    if name.startswith("kplay_app::"):
        owner = "::".join(name.split("::")[:3])
    elif name.startswith("<F as leptos_router"):
        owner = "page bodies (inlined into leptos_router's ChooseView)"
    elif "sort::" in name:
        owner = "std sorts"
    else:
        m = re.match(r"^<?&?(?:mut )?([A-Za-z_][A-Za-z0-9_]*)", name)
        owner = m.group(1) if m else name[:40]
    by_owner[owner] += size
print(f"\n{'bytes':>9}  owner (shallow, names kept; {sum(by_owner.values())} total)")
for owner, size in by_owner.most_common(30):
    print(f"{size:9d}  {owner}")
print(f"\n{'bytes':>9}  largest functions")
for r in rows[: int(sys.argv[2])]:
    print(f"{int(r['ShallowSize']):9d}  {re.sub(r'::h[0-9a-f]{16}$', '', r['Name'])[:150]}")
PY
