#!/usr/bin/env bash
# Serves the shipped models/ with the release inferd and checks, through the socket: every weight
# file is READY; each image model classifies 1000 Fashion-MNIST test images at >= 80% top-1; a
# 4-client, 3-second bench of cnn has zero errors; SIGTERM exits 0. About 15 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(swift build -c release --show-bin-path)
workdir=$(mktemp -d)
socket="$workdir/inferd.sock"
"$bin/inferd" --socket "$socket" --models models --log-level warning &
daemon=$!
trap 'kill -TERM $daemon 2>/dev/null || true; rm -rf "$workdir"' EXIT
for _ in $(seq 1 200); do
    "$bin/inferctl" --socket "$socket" health >/dev/null 2>&1 && break
    sleep 0.05
done
ctl() { "$bin/inferctl" --socket "$socket" "$@"; }

index=$(ctl models)
echo "$index"
files=$(ls models/*.inferd | wc -l)
ready=$(echo "$index" | awk 'NR > 1 && $3 == "READY"' | wc -l)
if [ "$ready" -ne "$files" ]; then
    echo "FAIL: $ready of $files weight files are READY"
    exit 1
fi
for model in $(echo "$index" | awk 'NR > 1 { print $1 }'); do
    summary=$(ctl infer "$model" --fashion-index 0 --count 1000 --top 1 | tail -1)
    correct=${summary%%/*}
    echo "$model: $summary through the socket"
    if [ "$correct" -lt 800 ]; then
        echo "FAIL: $model below 80% top-1 on the first 1000 test images"
        exit 1
    fi
done
ctl bench cnn --clients 4 --seconds 3 --warmup 0.5
kill -TERM "$daemon"
wait "$daemon"
echo "verified: $files shipped models READY and >= 80% top-1 through the socket; bench without errors; SIGTERM exit 0"
