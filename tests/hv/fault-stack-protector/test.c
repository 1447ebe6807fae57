/* SPDX-License-Identifier: BSD-2-Clause */
/* Overrunning a stack buffer overwrites the canary; the function's epilogue
 * notices and calls __stack_chk_fail, which must report and stop. */
#include <stddef.h>

#include "../fault.h"

const struct fault_expect fault_expected = {
    .reason = "stack-protector",
    .vector = -1,
};

volatile size_t fault_len = 64; /* opaque, so the compiler cannot see it */

__attribute__((noinline)) static void fault_smash(void)
{
    char buf[16];
    volatile char *p = buf;

    for (size_t i = 0; i < fault_len; i++)
        p[i] = 'A';
}

__attribute__((noinline)) void fault_trigger(void)
{
    fault_smash();
}
