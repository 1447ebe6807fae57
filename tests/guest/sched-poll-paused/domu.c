/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The domU of sched-poll-paused: one SCHED_poll of 200 ms, with no event
 * (dom0 pauses it meanwhile, past the deadline, then unpauses it).
 */
#include "guest.h"

const char test_title[] = "sched-poll-paused: the polling domU";

void test_main(void)
{
    uint64_t t0 = system_time_ns();

    test_expect_eq(hc_sched_op(SCHED_poll, t0 + 200000000ULL), 0,
                   "poll(now + 200 ms)");
    printf("poller: poll returned after %lu ms\n",
           (unsigned long)((system_time_ns() - t0) / 1000000));
}
