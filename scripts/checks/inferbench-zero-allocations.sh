#!/usr/bin/env bash
# An inference allocates nothing: inferbench counts heap allocations (malloc and friends, any
# thread) over 300 timed runs of each reference model in fp32 and int8 after warm-up,
# and every count must be 0; its allocation counter must first have seen a known allocation.
# Latencies are printed, never asserted. About 5 s on one core.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(swift build -c release --show-bin-path)/inferbench"
precisions=${INFERBENCH_CHECK_PRECISIONS:-fp32,int8}
out=$("$bin" --skip-gemm --skip-load --runs 300 --warmup 20 --precisions "$precisions")
echo "$out"
python3 - "$out" "$precisions" <<'PY'
import json, sys
lines = [json.loads(l) for l in sys.argv[1].splitlines() if l.startswith("{")]
machine = lines[0]
if machine.get("malloc_counter") != "verified":
    sys.exit(f"FAIL: allocation counter is {machine.get('malloc_counter')!r}, expected 'verified'")
rows = [l for l in lines if "model" in l]
expected = 3 * len(sys.argv[2].split(","))
problems = [f"{r['model']} {r['precision']}: {r.get('error') or str(r.get('mallocs')) + ' allocations'}"
            for r in rows if r.get("mallocs") != 0]
if len(rows) != expected:
    problems.append(f"{len(rows)} model rows, expected {expected}")
if problems:
    sys.exit("FAIL: " + "; ".join(problems))
print(f"ok: 0 heap allocations in 300 timed runs of each of {len(rows)} model rows "
      f"({', '.join(r['model'] + ' ' + r['precision'] for r in rows)})")
PY
