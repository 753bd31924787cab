#include "CCPUFeatures.h"

#if defined(__x86_64__)
#include <cpuid.h>

int cpu_features_has_avx512_vnni(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE)) return 0;
    // XCR0 bits 1-2 (SSE, AVX) and 5-7 (opmask, ZMM upper halves, ZMM16-31): the OS saves them.
    unsigned xcr0_low, xcr0_high;
    __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    if ((xcr0_low & 0xE6) != 0xE6) return 0;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    const unsigned needed_ebx = bit_AVX512F | bit_AVX512BW | bit_AVX512VL;
    return (ebx & needed_ebx) == needed_ebx && (ecx & bit_AVX512VNNI) != 0;
}
#else
int cpu_features_has_avx512_vnni(void) { return 0; }
#endif
