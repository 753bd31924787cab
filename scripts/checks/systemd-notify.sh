#!/usr/bin/env bash
# inferd's systemd protocol without systemd: under systemd-socket-activate with our own
# NOTIFY_SOCKET listener (path and abstract) and WATCHDOG_USEC, checks READY/STATUS, the watchdog
# cadence, RELOADING on SIGHUP, STOPPING and exit 0 on SIGTERM, and that a stalled worker
# (--test-hooks) stops the pings. Uses the release inferd and models/; about 15 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
binary=.build/release/inferd
[ -x "$binary" ] || binary=.build-package/release/inferd
[ -x "$binary" ] || { swift build -c release --product inferd >/dev/null; binary=.build/release/inferd; }
models=models
[ -d "$models" ] || { models=$(mktemp -d); trap 'rmdir "$models"' EXIT; echo "note: no models/ directory; serving none"; }
python3 scripts/checks/lib/notify_protocol.py "$binary" "$models"
