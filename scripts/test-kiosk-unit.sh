#!/usr/bin/env bash
# Runs the kiosk unit (packaging/kiosk) for real: install.sh installs it into
# an image root, systemd-analyze verifies it, and a real systemd manager runs
# it with cage's headless backend. The station must start (its window app
# running, its callback listener answering on the port its log file names),
# and come back by Restart=always after kill -9 of the app, and of cage.
#
#   scripts/test-kiosk-unit.sh [path/to/issuance-station]   (default target/debug/)
#
# PID 1 here may not be systemd (a container), so the manager is a
# `systemd --user` instance of root's, in a private mount namespace whose
# /run/systemd/system says "booted with systemd" (systemd refuses to start
# otherwise); nothing outside the namespace sees that. A drop-in replaces only
# what needs a seat, logind and the kiosk user (listed in it, with why); the
# ExecStart, Restart and hardening lines run as installed.
set -euo pipefail
cd "$(dirname "$0")/.."
unit=issuance-station-kiosk.service

if [ "${1:-}" != "--in-namespace" ]; then
  binary="$(realpath "${1:-target/debug/issuance-station}")"
  [ -x "$binary" ] || { echo "no window app at $binary: cargo build -p issuance-station" >&2; exit 1; }
  for tool in cage Xwayland dbus-run-session systemd-analyze curl; do
    command -v "$tool" >/dev/null || { echo "missing $tool: bash scripts/install-deps.sh --test" >&2; exit 1; }
  done
  if [ "$(id -u)" -ne 0 ]; then exec sudo -E bash "$0" "$@"; fi
  # Not under /tmp: the unit's PrivateTmp hides it.
  mkdir -p target
  work="$(mktemp -d "$PWD/target/kiosk-unit.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  status=0
  unshare --mount --propagation private bash "$0" --in-namespace "$binary" "$work" || status=$?
  exit "$status"
fi

binary="$2"
work="$3"
passed=0
failed=0
pass() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAILED: $*"; failed=$((failed + 1)); }
elapsed() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }
finish() {
  echo "kiosk unit: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

# The unit's own files, installed as into a machine's image.
root="$work/root"
bash packaging/kiosk/install.sh --root "$root" --binary "$binary" >"$work/install.log" 2>&1 \
  || { cat "$work/install.log"; fail "install.sh --root"; finish; exit 1; }
installed="$root/etc/systemd/system/$unit"
[ -L "$root/etc/systemd/system/multi-user.target.wants/$unit" ] && pass "install.sh enabled the unit" \
  || fail "install.sh did not enable the unit"
grep -q '^kiosk:' "$root/etc/passwd" && pass "install.sh made the kiosk user" || fail "no kiosk user in the image"
[ "$(stat -c %a "$root/etc/issuance-station/kiosk.env")" = 600 ] && pass "the key file is root-only" \
  || fail "kiosk.env is not mode 600"
before="$(sha256sum "$root/etc/issuance-station/kiosk.env")"
bash packaging/kiosk/install.sh --root "$root" --binary "$binary" >/dev/null 2>&1
[ "$before" = "$(sha256sum "$root/etc/issuance-station/kiosk.env")" ] && pass "a second install keeps the database key" \
  || fail "a second install changed kiosk.env"

verify="$(systemd-analyze verify "$installed" 2>&1)" || true
[ -z "$verify" ] && pass "systemd-analyze verify says nothing" || fail "systemd-analyze verify: $verify"
exposure="$(systemd-analyze security --offline=yes "$installed" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')"
echo "systemd-analyze security: exposure $exposure (0 = locked down, 10 = not at all)"

# A real systemd manager, in this mount namespace only.
mount -t tmpfs tmpfs /run/systemd
mkdir /run/systemd/system
home="$work/home"
mkdir -p "$home/.config/systemd/user/$unit.d" "$work/run"
chmod 755 "$work" "$home" "$home/.config"
# The manager's runtime directory: the unit's user must reach its own inside.
chmod 711 "$work/run"
export XDG_RUNTIME_DIR="$work/run"
env -i HOME="$home" XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  /lib/systemd/systemd --user >"$work/manager.log" 2>&1 &
manager=$!
stop_manager() {
  systemctl --user stop "$unit" >/dev/null 2>&1 || true
  kill "$manager" 2>/dev/null || true
  wait "$manager" 2>/dev/null || true
}
trap stop_manager EXIT
for _ in $(seq 100); do
  case "$(systemctl --user is-system-running 2>/dev/null)" in running|degraded) break ;; esac
  sleep 0.1
done

