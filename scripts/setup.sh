#!/usr/bin/env bash
# Installs what cardauth needs on a Debian/Ubuntu machine, or says exactly what
# is missing. Idempotent: with everything present it only checks.
#   scripts/setup.sh --run    what the service needs
#   scripts/setup.sh --test   what the test suite needs (real pcscd, vpcd,
#                             OpenSC, yubico-piv-tool, openssl, Redis,
#                             PostgreSQL, SoftHSM2, Chromium with a Khmer
#                             font for the browser tests, poppler's pdfsig and
#                             NSS certutil for signed PDFs)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:---run}
# Debian package -> a file that proves it is installed.
declare -A run_pkgs=(
  [libpcsclite-dev]=/usr/include/PCSC/winscard.h
  [pcscd]=/usr/sbin/pcscd
  [python3]=/usr/bin/python3
  [make]=/usr/bin/make
  [g++]=/usr/bin/g++
  [openssl]=/usr/bin/openssl
)
declare -A test_pkgs=(
  [vsmartcard-vpcd]=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
  [opensc]=/usr/bin/pkcs11-tool
  [yubico-piv-tool]=/usr/bin/yubico-piv-tool
  [redis-server]=/usr/bin/redis-server
  [postgresql]=/usr/lib/postgresql
  [softhsm2]=/usr/lib/softhsm/libsofthsm2.so
  [chromium]=/usr/bin/chromium
  [fonts-khmeros]=/usr/share/fonts/truetype/khmeros/KhmerOS.ttf
  [poppler-utils]=/usr/bin/pdfsig
  [libnss3-tools]=/usr/bin/certutil
)

missing=()
for p in "${!run_pkgs[@]}"; do [ -e "${run_pkgs[$p]}" ] || missing+=("$p"); done
if [ "$mode" = --test ]; then
  for p in "${!test_pkgs[@]}"; do [ -e "${test_pkgs[$p]}" ] || missing+=("$p"); done
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
  elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages with sudo: ${missing[*]}" >&2
    sudo apt-get update -q >&2
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js >= 20 is required (found: $(node --version 2>/dev/null || echo none))" >&2
  echo "setup: Debian 12's own nodejs package is 18; Debian 13 (trixie) ships 20: apt-get install nodejs npm." >&2
  echo "setup: on Debian 12 install Node.js 20 or later from https://nodejs.org/en/download (or the NodeSource apt repository), then run this again." >&2
  exit 1
fi

# npm dependencies: install when absent or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi
