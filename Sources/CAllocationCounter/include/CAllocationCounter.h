#ifndef C_ALLOCATION_COUNTER_H
#define C_ALLOCATION_COUNTER_H

#include <stdint.h>

// Counting wrappers around glibc's allocator: linking this target into an executable (inferbench,
// a test runner) replaces malloc, calloc, realloc, posix_memalign, aligned_alloc and memalign with
// wrappers that count each call and forward it to glibc's own (__libc_malloc & co.).

/// Whether this build counts heap allocations: 1 on glibc, 0 elsewhere (counts then stay 0/-1).
int allocation_counter_is_available(void);

/// Heap allocations made by any thread of the process since it started (-1 where unavailable).
long long allocation_counter_total(void);

/// Same as `allocation_counter_is_available`.
int allocation_counting_available(void);

/// Heap allocations made by the calling thread so far: tests running in parallel on other
/// threads do not disturb it.
uint64_t allocation_count_this_thread(void);

#endif
