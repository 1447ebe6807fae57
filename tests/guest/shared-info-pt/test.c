/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shared-info page is written by the hypervisor (event bits, cr2 of a
 * page fault, time): it must never become a page table, or a guest could
 * have the hypervisor write PTEs for it (a fault at address X puts X in
 * vcpu[0].cr2). With its writable mapping gone and its contents valid as a
 * table, pinning it at any level still gets -EBUSY.
 */
#include <string.h>

#include "guest.h"

const char test_title[] = "shared-info-pt: the shared-info page is never a "
                          "page table";

static uint8_t saved[4096];

void test_main(void)
{
    uint64_t va = start_info.shared_va, mfn = va_to_mfn(va);
    uint8_t *page = (uint8_t *)va;
    uint64_t t0;
    long rc;

    printf("shared info: va %#lx, mfn %#lx\n", (unsigned long)va,
           (unsigned long)mfn);
    /* Contents that validate at any level: all zero (events stay masked:
     * upcall_mask is byte 1, not a present bit). */
    memcpy(saved, page, sizeof(saved));
    memset(page, 0, PAGE_SIZE);
    page[1] = 1;
    test_expect_eq(hc_update_va_mapping(va, 0, UVMF_INVLPG), 0,
                   "remove its writable mapping");
    for (uint32_t level = 1; level <= 4; level++) {
        rc = mmuext_one(MMUEXT_PIN_L1_TABLE + level - 1, mfn);
        test_expect_eq(rc, -CARAPACE_EBUSY, "pin the shared-info frame");
        if (rc == 0)
            mmuext_one(MMUEXT_UNPIN_TABLE, mfn);
    }
    test_expect_eq(
        hc_update_va_mapping(va, pte_of_mfn(mfn, PTE_GUEST_RW), UVMF_INVLPG), 0,
        "map it writable again");
    memcpy(page, saved, sizeof(saved));
    /* The hypervisor still writes it: a timer in the past raises VIRQ_TIMER. */
    __atomic_store_n(&shared_info->vcpu[0].pending_virqs, 0, __ATOMIC_SEQ_CST);
    test_expect_eq(hc_set_timer(1), 0, "a timer already due");
    t0 = system_time_ns();
    while (!(__atomic_load_n(&shared_info->vcpu[0].pending_virqs,
                             __ATOMIC_SEQ_CST) &
             (1u << VIRQ_TIMER)) &&
           system_time_ns() - t0 < 2000000000ULL)
        hc_sched_op(SCHED_yield, 0);
    test_check(
        __atomic_load_n(&shared_info->vcpu[0].pending_virqs, __ATOMIC_SEQ_CST) &
            (1u << VIRQ_TIMER),
        "VIRQ_TIMER reaches the shared-info page");
}
