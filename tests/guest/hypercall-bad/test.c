/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unknown hypercall numbers and sub-commands are refused with -ENOSYS, bad
 * arguments with -EINVAL, and the guest keeps running.
 */
#include "guest.h"

const char test_title[] = "hypercall-bad: unknown numbers and commands";

void test_main(void)
{
    /* The page has stubs for 0..HC_NR-1 only: go around it. */
    test_expect_eq(hc_raw2(HC_NR, 0, 0), -CARAPACE_ENOSYS,
                   "raw syscall with rax = HC_NR");
    test_expect_eq(hc_raw2(9999, 0, 0), -CARAPACE_ENOSYS,
                   "raw syscall with rax = 9999");
    test_expect_eq(hc_raw2(~0ULL, 0, 0), -CARAPACE_ENOSYS,
                   "raw syscall with rax = 2^64 - 1");
    /* The raw path itself works: */
    test_expect_eq(hc_raw2(HC_version, VERSION_ABI, 0), CARAPACE_ABI_VERSION,
                   "raw syscall with rax = HC_version");

    test_expect_eq(hc_version(77), -CARAPACE_ENOSYS, "HC_version(cmd 77)");
    test_expect_eq(hc_sched_op(77, 0), -CARAPACE_ENOSYS, "HC_sched_op(cmd 77)");
    test_expect_eq(hc_sched_op(SCHED_shutdown, 7), -CARAPACE_EINVAL,
                   "HC_sched_op(SCHED_shutdown, reason 7)");
    test_expect_eq(hc_sched_op(SCHED_yield, 0), 0, "HC_sched_op(SCHED_yield)");
    test_expect_eq(hc_version(VERSION_ABI), CARAPACE_ABI_VERSION,
                   "HC_version(VERSION_ABI) still answers");
}
