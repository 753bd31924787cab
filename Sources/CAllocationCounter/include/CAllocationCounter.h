#ifndef C_ALLOCATION_COUNTER_H
#define C_ALLOCATION_COUNTER_H

/// Whether this build counts heap allocations (glibc only: it replaces malloc and friends
/// in the executable that links this target and forwards them to glibc's allocator).
int allocation_counter_is_available(void);

/// Heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign)
/// made by any thread of the process since it started.
long long allocation_counter_total(void);

#endif
