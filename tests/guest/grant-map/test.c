/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dom0 of grant-map: the domU (domain 1) grants page 0 read-write (ref 1)
 * and page 1 read-only (ref 2); dom0 maps each as allowed, reads the
 * patterns, writes through the writable mapping, copies with
 * GNTTABOP_copy, unmaps, and waits for the domU to end its grants.
 */
#include "../grant-map/gt.h"

const char test_title[] = "grant-map: dom0 maps a domU's granted pages";

static uint8_t local[4096] __attribute__((aligned(4096)));

void test_main(void)
{
    uint64_t va0 = gt_slot(0), va1 = gt_slot(1), t0;
    volatile uint64_t *w0 = (volatile uint64_t *)va0;
    struct gnttab_query_size q = {0};
    uint32_t h1 = ~0u, h2 = ~0u, h3 = ~0u;
    long rc;

    test_check(hc_version(VERSION_FEATURES) & CARAPACE_FEAT_GRANT,
               "CARAPACE_FEAT_GRANT");
    test_expect_eq(hc_grant_table_op(GNTTABOP_query_size, &q, 1), 0,
                   "query_size");
    test_expect_eq(q.max_frames, GNTTAB_MAX_FRAMES, "max_frames");
    /* Read-only ref 2: wait for the domU to grant it. */
    rc = gt_map_wait(GT_DOMU, 2, va1, GNTMAP_readonly, &h2, 5000);
    if (!test_expect_eq(rc, 0, "map ref 2 read-only"))
        return;
    test_check(gt_check_pattern((const uint8_t *)va1, 1),
               "ref 2 reads page 1's pattern");
    test_expect_eq(gt_map(GT_DOMU, 2, va0, 0, NULL), -CARAPACE_EPERM,
                   "ref 2 mapped writable");
    test_expect_eq(gnttab_unmap_one(h2, va1), 0, "unmap ref 2");
    /* Read-write ref 1, and a second, read-only mapping of it. */
    test_expect_eq(gt_map(GT_DOMU, 1, va0, 0, &h1), 0, "map ref 1 writable");
    test_check(gt_check_pattern((const uint8_t *)va0, 0),
               "ref 1 reads page 0's pattern");
    test_expect_eq(gt_map(GT_DOMU, 1, va1, GNTMAP_readonly, &h3), 0,
                   "map ref 1 again, read-only");
    test_check(gt_check_pattern((const uint8_t *)va1, 0),
               "the second mapping reads the same page");
    test_expect_eq(gnttab_unmap_one(h3, va1), 0, "unmap the second mapping");
    /* Copy page 0's first half into a local page. */
    struct gnttab_copy c = {
        .source = {.dom = GT_DOMU, .ref = 1},
        .dest = {.dom = DOMID_SELF, .gfn = va_to_gfn((uint64_t)local)},
        .len = 2048,
        .flags = GNTCOPY_source_gref,
    };
    test_expect_eq(gnttab_copy_one(&c), 0, "copy ref 1 to a local page");
    test_check(gt_check_pattern(local, 0), "the copy holds the pattern");
    /* Tell the domU; it finds ending the mapped grant refused. */
    w0[GT_ACK] = 1;
    test_check(gt_wait_eq(&w0[GT_DONE], 1, 5000), "the domU's reply");
    test_expect_eq(gnttab_unmap_one(h1, va0), 0, "unmap ref 1");
    /* The domU ends its grants: a copy is refused then. */
    t0 = system_time_ns();
    while ((rc = gnttab_copy_one(&c)) == 0 &&
           system_time_ns() - t0 < 5000 * GT_MS)
        hc_sched_op(SCHED_yield, 0);
    test_check(rc == -CARAPACE_EPERM || rc == -CARAPACE_ESRCH,
               "copy after the grant ended (or the domU is gone): %ld", rc);
    /* Wait for the domU to be gone (its result line comes first). */
    t0 = system_time_ns();
    while (gt_map(GT_DOMU, 1000, va0, 0, NULL) != -CARAPACE_ESRCH &&
           system_time_ns() - t0 < 5000 * GT_MS)
        hc_sched_op(SCHED_yield, 0);
}
