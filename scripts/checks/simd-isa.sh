#!/usr/bin/env bash
# Proves the release build's FP32 GEMM micro-kernel (gemmF32_6x16) runs on AVX2+FMA: its
# disassembly must contain vfmadd…ps on ymm registers. Builds nothing: it reads the object
# file of the release build that scripts/test made. Cost: well under a second.
set -euo pipefail
cd "$(dirname "$0")/../.."

arch="$(uname -m)"
if [ "$arch" != "x86_64" ]; then
    echo "simd-isa: $arch is not x86_64; the AVX2/FMA check does not apply (skipped)"
    exit 0
fi

bin="$(swift build -c release --show-bin-path)"
object="$bin/Kernels.build/GEMM+F32.swift.o"
if [ ! -f "$object" ]; then
    echo "simd-isa: FAIL: $object not found (run the release build first: swift build -c release)" >&2
    exit 1
fi

symbol="$(nm --defined-only "$object" | awk '$3 ~ /gemmF32_6x16/ && $2 ~ /[Tt]/ { print $3; exit }')"
if [ -z "$symbol" ]; then
    echo "simd-isa: FAIL: no gemmF32_6x16 symbol in $object" >&2
    exit 1
fi

listing="$(objdump -d --no-show-raw-insn --disassemble="$symbol" "$object")"
fmas="$(grep -cE 'vfmadd[0-9]+ps[[:space:]].*%ymm' <<<"$listing" || true)"
if [ "$fmas" -lt 12 ]; then
    echo "simd-isa: FAIL: gemmF32_6x16 ($symbol) has $fmas ymm vfmadd…ps instructions, expected at least 12" >&2
    grep -E 'vfmadd|vmulps|vaddps|fmaf' <<<"$listing" | head -20 >&2 || true
    exit 1
fi
echo "simd-isa: OK: gemmF32_6x16 in $object has $fmas vfmadd…ps instructions on ymm registers (AVX2+FMA)"
