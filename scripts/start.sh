#!/usr/bin/env bash
# `npm start`: install what is missing (scripts/setup.sh --run), then become
# the service. `exec` replaces this shell with node, and package.json's
# `exec bash scripts/start.sh` replaces npm's `sh -c` with this shell, so the
# process npm started — and to which it forwards SIGTERM and SIGINT — is the
# service itself: a stop reaches it, it shuts down gracefully and releases
# its port and the embedded registry. (Without `exec`, the shell in between
# dies of the signal and leaves the service running under init.) Arguments
# go to `cardauth serve`: `npm start -- …`.
set -euo pipefail
cd "$(dirname "$0")/.."

# A stop during set-up: let the current step finish (an interrupted apt-get
# or npm ci would leave a half-installed tree), then stop instead of serving.
trap 'exit 143' TERM
trap 'exit 130' INT
bash scripts/setup.sh --run
trap - TERM INT

exec node src/cli/bin.js serve "$@"
