/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * int3 is a trap, not a fault: the #BP handler sees the address after the
 * instruction and returns there without changing it.
 */
#include "guest.h"

const char test_title[] = "trap-int3: #BP is a trap";

static volatile unsigned int hits;
static struct trap_frame last;

static void bp_handler(struct trap_frame *f)
{
    hits++;
    last = *f;
}

void test_main(void)
{
    uint64_t after;

    trap_set_handler(3, bp_handler);
    test_expect_eq(trap_install(0), 0, "set_trap_table({#BP})");
    asm volatile("lea 1f(%%rip), %0\n\t"
                 "int3\n"
                 "1:"
                 : "=&r"(after)
                 :
                 : "memory");
    test_expect_eq(hits, 1, "int3 reached the #BP handler once");
    test_expect_eq(last.vector, 3, "frame->vector");
    test_expect_eq(last.rip, after, "frame->rip is after the int3");
    test_expect_eq(last.error_code, 0, "frame->error_code");
    test_expect_eq(last.flags, 0, "frame->flags (kernel mode)");
}
