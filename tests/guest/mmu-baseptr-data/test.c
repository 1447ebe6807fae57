/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MMUEXT_NEW_BASEPTR only switches to a valid L4: a data frame (mapped
 * writable, or unmapped and full of garbage) is refused, and the guest
 * keeps running on its old tables.
 */
#include "guest.h"

const char test_title[] = "mmu-baseptr-data: NEW_BASEPTR to a data frame";

#define P PTE_GUEST_RO /* present, user */

static void refused(uint32_t cmd, uint64_t mfn, const char *what)
{
    long rc = mmuext_one(cmd, mfn);

    printf("%s: %ld (%s)\n", what, rc, errno_name(rc) ? errno_name(rc) : "?");
    test_check(rc == -CARAPACE_EINVAL || rc == -CARAPACE_EBUSY,
               "%s refused with -EINVAL or -EBUSY", what);
}

void test_main(void)
{
    const uint64_t gfn = start_info.first_free_gfn;
    const uint64_t l4_mfn = va_to_mfn(start_info.pt_base_va);
    uint64_t *garbage;

    if (gfn + 2 > start_info.nr_frames) {
        test_error("no two free frames");
        return;
    }
    test_expect_eq(mmuext_one(MMUEXT_NEW_BASEPTR, l4_mfn), 0,
                   "control: NEW_BASEPTR to the current L4");

    refused(MMUEXT_NEW_BASEPTR, gfn_to_mfn(gfn),
            "NEW_BASEPTR to a data frame mapped writable");

    /* A frame whose guest slots (0..255) hold entries with reserved bits
     * and whose hypervisor slots are 0, then unmapped: no type conflict
     * left, only the content is wrong. */
    garbage = (uint64_t *)gfn_to_va(gfn + 1);
    for (unsigned int i = 0; i < 512; i++)
        garbage[i] =
            i < 256 ? 0x7ff0000000000000ULL | pte_of_mfn(l4_mfn, P) : 0;
    test_expect_eq(hc_update_va_mapping((uint64_t)garbage, 0, UVMF_INVLPG), 0,
                   "unmap the garbage frame");
    refused(MMUEXT_NEW_BASEPTR, gfn_to_mfn(gfn + 1),
            "NEW_BASEPTR to an unmapped garbage frame");
    refused(MMUEXT_NEW_USER_BASEPTR, gfn_to_mfn(gfn + 1),
            "NEW_USER_BASEPTR to an unmapped garbage frame");
    refused(MMUEXT_NEW_USER_BASEPTR, gfn_to_mfn(gfn),
            "NEW_USER_BASEPTR to a data frame mapped writable");
    {
        long rc = mmuext_one(MMUEXT_NEW_BASEPTR, 1);

        printf("NEW_BASEPTR to mfn 1 (not ours): %ld\n", rc);
        test_check(rc < 0, "NEW_BASEPTR to a frame that is not ours refused");
    }
    test_expect_eq(*(volatile uint64_t *)start_info.pt_base_va,
                   *(volatile uint64_t *)start_info.pt_base_va,
                   "still running on the old tables");
    test_expect_eq(hc_version(VERSION_ABI), CARAPACE_ABI_VERSION,
                   "and hypercalls still work");
}
