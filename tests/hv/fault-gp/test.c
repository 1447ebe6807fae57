/* SPDX-License-Identifier: BSD-2-Clause */
/* A load from a non-canonical address raises a general-protection fault. */
#include "../fault.h"

const struct fault_expect fault_expected = {
    .reason = "exception",
    .vector = 13,
    .check_code = 1,
    .code = 0,
};

__attribute__((noinline)) void fault_trigger(void)
{
    volatile uintptr_t addr = 0x8000000000000000UL;

    (void)*(volatile uint64_t *)addr;
}
