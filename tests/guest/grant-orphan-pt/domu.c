/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The granting domU of grant-orphan-pt: grants page P read-only to dom0,
 * and once dom0 maps it, makes P a pinned L1 whose entry 0 maps page Q
 * writable, then powers off with P still mapped by dom0.
 */
#include <string.h>

#include "../grant-map/gt.h"

const char test_title[] = "grant-orphan-pt: the granting domU";

static uint64_t pages[2][512] __attribute__((aligned(4096)));

void test_main(void)
{
    struct grant_entry *t = gt_setup_table();
    uint16_t ro = GTF_permit_access | GTF_readonly;
    uint64_t p = (uint64_t)pages[0], q = (uint64_t)pages[1], t0;

    if (!test_check(t != NULL, "set up and map a grant table"))
        return;
    memset(pages, 0, sizeof(pages));
    pages[0][0] = pte_of_mfn(va_to_mfn(q), PTE_GUEST_RW);
    gt_grant(t, 1, 0, pages[0], ro);
    t0 = system_time_ns();
    while (!(READ_ONCE(t[1].flags) & GTF_reading) &&
           system_time_ns() - t0 < 5000 * GT_MS)
        hc_sched_op(SCHED_yield, 0);
    if (!test_check(READ_ONCE(t[1].flags) & GTF_reading, "dom0 maps P"))
        return;
    test_expect_eq(hc_update_va_mapping(p, 0, UVMF_INVLPG), 0,
                   "remove P's writable mapping");
    test_expect_eq(mmuext_one(MMUEXT_PIN_L1_TABLE, va_to_mfn(p)), 0,
                   "pin P as an L1 (it maps Q)");
    printf("orphan-pt: powering off with P pinned and mapped by dom0\n");
}
