#!/usr/bin/env bash
# Start pcscd (with the vsmartcard vpcd readers "Virtual PCD 00 00" on TCP 35963
# and "Virtual PCD 00 01" on 35964) unless one already answers; record its pid in
# /tmp/cardauth-pcscd.pid (the same file the test harness uses), wait until the
# readers are listed.
set -euo pipefail
pidfile=/tmp/cardauth-pcscd.pid
log=/tmp/cardauth-pcscd.log

answers() { python3 - <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect('/run/pcscd/pcscd.comm')
except OSError:
    sys.exit(1)
PY
}

if answers; then
  echo "pcscd already running (socket /run/pcscd/pcscd.comm answers)"
else
  command -v pcscd >/dev/null || { echo "pcscd missing: sudo apt-get install pcscd vsmartcard-vpcd" >&2; exit 1; }
  pcscd -f >>"$log" 2>&1 &
  echo $! >"$pidfile"
  echo "started pcscd pid $(cat "$pidfile") (log $log)"
fi
for _ in $(seq 1 200); do
  if opensc-tool -l 2>/dev/null | grep -q 'Virtual PCD 00 00'; then
    opensc-tool -l
    exit 0
  fi
  sleep 0.05
done
echo "pcscd does not list the vpcd readers; is vsmartcard-vpcd installed?" >&2
exit 1
