#!/usr/bin/env bash
# Proves the release build's int8 GEMM micro-kernel (gemmS8_6x16) multiplies with AVX2 vpmaddwd
# on ymm registers (16 multiply-adds per instruction), the reason it outruns the FP32 GEMM.
# Builds nothing: reads the object file of the release build scripts/test made. Cost: < 1 s.
set -euo pipefail
cd "$(dirname "$0")/../.."

arch="$(uname -m)"
if [ "$arch" != "x86_64" ]; then
    echo "simd-isa-int8: $arch is not x86_64; the vpmaddwd check does not apply (skipped)"
    exit 0
fi

bin="$(swift build -c release --show-bin-path)"
object="$bin/Kernels.build/GEMM+S8Kernels.swift.o"
if [ ! -f "$object" ]; then
    echo "simd-isa-int8: FAIL: $object not found (run the release build first: swift build -c release)" >&2
    exit 1
fi

symbol="$(nm --defined-only "$object" | awk '$3 ~ /gemmS8_6x16/ && $2 ~ /[Tt]/ { print $3; exit }')"
if [ -z "$symbol" ]; then
    echo "simd-isa-int8: FAIL: no gemmS8_6x16 symbol in $object" >&2
    exit 1
fi

listing="$(objdump -d --no-show-raw-insn --disassemble="$symbol" "$object")"
madds="$(grep -cE 'vpmaddwd[[:space:]].*%ymm' <<<"$listing" || true)"
mulls="$(grep -cE 'vpmulld' <<<"$listing" || true)"
if [ "$madds" -lt 12 ] || [ "$mulls" -ne 0 ]; then
    echo "simd-isa-int8: FAIL: gemmS8_6x16 ($symbol) has $madds ymm vpmaddwd and $mulls vpmulld, expected ≥ 12 and 0" >&2
    grep -E 'vpmadd|vpmull|vpmovsx' <<<"$listing" | head -20 >&2 || true
    exit 1
fi
echo "simd-isa-int8: OK: gemmS8_6x16 in $object has $madds vpmaddwd on ymm registers and no vpmulld"
