/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * frame_setup (frame.h): the boot's RAM and reserved ranges into the frame
 * table, through frame.c's public calls only. Apart from frame.c, which
 * keeps the allocator itself.
 */
#include <stdint.h>

#include "addr.h"
#include "frame.h"
#include "memrange.h"

/* Frame number of the frame holding addr, and of the first one above it. */
static uint64_t frame_setup_pfn_down(uint64_t addr)
{
    return addr >> PAGE_SHIFT;
}

static uint64_t frame_setup_pfn_up(uint64_t addr)
{
    /* Not (addr + PAGE_SIZE - 1) >> PAGE_SHIFT: that wraps near the top. */
    return (addr >> PAGE_SHIFT) + ((addr & (PAGE_SIZE - 1)) != 0);
}

static uint64_t frame_setup_clip(uint64_t pfn)
{
    return pfn < frame_table_size() ? pfn : frame_table_size();
}

/* Add the whole frames of RAM range r that touch no reserved byte. */
static int frame_setup_free(const struct mem_range *r,
                            const struct memrange_set *reserved)
{
    uint64_t cur = frame_setup_clip(frame_setup_pfn_up(r->start));
    uint64_t hi = frame_setup_clip(frame_setup_pfn_down(r->end));
    uint32_t i, n = reserved ? reserved->count : 0;
    int rc;

    for (i = 0; i < n; i++) {
        uint64_t slo = frame_setup_pfn_down(reserved->ranges[i].start);
        uint64_t shi = frame_setup_pfn_up(reserved->ranges[i].end);

        if (shi <= cur)
            continue;
        if (slo >= hi)
            break;
        if (slo > cur) {
            rc = frame_add_free(mfn_init(cur), slo - cur);
            if (rc)
                return rc;
        }
        cur = shi;
    }
    if (cur < hi)
        return frame_add_free(mfn_init(cur), hi - cur);
    return 0;
}

/*
 * Mark as FRAME_OWNER_HYP each frame that touches both a reserved byte and a
 * RAM byte. Ranges are sorted, so the pieces come in increasing order; `done`
 * skips a frame shared by two ranges that round out to it.
 */
static int frame_setup_reserved(const struct memrange_set *ram,
                                const struct memrange_set *reserved)
{
    const struct mem_range *s, *r;
    uint64_t lo, hi, done = 0;
    uint32_t i, j;
    int rc;

    for (i = 0; i < reserved->count; i++) {
        s = &reserved->ranges[i];
        for (j = 0; j < ram->count; j++) {
            r = &ram->ranges[j];
            lo = frame_setup_clip(frame_setup_pfn_down(s->start));
            lo = lo > done ? lo : done;
            if (frame_setup_pfn_down(r->start) > lo)
                lo = frame_setup_pfn_down(r->start);
            hi = frame_setup_clip(frame_setup_pfn_up(s->end));
            if (frame_setup_pfn_up(r->end) < hi)
                hi = frame_setup_pfn_up(r->end);
            if (lo >= hi)
                continue;
            rc = frame_mark_reserved(mfn_init(lo), hi - lo, FRAME_OWNER_HYP);
            if (rc)
                return rc;
            done = hi;
        }
    }
    return 0;
}

int frame_setup(const struct memrange_set *ram,
                const struct memrange_set *reserved, struct frame *table,
                uint64_t nframes)
{
    uint32_t i;
    int rc;

    rc = frame_table_init(table, nframes);
    if (rc)
        return rc;
    for (i = 0; i < ram->count; i++) {
        rc = frame_setup_free(&ram->ranges[i], reserved);
        if (rc)
            return rc;
    }
    if (reserved)
        rc = frame_setup_reserved(ram, reserved);
    return rc;
}
