/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A boot-time domU of the boot-domains test; its bootargs choose its role:
 * "spin" burns CPU in rounds, "chatty" writes past the console rate limit,
 * "crash" faults with no handler, "wait" blocks for good after its checks,
 * "burn" spins without ever yielding (guest/sched-share). Each checks what
 * a domU may not do.
 */
#include <string.h>

#include "guest.h"

const char test_title[] = "boot-domains: a boot-time domU";

static void spin(void)
{
    volatile uint64_t sink = 0;

    for (int round = 1; round <= 5; round++) {
        for (uint64_t i = 0; i < 3000000; i++)
            sink += i;
        printf("%s: round %d\n", start_info.name, round);
    }
}

/* Spin without a hypercall until 5 s of system time: only preemption takes
 * the CPU away. guest/sched-share destroys its burners long before that;
 * the end is there so that a starved dom0 still gets to report. */
static void burn(void)
{
    printf("%s: burning\n", start_info.name);
    console_flush();
    while (system_time_ns() < 5000000000ULL)
        ;
}

/* The hypervisor's console budget (CONSOLE_BURST, CONSOLE_REFILL_TICK in
 * hypervisor/include/console.h) and tick (10 ms): internals, restated. */
#define CONSOLE_BURST       16384
#define CONSOLE_REFILL_TICK 80
#define TICK_NS             10000000ULL

/* Yield for `ns` of system time. */
static void rest(uint64_t ns)
{
    uint64_t t0 = system_time_ns();

    while (system_time_ns() - t0 < ns)
        hc_sched_op(SCHED_yield, 0);
}

/* 64 KiB as fast as possible: the hypervisor lets 16 KiB through at once,
 * then a trickle, and says -EAGAIN when the budget is empty. The lines
 * printed so far spent some of the budget: first rest long enough for an
 * empty budget to refill completely (the budget counts ticks of the clock
 * that system time counts too), so that the whole burst is there. Then
 * 300 ms of rest refill it again, so that the summary gets out. */
static void chatty(void)
{
    static char line[2048];
    uint64_t written = 0;
    unsigned int again = 0;

    memset(line, '.', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\n';
    console_flush();
    rest((CONSOLE_BURST / CONSOLE_REFILL_TICK + 2) * TICK_NS);
    for (int i = 0; i < 32; i++) {
        long n = hc_console_write(line, sizeof(line));

        if (n == -CARAPACE_EAGAIN)
            again++;
        else if (n > 0)
            written += (uint64_t)n;
    }
    rest(300000000ULL);
    printf("chatty: wrote %lu of 65536 bytes, -EAGAIN %u times\n",
           (unsigned long)written, again);
    test_check(again > 0, "the rate limit said -EAGAIN");
    test_check(written >= 16384 && written < 65536,
               "at least the 16 KiB burst went through, not everything");
}

void test_main(void)
{
    struct domctl_domaininfo info = {0};
    /* Its own frame 0 over dom0's frame 0: refused before any check. */
    struct domctl_copy_seg seg = {.src_gfn = 0, .dst_gpa = 0, .len = 8};
    struct domctl_copy copy = {.domid = 0, .count = 1, .segs = (uint64_t)&seg};
    char c;

    printf("%s: domain %u, %lu MiB, bootargs \"%s\"\n", start_info.name,
           start_info.domid, (unsigned long)(start_info.memory_bytes >> 20),
           start_info.bootargs);
    test_check(start_info.domid != 0, "not dom0");
    test_expect_eq(start_info.flags, 0, "no SIF_PRIVILEGED, no SIF_INITDOMAIN");
    test_expect_eq(hc_console_read(&c, 1), -CARAPACE_EPERM,
                   "HC_console_read is dom0's");
    test_expect_eq(hc_domctl(DOMCTL_getdomaininfo, &info), -CARAPACE_EPERM,
                   "HC_domctl is dom0's");
    test_expect_eq(hc_domctl(DOMCTL_copy, &copy), -CARAPACE_EPERM,
                   "DOMCTL_copy is dom0's");
    if (strcmp(start_info.bootargs, "spin") == 0)
        spin();
    else if (strcmp(start_info.bootargs, "burn") == 0)
        burn();
    else if (strcmp(start_info.bootargs, "chatty") == 0)
        chatty();
    else if (strcmp(start_info.bootargs, "crash") == 0)
        *(volatile uint64_t *)0 = 1; /* no trap table: crashed alone */
    else if (strcmp(start_info.bootargs, "wait") == 0)
        for (;;) {
            printf("Test result: %s\n",
                   test_result_now() == RESULT_SUCCESS ? "SUCCESS" : "FAILURE");
            console_flush();
            hc_sched_op(SCHED_block, 0); /* no events: blocked for good */
        }
    else
        test_fail("unknown role \"%s\"", start_info.bootargs);
}
