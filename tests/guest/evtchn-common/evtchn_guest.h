/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest's half of the two-level event scheme, shared by the evtchn-*
 * and bench-evtchn test guests (not a test: no test.cfg here).
 *
 * evtchn_guest_scan() clears upcall_pending, takes the selector, and for
 * each selected word every pending, unmasked port: it clears the port's
 * pending bit and counts it in evtchn_guest_count[port]. Clearing
 * upcall_pending first means an event that arrives during or after the
 * scan sets it again, so "scan; if nothing, SCHED_block" never sleeps
 * through an event (SCHED_block returns at once while it is set).
 */
#ifndef GUEST_EVTCHN_GUEST_H
#define GUEST_EVTCHN_GUEST_H

#include "guest.h"

static volatile uint32_t evtchn_guest_count[EVTCHN_PORTS_MAX];

static inline unsigned evtchn_guest_scan(void)
{
    struct vcpu_info *v = &shared_info->vcpu[0];
    uint64_t sel;
    unsigned n = 0;

    __atomic_store_n(&v->upcall_pending, 0, __ATOMIC_SEQ_CST);
    sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned w = (unsigned)__builtin_ctzll(sel);
        uint64_t bits =
            __atomic_load_n(&shared_info->evtchn_pending[w], __ATOMIC_SEQ_CST) &
            ~READ_ONCE(shared_info->evtchn_mask[w]);

        sel &= sel - 1;
        while (bits) {
            unsigned b = (unsigned)__builtin_ctzll(bits);
            uint32_t port = w * 64 + b;

            bits &= bits - 1;
            __atomic_fetch_and(&shared_info->evtchn_pending[w], ~(1ULL << b),
                               __ATOMIC_SEQ_CST);
            if (port < EVTCHN_PORTS_MAX)
                evtchn_guest_count[port]++;
            n++;
        }
    }
    return n;
}

/* Block until port has been counted more than `seen` times; returns the
 * new count. Events stay masked (upcall_mask): the scan polls. */
static inline uint32_t evtchn_guest_wait(uint32_t port, uint32_t seen)
{
    for (;;) {
        evtchn_guest_scan();
        if (evtchn_guest_count[port] != seen)
            return evtchn_guest_count[port];
        hc_sched_op(SCHED_block, 0);
    }
}

/* Find the port dom0 allocated for us: try binding dom0's ports 1..max
 * (only one is allocated for this domain), yielding until it is there. */
static inline uint32_t evtchn_guest_find_dom0(uint32_t max, uint32_t *remote)
{
    uint32_t port;

    for (unsigned tries = 0; tries < 100000; tries++) {
        for (uint32_t p = 1; p <= max; p++) {
            if (hc_evtchn_bind_interdomain(0, p, &port) == 0) {
                *remote = p;
                return port;
            }
        }
        hc_sched_op(SCHED_yield, 0);
    }
    return 0;
}

#endif /* GUEST_EVTCHN_GUEST_H */
