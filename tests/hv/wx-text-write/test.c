/* SPDX-License-Identifier: BSD-2-Clause */
/* Hypervisor code is mapped read-only: a write to it is a protection fault. */
#include "../fault.h"

const struct fault_expect fault_expected = {
    .reason = "exception",
    .vector = 14,
    .check_addr = 1,
    .addr = (uint64_t)(uintptr_t)&fault_trigger,
    .check_code = 1,
    .code = 0x3, /* present, write, supervisor */
};

__attribute__((noinline)) void fault_trigger(void)
{
    *(volatile uint8_t *)(uintptr_t)&fault_trigger = 0xc3;
}
