#!/usr/bin/env bash
# Sizes of the shipped weight files next to their TFLite counterparts (Benchmarks/peers/models),
# and the size target: the int8 cnn file must be at most 0.9 x the TFLite int8 cnn file.
# Reads file sizes only: well under a second.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 - <<'PY'
import glob, os, sys
rows, failures = [], []
for path in sorted(glob.glob("models/*.inferd")):
    stem = os.path.basename(path)[: -len(".inferd")]          # e.g. cnn.int8
    tflite = f"Benchmarks/peers/models/{stem}.tflite"
    size = os.path.getsize(path)
    if os.path.exists(tflite):
        ratio = size / os.path.getsize(tflite)
        rows.append(f"{os.path.basename(path):20} {size:>8} bytes   {os.path.basename(tflite):18} {os.path.getsize(tflite):>8} bytes   ratio {ratio:.3f}")
    else:
        rows.append(f"{os.path.basename(path):20} {size:>8} bytes   (no TFLite counterpart)")
print("\n".join(rows) if rows else "no shipped weight files in models/")
target = "models/cnn.int8.inferd"
if os.path.exists(target):
    limit = 0.9 * os.path.getsize("Benchmarks/peers/models/cnn.int8.tflite")
    size = os.path.getsize(target)
    if size > limit:
        sys.exit(f"FAIL: {target} is {size} bytes, over 0.9 x TFLite = {limit:.0f}")
    print(f"ok: {target} is {size} bytes <= 0.9 x TFLite int8 cnn = {limit:.0f}")
else:
    sys.exit(f"FAIL: {target} is not shipped")
PY
