/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dom0 of grant-errors: every misuse of the grant table gets its documented
 * error and disturbs nothing. The domU (role "errors") grants ref 1: page 0
 * read-write, ref 2: page 1 read-only, ref 3 to domain 5, ref 4 granted
 * then ended, ref 5 never; it checks that ending mapped ref 1 fails.
 */
#include "../grant-map/gt.h"

const char test_title[] = "grant-errors: misuse of grant tables is refused";

static uint8_t local[4096] __attribute__((aligned(4096)));

#define E(x) (-CARAPACE_##x)

void test_main(void)
{
    uint64_t va0 = gt_slot(0), va1 = gt_slot(1), va2 = gt_slot(2), l1_ma;
    volatile uint64_t *w0 = (volatile uint64_t *)va0;
    const uint64_t *pte;
    uint32_t h = ~0u, h2 = ~0u;
    long rc;

    rc = gt_map_wait(GT_DOMU, 1, va0, 0, &h, 5000);
    if (!test_expect_eq(rc, 0, "map ref 1 writable"))
        return;
    /* Maps that must fail. */
    test_expect_eq(gt_map(GT_DOMU, 5, va1, 0, NULL), E(EPERM),
                   "ref not granted");
    test_expect_eq(gt_map(GT_DOMU, 4, va1, 0, NULL), E(EPERM), "grant ended");
    test_expect_eq(gt_map(GT_DOMU, 3, va1, 0, NULL), E(EPERM), "wrong domid");
    test_expect_eq(gt_map(GT_DOMU, 2, va1, 0, NULL), E(EPERM),
                   "read-only grant mapped writable");
    test_expect_eq(gt_map(GT_DOMU, 256, va1, 0, NULL), E(EINVAL),
                   "ref beyond the table");
    test_expect_eq(gt_map(GT_DOMU, 0xffffffffu, va1, 0, NULL), E(EINVAL),
                   "ref 2^32-1");
    test_expect_eq(gt_map(0, 1, va1, 0, NULL), E(EINVAL), "map from self");
    test_expect_eq(gt_map(77, 1, va1, 0, NULL), E(ESRCH), "no such domain");
    test_expect_eq(gt_map(GT_DOMU, 1, va1, 2, NULL), E(EINVAL), "bad flags");
    test_expect_eq(gt_map(GT_DOMU, 1, va1 + 8, 0, NULL), E(EINVAL),
                   "unaligned va");
    test_expect_eq(gt_map(GT_DOMU, 1, va0, 0, NULL), E(EBUSY),
                   "va already mapped");
    test_expect_eq(gt_map(GT_DOMU, 1, 0xffff800000000000ULL, 0, NULL),
                   E(EINVAL), "hypervisor va");
    struct gnttab_map_grant_ref padded = {
        .dom = GT_DOMU, .ref = 1, .va = va1, .pad = 1};
    test_expect_eq(gnttab_map_one(&padded), E(EINVAL), "non-zero pad");
    /* The grant PTE belongs to map/unmap only. */
    pte = pt_entry(va0, 1, &l1_ma);
    if (test_check(pte != NULL, "find the grant PTE")) {
        uint64_t old = *pte;

        test_expect_eq(mmu_update_one(l1_ma, 0), E(EPERM),
                       "mmu_update clears the grant PTE");
        test_expect_eq(mmu_update_one(l1_ma, old & ~MMU_PTE_WRITE), E(EPERM),
                       "mmu_update rewrites the grant PTE");
        test_expect_eq(hc_update_va_mapping(va0, 0, UVMF_INVLPG), E(EPERM),
                       "update_va_mapping clears it");
        test_expect_eq(mmu_update_one(l1_ma + 8, old), E(EINVAL),
                       "copy the grant PTE elsewhere");
        test_expect_eq(*pte, old, "the grant PTE is unchanged");
        /* Its L1 cannot be unpinned while it holds the mapping. */
        test_expect_eq(mmuext_one(MMUEXT_PIN_L1_TABLE, l1_ma >> 12), 0,
                       "pin the L1");
        test_expect_eq(mmuext_one(MMUEXT_UNPIN_TABLE, l1_ma >> 12), E(EBUSY),
                       "unpin the L1 holding the grant mapping");
    }
    test_check(gt_check_pattern((const uint8_t *)va0, 0),
               "the mapping still reads the pattern");
    /* Copies. */
    struct gnttab_copy c = {
        .source = {.dom = GT_DOMU, .ref = 1, .offset = 4000},
        .dest = {.dom = DOMID_SELF, .gfn = va_to_gfn((uint64_t)local)},
        .len = 200,
        .flags = GNTCOPY_source_gref,
    };
    test_expect_eq(gnttab_copy_one(&c), E(EINVAL), "copy beyond the page");
    c.source.offset = 0;
    c.dest.offset = 3990;
    test_expect_eq(gnttab_copy_one(&c), E(EINVAL),
                   "copy beyond the destination page");
    c.dest.offset = 0;
    c.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
    c.dest = (struct gnttab_copy_ptr){.dom = GT_DOMU, .ref = 2};
    test_expect_eq(gnttab_copy_one(&c), E(EPERM),
                   "copy into a read-only grant");
    c.flags = GNTCOPY_source_gref;
    c.dest = (struct gnttab_copy_ptr){.dom = DOMID_SELF, .gfn = 1ULL << 40};
    test_expect_eq(gnttab_copy_one(&c), E(EINVAL),
                   "copy to a gfn beyond memory");
    c.dest.gfn = va_to_gfn(start_info.pt_base_va);
    test_expect_eq(gnttab_copy_one(&c), E(EBUSY), "copy into a page table");
    c.dest.gfn = va_to_gfn((uint64_t)local);
    c.flags = 0x80 | GNTCOPY_source_gref;
    test_expect_eq(gnttab_copy_one(&c), E(EINVAL), "copy with unknown flags");
    /* Calls that fail as a whole. */
    struct gnttab_query_size q[65] = {0};
    test_expect_eq(hc_grant_table_op(GNTTABOP_query_size, q, 65), E(E2BIG),
                   "65 entries");
    test_expect_eq(hc_grant_table_op(99, q, 1), E(ENOSYS), "unknown command");
    test_expect_eq(hc_grant_table_op(GNTTABOP_query_size,
                                     (void *)0xffff800000000000ULL, 1),
                   E(EFAULT), "array in the hypervisor");
    struct gnttab_setup_table st = {.nr_frames = 5};
    test_expect_eq(hc_grant_table_op(GNTTABOP_setup_table, &st, 1), 0,
                   "setup_table of 5 frames: the call");
    test_expect_eq(st.status, E(EINVAL), "setup_table of 5 frames");
    /* Unmaps that must fail, then the real one, then twice. */
    test_expect_eq(gnttab_unmap_one(h, va1), E(EINVAL),
                   "unmap at the wrong va");
    test_expect_eq(gnttab_unmap_one(h + 1, va0), E(EINVAL),
                   "unmap a free handle");
    test_expect_eq(gnttab_unmap_one(100000, va0), E(EINVAL),
                   "unmap a handle beyond the table");
    /* The domU tries to end ref 1 while it is mapped. */
    w0[GT_ACK] = 1;
    test_check(gt_wait_eq(&w0[GT_DONE], 1, 5000), "the domU's reply");
    test_expect_eq(gnttab_unmap_one(h, va0), 0, "unmap ref 1");
    test_expect_eq(gnttab_unmap_one(h, va0), E(EINVAL), "unmap twice");
    test_expect_eq(mmuext_one(MMUEXT_UNPIN_TABLE, l1_ma >> 12), 0,
                   "unpin the L1 once the mapping is gone");
    /* Nothing was disturbed: read-only ref 2 maps and reads. */
    test_expect_eq(gt_map(GT_DOMU, 2, va2, GNTMAP_readonly, &h2), 0,
                   "map ref 2 read-only");
    test_check(gt_check_pattern((const uint8_t *)va2, 1), "ref 2's pattern");
    test_expect_eq(gnttab_unmap_one(h2, va2), 0, "unmap ref 2");
    uint64_t t0 = system_time_ns();
    while (gt_map(GT_DOMU, 1000, va1, 0, NULL) != E(ESRCH) &&
           system_time_ns() - t0 < 5000 * GT_MS)
        hc_sched_op(SCHED_yield, 0);
}
