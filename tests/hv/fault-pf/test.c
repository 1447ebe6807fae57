/* SPDX-License-Identifier: BSD-2-Clause */
/* A write to an unmapped low address: the identity map of low memory must be
 * gone, and the page fault reported with CR2 and the error code. */
#include "../fault.h"

#define BAD_ADDR 0x1238UL

const struct fault_expect fault_expected = {
    .reason = "exception",
    .vector = 14,
    .check_addr = 1,
    .addr = BAD_ADDR,
    .check_code = 1,
    .code = 0x2, /* write, not present, supervisor */
};

__attribute__((noinline)) void fault_trigger(void)
{
    volatile uintptr_t addr = BAD_ADDR;

    *(volatile uint32_t *)addr = 0xdead;
}
