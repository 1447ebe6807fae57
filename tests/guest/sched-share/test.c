/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dom0 stays responsive beside CPU-bound domUs: round robin must preempt a
 * vCPU that has used up its slice as soon as another one waits, however
 * long it ran alone before. dom0 measures how late its one-shot timer
 * wakes it and how long a SCHED_yield keeps it off the CPU, first beside
 * one burner, then beside three. Under icount guest time counts
 * instructions, so the bounds, in scheduler ticks, hold on a loaded host.
 */
#include <string.h>

#include "guest.h"

const char test_title[] = "sched-share: dom0 beside 1 and 3 CPU-bound domUs";

/* The hypervisor's tick (TIMER_HZ = 100) and time slice
 * (SCHED_SLICE_TICKS): internals, not ABI, restated for the bounds. */
#define MS          1000000ULL
#define TICK_NS     (10 * MS)
#define SLICE_TICKS 3
#define BURNERS     3 /* domains 1..3 of boot.dts */
#define SAMPLES     8

/* Sleep `ns` on the one-shot timer; return how late dom0 ran again. */
static uint64_t wake_late(uint64_t ns)
{
    uint64_t deadline = system_time_ns() + ns;

    return timer_sleep_until(deadline) - deadline;
}

static uint64_t yield_took(void)
{
    uint64_t t0 = system_time_ns();

    hc_sched_op(SCHED_yield, 0);
    return system_time_ns() - t0;
}

static struct domctl_domaininfo info_of(uint32_t id)
{
    struct domctl_domaininfo i;

    memset(&i, 0, sizeof(i));
    i.domid = id;
    if (hc_domctl(DOMCTL_getdomaininfo, &i) || i.domid != id)
        i.state = DOMCTL_STATE_DYING; /* gone */
    return i;
}

/* A duration in hundredths of a tick, for printing as %lu.%02lu. */
#define TICKS(ns)                                                              \
    (unsigned long)((ns) / TICK_NS),                                           \
        (unsigned long)((ns) % TICK_NS * 100 / TICK_NS)

/* dom0 waits for the burner running now to end its slice (at most
 * SLICE_TICKS ticks), then for each other queued burner's full slice:
 * n * SLICE_TICKS ticks, one more for the tick that ends a slice and
 * the hypervisor's own work. */
static void phase(unsigned int n)
{
    uint64_t bound = (n * SLICE_TICKS + 1) * TICK_NS;
    uint64_t cpu0[BURNERS + 1], worst_wake = 0, worst_yield = 0;

    for (uint32_t id = 1; id <= n; id++)
        cpu0[id] = info_of(id).cpu_time_ns;
    /* Sleeps of 1 to 92 ms: most outlast a slice, so that the burner has
     * run alone for a while when dom0's timer fires. */
    for (unsigned int i = 0; i < SAMPLES; i++) {
        uint64_t late = wake_late((i * 13 + 1) * MS), took = yield_took();

        worst_wake = late > worst_wake ? late : worst_wake;
        worst_yield = took > worst_yield ? took : worst_yield;
    }
    printf("beside %u burner(s): timer wake-up late by at most %lu.%02lu "
           "ticks, yield back after at most %lu.%02lu ticks (bound %lu)\n",
           n, TICKS(worst_wake), TICKS(worst_yield),
           (unsigned long)(bound / TICK_NS));
    test_check(worst_wake <= bound, "every wake-up within %lu ticks",
               (unsigned long)(bound / TICK_NS));
    test_check(worst_yield <= bound, "every yield back within %lu ticks",
               (unsigned long)(bound / TICK_NS));
    for (uint32_t id = 1; id <= n; id++) {
        struct domctl_domaininfo i = info_of(id);

        test_check(i.state == DOMCTL_STATE_RUNNING &&
                       i.cpu_time_ns - cpu0[id] >= SAMPLES * TICK_NS,
                   "burner %u ran on, %lu ms of CPU meanwhile", id,
                   (unsigned long)((i.cpu_time_ns - cpu0[id]) / MS));
    }
}

void test_main(void)
{
    test_expect_eq(start_info.domid, 0, "this is dom0");
    trap_set_handler(TRAP_VECTOR_EVENT, timer_event_handler);
    test_expect_eq(trap_install_callbacks(), 0, "install the event callback");
    for (uintptr_t id = 2; id <= BURNERS; id++)
        test_expect_eq(hc_domctl(DOMCTL_pause, (void *)id), 0,
                       "pause burner 2 and 3 for now");
    phase(1);
    for (uintptr_t id = 2; id <= BURNERS; id++)
        test_expect_eq(hc_domctl(DOMCTL_unpause, (void *)id), 0,
                       "unpause burner 2 and 3");
    phase(BURNERS);
    for (uintptr_t id = 1; id <= BURNERS; id++)
        test_expect_eq(hc_domctl(DOMCTL_destroy, (void *)id), 0,
                       "destroy a burner");
}
