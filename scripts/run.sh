#!/usr/bin/env bash
# Runs the Issuance Station. With no config file it uses the built-in sandbox.
# Extra arguments go to the station, e.g. `bash scripts/run.sh issue --template badge --claim given_name=Megan --claim family_name=Bowen`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo run --quiet --release -p station -- "$@"
