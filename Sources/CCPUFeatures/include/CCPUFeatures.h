#ifndef C_CPU_FEATURES_H
#define C_CPU_FEATURES_H

/// 1 when this x86_64 CPU and the kernel both support the EVEX-encoded 256-bit `vpdpbusd`
/// (AVX512F, AVX512BW, AVX512VL, AVX512_VNNI, and the OS saving the opmask/ZMM state), else 0.
/// Always 0 on other architectures.
int cpu_features_has_avx512_vnni(void);

#endif
