#!/usr/bin/env bash
# The callback listener under attack: 2,000 idle sockets and a stream of
# forged and oversized callbacks against the station's listener on
# 127.0.0.1, while real issuances against the in-process sandbox complete.
# Prints the station process's fds and RSS before, during and after, and the
# issuances' latency. Bounded: LOAD_SECS (default 20) of traffic, then it
# stops by itself. Smaller runs: LOAD_IDLE=20 LOAD_FORGED=50 LOAD_SECS=5.
set -euo pipefail
cd "$(dirname "$0")/.."

# The attacker process holds LOAD_IDLE sockets of its own; the common soft
# limit of 1024 is too few for it (the station itself stays under its cap).
want=$(( ${LOAD_IDLE:-2000} + 512 ))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
    ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi

exec cargo test -p station-core --bench listener_load "$@"
