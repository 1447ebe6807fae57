/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HC_mmu_update and HC_update_va_mapping check their arguments: an
 * unaligned entry pointer, too many requests, an unreadable request array,
 * a non-canonical or hypervisor virtual address.
 */
#include "guest.h"

const char test_title[] = "mmu-update-args: request checks";

static struct mmu_update reqs[MMU_UPDATE_MAX + 1];

void test_main(void)
{
    const uint64_t gfn = start_info.first_free_gfn;
    const uint64_t va = gfn_to_va(gfn);
    uint64_t ma, old, done;
    const uint64_t *e;
    long rc;

    if (gfn >= start_info.nr_frames || !(e = pt_entry(va, 1, &ma))) {
        test_error("no free frame to play with");
        return;
    }
    old = *e;
    test_expect_eq(mmu_update_one(ma, old), 0,
                   "control: rewrite an entry with its own value");

    test_expect_eq(mmu_update_one(ma + 4, old), -CARAPACE_EINVAL,
                   "ptr not 8-byte aligned (+4)");
    for (uint64_t cmd = 1; cmd < 4; cmd++) {
        rc = mmu_update_one(ma | cmd, old);
        printf("ptr low bits = command %lu: %ld%s%s\n", (unsigned long)cmd, rc,
               errno_name(rc) ? " " : "", errno_name(rc) ? errno_name(rc) : "");
        test_check(rc < 0, "unknown command %lu in ptr refused",
                   (unsigned long)cmd);
    }

    for (unsigned int i = 0; i < ARRAY_SIZE(reqs); i++)
        reqs[i] = (struct mmu_update){.ptr = ma, .val = old};
    done = 99;
    test_expect_eq(hc_mmu_update(reqs, MMU_UPDATE_MAX + 1, &done),
                   -CARAPACE_E2BIG, "count MMU_UPDATE_MAX + 1");
    test_expect_eq(hc_mmu_update((void *)0x1000, 1, NULL), -CARAPACE_EFAULT,
                   "request array at 0x1000 (unmapped)");
    test_expect_eq(hc_mmu_update((void *)HYP_VA_EXAMPLE, 1, NULL),
                   -CARAPACE_EFAULT, "request array in the hypervisor half");
    done = 99;
    test_expect_eq(hc_mmu_update(reqs, 0, &done), 0, "count 0");
    test_expect_eq(done, 0, "  done");

    test_expect_eq(hc_update_va_mapping(GUEST_VA_END, old, UVMF_INVLPG),
                   -CARAPACE_EINVAL,
                   "update_va_mapping: va 0x0000800000000000");
    test_expect_eq(
        hc_update_va_mapping(0x8000000000000000ULL, old, UVMF_INVLPG),
        -CARAPACE_EINVAL, "update_va_mapping: va 0x8000000000000000");
    test_expect_eq(hc_update_va_mapping(HYP_VA_EXAMPLE, old, UVMF_INVLPG),
                   -CARAPACE_EINVAL,
                   "update_va_mapping: va in the hypervisor half");
    test_expect_eq(pte_stable(*e), pte_stable(old), "the entry is unchanged");
}
