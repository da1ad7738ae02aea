#!/usr/bin/env bash
# Put a simulated card in a vpcd reader for manual work with OpenSC or
# yubico-piv-tool:
#   scripts/pcsc/sim-card.sh [card-file] [port]
# Manufactures the card file first if it does not exist (serial from $SERIAL or
# random), starts pcscd if needed, runs the simulator in the foreground
# (Ctrl-C removes the card). Then in another terminal, e.g.:
#   yubico-piv-tool -r "Virtual PCD 00 00" -a status
#   opensc-tool -r "Virtual PCD 00 00" -n
set -euo pipefail
cd "$(dirname "$0")/../.."
card=${1:-.data/cards/manual.json}
port=${2:-35963}
mkdir -p "$(dirname "$card")"
if [ ! -e "$card" ]; then
  serial=${SERIAL:-$(( (RANDOM << 15 | RANDOM) % 90000000 + 10000000 ))}
  node firmware-sim/bin.js manufacture --serial "$serial" --out "$card"
fi
bash scripts/pcsc/pcscd-start.sh >/dev/null
exec node firmware-sim/bin.js run "$card" --vpcd-port "$port"
