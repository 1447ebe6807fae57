/* SPDX-License-Identifier: BSD-2-Clause */
/* Superpages are refused: PTE_PSE in an L2 (2 MiB) or L3 (1 GiB) entry is
 * -EINVAL. */
#include "guest.h"

const char test_title[] = "mmu-superpage: PSE in L2 and L3 entries";

#define P PTE_GUEST_RO /* present, user */
#define W MMU_PTE_WRITE

static void refuse_pse(const char *name, uint64_t va, int level, uint64_t mfn)
{
    uint64_t ma;
    const uint64_t *e = pt_entry(va, level, &ma);
    char what[96];

    if (!e) {
        test_fail("%s: no level-%d table for %#lx", name, level,
                  (unsigned long)va);
        return;
    }
    if (*e != 0) {
        test_error("%s: the entry for %#lx is in use (%#lx)", name,
                   (unsigned long)va, (unsigned long)*e);
        return;
    }
    snprintf(what, sizeof(what), "%s entry for %#lx with PSE, read-only", name,
             (unsigned long)va);
    test_expect_eq(mmu_update_one(ma, pte_of_mfn(mfn, P | MMU_PTE_PSE)),
                   -CARAPACE_EINVAL, what);
    snprintf(what, sizeof(what), "%s entry for %#lx with PSE, writable", name,
             (unsigned long)va);
    test_expect_eq(mmu_update_one(ma, pte_of_mfn(mfn, P | W | MMU_PTE_PSE)),
                   -CARAPACE_EINVAL, what);
    snprintf(what, sizeof(what), "%s entry still 0", name);
    test_expect_eq(*e, 0, what);
}

void test_main(void)
{
    const uint64_t base = start_info.virt_base;
    /* The last 2 MiB of the first GiB, and the second GiB: both unused by
     * a 16 MiB domain at 0x400000. */
    const uint64_t va2 = (base & ~((1ULL << 30) - 1)) + 511 * (2ULL << 20);
    const uint64_t va3 = (base & ~((1ULL << 30) - 1)) + (1ULL << 30);
    /* A frame of ours, 2 MiB aligned if there is one. */
    uint64_t mfn = gfn_to_mfn(start_info.first_free_gfn);

    for (uint64_t g = start_info.first_free_gfn; g < start_info.nr_frames; g++)
        if ((gfn_to_mfn(g) & 511) == 0) {
            mfn = gfn_to_mfn(g);
            break;
        }
    printf("superpage frame: mfn %#lx\n", (unsigned long)mfn);
    refuse_pse("L2", va2, 2, mfn);
    refuse_pse("L3", va3, 3, mfn);
}
