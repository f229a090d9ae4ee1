#!/usr/bin/env bash
# Idle cost of the window (release build, sandbox, Home screen, under Xvfb):
# proportional memory (PSS) of the app and its WebKit processes after IDLE_SECS
# (default 600), and their CPU share over the last 60 seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
idle=${IDLE_SECS:-600}
binary=target/release/issuance-station
[ -x "$binary" ] || cargo build --release -p issuance-station
data=$(mktemp -d)
printf '[station]\nuse_sandbox = true\n' > "$data/station.toml"
export STATION_CONFIG="$data/station.toml" STATION_DATA_DIR="$data"

xvfb-run -a -s "-screen 0 1280x800x24" "$binary" >/dev/null 2>&1 &
runner=$!
trap 'kill $runner 2>/dev/null || true; pkill -f "$PWD/$binary" 2>/dev/null || true' EXIT
sleep 5
app=$(pgrep -f "^$binary|/$binary" | head -n 1)

processes() { echo "$app" $(pgrep -P "$app" || true); }
ticks() { for p in $(processes); do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done | awk '{s+=$1} END {print s+0}'; }
pss_kib() { for p in $(processes); do awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null; done | awk '{s+=$1} END {print s+0}'; }

sleep $((idle > 60 ? idle - 60 : 0))
before=$(ticks)
sleep 60
after=$(ticks)
hz=$(getconf CLK_TCK)
echo "idle after ${idle}s: memory $(( $(pss_kib) / 1024 )) MiB PSS (shared pages split between processes; app + WebKit processes: $(processes | wc -w)), CPU $(awk -v t=$((after - before)) -v hz="$hz" 'BEGIN {printf "%.2f", 100 * t / hz / 60}') % of one core over the last 60 s"
