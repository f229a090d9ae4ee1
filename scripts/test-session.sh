#!/usr/bin/env bash
# The tests that run stations, inside the D-Bus session scripts/test.sh made:
# an unlocked GNOME Keyring holds each station's database key.
set -euo pipefail
cd "$(dirname "$0")/.."
log="$STATION_TEST_LOG"
# An empty password unlocks a fresh login keyring.
eval "$(printf "\n" | gnome-keyring-daemon --unlock --components=secrets)"

echo "== cargo test, with the benchmarks once each as smoke tests at small sizes"
# The benchmarks build in the same invocation as the tests, so they share
# its feature resolution and nothing is compiled twice. scripts/listener-load.sh
# and the commands in README.md's Development section run them in full.
FLOWS=50 LOAD_IDLE=20 LOAD_FORGED=50 LOAD_SECS=5 ROSTER_ROWS=2000 ROSTER_QUERIES=200 TICKET_BENCH_FRAMES=5 \
  cargo test --workspace --lib --bins --tests --bench flows --bench listener_load --bench roster --bench ticket 2>&1 | tee "$log"

echo "== end-to-end tests (the window under Xvfb, through tauri-driver)"
# Skipped until fixed (issue 13's note): back on the photo step after its
# idle timeout, the kiosk shows no camera (the webcam is not yet free).
xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test -p issuance-station --test e2e -- --ignored --test-threads=1 \
    --skip kiosk::every_step_times_out_to_the_attract_screen_and_forgets_the_visitor 2>&1 | tee -a "$log"

