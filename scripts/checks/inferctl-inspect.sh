#!/usr/bin/env bash
# `inferctl inspect` accepts valid weight files (exit 0, text and JSON) and rejects damaged ones
# (non-zero exit, one line on stderr naming the file). Checks every shipped models/*.inferd and
# the small fuzz seed models, plus a truncated, a bit-flipped and an unsigned file under
# --trusted-key, then a file signed with a `trainer keygen` key: accepted under its own public key,
# rejected under another.
# Uses the release binaries scripts/test has built; about 2 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(swift build -c release --show-bin-path)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin/ModelFileFuzz" --make-seeds "$work/seeds" > /dev/null
files=()
for seed in "$work"/seeds/*.file; do           # seeds carry one mode byte before the file
    tail -c +2 "$seed" > "$work/$(basename "$seed" .file).inferd"
    files+=("$work/$(basename "$seed" .file).inferd")
done
for shipped in models/*.inferd; do [ -e "$shipped" ] && files+=("$shipped"); done

for file in "${files[@]}"; do
    "$bin/inferctl" inspect "$file" > "$work/out.txt"
    grep -q "valid inferd weight file" "$work/out.txt"
    "$bin/inferctl" inspect --json "$file" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["tensors"] and d["compressedBytes"] > 0'
done
echo "ok: inferctl inspect accepts ${#files[@]} valid files (text and --json)"

expect_rejected() {  # file, expected phrase
    if "$bin/inferctl" inspect "$1" > /dev/null 2> "$work/err.txt"; then
        echo "FAIL: inferctl inspect accepted $1" >&2; exit 1
    fi
    [ "$(wc -l < "$work/err.txt")" -eq 1 ] || { echo "FAIL: expected one stderr line for $1" >&2; cat "$work/err.txt" >&2; exit 1; }
    grep -q "$1" "$work/err.txt" && grep -q "$2" "$work/err.txt" || {
        echo "FAIL: stderr for $1 lacks '$2':" >&2; cat "$work/err.txt" >&2; exit 1; }
    echo "ok: rejected $(basename "$1"): $(cat "$work/err.txt")"
}
sample="$work/cnn.int8.inferd"
head -c 100 "$sample" > "$work/truncated.inferd"
expect_rejected "$work/truncated.inferd" "truncated payload"
python3 - "$sample" "$work/flipped.inferd" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 2] ^= 0x10
open(sys.argv[2], "wb").write(data)
PY
expect_rejected "$work/flipped.inferd" "payload"
python3 - "$work/other.pub" <<'PY'
import base64, sys
open(sys.argv[1], "w").write("ed25519-public:" + base64.b64encode(bytes(range(32))).decode() + "\n")
PY
if "$bin/inferctl" inspect --trusted-key "$work/other.pub" "$sample" > /dev/null 2> "$work/err.txt"; then
    echo "FAIL: an unsigned file passed --trusted-key" >&2; exit 1
fi
grep -q "signature from a trusted key is required" "$work/err.txt"
echo "ok: rejected an unsigned file under --trusted-key: $(cat "$work/err.txt")"

# A key pair from `trainer keygen` signs a file that verifies under its own public key only.
"$bin/trainer" keygen --out "$work/team" > /dev/null
[ "$(stat -c %a "$work/team.key")" = 600 ] || { echo "FAIL: private key file is not mode 0600" >&2; exit 1; }
"$bin/trainer" init --arch cnn --out "$work/signed.inferd" --signing-key "$work/team.key" > /dev/null
"$bin/inferctl" inspect --trusted-key "$work/team.pub" "$work/signed.inferd" > "$work/out.txt"
grep -qi "signature" "$work/out.txt"
echo "ok: trainer keygen + --signing-key: inspect --trusted-key accepts the signed file ($(grep -i signature "$work/out.txt" | head -1 | tr -s ' '))"
if "$bin/inferctl" inspect --trusted-key "$work/other.pub" "$work/signed.inferd" > /dev/null 2> "$work/err.txt"; then
    echo "FAIL: a file signed by another key passed --trusted-key" >&2; exit 1
fi
grep -q "signature does not verify with any trusted key" "$work/err.txt"
echo "ok: rejected a file signed by an untrusted key: $(cat "$work/err.txt")"
