/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tiny: the smallest domain that does something, for the density
 * benchmark (docs/benchmarks.md, "Density"). Built with the test-guest
 * library's start-info reader and hypercalls, but its own start
 * (start.S) and none of the test harness: it writes one greeting to its console
 * ring, then sleeps on events for ever. With `period=MS` on its command line it
 * also wakes at every multiple of MS milliseconds of system time, so that all
 * the tiny domains of a machine wake at the same instant: the benchmark
 * measures how long the scheduler takes to run each of them once. A shutdown
 * request from the toolstack (VIRQ_SHUTDOWN) is obeyed. It fits in 128
 * KiB: about 40 KiB of image, the start info, the builder's page tables
 * and its console ring.
 */
#include <libfdt.h>
#include <string.h>

#include <carapace/console.h>
#include <carapace/sched.h>

#include "guest.h"

void tiny_main(const void *si_va);
void __stack_chk_fail(void);

/* libfdt reads its stack canary at %fs:0x28 (and was built with the
 * stack protector): tiny's own block, not the library's harness. */
static uint64_t tiny_tls[8] __attribute__((aligned(64)));

void __stack_chk_fail(void)
{
    hc_sched_op(SCHED_shutdown, SHUTDOWN_crash);
    for (;;)
        ;
}

static uint64_t tiny_prop(const void *fdt, const char *name)
{
    int len;
    const void *p = fdt_getprop(fdt, 0, name, &len);

    if (!p)
        return 0;
    if (len == 8)
        return fdt64_to_cpu(*(const fdt64_t *)p);
    if (len == 4)
        return fdt32_to_cpu(*(const fdt32_t *)p);
    return 0;
}

static void tiny_write(struct console_ring *r, uint32_t port, const char *s)
{
    uint32_t prod = r->out_prod;

    /* Only what fits: nobody may be draining the ring yet (dom0 attaches
     * on demand), and a greeting must never wait. */
    for (; *s; s++) {
        if (prod - __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE) >=
            CONSOLE_RING_OUT_SIZE)
            break;
        r->out[CONSOLE_RING_IDX(prod, CONSOLE_RING_OUT_SIZE)] = *s;
        prod++;
    }
    __atomic_store_n(&r->out_prod, prod, __ATOMIC_RELEASE);
    hc_evtchn_send(port);
}

/* Events are never handled, only waited for: clear every pending bit so
 * that the next SCHED_poll sleeps again. */
static void tiny_clear_events(void)
{
    struct vcpu_info *v = &shared_info->vcpu[0];
    uint64_t sel =
        __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);

    for (unsigned w = 0; w < EVTCHN_WORDS; w++)
        if (sel & (1ull << w))
            __atomic_store_n(&shared_info->evtchn_pending[w], 0,
                             __ATOMIC_SEQ_CST);
    __atomic_store_n(&v->pending_virqs, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&v->upcall_pending, 0, __ATOMIC_SEQ_CST);
}

static uint64_t tiny_period_ns(const char *args)
{
    const char *p = args;
    uint64_t ms = 0;

    /* "period=" at the start or after a space (no strstr in lib/). */
    while (p && *p && strncmp(p, "period=", 7) != 0) {
        p = strchr(p, ' ');
        p = p ? p + 1 : NULL;
    }
    if (!p || !*p)
        return 0;
    for (p += 7; *p >= '0' && *p <= '9'; p++)
        ms = ms * 10 + (uint64_t)(*p - '0');
    return ms * 1000000;
}

void tiny_main(const void *si_va)
{
    struct console_ring *ring = NULL;
    uint64_t gfn, period, port;
    char line[96];

    tiny_tls[GUEST_TLS_CANARY_OFFSET / 8] = 0x00c0ffee5a17ed00ULL;
    if (hc_set_segment_base(SEGBASE_FS, (uint64_t)tiny_tls) != 0 ||
        start_info_read(si_va, &start_info) < 0)
        hc_sched_op(SCHED_shutdown, SHUTDOWN_crash);
    shared_info = (struct shared_info *)start_info.shared_va;
    gfn = tiny_prop(start_info.fdt, CARAPACE_SI_CONSOLE_GFN);
    port = tiny_prop(start_info.fdt, CARAPACE_SI_CONSOLE_PORT);
    if (gfn && gfn < start_info.nr_frames)
        ring = (struct console_ring *)(start_info.virt_base + gfn * PAGE_SIZE);
    snprintf(line, sizeof(line), "tiny: domain %u (%s) up in %llu KiB\n",
             start_info.domid, start_info.name,
             (unsigned long long)(start_info.memory_bytes >> 10));
    if (ring)
        tiny_write(ring, (uint32_t)port, line);
    period = tiny_period_ns(start_info.bootargs);
    for (;;) {
        uint32_t req = shared_info->vcpu[0].shutdown_request;
        uint64_t deadline = 0;

        if (req)
            hc_sched_op(SCHED_shutdown, req - 1);
        if (period)
            deadline = (system_time_ns() / period + 1) * period;
        tiny_clear_events();
        hc_sched_op(SCHED_poll, deadline);
    }
}
