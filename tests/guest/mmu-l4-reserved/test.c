/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The upper half of every address space is the hypervisor's: writing an L4
 * slot from 256 up is refused with -EPERM, whatever the new value.
 */
#include "guest.h"

const char test_title[] = "mmu-l4-reserved: the hypervisor's L4 slots";

void test_main(void)
{
    const uint64_t *l4 = (const uint64_t *)start_info.pt_base_va;
    const uint64_t l4_ma = va_to_mfn(start_info.pt_base_va) << 12;
    static const unsigned int slots[] = {256, 271, 511};
    char what[96];

    /* l4[0] holds a valid L3 of ours: the most plausible value to copy. */
    printf("L4 at %#lx (ma %#lx), slot 0 = %#lx, slot 256 = %#lx\n",
           (unsigned long)start_info.pt_base_va, (unsigned long)l4_ma,
           (unsigned long)l4[0], (unsigned long)l4[256]);
    for (unsigned int i = 0; i < ARRAY_SIZE(slots); i++) {
        unsigned int s = slots[i];
        uint64_t before = l4[s];

        snprintf(what, sizeof(what), "L4 slot %u := slot 0's entry", s);
        test_expect_eq(mmu_update_one(l4_ma + s * 8, l4[0]), -CARAPACE_EPERM,
                       what);
        snprintf(what, sizeof(what), "L4 slot %u := 0", s);
        test_expect_eq(mmu_update_one(l4_ma + s * 8, 0), -CARAPACE_EPERM, what);
        snprintf(what, sizeof(what), "L4 slot %u unchanged", s);
        test_expect_eq(l4[s], before, what);
    }
}
