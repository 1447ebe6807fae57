/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * No writable mapping of a page table: mapping a pinned L1, or the initial
 * L4, writable is refused with -EBUSY, whichever hypercall asks, and the
 * entries stay as they were.
 */
#include <string.h>

#include "guest.h"

const char test_title[] = "mmu-pt-map-writable: page tables are never writable";

#define P PTE_GUEST_RO /* present, user */
#define W MMU_PTE_WRITE

void test_main(void)
{
    const uint64_t gfn = start_info.first_free_gfn;
    uint64_t va, va2, mfn, l4_mfn, ma2;
    const uint64_t *e2;

    if (gfn + 2 > start_info.nr_frames) {
        test_error("no two free frames");
        return;
    }
    va = gfn_to_va(gfn);
    va2 = gfn_to_va(gfn + 1);
    mfn = gfn_to_mfn(gfn);
    l4_mfn = va_to_mfn(start_info.pt_base_va);

    /* Setup: an empty L1, unmapped, pinned. */
    memset((void *)va, 0, PAGE_SIZE);
    test_expect_eq(hc_update_va_mapping(va, 0, UVMF_INVLPG), 0,
                   "setup: unmap the new L1's frame");
    test_expect_eq(mmuext_one(MMUEXT_PIN_L1_TABLE, mfn), 0,
                   "setup: pin it as L1");

    test_expect_eq(
        hc_update_va_mapping(va, pte_of_mfn(mfn, P | W), UVMF_INVLPG),
        -CARAPACE_EBUSY,
        "update_va_mapping: the pinned L1 writable at its own va");
    test_expect_eq(*pt_entry(va, 1, NULL), 0, "  its entry is still 0");

    e2 = pt_entry(va2, 1, &ma2);
    test_expect_eq(
        hc_update_va_mapping(va2, pte_of_mfn(mfn, P | W), UVMF_INVLPG),
        -CARAPACE_EBUSY,
        "update_va_mapping: the pinned L1 writable at another va");
    test_expect_eq(mmu_update_one(ma2, pte_of_mfn(mfn, P | W)), -CARAPACE_EBUSY,
                   "mmu_update: the pinned L1 writable at another va");
    test_expect_eq(*e2 & MMU_PTE_ADDR, gfn_to_mfn(gfn + 1) << 12,
                   "  that va still maps its own frame");

    test_expect_eq(
        hc_update_va_mapping(va2, pte_of_mfn(l4_mfn, P | W), UVMF_INVLPG),
        -CARAPACE_EBUSY, "update_va_mapping: the initial L4 writable");
    test_expect_eq(mmu_update_one(ma2, pte_of_mfn(l4_mfn, P | W)),
                   -CARAPACE_EBUSY, "mmu_update: the initial L4 writable");

    /* Read-only is fine. */
    test_expect_eq(
        hc_update_va_mapping(va2, pte_of_mfn(l4_mfn, P), UVMF_INVLPG), 0,
        "update_va_mapping: the initial L4 read-only");
    test_expect_eq(*(volatile uint64_t *)va2,
                   *(volatile uint64_t *)start_info.pt_base_va,
                   "  reads the same as pt-base-va");
}
