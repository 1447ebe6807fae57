/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The granting domU of the grant-* tests; its bootargs choose the role:
 *  "map"    ref 1: page 0 read-write, ref 2: page 1 read-only, to dom0; when
 *           dom0 acknowledges (page 0), ending ref 1 must fail (mapped);
 *           once dom0 unmapped it, both grants end.
 *  "errors" as "map", plus ref 3 granted to domain 5, ref 4 granted then
 *           ended, ref 5 never granted.
 *  "dies"   ref 1: page 0 read-write to dom0; when dom0 acknowledges, the
 *           domain powers off with the page still mapped.
 */
#include <string.h>

#include "gt.h"

const char test_title[] = "grant: the granting domU";

static uint8_t pages[2][4096] __attribute__((aligned(4096)));

void test_main(void)
{
    const char *role = start_info.bootargs ? start_info.bootargs : "";
    volatile uint64_t *w0 = (volatile uint64_t *)pages[0];
    struct grant_entry *t = gt_setup_table();
    uint16_t rw = GTF_permit_access, ro = GTF_permit_access | GTF_readonly;
    uint16_t f;

    if (!test_check(t != NULL, "set up and map a grant table"))
        return;
    for (unsigned n = 0; n < 2; n++)
        for (unsigned i = 0; i < 4096; i++)
            pages[n][i] = gt_pattern(n, i);
    w0[GT_ACK] = w0[GT_DONE] = 0;
    if (!strcmp(role, "errors")) {
        gt_grant(t, 3, 5, pages[1], rw);
        gt_grant(t, 4, 0, pages[1], rw);
        test_check(gt_end(t, 4, rw), "end an unmapped grant");
    }
    gt_grant(t, 2, 0, pages[1], ro);
    gt_grant(t, 1, 0, pages[0], rw);
    printf("%s: granted\n", role);
    if (!test_check(gt_wait_eq(&w0[GT_ACK], 1, 5000), "dom0's ack"))
        return;
    f = READ_ONCE(t[1].flags);
    test_expect_eq(f, rw | GTF_reading | GTF_writing,
                   "ref 1 flags while dom0 maps it writable");
    if (!strcmp(role, "dies")) {
        printf("dies: powering off with ref 1 mapped\n");
        return;
    }
    /* The grantee's protocol: ending a mapped grant fails. */
    test_check(!gt_end(t, 1, rw), "ending mapped ref 1 fails");
    test_expect_eq(READ_ONCE(t[1].flags), f, "ref 1 unchanged");
    w0[GT_DONE] = 1;
    /* dom0 unmaps; then the grant ends. */
    uint64_t t0 = system_time_ns();
    while (READ_ONCE(t[1].flags) & (GTF_reading | GTF_writing)) {
        if (system_time_ns() - t0 > 5000 * GT_MS)
            break;
        hc_sched_op(SCHED_yield, 0);
    }
    test_expect_eq(READ_ONCE(t[1].flags), rw, "ref 1 flags after the unmap");
    test_check(gt_end(t, 1, rw), "end ref 1 once unmapped");
    test_check(gt_end(t, 2, ro), "end ref 2");
    test_check(gt_check_pattern(pages[1], 1), "page 1 untouched");
}
