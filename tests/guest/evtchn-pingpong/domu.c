/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A domU of evtchn-pingpong; its bootargs choose its role. Both first find
 * the port dom0 allocated for them: dom0 allocates exactly one port per
 * domU, so binding dom0's ports 1..8 succeeds on that one only (no store
 * needed, and robust to ports the builder makes in domUs).
 *
 * "pong": waits (SCHED_block) for each ping, checks it is exactly the next
 * one, replies; then checks no extra ping comes. "flood": sends 1,000,000
 * events on its port as fast as it can (yielding now and then).
 */
#include <string.h>

#include "pingpong.h"

const char test_title[] = "evtchn-pingpong: a domU";

/* What a domU may not do: bind other ports, send on ports it lacks. */
static void errors(uint32_t mine)
{
    uint32_t p;

    test_expect_eq(hc_evtchn_bind_interdomain(9, 1, &p), -CARAPACE_ESRCH,
                   "bind to a domain that does not exist");
    for (uint32_t r = 1; r <= PROBE_PORTS; r++)
        if (hc_evtchn_bind_interdomain(0, r, &p) != -CARAPACE_EINVAL)
            test_fail("dom0's port %u: bound, not -EINVAL", r);
    test_check(true, "no other port of dom0's is allocated for us (-EINVAL)");
    for (uint32_t q = 1; q <= PROBE_PORTS; q++) {
        struct evtchn_status st = {.port = q};

        hc_evtchn_status(&st);
        if (q != mine && st.state == EVTCHN_STATE_FREE &&
            hc_evtchn_send(q) != -CARAPACE_EINVAL)
            test_fail("send on port %u we do not have: not -EINVAL", q);
    }
    test_expect_eq(hc_evtchn_bind_virq(VIRQ_DOM_EXC, &p), -CARAPACE_EPERM,
                   "VIRQ_DOM_EXC is dom0's");
}

static void pong(uint32_t port)
{
    uint32_t got = 0, bad = 0;

    for (uint32_t i = 0; i < ROUNDS; i++) {
        got = evtchn_guest_wait(port, i);
        bad += got != i + 1;
        if (hc_evtchn_send(port))
            bad++;
    }
    pingpong_sleep(50);
    printf("pong: %u pings, %u replies, %u wrong\n", evtchn_guest_count[port],
           ROUNDS, bad);
    test_expect_eq(evtchn_guest_count[port], ROUNDS, "exactly ROUNDS pings");
    test_expect_eq(bad, 0, "each ping was the next one, each reply sent");
}

static void flood(uint32_t port)
{
    uint32_t bad = 0;

    for (uint32_t i = 0; i < FLOOD_SENDS; i++) {
        bad += hc_evtchn_send(port) != 0;
        if (i % 64 == 0)
            hc_sched_op(SCHED_yield, 0);
    }
    printf("flood: %u sends, %u failed\n", FLOOD_SENDS, bad);
    test_expect_eq(bad, 0, "every send returned 0");
}

void test_main(void)
{
    uint32_t remote = 0, port = evtchn_guest_find_dom0(PROBE_PORTS, &remote);

    printf("%s: domain %u, port %u bound to dom0's %u\n", start_info.name,
           start_info.domid, port, remote);
    if (!test_check(port != 0, "found the port dom0 allocated for us"))
        return;
    errors(port);
    if (strcmp(start_info.bootargs, "pong") == 0)
        pong(port);
    else if (strcmp(start_info.bootargs, "flood") == 0)
        flood(port);
    else
        test_fail("unknown role \"%s\"", start_info.bootargs);
}
