#!/usr/bin/env bash
# Installs Issuance Station as a kiosk: the window app alone on tty1 under the
# cage compositor, as the unprivileged user `kiosk`, started at boot and again
# whenever it stops (issuance-station-kiosk.service). Idempotent: run it again
# to update the app or the unit; the config, the database key and the data
# are kept.
#
#   install.sh --binary target/release/issuance-station [--config station.toml]
#   install.sh --uninstall            (keeps /etc/issuance-station, the data and the user)
#
#   --binary PATH   the window app; copied to /usr/local/bin/issuance-station
#                   unless it is already under /usr/ (from a package).
#                   Default: /usr/bin/issuance-station
#   --config FILE   install FILE as /etc/issuance-station/station.toml
#                   (without it an existing file is kept; a new one runs the sandbox)
#   --user NAME     the kiosk's user (default: kiosk)
#   --root DIR      install into DIR as a system image (nothing is installed
#                   with apt, nothing is started; for building images and tests)
#   --dry-run       print what would be done and change nothing
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
unit_name=issuance-station-kiosk.service
binary=/usr/bin/issuance-station
config=""
user=kiosk
root=/
dry_run=0
uninstall=0

fail() { echo "install.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --binary) [ $# -ge 2 ] || fail "--binary needs a path"; binary="$2"; shift 2 ;;
    --config) [ $# -ge 2 ] || fail "--config needs a file"; config="$2"; shift 2 ;;
    --user) [ $# -ge 2 ] || fail "--user needs a name"; user="$2"; shift 2 ;;
    --root) [ $# -ge 2 ] || fail "--root needs a directory"; root="$2"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option '$1' (see --help)" ;;
  esac
done

[[ "$user" =~ ^[a-z_][a-z0-9_-]*$ ]] || fail "'$user' is not a user name (lowercase letters, digits, - and _)"
root="${root%/}"
live=0
[ -z "$root" ] && live=1
if [ "$live" = 1 ] && [ "$dry_run" = 0 ] && [ "$(id -u)" -ne 0 ]; then
  fail "run it as root (sudo), or with --dry-run to see what it would do"
fi

# Everything that changes the system goes through act, so --dry-run shows it.
act() {
  if [ "$dry_run" = 1 ]; then echo "would run: $*"; else "$@"; fi
}
# Writes standard input to $root$2 with mode $1.
put() {
  local mode="$1" dest="$root$2" tmp
  if [ "$dry_run" = 1 ]; then echo "would write: $dest (mode $mode)"; cat >/dev/null; return; fi
  mkdir -p "$(dirname "$dest")"
  tmp="$(mktemp "$dest.XXXXXX")"
  cat >"$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$dest"
  echo "wrote $dest"
}
render() {
  sed -e "s|@USER@|$user|g" -e "s|@BINARY@|$installed_binary|g" "$here/$1"
}
systemctl_() {
  if [ "$live" = 1 ]; then act systemctl "$@"; else act systemctl --root="$root" "$@"; fi
}
# A machine booted with systemd; a container or an image root has none running.
manager_running() { [ "$live" = 1 ] && [ -d /run/systemd/system ]; }

unit_path=/etc/systemd/system/$unit_name
pam_path=/etc/pam.d/issuance-station-kiosk
sysusers_path=/etc/sysusers.d/issuance-station-kiosk.conf
local_binary=/usr/local/bin/issuance-station
env_path=/etc/issuance-station/kiosk.env
config_path=/etc/issuance-station/station.toml

if [ "$uninstall" = 1 ]; then
  if manager_running; then
    act systemctl disable --now "$unit_name" || true
  elif [ -e "$root$unit_path" ]; then
    systemctl_ disable "$unit_name" || true
  fi
  for path in "$unit_path" "$pam_path" "$sysusers_path" "$local_binary"; do
    [ -e "$root$path" ] && act rm -f "$root$path"
  done
  manager_running && act systemctl daemon-reload
  echo "Uninstalled $unit_name. Kept: $root/etc/issuance-station (config, database key), $root/var/lib/issuance-station (data, logs) and the user '$user'."
  exit 0
fi

[ -f "$binary" ] && [ -x "$binary" ] || fail "no window app at '$binary': build it (cargo build --release -p issuance-station) and pass --binary target/release/issuance-station"
[ -z "$config" ] || [ -f "$config" ] || fail "no config file at '$config'"
case "$binary" in
  /usr/*) installed_binary="$binary" ;;
  *) installed_binary="$local_binary" ;;
esac

# cage; Xwayland, without which Debian's cage does not start; dbus-run-session.
if [ "$live" = 1 ]; then
  if ! command -v cage >/dev/null 2>&1 || ! command -v Xwayland >/dev/null 2>&1 \
     || ! command -v dbus-run-session >/dev/null 2>&1; then
    act apt-get install -y --no-install-recommends cage xwayland dbus-daemon
  fi
else
  echo "--root: not installing cage, xwayland and dbus-daemon with apt; the image needs them"
fi

if [ "$installed_binary" = "$local_binary" ]; then
  put 0755 "$local_binary" <"$binary"
fi
render issuance-station-kiosk.service | put 0644 "$unit_path"
put 0644 "$pam_path" <"$here/issuance-station-kiosk.pam"
render issuance-station-kiosk.sysusers | put 0644 "$sysusers_path"

# The kiosk user, from the sysusers file (made once; kept on later runs).
if [ "$live" = 1 ]; then
  act systemd-sysusers "$sysusers_path"
else
  act systemd-sysusers --root="$root" "$root$sysusers_path"
fi

if [ -n "$config" ]; then
  put 0644 "$config_path" <"$config"
elif [ ! -e "$root$config_path" ]; then
  put 0644 "$config_path" <<'EOF'
# Issuance Station kiosk. Until services are configured here (see README.md,
# Configuration), the station issues against its built-in sandbox.
[station]
use_sandbox = true
kiosk = true
EOF
fi

# The database key, made once: a new key would make the existing database
# unreadable. Root-only; systemd passes it to the app as an environment variable.
if ! grep -qs '^STATION_SECRET_DATABASE_KEY=' "$root$env_path"; then
  key="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
  { cat "$root$env_path" 2>/dev/null || true
    echo "# The station's database key: keep it with a backup of /var/lib/issuance-station."
    echo "STATION_SECRET_DATABASE_KEY=$key"
    echo "# A service's secret, e.g.: STATION_SECRET_ENTRA=…"
  } | put 0600 "$env_path"
fi

manager_running && act systemctl daemon-reload
systemctl_ enable "$unit_name"
if manager_running; then
  # An update takes effect now; a first install starts at the next boot.
  act systemctl try-restart "$unit_name"
fi
echo "Installed $unit_name for user '$user' (app: $installed_binary). It starts at boot on tty1; to start it now: systemctl start $unit_name"
