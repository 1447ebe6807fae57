/* SPDX-License-Identifier: BSD-2-Clause */
/* Unbounded recursion runs the boot stack into its unmapped guard page. The
 * CPU cannot push the page-fault frame there, so it raises a double fault,
 * which runs on its own IST stack and is reported. */
#include "../fault.h"

const struct fault_expect fault_expected = {
    .reason = "exception",
    .vector = 8,
};

volatile unsigned long fault_depth_limit = ~0UL; /* never reached */

__attribute__((noinline)) static unsigned long fault_recurse(unsigned long n)
{
    volatile char pad[256];

    pad[0] = (char)n;
    if (n < fault_depth_limit)
        return fault_recurse(n + 1) + pad[0];
    return 0;
}

__attribute__((noinline)) void fault_trigger(void)
{
    fault_recurse(0);
}
