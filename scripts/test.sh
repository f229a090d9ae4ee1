#!/usr/bin/env bash
# Runs every check and test: formatting, lints, unit and integration tests,
# the OS keyring test inside a private D-Bus session with GNOME Keyring, and
# the end-to-end tests of the real window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# Tests never touch the user's own data or config.
export STATION_DATA_DIR="${STATION_DATA_DIR:-$(mktemp -d)}"
export STATION_CONFIG="$STATION_DATA_DIR/station.toml"
printf '[station]\nuse_sandbox = true\n' > "$STATION_CONFIG"
log="$STATION_DATA_DIR/test.log"

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== UI import graph (one way, no cycle)"
node scripts/check-ui-imports.mjs
echo "== the window's key filter (src-tauri/lockdown.js)"
node --test src-tauri/lockdown.test.mjs
echo "== UI words (each .ftl parses, each language has English's messages, each id the page asks for exists)"
node scripts/check-ui-l10n.mjs 2>&1 | tee -a "$log"
echo "== declared MSRV against the locked dependencies"
python3 scripts/check-msrv.py
echo "== cargo deny (licences, bans, sources)"
cargo deny --locked check --hide-inclusion-graph licenses bans sources
echo "== cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings
# Everything that runs a station runs inside a private D-Bus session with
# GNOME Keyring, as on a desktop: the station keeps its database key in the
# OS keyring.
export STATION_TEST_LOG="$log"
dbus-run-session -- bash scripts/test-session.sh

echo "== the kiosk unit under systemd and cage, headless (packaging/kiosk)"
bash scripts/test-kiosk-unit.sh target/debug/issuance-station 2>&1 | tee -a "$log"

echo "== accessibility (axe-core in headless Chromium)"
node tests/a11y/run.mjs 2>&1 | tee -a "$log"

echo "== the build left the generated Tauri files as committed"
git diff --exit-code --stat -- gen permissions
untracked=$(git ls-files --others --exclude-standard -- gen permissions)
[ -z "$untracked" ] || { echo "the build made files that are not committed: $untracked" >&2; exit 1; }

passed=$(grep -Eo '[0-9]+ passed' "$log" | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
echo "tests: $passed passed, $failed failed"
