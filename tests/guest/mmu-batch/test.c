/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HC_mmu_update in batches: 64 updates in one call all take effect and
 * `done` says 64; a batch stops at its first bad request with `done` at the
 * number before it, also when the array runs into an unmapped page;
 * MMU_UPDATE_MAX requests are accepted.
 */
#include "guest.h"

const char test_title[] = "mmu-batch: 64 updates in one call";

#define N 64

static struct mmu_update reqs[MMU_UPDATE_MAX];

static uint64_t va_of(unsigned int i)
{
    return gfn_to_va(start_info.first_free_gfn + i);
}

/* Map va_of(i) to the frame of va_of(reverse ? N-1-i : i), one batch. */
static void remap(bool reverse, const char *what)
{
    uint64_t done = 999;
    const uint64_t first = start_info.first_free_gfn;

    for (unsigned int i = 0; i < N; i++) {
        uint64_t ma, mfn = gfn_to_mfn(first + (reverse ? N - 1 - i : i));
        const uint64_t *e = pt_entry(va_of(i), 1, &ma);

        reqs[i].ptr = ma;
        reqs[i].val = (*e & ~MMU_PTE_ADDR) | (mfn << 12);
    }
    test_expect_eq(hc_mmu_update(reqs, N, &done), 0, what);
    test_expect_eq(done, N, "  done");
    test_expect_eq(mmuext_one(MMUEXT_TLB_FLUSH_LOCAL, 0), 0, "  TLB flush");
}

static unsigned int count_marks(bool reverse)
{
    unsigned int good = 0;

    for (unsigned int i = 0; i < N; i++)
        good += *(volatile uint64_t *)va_of(i) ==
                0xba7c400000000000ULL + (reverse ? N - 1 - i : i);
    return good;
}

/* An array whose first 3 requests end one page and whose next ones would
 * be in the unmapped page after it: 3 done, then -EFAULT (the hypervisor
 * reads requests in chunks, but never past a page it has not checked). */
static void array_into_hole(uint64_t ma, uint64_t old)
{
    const uint64_t last = start_info.nr_frames - 1,
                   end = gfn_to_va(last) + PAGE_SIZE;
    struct mmu_update *r = (struct mmu_update *)(end - 3 * sizeof(*r));
    uint64_t done = 999;

    if (pt_entry(end, 1, NULL) && (*pt_entry(end, 1, NULL) & MMU_PTE_PRESENT)) {
        test_error("the page after the last frame is mapped");
        return;
    }
    for (unsigned int i = 0; i < 3; i++)
        r[i] = (struct mmu_update){.ptr = ma, .val = old};
    test_expect_eq(hc_mmu_update(r, 10, &done), -CARAPACE_EFAULT,
                   "10 updates, the 4th in an unmapped page");
    test_expect_eq(done, 3, "  done");
    /* A request that straddles the two pages is not read at all. */
    r = (struct mmu_update *)(end - 8);
    done = 999;
    test_expect_eq(hc_mmu_update(r, 1, &done), -CARAPACE_EFAULT,
                   "1 update straddling into the unmapped page");
    test_expect_eq(done, 0, "  done");
}

void test_main(void)
{
    uint64_t done, ma, old;
    const uint64_t *e;

    if (start_info.first_free_gfn + N > start_info.nr_frames) {
        test_error("fewer than %d free frames", N);
        return;
    }
    for (unsigned int i = 0; i < N; i++)
        *(volatile uint64_t *)va_of(i) = 0xba7c400000000000ULL + i;

    remap(true, "64 updates: reverse the mapping of 64 free frames");
    test_expect_eq(count_marks(true), N, "  every page now shows its mirror");
    remap(false, "64 updates: put them back");
    test_expect_eq(count_marks(false), N, "  every page shows its own mark");

    /* A bad request in the middle: 5 done, then -EINVAL. */
    e = pt_entry(va_of(0), 1, &ma);
    old = *e;
    for (unsigned int i = 0; i < 10; i++)
        reqs[i] = (struct mmu_update){.ptr = ma, .val = old};
    reqs[5].val = old | (1ULL << 52);
    done = 999;
    test_expect_eq(hc_mmu_update(reqs, 10, &done), -CARAPACE_EINVAL,
                   "10 updates, the 6th bad");
    test_expect_eq(done, 5, "  done");
    test_expect_eq(pte_stable(*e), pte_stable(old), "  entry unchanged");

    for (unsigned int i = 0; i < MMU_UPDATE_MAX; i++)
        reqs[i] = (struct mmu_update){.ptr = ma, .val = old};
    done = 999;
    test_expect_eq(hc_mmu_update(reqs, MMU_UPDATE_MAX, &done), 0,
                   "MMU_UPDATE_MAX identical updates");
    test_expect_eq(done, MMU_UPDATE_MAX, "  done");
    array_into_hole(ma, old);
}