cp "$installed" "$home/.config/systemd/user/$unit"
in_root() { sed -n "s|^$1=||p" "$installed" | sed "s|$2|$root$2|"; }
cat >"$home/.config/systemd/user/$unit.d/headless-test.conf" <<EOF
# What this machine lacks, replaced for the test only.
[Unit]
ConditionPathExists=
[Service]
# No kiosk user here (cage refuses to run as root): nobody, as unprivileged.
User=nobody
# No logind, no seat, no VT to take: no PAM session, no tty.
PAMName=
TTYPath=
TTYReset=no
TTYVHangup=no
TTYVTDisallocate=no
StandardInput=null
UtmpIdentifier=
StandardOutput=append:$work/unit.log
StandardError=append:$work/unit.log
# The PAM session's runtime directory (/run/user/<uid>) in production.
RuntimeDirectory=issuance-station-kiosk
RuntimeDirectoryMode=0700
Environment=XDG_RUNTIME_DIR=%t/issuance-station-kiosk
# No mount or UTS namespaces for services in this container (systemd
# fails them as 226/NAMESPACE): what needs them is left to
# systemd-analyze security above; the rest of the hardening stays on.
ProtectSystem=no
PrivateTmp=no
InaccessiblePaths=
ProtectKernelTunables=no
ProtectKernelModules=no
ProtectKernelLogs=no
ProtectControlGroups=no
ProtectHostname=no
ProtectClock=no
# cage without a screen, a GPU or input devices.
Environment=WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman
# The installed unit's absolute paths, inside the image root.
ExecStart=
ExecStart=$(in_root ExecStart /usr/local/bin/issuance-station)
EnvironmentFile=
EnvironmentFile=$root/etc/issuance-station/kiosk.env
Environment=STATION_CONFIG=$root/etc/issuance-station/station.toml
EOF
systemctl --user daemon-reload
systemctl --user start "$unit"

log_dir="$home/.config/issuance-station/logs"
ready_count() { cat "$log_dir"/station.log.* 2>/dev/null | grep -c "callback listener ready" || true; }
# Waits until the unit runs a new cage ($1: the previous one) whose child is
# the window app, and the station's log says a new listener is ready ($2:
# how many were before) and it answers. Prints cage's and the app's pids.
wait_for_station() {
  local old_cage="$1" old_ready="$2" main cage app addr
  for _ in $(seq 300); do
    main="$(systemctl --user show -p MainPID --value "$unit")"
    cage="$(pgrep -P "$main" -x cage | head -n1 || true)"
    app=""
    [ -n "$cage" ] && app="$(pgrep -P "$cage" -f "$root/usr/local/bin/issuance-station" | head -n1 || true)"
    if [ -n "$app" ] && [ "$cage" != "$old_cage" ] && [ "$(ready_count)" -gt "$old_ready" ]; then
      addr="$(cat "$log_dir"/station.log.* | grep "callback listener ready" | tail -n1 \
        | sed -n 's/.*local_addr=\([0-9.:]*\).*/\1/p')"
      if curl -s -o /dev/null -m 2 "http://$addr/"; then
        echo "$cage $app"
        return 0
      fi
    fi
    sleep 0.1
  done
  return 1
}

start=$(date +%s.%N)
if pids="$(wait_for_station "" 0)"; then
  pass "the unit started cage and the window app, and the station answers ($(elapsed "$start") s)"
else
  fail "the station did not start within 30 s"
  tail -n 30 "$work/unit.log" || true
  systemctl --user status --no-pager "$unit" 2>&1 | tail -n 15 || true
  tail -n 15 "$work/manager.log" || true
  finish
  exit 1
fi
read -r cage app <<<"$pids"
ps -o user= -p "$app" | grep -qx nobody && pass "the app runs as the unit's user" || fail "the app is not the unit's user's"

for victim in app cage; do
  restarts="$(systemctl --user show -p NRestarts --value "$unit")"
  ready="$(ready_count)"
  kill -9 "${!victim}"
  start=$(date +%s.%N)
  if pids="$(wait_for_station "$cage" "$ready")"; then
    secs="$(elapsed "$start")"
    after="$(systemctl --user show -p NRestarts --value "$unit")"
    if [ "$after" -gt "$restarts" ]; then
      pass "kill -9 of the $victim: systemd restarted the unit and the station answers again in $secs s"
    else
      fail "the station came back after kill -9 of the $victim, but not by systemd (NRestarts $restarts → $after)"
    fi
    read -r cage app <<<"$pids"
  else
    fail "kill -9 of the $victim: the station did not come back within 30 s"
    tail -n 30 "$work/unit.log" || true
  fi
done

finish
