#!/usr/bin/env bash
# Both int8 GEMM kernel families must give the same model outputs: evaluates every shipped int8
# model on the 10,000 Fashion-MNIST test images once with the kernels this CPU selects
# (AVX512_VNNI `vpdpbusd` where present) and once with INFERD_INT8_KERNELS=int16-pairs (AVX2
# `vpmaddwd`), and requires identical reports (accuracy, mean loss, per-class accuracy, the whole
# confusion matrix). The kernel tests prove the Int32 sums equal bit for bit; this checks the
# engine wires both families the same way. Needs the release build; about 2 s per file.
set -euo pipefail
cd "$(dirname "$0")/../.."
trainer=.build/release/trainer
[ -x "$trainer" ] || { echo "missing $trainer: run swift build -c release first" >&2; exit 1; }
if ! grep -qw avx512_vnni /proc/cpuinfo; then
    echo "int8-kernel-families: this CPU has no AVX512_VNNI, so only the int16-pairs family runs here (nothing to compare)"
    exit 0
fi
failures=0
for file in models/*.int8.inferd; do
    selected=$("$trainer" eval "$file")
    pairs=$(INFERD_INT8_KERNELS=int16-pairs "$trainer" eval "$file")
    if [ "$selected" = "$pairs" ]; then
        echo "ok   $file: avx512vnni and int16-pairs reports identical ($(head -1 <<<"$selected" | sed -E 's/.*: //'))"
    else
        echo "FAIL $file: the two int8 kernel families disagree:" >&2
        diff <(echo "$selected") <(echo "$pairs") | head -20 >&2 || true
        failures=$((failures + 1))
    fi
done
[ "$failures" -eq 0 ] || exit 1
echo "int8 kernel families: identical results on every shipped int8 model"
