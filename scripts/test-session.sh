#!/usr/bin/env bash
# The tests that run stations, inside the D-Bus session scripts/test.sh made:
# an unlocked GNOME Keyring holds each station's database key.
set -euo pipefail
cd "$(dirname "$0")/.."
log="$STATION_TEST_LOG"
# An empty password unlocks a fresh login keyring.
eval "$(printf "\n" | gnome-keyring-daemon --unlock --components=secrets)"

echo "== cargo test"
cargo test --workspace --lib --bins --tests 2>&1 | tee "$log"
echo "== engine benchmark, once, as a smoke test with few flows"
FLOWS=50 cargo test -p station --bench flows 2>&1 | tee -a "$log"
echo "== callback listener load benchmark, as a smoke test (scripts/listener-load.sh runs it in full)"
LOAD_IDLE=20 LOAD_FORGED=50 LOAD_SECS=5 cargo test -p station-core --bench listener_load 2>&1 | tee -a "$log"

echo "== keyring test (Secret Service)"
cargo test -p station-core --test keyring -- --ignored 2>&1 | tee -a "$log"

echo "== end-to-end tests (the window under Xvfb, through tauri-driver)"
xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test -p issuance-station --test e2e -- --ignored --test-threads=1 2>&1 | tee -a "$log"

