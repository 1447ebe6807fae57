/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HC_multicall runs a batch, writes each call's result, stops after the
 * first failure, refuses HC_iret and nested HC_multicall inside a batch,
 * and checks the array itself (count limit, readable).
 */
#include <string.h>

#include "guest.h"

const char test_title[] = "multicall: batches of hypercalls";

#define UNTOUCHED (-12345)

static struct multicall_entry calls[MULTICALL_MAX + 1];

static void reset(void)
{
    memset(calls, 0, sizeof(calls));
    for (unsigned int i = 0; i < ARRAY_SIZE(calls); i++)
        calls[i].result = UNTOUCHED;
}

static void version_call(struct multicall_entry *c)
{
    c->op = HC_version;
    c->args[0] = VERSION_ABI;
}

void test_main(void)
{
    static const char msg[] = "multicall: console_write in a batch\n";

    reset();
    for (int i = 0; i < 3; i++)
        version_call(&calls[i]);
    test_expect_eq(hc_multicall(calls, 3), 3, "3 x HC_version: calls run");
    for (int i = 0; i < 3; i++)
        test_expect_eq(calls[i].result, CARAPACE_ABI_VERSION,
                       "  result of HC_version");
    test_expect_eq(calls[3].result, UNTOUCHED, "  entry 3 untouched");

    reset();
    console_flush();
    calls[0].op = HC_console_write;
    calls[0].args[0] = (uint64_t)msg;
    calls[0].args[1] = sizeof(msg) - 1;
    version_call(&calls[1]);
    test_expect_eq(hc_multicall(calls, 2), 2,
                   "console_write + version: a positive result is no failure");
    test_expect_eq(calls[0].result, sizeof(msg) - 1,
                   "  console_write's result");
    test_expect_eq(calls[1].result, CARAPACE_ABI_VERSION, "  version's result");

    reset();
    version_call(&calls[0]);
    calls[1].op = HC_iret;
    calls[1].args[0] = (uint64_t)&calls[10]; /* readable, if it looked */
    version_call(&calls[2]);
    test_expect_eq(
        hc_multicall(calls, 3), 2,
        "version, HC_iret, version: calls run (the failed one counts)");
    test_expect_eq(calls[0].result, CARAPACE_ABI_VERSION, "  entry 0");
    test_expect_eq(calls[1].result, -CARAPACE_EINVAL, "  HC_iret in a batch");
    test_expect_eq(calls[2].result, UNTOUCHED, "  entry 2 not run");

    reset();
    calls[0].op = HC_multicall;
    calls[0].args[0] = (uint64_t)&calls[1];
    calls[0].args[1] = 1;
    version_call(&calls[1]);
    test_expect_eq(hc_multicall(calls, 1), 1,
                   "a nested HC_multicall: calls run");
    test_expect_eq(calls[0].result, -CARAPACE_EINVAL, "  nested HC_multicall");
    test_expect_eq(calls[1].result, UNTOUCHED, "  the inner batch did not run");

    reset();
    calls[0].op = 9999;
    version_call(&calls[1]);
    test_expect_eq(hc_multicall(calls, 2), 1, "unknown op 9999: calls run");
    test_expect_eq(calls[0].result, -CARAPACE_ENOSYS, "  unknown op 9999");
    test_expect_eq(calls[1].result, UNTOUCHED, "  entry 1 not run");

    reset();
    calls[0].op = HC_NR;
    test_expect_eq(hc_multicall(calls, 1), 1, "op HC_NR: calls run");
    test_expect_eq(calls[0].result, -CARAPACE_ENOSYS, "  op HC_NR");

    reset();
    for (unsigned int i = 0; i < ARRAY_SIZE(calls); i++)
        version_call(&calls[i]);
    test_expect_eq(hc_multicall(calls, MULTICALL_MAX), MULTICALL_MAX,
                   "MULTICALL_MAX calls");
    reset();
    for (unsigned int i = 0; i < ARRAY_SIZE(calls); i++)
        version_call(&calls[i]);
    test_expect_eq(hc_multicall(calls, MULTICALL_MAX + 1), -CARAPACE_E2BIG,
                   "MULTICALL_MAX + 1 calls");
    test_expect_eq(calls[0].result, UNTOUCHED, "  nothing run");
    test_expect_eq(hc_multicall(calls, 0), 0, "0 calls");
    test_expect_eq(hc_multicall((void *)0x1000, 1), -CARAPACE_EFAULT,
                   "array at 0x1000 (unmapped)");
    test_expect_eq(hc_multicall((void *)HYP_VA_EXAMPLE, 1), -CARAPACE_EFAULT,
                   "array in the hypervisor half");
}
