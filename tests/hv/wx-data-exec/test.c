/* SPDX-License-Identifier: BSD-2-Clause */
/* Hypervisor data is mapped no-execute: jumping into it is a protection
 * fault on the instruction fetch. */
#include "../fault.h"

static uint8_t fault_code[16] = {0xc3}; /* ret */

const struct fault_expect fault_expected = {
    .reason = "exception",
    .vector = 14,
    .check_addr = 1,
    .addr = (uint64_t)(uintptr_t)fault_code,
    .check_code = 1,
    .code = 0x11, /* present, read, supervisor, fetch */
};

__attribute__((noinline)) void fault_trigger(void)
{
    void (*volatile fn)(void) = (void (*)(void))(uintptr_t)fault_code;

    fn();
}
