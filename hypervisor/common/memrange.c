/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sets of physical address ranges (see memrange.h).
 *
 * The array is kept sorted and merged after every operation, so a lookup only
 * ever has to look at one range, and "the first range that ends at or after
 * X" is well defined. Sets are small (MEMRANGE_MAX) and used at boot only, so
 * linear scans and memmove() are simpler than anything cleverer and as fast.
 *
 * Every computation that could pass UINT64_MAX is written as a comparison of
 * differences, never as a sum that could wrap.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <carapace/errno.h>

#include "memrange.h"
#include "panic.h"

void memrange_init(struct memrange_set *set)
{
    set->count = 0;
}

/* Index of the first range whose end is >= addr (count if none). */
static uint32_t
memrange_first_ending_at_or_after(const struct memrange_set *set, uint64_t addr)
{
    uint32_t i = 0;

    while (i < set->count && set->ranges[i].end < addr)
        i++;
    return i;
}

/* Open a hole at index i; the caller checked that there is room. */
static void memrange_insert_slot(struct memrange_set *set, uint32_t i)
{
    ASSERT(set->count < MEMRANGE_MAX && i <= set->count);
    memmove(&set->ranges[i + 1], &set->ranges[i],
            (set->count - i) * sizeof(set->ranges[0]));
    set->count++;
}

/* Delete ranges [i, j). */
static void memrange_delete_slots(struct memrange_set *set, uint32_t i,
                                  uint32_t j)
{
    ASSERT(i <= j && j <= set->count);
    memmove(&set->ranges[i], &set->ranges[j],
            (set->count - j) * sizeof(set->ranges[0]));
    set->count -= j - i;
}

int memrange_add(struct memrange_set *set, uint64_t start, uint64_t end)
{
    uint32_t i, j;

    if (end < start)
        return -CARAPACE_EINVAL;
    if (start == end)
        return 0;

    /* Ranges i .. j-1 overlap or touch [start, end): they all merge. */
    i = memrange_first_ending_at_or_after(set, start);
    j = i;
    while (j < set->count && set->ranges[j].start <= end)
        j++;

    if (i == j) {
        if (set->count == MEMRANGE_MAX)
            return -CARAPACE_ENOSPC;
        memrange_insert_slot(set, i);
        set->ranges[i].start = start;
        set->ranges[i].end = end;
        return 0;
    }
    if (set->ranges[i].start < start)
        start = set->ranges[i].start;
    if (set->ranges[j - 1].end > end)
        end = set->ranges[j - 1].end;
    set->ranges[i].start = start;
    set->ranges[i].end = end;
    memrange_delete_slots(set, i + 1, j);
    return 0;
}

int memrange_remove(struct memrange_set *set, uint64_t start, uint64_t end)
{
    struct mem_range *r;
    uint32_t i, j;

    if (end < start)
        return -CARAPACE_EINVAL;
    if (start == end)
        return 0;

    /* The first range that has a byte at or after start. */
    i = 0;
    while (i < set->count && set->ranges[i].end <= start)
        i++;

    r = &set->ranges[i];
    if (i < set->count && r->start < start) {
        if (r->end > end) {
            /* [start, end) is strictly inside r: split it in two. */
            if (set->count == MEMRANGE_MAX)
                return -CARAPACE_ENOSPC;
            memrange_insert_slot(set, i + 1);
            set->ranges[i + 1].start = end;
            set->ranges[i + 1].end = r->end;
            r->end = start;
            return 0;
        }
        r->end = start;
        i++;
    }

    /* From i on, ranges start at or after start: drop those inside. */
    j = i;
    while (j < set->count && set->ranges[j].end <= end)
        j++;
    memrange_delete_slots(set, i, j);

    /* The next one may still begin before end: trim its head. */
    if (i < set->count && set->ranges[i].start < end)
        set->ranges[i].start = end;
    return 0;
}

uint64_t memrange_total(const struct memrange_set *set)
{
    uint64_t total = 0;
    uint32_t i;

    /* Disjoint ranges below UINT64_MAX: the sum cannot overflow. */
    for (i = 0; i < set->count; i++)
        total += set->ranges[i].end - set->ranges[i].start;
    return total;
}

bool memrange_contains(const struct memrange_set *set, uint64_t start,
                       uint64_t end)
{
    uint32_t i;

    if (end < start)
        return false;
    if (start == end)
        return true;
    /* Merged ranges never touch, so a contained range is inside just one. */
    for (i = 0; i < set->count; i++) {
        if (set->ranges[i].start <= start && end <= set->ranges[i].end)
            return true;
    }
    return false;
}

/*
 * The lowest address in r aligned to align that can hold size bytes below
 * limit, or false if none.
 */
static bool memrange_fit(const struct mem_range *r, uint64_t size,
                         uint64_t align, uint64_t limit, uint64_t *out)
{
    uint64_t a;

    if (r->start > UINT64_MAX - (align - 1))
        return false; /* rounding up would wrap: no aligned address left */
    a = (r->start + (align - 1)) & ~(align - 1);
    if (a >= r->end || r->end - a < size)
        return false;
    if (size > limit || a > limit - size)
        return false;
    *out = a;
    return true;
}

int memrange_find(const struct memrange_set *set, uint64_t size, uint64_t align,
                  uint64_t limit, uint64_t *out)
{
    uint32_t i;

    if (size == 0 || align == 0 || (align & (align - 1)) != 0)
        return -CARAPACE_EINVAL;
    /* Ranges are sorted, so the first fit is the lowest one. */
    for (i = 0; i < set->count && set->ranges[i].start < limit; i++) {
        if (memrange_fit(&set->ranges[i], size, align, limit, out))
            return 0;
    }
    return -CARAPACE_ENOMEM;
}

uint32_t memrange_count(const struct memrange_set *set)
{
    return set->count;
}

const struct mem_range *memrange_get(const struct memrange_set *set, uint32_t i)
{
    if (i >= set->count)
        return NULL;
    return &set->ranges[i];
}
