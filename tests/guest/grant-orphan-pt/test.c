/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dom0 of grant-orphan-pt: it maps the domU's page P read-only; the domU
 * makes P a pinned L1 (mapping its page Q) and powers off. P is kept for
 * dom0's mapping, but its pin must go with the domain: nothing of the
 * domU stays in use (Q is freed), and P is freed with dom0's unmap.
 */
#include "../grant-map/gt.h"

const char test_title[] = "grant-orphan-pt: a pinned table outlives its owner "
                          "only as memory";

void test_main(void)
{
    uint64_t va0 = gt_slot(0), va1 = gt_slot(1), t0;
    uint32_t h = ~0u;
    long rc;

    rc = gt_map_wait(GT_DOMU, 1, va0, GNTMAP_readonly, &h, 5000);
    if (!test_expect_eq(rc, 0, "map ref 1 read-only"))
        return;
    t0 = system_time_ns();
    while ((rc = gt_map(GT_DOMU, 1000, va1, 0, NULL)) != -CARAPACE_ESRCH &&
           system_time_ns() - t0 < 5000 * GT_MS)
        hc_sched_op(SCHED_yield, 0);
    test_expect_eq(rc, -CARAPACE_ESRCH, "the domU is gone");
    printf("dom0: domain 1 is gone, its page is still mapped\n");
    test_expect_eq(gnttab_unmap_one(h, va0), 0, "unmap the orphan");
}
