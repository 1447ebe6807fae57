/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dom0 of script/goldberg-hvm and script/goldberg-trap: a test guest that
 * only waits, beside the domains of a boot configuration (the Goldberg
 * demo kernel, whose console goes to the hypervisor's serial line), until
 * every one of them has ended, so that the machine powers off once they
 * have printed their verdicts or crashed.
 */
#include "guest.h"

const char test_title[] = "goldberg-hvm: dom0 waits for the demo domains";

#define MS      1000000ULL
#define DOMAINS 16 /* at least as many as attack.dts has */

/* Any of the demo's domains (ids 1 .. DOMAINS) left? */
static bool goldberg_left(void)
{
    for (uint32_t id = 1; id <= DOMAINS; id++) {
        struct domctl_domaininfo info = {.domid = id};

        if (hc_domctl(DOMCTL_getdomaininfo, &info) == 0)
            return true;
    }
    return false;
}

void test_main(void)
{
    unsigned int sleeps = 0;

    trap_set_handler(TRAP_VECTOR_EVENT, timer_event_handler);
    test_expect_eq(trap_install_callbacks(), 0, "install the event callback");
    /* Sleeps of 50 ms, at most 30 s of system time. */
    while (sleeps < 600 && goldberg_left()) {
        timer_sleep_until(system_time_ns() + 50 * MS);
        sleeps++;
    }
    test_check(!goldberg_left(), "every demo domain ended");
}
