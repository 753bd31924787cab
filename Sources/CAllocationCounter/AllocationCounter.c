// Counts heap allocations by defining the allocation entry points in the executable, which
// the dynamic linker then prefers for every library (glibc documents this as replacing
// malloc). Each call is forwarded to glibc's own allocator, so pointers stay compatible
// with every other glibc function (malloc_usable_size, reallocarray, ...).
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "CAllocationCounter.h"

#if defined(__GLIBC__)

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *pointer);

static _Atomic long long allocations;
static _Thread_local uint64_t threadAllocations;

static inline void count_one(void) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    threadAllocations++;
}

void *malloc(size_t size) {
    count_one();
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    count_one();
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    count_one();
    return __libc_realloc(pointer, size);
}

void free(void *pointer) {
    __libc_free(pointer);
}

void *memalign(size_t alignment, size_t size) {
    count_one();
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    count_one();
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    count_one();
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *result = pointer;
    return 0;
}

int allocation_counter_is_available(void) { return 1; }

long long allocation_counter_total(void) {
    return atomic_load_explicit(&allocations, memory_order_relaxed);
}

uint64_t allocation_count_this_thread(void) { return threadAllocations; }

#else

int allocation_counter_is_available(void) { return 0; }

long long allocation_counter_total(void) { return -1; }

uint64_t allocation_count_this_thread(void) { return 0; }

#endif

int allocation_counting_available(void) { return allocation_counter_is_available(); }
