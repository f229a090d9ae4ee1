#!/usr/bin/env bash
# Runs the Issuance Station window. With no config file it uses the built-in
# sandbox. Extra arguments go to the app (e.g. --kiosk).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo run --quiet --release -p issuance-station -- "$@"
