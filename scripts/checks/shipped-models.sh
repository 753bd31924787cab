#!/usr/bin/env bash
# Evaluates every weight file listed in models/README.md on the 10,000 Fashion-MNIST test images
# with the release-built engine (`trainer eval --json`) and checks the accuracy recorded there
# (to 0.001). Needs the release build (scripts/test builds it first); about 5–15 s per file.
set -euo pipefail
cd "$(dirname "$0")/../.."
trainer=.build/release/trainer
[ -x "$trainer" ] || { echo "missing $trainer: run swift build -c release first" >&2; exit 1; }
rows=$(grep -E '^\| `[^`]+\.inferd` \|' models/README.md || true)
[ -n "$rows" ] || { echo "models/README.md lists no .inferd files" >&2; exit 1; }
failures=0
while IFS= read -r row; do
    file=$(echo "$row" | awk -F'|' '{print $2}' | tr -d ' `')
    recorded=$(echo "$row" | awk -F'|' '{print $5}' | tr -d ' ')
    json=$("$trainer" eval "models/$file" --json)
    measured=$(echo "$json" | sed -E 's/.*"accuracy":([0-9.]+).*/\1/')
    samples=$(echo "$json" | sed -E 's/.*"samples":([0-9]+).*/\1/')
    if [ "$samples" = 10000 ] && awk -v a="$measured" -v b="$recorded" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.001) }'; then
        echo "ok   models/$file: test accuracy $measured on $samples images (README: $recorded)"
    else
        echo "FAIL models/$file: test accuracy $measured on $samples images, README records $recorded" >&2
        failures=$((failures + 1))
    fi
done <<< "$rows"
[ "$failures" -eq 0 ] || exit 1
echo "shipped models: every listed file matches its recorded accuracy"
