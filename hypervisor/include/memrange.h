/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sets of physical address ranges, used at boot to work out which memory is
 * RAM, which is reserved and which is free, before the frame allocator runs.
 *
 * A set is a fixed-capacity array (no allocator exists yet when it is used),
 * kept sorted by address and merged: no two ranges overlap or touch. Ranges
 * are in bytes and half-open, [start, end), so the very last byte of the
 * 64-bit space (UINT64_MAX) cannot be described; no machine has RAM there.
 *
 * A set has no lock: it is built and read by one CPU during boot.
 */
#ifndef CARAPACE_MEMRANGE_H
#define CARAPACE_MEMRANGE_H

#include <stdbool.h>
#include <stdint.h>

#define MEMRANGE_MAX 64

struct mem_range {
    uint64_t start; /* first byte */
    uint64_t end;   /* one past the last byte; start < end when in a set */
};

struct memrange_set {
    uint32_t count; /* ranges[0 .. count) are valid, sorted and merged */
    struct mem_range ranges[MEMRANGE_MAX];
};

/* Iterate: `r` is a `const struct mem_range *` visiting each range in order. */
#define memrange_for_each(set, r)                                              \
    for ((r) = (set)->ranges; (r) < (set)->ranges + (set)->count; (r)++)

void memrange_init(struct memrange_set *set);

/*
 * Add [start, end), merging with what overlaps or touches it. An empty range
 * is a no-op. Returns -EINVAL if end < start, -ENOSPC if a new slot is needed
 * and the set is full (the set is then unchanged).
 */
int memrange_add(struct memrange_set *set, uint64_t start, uint64_t end);

/*
 * Subtract [start, end). Removing the middle of a range splits it, which
 * needs a free slot: -ENOSPC (set unchanged) if there is none. -EINVAL if
 * end < start; an empty range is a no-op.
 */
int memrange_remove(struct memrange_set *set, uint64_t start, uint64_t end);

/* Total number of bytes in the set. */
uint64_t memrange_total(const struct memrange_set *set);

/*
 * True if every byte of [start, end) is in the set. An empty range is
 * contained; a reversed one (end < start) is not.
 */
bool memrange_contains(const struct memrange_set *set, uint64_t start,
                       uint64_t end);

/*
 * Find the lowest address a, aligned to `align` (a power of two), such that
 * [a, a + size) lies inside one range of the set and a + size <= limit.
 * Returns 0 and stores a in *out, -ENOMEM if there is none, -EINVAL if size
 * is 0 or align is not a power of two.
 */
int memrange_find(const struct memrange_set *set, uint64_t size, uint64_t align,
                  uint64_t limit, uint64_t *out);

/* Number of ranges, and range i (NULL if i >= count). */
uint32_t memrange_count(const struct memrange_set *set);
const struct mem_range *memrange_get(const struct memrange_set *set,
                                     uint32_t i);

#endif /* CARAPACE_MEMRANGE_H */
