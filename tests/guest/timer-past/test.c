/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HC_set_timer with a deadline already past leaves VIRQ_TIMER pending when
 * the call returns (docs/abi.md, Events and time), every time, not at a
 * timer interrupt shortly after: with events masked, thousands of calls
 * with past deadlines, each followed at once by a look at pending_virqs
 * and upcall_pending; then the same with VIRQ_TIMER bound to a port.
 */
#include "guest.h"

const char test_title[] = "timer-past: a past deadline is pending on return";

#define ROUNDS 3000
#define US     1000ULL

/* Deadlines that are past whatever the hypervisor's clock reads: the
 * earliest there is, half the time since boot, and 100 us ago. */
static uint64_t timer_past_deadline(unsigned i)
{
    uint64_t now = system_time_ns();

    switch (i % 3) {
    case 0:
        return 1;
    case 1:
        return now / 2;
    default:
        return now - 100 * US;
    }
}

/* ROUNDS calls; returns how many found the event not yet pending. pending
 * and clear look at and clear the bit the event sets. */
static unsigned timer_past_rounds(bool (*pending)(void), void (*clear)(void),
                                  long *rc)
{
    struct vcpu_info *vi = &shared_info->vcpu[0];
    unsigned late = 0;

    *rc = 0;
    for (unsigned i = 0; i < ROUNDS; i++) {
        uint64_t deadline = timer_past_deadline(i);
        bool on_time;

        clear();
        WRITE_ONCE(vi->upcall_pending, 0);
        barrier();
        *rc |= hc_set_timer(deadline);
        on_time = pending() && READ_ONCE(vi->upcall_pending);
        late += !on_time;
    }
    return late;
}

static bool virq_pending(void)
{
    return READ_ONCE(shared_info->vcpu[0].pending_virqs) & (1u << VIRQ_TIMER);
}

static void virq_clear(void)
{
    __atomic_and_fetch(&shared_info->vcpu[0].pending_virqs, ~(1u << VIRQ_TIMER),
                       __ATOMIC_SEQ_CST);
}

static uint32_t timer_port;

static bool port_pending(void)
{
    return READ_ONCE(shared_info->evtchn_pending[timer_port / 64]) &
           (1ULL << (timer_port % 64));
}

static void port_clear(void)
{
    __atomic_and_fetch(&shared_info->evtchn_pending[timer_port / 64],
                       ~(1ULL << (timer_port % 64)), __ATOMIC_SEQ_CST);
    WRITE_ONCE(shared_info->vcpu[0].evtchn_pending_sel, 0);
}

void test_main(void)
{
    unsigned late;
    long rc;

    test_expect_eq(shared_info->vcpu[0].upcall_mask, 1, "events masked");
    late = timer_past_rounds(virq_pending, virq_clear, &rc);
    test_expect_eq(rc, 0, "set_timer(past) returns 0");
    test_check(late == 0,
               "VIRQ_TIMER in pending_virqs and upcall_pending on return: "
               "%u of %u calls late",
               late, ROUNDS);

    test_expect_eq(hc_evtchn_bind_virq(VIRQ_TIMER, &timer_port), 0,
                   "bind VIRQ_TIMER to a port");
    late = timer_past_rounds(port_pending, port_clear, &rc);
    test_expect_eq(rc, 0, "set_timer(past) returns 0, VIRQ_TIMER bound");
    test_check(late == 0,
               "the bound port and upcall_pending on return: %u of %u calls "
               "late",
               late, ROUNDS);
    virq_clear();
    test_expect_eq(virq_pending(), false,
                   "nothing in pending_virqs once bound");
    test_expect_eq(hc_evtchn_close(timer_port), 0, "close the port");
}
