/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCHED_poll: a block that ends at its own deadline with no event, at once
 * if an event is already pending or the deadline has passed, and that
 * leaves the one-shot timer of HC_set_timer alone.
 */
#include "guest.h"

const char test_title[] = "sched-poll: SCHED_poll with a deadline";

#define MS 1000000ULL

void test_main(void)
{
    struct vcpu_info *v = &shared_info->vcpu[0];
    uint64_t t0, t1;

    /* Events stay masked: nothing is delivered, only pending flags. */
    t0 = system_time_ns();
    test_expect_eq(hc_sched_op(SCHED_poll, t0 + 30 * MS), 0,
                   "poll(now + 30 ms)");
    t1 = system_time_ns();
    printf("poll returned after %lu us\n", (unsigned long)(t1 - t0) / 1000);
    test_check(t1 >= t0 + 30 * MS, "it slept until the deadline");
    test_expect_eq(READ_ONCE(v->upcall_pending), 0, "with no event");

    t0 = system_time_ns();
    test_expect_eq(hc_sched_op(SCHED_poll, t0 / 2), 0,
                   "poll(a deadline in the past)");
    test_check(system_time_ns() - t0 < 1000 * MS,
               "returns at once (well under 1 s)");

    /* A one-shot timer before the poll's deadline ends the poll early, as
     * an event; the poll's deadline does not touch the timer. */
    t0 = system_time_ns();
    test_expect_eq(hc_set_timer(t0 + 20 * MS), 0, "set_timer(now + 20 ms)");
    test_expect_eq(hc_sched_op(SCHED_poll, t0 + 5000 * MS), 0,
                   "poll(now + 5 s)");
    t1 = system_time_ns();
    printf("woken by the timer after %lu us\n",
           (unsigned long)(t1 - t0) / 1000);
    test_expect_eq(READ_ONCE(v->upcall_pending), 1, "the timer event woke it");
    test_check(t1 - t0 < 4000 * MS, "long before the poll's deadline");
    test_check(READ_ONCE(v->pending_virqs) & (1u << VIRQ_TIMER),
               "VIRQ_TIMER pending");

    t0 = system_time_ns();
    test_expect_eq(hc_sched_op(SCHED_poll, 0), 0,
                   "poll(no deadline) with an event pending");
    test_check(system_time_ns() - t0 < 1000 * MS,
               "returns at once (well under 1 s)");
}
