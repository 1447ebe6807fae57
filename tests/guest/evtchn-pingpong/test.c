/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dom0 of evtchn-pingpong, the ping side: it allocates one port for domU 1
 * (pong) and one for domU 2 (flood), each of which finds and binds its own
 * (see domu.c). Then 100,000 round trips: send a ping, block until the
 * reply, which must be exactly one more event on the pong port, while the
 * flood domU sends 1,000,000 events to dom0's other port. After the last
 * round no extra reply may come. At the end both domUs stop and are
 * destroyed: dom0 hears it on VIRQ_DOM_EXC (bound to a port) and sees its
 * two ports become unbound again.
 */
#include "pingpong.h"

const char test_title[] = "evtchn-pingpong: dom0, the ping side";

static uint32_t status_of(uint32_t port)
{
    struct evtchn_status st = {.port = port};

    return hc_evtchn_status(&st) ? 0xff : st.state;
}

/* Wait (yielding, at most 5 s) until port is in state `state`. */
static bool wait_state(uint32_t port, uint32_t state)
{
    uint64_t t0 = system_time_ns();

    while (status_of(port) != state) {
        if (system_time_ns() - t0 > 5000 * MS)
            return false;
        evtchn_guest_scan();
        hc_sched_op(SCHED_yield, 0);
    }
    return true;
}

static void ping(uint32_t port)
{
    uint32_t bad = 0, got;
    uint64_t t0 = system_time_ns();

    for (uint32_t i = 0; i < ROUNDS; i++) {
        bad += hc_evtchn_send(port) != 0;
        got = evtchn_guest_wait(port, i);
        bad += got != i + 1;
    }
    printf("ping: %u round trips in %lu ms, %u wrong\n", ROUNDS,
           (unsigned long)((system_time_ns() - t0) / MS), bad);
    test_expect_eq(bad, 0, "every ping sent, exactly one reply each");
    pingpong_sleep(100);
    test_expect_eq(evtchn_guest_count[port], ROUNDS, "no reply after the end");
}

void test_main(void)
{
    uint32_t p = 0, f = 0, x = 0, none = 0;

    test_expect_eq(hc_evtchn_alloc_unbound(1, &p), 0, "a port for domU 1");
    test_expect_eq(hc_evtchn_alloc_unbound(2, &f), 0, "a port for domU 2");
    test_expect_eq(hc_evtchn_bind_virq(VIRQ_DOM_EXC, &x), 0,
                   "bind VIRQ_DOM_EXC");
    /* The domUs' creation came before the binding: the legacy bit. */
    __atomic_fetch_and(&shared_info->vcpu[0].pending_virqs,
                       ~(1u << VIRQ_DOM_EXC), __ATOMIC_SEQ_CST);
    test_expect_eq(hc_evtchn_alloc_unbound(3, &none), -CARAPACE_ESRCH,
                   "no domain 3");
    if (!test_check(wait_state(p, EVTCHN_STATE_INTERDOMAIN),
                    "domU 1 bound its port"))
        return;
    ping(p);
    test_check(wait_state(p, EVTCHN_STATE_UNBOUND) &&
                   wait_state(f, EVTCHN_STATE_UNBOUND),
               "both domUs went away: dom0's ports are unbound again");
    evtchn_guest_scan();
    printf("dom0: %u flood events seen (at most %u), %u VIRQ_DOM_EXC\n",
           evtchn_guest_count[f], FLOOD_SENDS, evtchn_guest_count[x]);
    test_check(evtchn_guest_count[f] >= 1 &&
                   evtchn_guest_count[f] <= FLOOD_SENDS,
               "flood events came, collapsed into bits");
    test_check(evtchn_guest_count[x] >= 1, "VIRQ_DOM_EXC came on its port");
    test_expect_eq(shared_info->vcpu[0].pending_virqs & (1u << VIRQ_DOM_EXC), 0,
                   "not as the legacy bit");
}
