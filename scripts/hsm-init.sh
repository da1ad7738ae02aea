#!/usr/bin/env bash
# Creates the PKCS#11 token that holds the CA keys (SoftHSM2), once: a second
# run finds the token and changes nothing. The user PIN comes from a file
# (CARDAUTH_PKCS11_PIN_FILE), never from an argument of ours; the security
# officer PIN is random and not kept (a lost user PIN means a new token and a
# new CA key, as with a hardware HSM whose SO PIN is sealed away). The token
# directory is then handed to the service's user (CARDAUTH_TOKEN_OWNER,
# default cardauth).
set -euo pipefail
label=${CARDAUTH_PKCS11_TOKEN:?set CARDAUTH_PKCS11_TOKEN to the token label}
pin_file=${CARDAUTH_PKCS11_PIN_FILE:?set CARDAUTH_PKCS11_PIN_FILE to the file holding the user PIN}
owner=${CARDAUTH_TOKEN_OWNER:-cardauth}
conf=${SOFTHSM2_CONF:-/etc/softhsm/softhsm2.conf}
command -v softhsm2-util >/dev/null || { echo "hsm-init: softhsm2-util missing: apt-get install softhsm2" >&2; exit 1; }
tokendir=$(sed -n 's/^[[:space:]]*directories\.tokendir[[:space:]]*=[[:space:]]*//p' "$conf" | tail -1)
[ -n "$tokendir" ] || { echo "hsm-init: no directories.tokendir in $conf" >&2; exit 1; }
mkdir -p "$tokendir"
if softhsm2-util --show-slots | grep -Eq "^[[:space:]]*Label:[[:space:]]*${label}[[:space:]]*$"; then
  echo "hsm-init: token '$label' exists"
else
  pin=$(cat "$pin_file")
  [ ${#pin} -ge 4 ] || { echo "hsm-init: the PIN in $pin_file is shorter than 4 characters" >&2; exit 1; }
  softhsm2-util --init-token --free --label "$label" --pin "$pin" --so-pin "$(openssl rand -hex 16)" >/dev/null
  echo "hsm-init: token '$label' created"
fi
chown -R "$owner": "$tokendir"
