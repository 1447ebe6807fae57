/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HC_mmuext_op checks its operations: unknown command, non-zero pad, unpin
 * of a frame never pinned, too many operations, an unreadable array; a
 * batch stops at the first failure and says how far it got.
 */
#include "guest.h"

const char test_title[] = "mmu-ext-args: mmuext_op checks";

static struct mmuext_op ops[MMUEXT_OP_MAX + 1];

void test_main(void)
{
    const uint64_t data_mfn = gfn_to_mfn(start_info.first_free_gfn);
    struct mmuext_op op;
    uint64_t done;
    long rc;

    test_expect_eq(mmuext_one(MMUEXT_TLB_FLUSH_LOCAL, 0), 0,
                   "control: TLB_FLUSH_LOCAL");
    test_expect_eq(mmuext_one(99, 0), -CARAPACE_ENOSYS, "unknown command 99");
    test_expect_eq(mmuext_one(~0u, 0), -CARAPACE_ENOSYS,
                   "unknown command 0xffffffff");
    op = (struct mmuext_op){.cmd = MMUEXT_TLB_FLUSH_LOCAL, .pad = 1};
    test_expect_eq(hc_mmuext_op(&op, 1, NULL), -CARAPACE_EINVAL,
                   "non-zero pad");
    test_expect_eq(mmuext_one(MMUEXT_UNPIN_TABLE, data_mfn), -CARAPACE_EINVAL,
                   "unpin a data frame never pinned");
    rc = mmuext_one(MMUEXT_UNPIN_TABLE, 1);
    printf("unpin mfn 1 (not ours): %ld\n", rc);
    test_check(rc < 0, "unpin of a frame that is not ours refused");
    rc = mmuext_one(MMUEXT_PIN_L1_TABLE, 1);
    printf("pin mfn 1 (not ours) as L1: %ld\n", rc);
    test_check(rc < 0, "pin of a frame that is not ours refused");

    for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++)
        ops[i] = (struct mmuext_op){.cmd = MMUEXT_TLB_FLUSH_LOCAL};
    test_expect_eq(hc_mmuext_op(ops, MMUEXT_OP_MAX + 1, NULL), -CARAPACE_E2BIG,
                   "count MMUEXT_OP_MAX + 1");
    test_expect_eq(hc_mmuext_op((void *)0x1000, 1, NULL), -CARAPACE_EFAULT,
                   "array at 0x1000 (unmapped)");
    test_expect_eq(hc_mmuext_op((void *)HYP_VA_EXAMPLE, 1, NULL),
                   -CARAPACE_EFAULT, "array in the hypervisor half");

    ops[1].cmd = 99;
    done = 77;
    test_expect_eq(hc_mmuext_op(ops, 3, &done), -CARAPACE_ENOSYS,
                   "flush, unknown, flush: the batch fails");
    test_expect_eq(done, 1, "  done: the one before the failure");
    ops[1].cmd = MMUEXT_TLB_FLUSH_LOCAL;
    done = 77;
    test_expect_eq(hc_mmuext_op(ops, 3, &done), 0, "flush x 3");
    test_expect_eq(done, 3, "  done");
}
