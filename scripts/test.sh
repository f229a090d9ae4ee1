#!/usr/bin/env bash
# Runs every check and test: formatting, lints, unit and integration tests,
# and the OS keyring test inside a private D-Bus session with GNOME Keyring.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test

# Tests never touch the user's own data or config.
export STATION_DATA_DIR="${STATION_DATA_DIR:-$(mktemp -d)}"
export STATION_CONFIG="$STATION_DATA_DIR/no-config.toml"

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== cargo test"
# --all-targets also runs the benchmark binary once, as a smoke test with few flows.
FLOWS=50 cargo test --workspace --all-targets 2>&1 | tee "$STATION_DATA_DIR/test.log"

echo "== keyring test (Secret Service)"
dbus-run-session -- bash -c '
  set -euo pipefail
  # An empty password unlocks a fresh login keyring.
  eval "$(printf "\n" | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  cargo test -p station-core --test keyring -- --ignored
' 2>&1 | tee -a "$STATION_DATA_DIR/test.log"

passed=$(grep -Eo '[0-9]+ passed' "$STATION_DATA_DIR/test.log" | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' "$STATION_DATA_DIR/test.log" | awk '{s+=$1} END {print s+0}')
echo "tests: $passed passed, $failed failed"
