/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A guest can map only its own frames: a mapping of a frame that belongs to
 * the hypervisor or the firmware is refused with -EPERM, read-only or
 * writable, and the old mapping stays.
 */
#include "guest.h"

const char test_title[] = "mmu-foreign-frame: map a frame that is not ours";

#define P PTE_GUEST_RO /* present, user */
#define W MMU_PTE_WRITE

static void refused(uint64_t va, uint64_t ma, uint64_t mfn, uint64_t flags,
                    const char *what)
{
    char buf[96];

    snprintf(buf, sizeof(buf), "update_va_mapping: %s", what);
    test_expect_eq(
        hc_update_va_mapping(va, pte_of_mfn(mfn, flags), UVMF_INVLPG),
        -CARAPACE_EPERM, buf);
    snprintf(buf, sizeof(buf), "mmu_update: %s", what);
    test_expect_eq(mmu_update_one(ma, pte_of_mfn(mfn, flags)), -CARAPACE_EPERM,
                   buf);
}

void test_main(void)
{
    const uint64_t gfn = start_info.first_free_gfn;
    const uint64_t va = gfn_to_va(gfn);
    volatile uint64_t *p = (volatile uint64_t *)va;
    uint64_t ma;

    if (gfn >= start_info.nr_frames || !pt_entry(va, 1, &ma)) {
        test_error("no free frame to play with");
        return;
    }
    for (uint64_t i = 0; i < start_info.nr_frames; i++)
        if (p2m[i] <= 1 || p2m[i] == 0x100) {
            test_error("the domain owns mfn %#lx: pick other frames",
                       (unsigned long)p2m[i]);
            return;
        }
    *p = 0xf00df00d;
    refused(va, ma, 1, P | W, "mfn 1 (firmware) writable");
    refused(va, ma, 1, P, "mfn 1 (firmware) read-only");
    refused(va, ma, 0, P, "mfn 0 (real-mode IVT) read-only");
    refused(va, ma, 0x100, P, "mfn 0x100 (hypervisor image) read-only");
    refused(va, ma, 0x100, P | W, "mfn 0x100 (hypervisor image) writable");
    test_expect_eq(*p, 0xf00df00d, "the va still maps our own frame");
}
