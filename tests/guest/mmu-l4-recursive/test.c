/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A recursive L4 entry (the L4 pointing at itself) is allowed read-only,
 * and gives a read-only view of the tables; a writable one would make every
 * page table writable, and is refused with -EINVAL.
 */
#include "guest.h"

const char test_title[] = "mmu-l4-recursive: self-referencing L4 entry";

#define P    PTE_GUEST_RO /* present, user */
#define W    MMU_PTE_WRITE
#define SLOT 1ULL

void test_main(void)
{
    const volatile uint64_t *l4 = (const uint64_t *)start_info.pt_base_va;
    const uint64_t l4_mfn = va_to_mfn(start_info.pt_base_va);
    const uint64_t ma = (l4_mfn << 12) + SLOT * 8;
    /* Through slot SLOT four times: the L4 page itself. */
    const uint64_t self =
        (SLOT << 39) | (SLOT << 30) | (SLOT << 21) | (SLOT << 12);

    if (l4[SLOT] != 0) {
        test_error("L4 slot %llu is in use (%#lx)", SLOT,
                   (unsigned long)l4[SLOT]);
        return;
    }
    test_expect_eq(mmu_update_one(ma, pte_of_mfn(l4_mfn, P | W)),
                   -CARAPACE_EINVAL, "recursive L4 entry, writable");
    test_expect_eq(l4[SLOT], 0, "  slot still 0");
    test_expect_eq(mmu_update_one(ma, pte_of_mfn(l4_mfn, P)), 0,
                   "recursive L4 entry, read-only");
    test_expect_eq(l4[SLOT] & (MMU_PTE_ADDR | P | W), pte_of_mfn(l4_mfn, P),
                   "  slot now points at the L4, read-only");
    test_expect_eq(*(volatile uint64_t *)self, l4[0],
                   "  the L4 read through itself: entry 0");
    test_expect_eq(mmu_update_one(ma, pte_of_mfn(l4_mfn, P | W)),
                   -CARAPACE_EINVAL, "  then made writable");
    test_expect_eq(l4[SLOT] & W, 0, "  still read-only");
    test_expect_eq(mmu_update_one(ma, 0), 0, "remove it");
    test_expect_eq(mmuext_one(MMUEXT_TLB_FLUSH_LOCAL, 0), 0, "flush the TLB");
    test_expect_eq(l4[SLOT], 0, "  slot 0 again");
}
