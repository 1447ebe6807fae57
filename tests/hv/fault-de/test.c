/* SPDX-License-Identifier: BSD-2-Clause */
/* An integer division by zero raises a divide error. */
#include "../fault.h"

const struct fault_expect fault_expected = {
    .reason = "exception",
    .vector = 0,
};

volatile unsigned long fault_divisor; /* zero, and opaque to the compiler */
volatile unsigned long fault_quotient;

__attribute__((noinline)) void fault_trigger(void)
{
    fault_quotient = 1000 / fault_divisor;
}
