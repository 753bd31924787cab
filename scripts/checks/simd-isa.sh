#!/usr/bin/env bash
# Proves the release build's GEMM micro-kernels use the vector instructions their speed rests on:
# gemmF32_6x16 must contain vfmadd…ps on ymm (AVX2+FMA), and gemmS8_6x16 vpmaddwd on ymm (16
# multiply-adds per instruction) with no vpmulld; gemmU8S8_6x16_avx512vnni 12 vpdpbusd on ymm (32
# per instruction); and no AVX-512 instruction (EVEX: zmm, opmask, vpdp…) anywhere in Kernels, so
# only the separately compiled, CPUID-guarded KernelsAVX512VNNI needs more than AVX2. Builds nothing: it reads the object files of
# the release build that scripts/test made. Cost: well under a second.
set -euo pipefail
cd "$(dirname "$0")/../.."

arch="$(uname -m)"
if [ "$arch" != "x86_64" ]; then
    echo "simd-isa: $arch is not x86_64; the AVX2/FMA and vpmaddwd checks do not apply (skipped)"
    exit 0
fi
bin="$(swift build -c release --show-bin-path)"
objects="$bin/Kernels.build"

# Prints the disassembly of the function matching $2 in the object file $1 (relative to $3, default
# Kernels.build), or fails naming why.
disassembly() {
    local object="${3:-$objects}/$1" kernel="$2" symbol
    if [ ! -f "$object" ]; then
        echo "simd-isa: FAIL: $object not found (run the release build first: swift build -c release)" >&2
        return 1
    fi
    symbol="$(nm --defined-only "$object" | awk -v k="$kernel" '$3 ~ k && $2 ~ /[Tt]/ { print $3; exit }')"
    if [ -z "$symbol" ]; then
        echo "simd-isa: FAIL: no $kernel symbol in $object" >&2
        return 1
    fi
    objdump -d --no-show-raw-insn --disassemble="$symbol" "$object"
}

listing="$(disassembly 'GEMM+F32.swift.o' gemmF32_6x16)"
fmas="$(grep -cE 'vfmadd[0-9]+ps[[:space:]].*%ymm' <<<"$listing" || true)"
if [ "$fmas" -lt 12 ]; then
    echo "simd-isa: FAIL: gemmF32_6x16 has $fmas ymm vfmadd…ps instructions, expected at least 12" >&2
    grep -E 'vfmadd|vmulps|vaddps|fmaf' <<<"$listing" | head -20 >&2 || true
    exit 1
fi
echo "simd-isa: OK: gemmF32_6x16 has $fmas vfmadd…ps instructions on ymm registers (AVX2+FMA)"

listing="$(disassembly 'GEMM+S8Kernels.swift.o' gemmS8_6x16)"
madds="$(grep -cE 'vpmaddwd[[:space:]].*%ymm' <<<"$listing" || true)"
mulls="$(grep -cE 'vpmulld' <<<"$listing" || true)"
if [ "$madds" -lt 12 ] || [ "$mulls" -ne 0 ]; then
    echo "simd-isa: FAIL: gemmS8_6x16 has $madds ymm vpmaddwd and $mulls vpmulld, expected >= 12 and 0" >&2
    grep -E 'vpmadd|vpmull|vpmovsx' <<<"$listing" | head -20 >&2 || true
    exit 1
fi
echo "simd-isa: OK: gemmS8_6x16 has $madds vpmaddwd on ymm registers and no vpmulld"

listing="$(disassembly 'GEMM+U8S8AVX512VNNI.swift.o' gemmU8S8_6x16_avx512vnni "$bin/KernelsAVX512VNNI.build")"
dots="$(grep -cE 'vpdpbusd[[:space:]].*%ymm' <<<"$listing" || true)"
if [ "$dots" -lt 12 ]; then
    echo "simd-isa: FAIL: gemmU8S8_6x16_avx512vnni has $dots ymm vpdpbusd, expected at least 12" >&2
    exit 1
fi
echo "simd-isa: OK: gemmU8S8_6x16_avx512vnni has $dots vpdpbusd on ymm registers (AVX512_VNNI)"

evex="$(objdump -d --no-show-raw-insn "$objects"/*.o "$bin"/Engine.build/*.o | grep -cE '%zmm|%k[0-7]|vpdp' || true)"
if [ "$evex" -ne 0 ]; then
    echo "simd-isa: FAIL: Kernels/Engine (built for haswell) contains $evex AVX-512 instructions" >&2
    objdump -d --no-show-raw-insn "$objects"/*.o "$bin"/Engine.build/*.o | grep -E '%zmm|%k[0-7]|vpdp' | head -5 >&2
    exit 1
fi
echo "simd-isa: OK: no AVX-512 instruction in Kernels or Engine; only the CPUID-guarded KernelsAVX512VNNI uses it"
