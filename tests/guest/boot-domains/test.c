/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dom0 of the boot-time domains test: while the domains of boot.dts run
 * (two CPU-bound workers, a chatty one, one that crashes), dom0 still gets
 * every timer event; the workers' own checks show in the log.
 */
#include "guest.h"

const char test_title[] = "boot-domains: dom0 beside boot-time domUs";

#define MS 1000000ULL

/* Sleep for `ms` of system time on the one-shot timer. */
static uint64_t sleep_ms(unsigned int ms)
{
    uint64_t start = system_time_ns();

    return timer_sleep_until(start + ms * MS) - start;
}

/* Any domain but dom0 left? */
static bool domus_left(void)
{
    struct domctl_domaininfo info = {.domid = 1};

    return hc_domctl(DOMCTL_getdomaininfo, &info) == 0;
}

void test_main(void)
{
    uint64_t worst = 0;
    unsigned int before, sleeps = 0;

    test_expect_eq(start_info.domid, 0, "this is dom0");
    trap_set_handler(TRAP_VECTOR_EVENT, timer_event_handler);
    test_expect_eq(trap_install_callbacks(), 0, "install the event callback");
    before = timer_events;
    /* Sleeps of 50 ms until every domU has ended (the chatty one rests
     * over 2 s), at most 30 s. With two CPU-bound domUs a wake-up may
     * wait out their slices (30 ms each). */
    while (sleeps < 600 && domus_left()) {
        uint64_t took = sleep_ms(50);

        sleeps++;
        if (took > worst)
            worst = took;
    }
    /* How late a wake-up comes is for guest/sched-share to bound; here
     * what matters is that dom0 is never starved: each sleep ended by its
     * own timer event. */
    printf("dom0: %u sleeps of 50 ms, the longest took %lu ms\n", sleeps,
           (unsigned long)(worst / MS));
    test_check(!domus_left(), "every domU ended");
    test_expect_eq(timer_events - before, sleeps,
                   "a timer event woke dom0 from each sleep");
}
