/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dom0 of sched-poll-paused: the domU sleeps in SCHED_poll (200 ms); dom0
 * pauses it, lets the deadline pass, and unpauses it: the poll must still
 * end (within a tick), not sleep until an event that never comes.
 */
#include <string.h>

#include "guest.h"

const char test_title[] = "sched-poll-paused: a poll's deadline that passes "
                          "while paused still ends it";

#define MS 1000000ULL

static uint32_t state_of(uint32_t id)
{
    struct domctl_domaininfo i;

    memset(&i, 0, sizeof(i));
    i.domid = id;
    if (hc_domctl(DOMCTL_getdomaininfo, &i) || i.domid != id)
        return 99; /* gone: it powered off and was destroyed */
    return i.state;
}

static bool wait_state(uint32_t want, uint64_t ms)
{
    uint64_t t0 = system_time_ns();

    while (state_of(1) != want && system_time_ns() - t0 < ms * MS)
        hc_sched_op(SCHED_yield, 0);
    return state_of(1) == want;
}

void test_main(void)
{
    void *one = (void *)1;
    uint64_t t0;

    test_check(wait_state(DOMCTL_STATE_BLOCKED, 2000), "the domU polls");
    test_expect_eq(hc_domctl(DOMCTL_pause, one), 0, "pause it");
    t0 = system_time_ns();
    while (system_time_ns() - t0 < 400 * MS)
        hc_sched_op(SCHED_poll, t0 + 400 * MS);
    test_expect_eq(hc_domctl(DOMCTL_unpause, one), 0,
                   "unpause it, its deadline passed");
    test_check(wait_state(99, 2000), "its poll ended: it powered off");
    if (state_of(1) != 99)
        hc_domctl(DOMCTL_destroy, one);
}
