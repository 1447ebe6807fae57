/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Benchmark: what a PV operation costs, in TSC ticks per operation. Run it
 * with -icount shift=0,sleep=off (its test.cfg does), where guest time counts
 * instructions, so the figures repeat exactly. The "reject" row (a hypercall
 * number the hypervisor refuses at once) is the closest thing to the floor:
 * one entry into the hypervisor and back with no work. It prints a table and
 * succeeds if every operation worked; it never judges speed.
 */
#include "guest.h"

const char test_title[] = "bench-hypercall: cost of PV operations";

#define ITER  2000
#define BATCH 64

static struct mmu_update reqs[BATCH];

static inline uint64_t bench_tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t bench_reject(void)
{
    long bad = 0;
    uint64_t t0 = bench_tsc();

    for (int i = 0; i < ITER; i++)
        bad += hc_raw2(9999, 0, 0) != -CARAPACE_ENOSYS;
    test_expect_eq(bad, 0, "reject returns -ENOSYS");
    return (bench_tsc() - t0) / ITER;
}

static uint64_t bench_version(void)
{
    long bad = 0;
    uint64_t t0 = bench_tsc();

    for (int i = 0; i < ITER; i++)
        bad += hc_version(VERSION_ABI) != CARAPACE_ABI_VERSION;
    test_expect_eq(bad, 0, "HC_version returns the ABI version");
    return (bench_tsc() - t0) / ITER;
}

/* Rewrite the L1 entry of a free frame with its own value. */
static uint64_t bench_uvm(void)
{
    uint64_t va = gfn_to_va(start_info.first_free_gfn), ma;
    uint64_t pte = *pt_entry(va, 1, &ma);
    long bad = 0;
    uint64_t t0 = bench_tsc();

    for (int i = 0; i < ITER; i++)
        bad += hc_update_va_mapping(va, pte, UVMF_NONE) != 0;
    test_expect_eq(bad, 0, "update_va_mapping succeeds");
    return (bench_tsc() - t0) / ITER;
}

/* 64 entries per HC_mmu_update; the figure is per entry. */
static uint64_t bench_batch(void)
{
    uint64_t done, ma;
    long bad = 0;
    uint64_t t0;

    for (int i = 0; i < BATCH; i++) {
        uint64_t va = gfn_to_va(start_info.first_free_gfn + i);

        reqs[i].val = *pt_entry(va, 1, &ma);
        reqs[i].ptr = ma;
    }
    t0 = bench_tsc();
    for (int i = 0; i < ITER / 10; i++)
        bad += hc_mmu_update(reqs, BATCH, &done) != 0;
    test_expect_eq(bad, 0, "64-entry mmu_update succeeds");
    return (bench_tsc() - t0) / (ITER / 10) / BATCH;
}

static volatile unsigned int bench_events;

static void bench_event(struct trap_frame *f)
{
    struct vcpu_info *vi = &shared_info->vcpu[0];

    (void)f;
    WRITE_ONCE(vi->upcall_pending, 0);
    __atomic_and_fetch(&vi->pending_virqs, ~(1u << VIRQ_TIMER),
                       __ATOMIC_SEQ_CST);
    bench_events++;
}

/* A timer event round trip: arm the one-shot timer for "now", block, take
 * the event callback, return with HC_iret. The hypervisor arms its APIC
 * timer at its minimum count, so this includes that short wait. */
static uint64_t bench_timer(void)
{
    struct vcpu_info *vi = &shared_info->vcpu[0];
    uint64_t t0;

    trap_set_handler(TRAP_VECTOR_EVENT, bench_event);
    test_expect_eq(trap_install_callbacks(), 0, "install the event callback");
    t0 = bench_tsc();
    for (int i = 0; i < ITER / 10; i++) {
        unsigned int want = bench_events + 1;

        hc_set_timer(system_time_ns());
        WRITE_ONCE(vi->upcall_mask, 0);
        while (bench_events < want)
            hc_sched_op(SCHED_block, 0);
        WRITE_ONCE(vi->upcall_mask, 1);
    }
    test_expect_eq(bench_events, ITER / 10, "one event per round trip");
    return (bench_tsc() - t0) / (ITER / 10);
}

void test_main(void)
{
    uint64_t floor = bench_reject(), v = bench_version(), u = bench_uvm();
    uint64_t b = bench_batch(), t = bench_timer();

    printf("bench: %-36s %10s %8s\n", "operation", "ticks/op", "x floor");
    printf("bench: %-36s %10lu %8s\n", "reject (nr >= HC_NR): the floor", floor,
           "1.0");
    printf("bench: %-36s %10lu %5lu.%lu\n", "null hypercall (HC_version)", v,
           v / floor, v * 10 / floor % 10);
    printf("bench: %-36s %10lu %5lu.%lu\n", "update_va_mapping, one PTE", u,
           u / floor, u * 10 / floor % 10);
    printf("bench: %-36s %10lu %5lu.%lu\n", "mmu_update, 64 batched, per PTE",
           b, b / floor, b * 10 / floor % 10);
    printf("bench: %-36s %10lu %5lu.%lu\n", "timer event round trip", t,
           t / floor, t * 10 / floor % 10);
}
