/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hypercalls from a test guest. hcN(nr, ...) calls the stub at
 * hypercall_page + 32 * nr (nr must be a constant) with the arguments in
 * rdi, rsi, rdx, r10, r8 and returns rax; rcx and r11 are clobbered.
 * hc_raw*() skip the page: `mov nr, %rax; syscall`, for numbers that have
 * no stub. The typed helpers below return what the hypervisor returned:
 * 0 or a documented value, or a negative CARAPACE_E* code.
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdint.h>

#include <carapace/domctl.h>
#include <carapace/errno.h>
#include <carapace/event_channel.h>
#include <carapace/hypercall.h>
#include <carapace/mmu.h>
#include <carapace/multicall.h>
#include <carapace/sched.h>
#include <carapace/trap.h>

#include "hypercall_call.h"

/* A hypercall by number without the page: any 64-bit rax, two arguments. */
static inline long hc_raw2(uint64_t nr, uint64_t a1, uint64_t a2)
{
    register uint64_t a1_ asm("rdi") = a1;
    register uint64_t a2_ asm("rsi") = a2;
    long ret = (long)nr;

    asm volatile("syscall" : "+a"(ret), "+r"(a1_), "+r"(a2_) : : HC_CLOBBER_);
    return ret;
}

/* --- Typed helpers ------------------------------------------------------- */

static inline long hc_domctl(uint64_t cmd, void *arg)
{
    return hc2(HC_domctl, cmd, arg);
}

/* --- Grant tables ------------------------------------------------------- */
#include <carapace/grant_table.h>

static inline long hc_grant_table_op(uint64_t cmd, void *args, uint64_t count)
{
    return hc3(HC_grant_table_op, cmd, args, count);
}

/* One map / unmap / copy: the call's error, else the entry's status. */
static inline long gnttab_map_one(struct gnttab_map_grant_ref *op)
{
    long rc = hc_grant_table_op(GNTTABOP_map_grant_ref, op, 1);

    return rc ? rc : op->status;
}

static inline long gnttab_unmap_one(uint32_t handle, uint64_t va)
{
    struct gnttab_unmap_grant_ref op = {.handle = handle, .va = va};
    long rc = hc_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);

    return rc ? rc : op.status;
}

static inline long gnttab_copy_one(struct gnttab_copy *op)
{
    long rc = hc_grant_table_op(GNTTABOP_copy, op, 1);

    return rc ? rc : op->status;
}

/* --- Event channels (carapace/event_channel.h) ---------------------------- */

static inline long hc_event_channel_op(uint64_t cmd, uint64_t arg)
{
    return hc2(HC_event_channel_op, cmd, arg);
}

/* A new port for remote_dom to bind; the port in *port (if it worked). */
static inline long hc_evtchn_alloc_unbound(uint32_t remote_dom, uint32_t *port)
{
    struct evtchn_alloc_unbound a = {.remote_dom = remote_dom};
    long rc = hc_event_channel_op(EVTCHNOP_alloc_unbound, (uint64_t)&a);

    if (rc == 0)
        *port = a.port;
    return rc;
}

static inline long hc_evtchn_bind_interdomain(uint32_t remote_dom,
                                              uint32_t remote_port,
                                              uint32_t *port)
{
    struct evtchn_bind_interdomain b = {.remote_dom = remote_dom,
                                        .remote_port = remote_port};
    long rc = hc_event_channel_op(EVTCHNOP_bind_interdomain, (uint64_t)&b);

    if (rc == 0)
        *port = b.local_port;
    return rc;
}

static inline long hc_evtchn_bind_virq(uint32_t virq, uint32_t *port)
{
    struct evtchn_bind_virq b = {.virq = virq};
    long rc = hc_event_channel_op(EVTCHNOP_bind_virq, (uint64_t)&b);

    if (rc == 0)
        *port = b.port;
    return rc;
}

static inline long hc_evtchn_send(uint64_t port)
{
    return hc_event_channel_op(EVTCHNOP_send, port);
}

static inline long hc_evtchn_close(uint64_t port)
{
    return hc_event_channel_op(EVTCHNOP_close, port);
}

static inline long hc_evtchn_unmask(uint64_t port)
{
    return hc_event_channel_op(EVTCHNOP_unmask, port);
}

/* st->port in; the rest out. */
static inline long hc_evtchn_status(struct evtchn_status *st)
{
    return hc_event_channel_op(EVTCHNOP_status, (uint64_t)st);
}

#endif /* GUEST_HYPERCALL_H */
