/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Frame allocator. Free frames form a list threaded through the frames
 * themselves (each holds the next one's number), so the allocator needs no
 * memory of its own; frames never handed out yet are taken from a bump
 * pointer, so boot does not touch every page. A machine-to-guest table
 * answers "which of our frames is this mfn?" for page-table walks: the
 * runs of consecutive machine frames the p2m holds (one on the native
 * backend, a few dozen for a pv dom0 of 64 MiB), sorted by machine frame.
 * Sorting runs, not frames, keeps the table a frame or two and its sort
 * short: sorting 16,384 frames was most of a pv dom0's boot.
 */
#include <stdbool.h>
#include <string.h>

#include "arch.h"
#include "frame.h"
#include "print.h"

static uint64_t frame_base; /* virtual address of guest frame 0 */
static uint64_t frame_nr;
static const uint64_t *frame_p2m;
static uint32_t frame_bump; /* next never-used frame */
static uint32_t frame_list; /* first free frame, 0: none */
static uint64_t frame_nfree;
/* A run of guest frames gfn .. gfn+len-1 at machine frames mfn .. */
struct frame_run {
    uint64_t mfn;
    uint32_t gfn, len;
};
static struct frame_run *frame_runs; /* sorted by mfn */
static uint64_t frame_nruns;
static uint64_t frame_fault_at;     /* the call that fails; 0: none */
static uint64_t frame_fault_allocs; /* calls since the arm */
static bool frame_fault_fired;

void *frame_va(uint32_t gfn)
{
    return (void *)(frame_base + ((uint64_t)gfn << ARCH_PAGE_SHIFT));
}

uint32_t frame_of_va(const void *va)
{
    return (uint32_t)(((uint64_t)va - frame_base) >> ARCH_PAGE_SHIFT);
}

uint64_t frame_mfn(uint32_t gfn)
{
    return frame_p2m[gfn];
}

/* Heapsort of the runs by machine frame: no recursion, no extra memory. */
static void frame_sift(struct frame_run *a, uint64_t start, uint64_t end)
{
    uint64_t root = start;

    while (2 * root + 1 < end) {
        uint64_t child = 2 * root + 1;
        struct frame_run t;

        if (child + 1 < end && a[child].mfn < a[child + 1].mfn)
            child++;
        if (a[root].mfn >= a[child].mfn)
            return;
        t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void frame_sort(struct frame_run *a, uint64_t n)
{
    for (uint64_t i = n / 2; i-- > 0;)
        frame_sift(a, i, n);
    for (uint64_t end = n; end-- > 1;) {
        struct frame_run t = a[0];

        a[0] = a[end];
        a[end] = t;
        frame_sift(a, 0, end);
    }
}

/* Does guest frame g start a run (its mfn does not follow g-1's)? */
static bool frame_run_starts(uint64_t g)
{
    return g == 0 || frame_p2m[g - 1] + 1 != frame_p2m[g];
}

void frame_init(uint64_t virt_base, uint64_t nr_frames, uint64_t first_free,
                const uint64_t *p2m)
{
    uint64_t runs = 0, table_frames, r = 0;

    frame_base = virt_base;
    frame_nr = nr_frames;
    frame_p2m = p2m;
    for (uint64_t g = 0; g < nr_frames; g++)
        runs += frame_run_starts(g);
    table_frames = (runs * sizeof(struct frame_run) + ARCH_PAGE_SIZE - 1) >>
                   ARCH_PAGE_SHIFT;
    if (first_free + table_frames >= nr_frames)
        panic("no memory for the frame table (%lu frames)",
              (unsigned long)nr_frames);
    frame_runs = frame_va((uint32_t)first_free);
    for (uint64_t g = 0; g < nr_frames; g++) {
        if (frame_run_starts(g))
            frame_runs[r++] = (struct frame_run){p2m[g], (uint32_t)g, 0};
        frame_runs[r - 1].len++;
    }
    frame_nruns = runs;
    frame_sort(frame_runs, runs);
    frame_bump = (uint32_t)(first_free + table_frames);
    frame_nfree = nr_frames - frame_bump;
}

uint32_t frame_of_mfn(uint64_t mfn)
{
    uint64_t lo = 0, hi = frame_nruns;

    while (lo < hi) {
        uint64_t mid = (lo + hi) / 2;
        const struct frame_run *run = &frame_runs[mid];

        if (mfn >= run->mfn && mfn - run->mfn < run->len)
            return run->gfn + (uint32_t)(mfn - run->mfn);
        if (run->mfn < mfn)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

void frame_fault_arm(uint64_t n)
{
    frame_fault_at = n;
    frame_fault_allocs = 0;
    frame_fault_fired = false;
}

void frame_fault_get(struct frame_fault *f)
{
    f->allocs = frame_fault_allocs;
    f->fired = frame_fault_fired;
}

uint32_t frame_alloc(void)
{
    uint32_t gfn;

    if (++frame_fault_allocs == frame_fault_at) {
        frame_fault_fired = true;
        return 0;
    }
    if (frame_list) {
        gfn = frame_list;
        frame_list = *(uint32_t *)frame_va(gfn);
    } else if (frame_bump < frame_nr) {
        gfn = frame_bump++;
    } else {
        return 0;
    }
    frame_nfree--;
    memset(frame_va(gfn), 0, ARCH_PAGE_SIZE);
    return gfn;
}

void frame_free(uint32_t gfn)
{
    if (gfn == 0 || gfn >= frame_nr)
        panic("frame_free: bad frame %u", gfn);
    *(uint32_t *)frame_va(gfn) = frame_list;
    frame_list = gfn;
    frame_nfree++;
}

uint64_t frame_free_count(void)
{
    return frame_nfree;
}

uint64_t frame_total(void)
{
    return frame_nr;
}
