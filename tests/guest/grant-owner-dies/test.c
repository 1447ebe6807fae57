/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dom0 of grant-owner-dies: the domU grants page 0 read-write, dom0 maps
 * it and acknowledges, the domU powers off and is destroyed. dom0's
 * mapping stays valid (the hypervisor keeps the frame: the log says so);
 * once dom0 unmaps it, the log says the frame was freed.
 */
#include "../grant-map/gt.h"

const char test_title[] = "grant-owner-dies: a mapped frame outlives its owner";

void test_main(void)
{
    uint64_t va0 = gt_slot(0), va1 = gt_slot(1), t0;
    volatile uint64_t *w0 = (volatile uint64_t *)va0;
    uint32_t h = ~0u;
    long rc;

    rc = gt_map_wait(GT_DOMU, 1, va0, 0, &h, 5000);
    if (!test_expect_eq(rc, 0, "map ref 1 writable"))
        return;
    test_check(gt_check_pattern((const uint8_t *)va0, 0), "page 0's pattern");
    w0[GT_ACK] = 1;
    /* The domU powers off and is destroyed. */
    t0 = system_time_ns();
    while ((rc = gt_map(GT_DOMU, 1000, va1, 0, NULL)) != -CARAPACE_ESRCH &&
           system_time_ns() - t0 < 5000 * GT_MS)
        hc_sched_op(SCHED_yield, 0);
    test_expect_eq(rc, -CARAPACE_ESRCH, "the domU is gone");
    printf("dom0: domain 1 is gone, its page is still mapped\n");
    test_check(gt_check_pattern((const uint8_t *)va0, 0),
               "the mapping still reads the pattern");
    w0[GT_DONE] = 0x5eed;
    test_expect_eq(w0[GT_DONE], 0x5eed, "and is still writable");
    test_expect_eq(gnttab_unmap_one(h, va1), -CARAPACE_EINVAL,
                   "unmap at the wrong va");
    test_expect_eq(gnttab_unmap_one(h, va0), 0, "unmap the orphan");
    test_expect_eq(gnttab_unmap_one(h, va0), -CARAPACE_EINVAL, "unmap twice");
    /* The slot can take an ordinary mapping again. */
    test_expect_eq(
        hc_update_va_mapping(
            va0,
            pte_of_mfn(gfn_to_mfn(start_info.first_free_gfn), PTE_GUEST_RW),
            UVMF_INVLPG),
        0, "map dom0's own frame there again");
}
