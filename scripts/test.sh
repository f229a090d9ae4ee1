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
echo "== declared MSRV against the locked dependencies"
python3 scripts/check-msrv.py
echo "== cargo deny (licences, bans, sources)"
cargo deny --locked check --hide-inclusion-graph licenses bans sources
echo "== cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== cargo test"
cargo test --workspace --lib --bins --tests 2>&1 | tee "$log"
echo "== engine benchmark, once, as a smoke test with few flows"
FLOWS=50 cargo test -p station --bench flows 2>&1 | tee -a "$log"
echo "== callback listener load benchmark, as a smoke test (scripts/listener-load.sh runs it in full)"
LOAD_IDLE=20 LOAD_FORGED=50 LOAD_SECS=5 cargo test -p station-core --bench listener_load 2>&1 | tee -a "$log"

echo "== keyring test (Secret Service)"
dbus-run-session -- bash -c '
  set -euo pipefail
  # An empty password unlocks a fresh login keyring.
  eval "$(printf "\n" | gnome-keyring-daemon --unlock --components=secrets)"
  cargo test -p station-core --test keyring -- --ignored
' 2>&1 | tee -a "$log"

echo "== the build left the generated Tauri files as committed"
git diff --exit-code --stat -- gen permissions
untracked=$(git ls-files --others --exclude-standard -- gen permissions)
[ -z "$untracked" ] || { echo "the build made files that are not committed: $untracked" >&2; exit 1; }

echo "== end-to-end tests (the window under Xvfb, through tauri-driver)"
xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test -p issuance-station --test e2e -- --ignored --test-threads=1 2>&1 | tee -a "$log"

passed=$(grep -Eo '[0-9]+ passed' "$log" | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
echo "tests: $passed passed, $failed failed"
