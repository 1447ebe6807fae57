/* SPDX-License-Identifier: BSD-2-Clause */
/* Page-table entries with any of bits 52..62 set are refused with -EINVAL
 * (the ABI reserves them), by both hypercalls that write entries. */
#include "guest.h"

const char test_title[] = "mmu-pte-reserved-bits: bits 52..62";

#define P PTE_GUEST_RO /* present, user */
#define W MMU_PTE_WRITE

void test_main(void)
{
    const uint64_t gfn = start_info.first_free_gfn;
    const uint64_t va = gfn_to_va(gfn);
    volatile uint64_t *p = (volatile uint64_t *)va;
    static const unsigned int bits[] = {52, 55, 58, 62};
    uint64_t ma, mfn, old;
    const uint64_t *e;
    char what[96];

    if (gfn >= start_info.nr_frames || !(e = pt_entry(va, 1, &ma))) {
        test_error("no free frame to play with");
        return;
    }
    mfn = gfn_to_mfn(gfn);
    *p = 0xf00df00d;
    old = *e;
    for (unsigned int i = 0; i < ARRAY_SIZE(bits); i++) {
        uint64_t pte = pte_of_mfn(mfn, P | W) | (1ULL << bits[i]);

        snprintf(what, sizeof(what), "update_va_mapping: bit %u set", bits[i]);
        test_expect_eq(hc_update_va_mapping(va, pte, UVMF_INVLPG),
                       -CARAPACE_EINVAL, what);
        snprintf(what, sizeof(what), "mmu_update: bit %u set", bits[i]);
        test_expect_eq(mmu_update_one(ma, pte), -CARAPACE_EINVAL, what);
    }
    test_expect_eq(pte_stable(*e), pte_stable(old), "the entry is unchanged");
    test_expect_eq(*p, 0xf00df00d, "the va still maps our own frame");
    /* The same entry without the bit (NX is bit 63, allowed) goes in. */
    test_expect_eq(hc_update_va_mapping(va, old | MMU_PTE_NX, UVMF_INVLPG), 0,
                   "update_va_mapping: the same entry with NX (bit 63) added");
    test_expect_eq(*p, 0xf00df00d, "  still our frame");
}
