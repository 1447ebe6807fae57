/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pinning a new L1 table: a frame can become a page table only once no
 * writable mapping of it is left; then it pins, refuses a second pin,
 * unpins, refuses a second unpin, and can become ordinary memory again.
 */
#include <string.h>

#include "guest.h"

const char test_title[] = "mmu-pin-l1: pin and unpin an L1 built by the guest";

#define P PTE_GUEST_RO /* present, user */
#define W MMU_PTE_WRITE

void test_main(void)
{
    const uint64_t gfn = start_info.first_free_gfn;
    uint64_t va, mfn, data_mfn, done = 99;
    uint64_t *l1;
    struct mmuext_op pin;

    if (gfn + 2 > start_info.nr_frames) {
        test_error("no two free frames");
        return;
    }
    va = gfn_to_va(gfn);
    mfn = gfn_to_mfn(gfn);
    data_mfn = gfn_to_mfn(gfn + 1);
    printf("new L1: gfn %lu, mfn %#lx, va %#lx\n", (unsigned long)gfn,
           (unsigned long)mfn, (unsigned long)va);

    /* Build it while it is still ordinary writable memory: one read-only
     * entry for the next frame. */
    l1 = (uint64_t *)va;
    memset(l1, 0, PAGE_SIZE);
    l1[0] = pte_of_mfn(data_mfn, P);

    pin = (struct mmuext_op){.cmd = MMUEXT_PIN_L1_TABLE, .arg = mfn};
    test_expect_eq(hc_mmuext_op(&pin, 1, &done), -CARAPACE_EBUSY,
                   "pin while the frame is mapped writable");
    test_expect_eq(done, 0, "  done");
    test_expect_eq(hc_update_va_mapping(va, 0, UVMF_INVLPG), 0,
                   "unmap it from the linear map");
    test_expect_eq(*pt_entry(va, 1, NULL), 0, "  its L1 entry is now 0");
    test_expect_eq(hc_mmuext_op(&pin, 1, &done), 0, "pin as L1");
    test_expect_eq(done, 1, "  done");
    test_expect_eq(mmuext_one(MMUEXT_PIN_L1_TABLE, mfn), -CARAPACE_EBUSY,
                   "pin it again");

    test_expect_eq(hc_update_va_mapping(va, pte_of_mfn(mfn, P), UVMF_INVLPG), 0,
                   "map the pinned L1 read-only");
    test_expect_eq(READ_ONCE(l1[0]), pte_of_mfn(data_mfn, P),
                   "  and read its entry 0 back");

    test_expect_eq(mmuext_one(MMUEXT_UNPIN_TABLE, mfn), 0, "unpin");
    test_expect_eq(mmuext_one(MMUEXT_UNPIN_TABLE, mfn), -CARAPACE_EINVAL,
                   "unpin it again");
    test_expect_eq(
        hc_update_va_mapping(va, pte_of_mfn(mfn, P | W), UVMF_INVLPG), 0,
        "unpinned and unused: writable again");
    WRITE_ONCE(l1[1], 0x5a5a);
    test_expect_eq(READ_ONCE(l1[1]), 0x5a5a, "  and written");
}
