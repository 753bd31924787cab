#!/usr/bin/env bash
# Checks systemd/inferd.{socket,service}: `systemd-analyze verify` passes, the hardening scores an
# exposure <= 1.0 with `systemd-analyze security --offline=true`, and the socket lives outside
# the service's RuntimeDirectory. Uses the release inferd binary; costs about a second.
set -euo pipefail
cd "$(dirname "$0")/../.."
limit=1.0
binary=.build/release/inferd
[ -x "$binary" ] || binary=.build-package/release/inferd
[ -x "$binary" ] || { swift build -c release --product inferd >/dev/null; binary=.build/release/inferd; }

# A throwaway root: the host's stock units (targets the units order against), ours in /etc,
# and the binaries ExecStart=/ExecReload= name, so verify checks exactly what gets installed.
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
install -d "$root/etc/systemd/system" "$root/lib/systemd" "$root/usr/bin" "$root/bin"
cp -a /lib/systemd/system "$root/lib/systemd/"
cp systemd/inferd.service systemd/inferd.socket "$root/etc/systemd/system/"
cp "$binary" "$root/usr/bin/inferd"
cp /bin/kill "$root/bin/kill"

if ! out=$(systemd-analyze verify --root="$root" inferd.socket inferd.service 2>&1) || [ -n "$out" ]; then
    echo "FAIL: systemd-analyze verify reported:"; echo "$out"; exit 1
fi
echo "ok: systemd-analyze verify inferd.socket inferd.service: no findings"

report=$(systemd-analyze security --offline=true --root="$root" inferd.service)
exposure=$(sed -n 's/.*Overall exposure level for inferd.service: \([0-9.]*\).*/\1/p' <<<"$report")
if [ -z "$exposure" ] || ! awk -v e="$exposure" -v l="$limit" 'BEGIN { exit !(e <= l) }'; then
    echo "FAIL: exposure '${exposure:-?}' exceeds $limit"; echo "$report"; exit 1
fi
echo "ok: systemd-analyze security --offline=true inferd.service: exposure $exposure <= $limit"
grep '✗' <<<"$report" | sed 's/^/    remaining: /' || true

listen=$(sed -n 's/^ListenStream=//p' systemd/inferd.socket)
runtime=$(sed -n 's/^RuntimeDirectory=//p' systemd/inferd.service)
if [ -n "$runtime" ] && [[ "$listen" == /run/"$runtime"/* ]]; then
    echo "FAIL: socket $listen is inside RuntimeDirectory=$runtime, which stopping the service deletes"; exit 1
fi
grep -qx 'SocketMode=0660' systemd/inferd.socket && grep -qx 'SocketGroup=inferd' systemd/inferd.socket ||
    { echo "FAIL: inferd.socket must be SocketMode=0660, SocketGroup=inferd"; exit 1; }
echo "ok: $listen is 0660 group inferd and outside the service's RuntimeDirectory"
