/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Benchmark: what an event costs, in TSC ticks, which under -icount
 * shift=0,sleep=off (test.cfg) count instructions, so the figures repeat
 * exactly. Rows: a null hypercall for scale; a send on a loopback port
 * whose bit is already pending (the cheapest send); a loopback send plus
 * the guest's two-level scan that takes it; and a round trip to a domU
 * (boot configuration) and back, each side blocked in SCHED_block until
 * its event comes: two sends, two blocks, two switches. It prints a table
 * and succeeds if every operation worked; it never judges speed.
 */
#include "bench.h"

const char test_title[] = "bench-evtchn: cost of event channel operations";

#define ITER 2000

static inline uint64_t bench_tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static uint32_t status_state(uint32_t port)
{
    struct evtchn_status st = {.port = port};

    return hc_evtchn_status(&st) ? 0xff : st.state;
}

static uint64_t bench_null(void)
{
    long bad = 0;
    uint64_t t0 = bench_tsc();

    for (int i = 0; i < ITER; i++)
        bad += hc_version(VERSION_ABI) != CARAPACE_ABI_VERSION;
    test_expect_eq(bad, 0, "HC_version");
    return (bench_tsc() - t0) / ITER;
}

/* Loopback: sends on p land on q. With `scan`, each is taken at once. */
static uint64_t bench_loopback(uint32_t p, uint32_t q, bool scan)
{
    uint32_t before = evtchn_guest_count[q];
    long bad = 0;
    uint64_t t0 = bench_tsc();

    for (int i = 0; i < ITER; i++) {
        bad += hc_evtchn_send(p) != 0;
        if (scan)
            bad += evtchn_guest_scan() != 1;
    }
    t0 = bench_tsc() - t0;
    evtchn_guest_scan();
    test_expect_eq(bad, 0, scan ? "loopback send + scan" : "loopback send");
    test_check(evtchn_guest_count[q] - before == (scan ? ITER : 1), "%u events",
               evtchn_guest_count[q] - before);
    return t0 / ITER;
}

static uint64_t bench_round_trip(uint32_t port)
{
    uint32_t bad = 0, i = 0;
    uint64_t t0 = 0;

    for (; i < BENCH_WARMUP + BENCH_ROUNDS; i++) {
        if (i == BENCH_WARMUP)
            t0 = bench_tsc();
        bad += hc_evtchn_send(port) != 0;
        bad += evtchn_guest_wait(port, i) != i + 1;
    }
    t0 = bench_tsc() - t0;
    test_expect_eq(bad, 0, "round trips: one reply each");
    return t0 / BENCH_ROUNDS;
}

void test_main(void)
{
    uint32_t d = 0, p = 0, q = 0;
    uint64_t floor, sent, taken, rt;

    test_expect_eq(hc_evtchn_alloc_unbound(1, &d), 0, "a port for domU 1");
    test_expect_eq(hc_evtchn_alloc_unbound(0, &p), 0, "loopback: alloc");
    test_expect_eq(hc_evtchn_bind_interdomain(0, p, &q), 0, "loopback: bind");
    floor = bench_null();
    hc_evtchn_send(p); /* q pending from now on */
    sent = bench_loopback(p, q, false);
    taken = bench_loopback(p, q, true);
    while (status_state(d) != EVTCHN_STATE_INTERDOMAIN)
        hc_sched_op(SCHED_yield, 0);
    rt = bench_round_trip(d);
    printf("bench: %-40s %10s %8s\n", "operation", "ticks/op", "x null");
    printf("bench: %-40s %10lu %8s\n", "null hypercall (HC_version)", floor,
           "1.0");
    printf("bench: %-40s %10lu %5lu.%lu\n", "send, loopback, already pending",
           sent, sent / floor, sent * 10 / floor % 10);
    printf("bench: %-40s %10lu %5lu.%lu\n", "send + scan, loopback", taken,
           taken / floor, taken * 10 / floor % 10);
    printf("bench: %-40s %10lu %5lu.%lu\n",
           "round trip dom0 <-> domU, blocking", rt, rt / floor,
           rt * 10 / floor % 10);
}
