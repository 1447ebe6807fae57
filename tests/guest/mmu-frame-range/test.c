/* SPDX-License-Identifier: BSD-2-Clause */
/* A mapping of a frame beyond the end of RAM is refused with -ERANGE. */
#include "guest.h"

const char test_title[] = "mmu-frame-range: map a frame beyond RAM";

#define P PTE_GUEST_RO /* present, user */
#define W MMU_PTE_WRITE

void test_main(void)
{
    const uint64_t gfn = start_info.first_free_gfn;
    const uint64_t va = gfn_to_va(gfn);
    static const uint64_t mfns[] = {0xfffffff, 0xffffffffffULL};
    volatile uint64_t *p = (volatile uint64_t *)va;
    uint64_t ma;
    char what[96];

    if (gfn >= start_info.nr_frames || !pt_entry(va, 1, &ma)) {
        test_error("no free frame to play with");
        return;
    }
    *p = 0xf00df00d;
    for (unsigned int i = 0; i < ARRAY_SIZE(mfns); i++) {
        snprintf(what, sizeof(what), "update_va_mapping: mfn %#lx",
                 (unsigned long)mfns[i]);
        test_expect_eq(
            hc_update_va_mapping(va, pte_of_mfn(mfns[i], P | W), UVMF_INVLPG),
            -CARAPACE_ERANGE, what);
        snprintf(what, sizeof(what), "mmu_update: mfn %#lx read-only",
                 (unsigned long)mfns[i]);
        test_expect_eq(mmu_update_one(ma, pte_of_mfn(mfns[i], P)),
                       -CARAPACE_ERANGE, what);
    }
    test_expect_eq(*p, 0xf00df00d, "the va still maps our own frame");
}
