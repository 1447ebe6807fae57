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

static inline long hc_console_write(const void *buf, uint64_t len)
{
    return hc2(HC_console_write, buf, len);
}

static inline long hc_console_read(void *buf, uint64_t len)
{
    return hc2(HC_console_read, buf, len);
}

static inline long hc_domctl(uint64_t cmd, void *arg)
{
    return hc2(HC_domctl, cmd, arg);
}

static inline long hc_version(uint64_t cmd)
{
    return hc2(HC_version, cmd, 0);
}

static inline long hc_sched_op(uint64_t cmd, uint64_t arg)
{
    return hc2(HC_sched_op, cmd, arg);
}

static inline long hc_set_timer(uint64_t deadline_ns)
{
    return hc1(HC_set_timer, deadline_ns);
}

static inline long hc_set_trap_table(const struct trap_info *table)
{
    return hc1(HC_set_trap_table, table);
}

static inline long hc_set_callbacks(uint64_t event, uint64_t failsafe,
                                    uint64_t syscall)
{
    return hc3(HC_set_callbacks, event, failsafe, syscall);
}

/* Returns only on failure (a negative code); on success execution goes on
 * at f->rip with f's registers. */
static inline long hc_iret(const struct iret_frame *f)
{
    return hc1(HC_iret, f);
}

static inline long hc_stack_switch(uint64_t kernel_rsp)
{
    return hc1(HC_stack_switch, kernel_rsp);
}

static inline long hc_mmu_update(const struct mmu_update *reqs, uint64_t count,
                                 uint64_t *done)
{
    return hc3(HC_mmu_update, reqs, count, done);
}

static inline long hc_update_va_mapping(uint64_t va, uint64_t pte,
                                        uint64_t flags)
{
    return hc3(HC_update_va_mapping, va, pte, flags);
}

static inline long hc_mmuext_op(const struct mmuext_op *ops, uint64_t count,
                                uint64_t *done)
{
    return hc3(HC_mmuext_op, ops, count, done);
}

static inline long hc_multicall(struct multicall_entry *calls, uint64_t count)
{
    return hc2(HC_multicall, calls, count);
}

static inline long hc_set_segment_base(uint64_t which, uint64_t base)
{
    return hc2(HC_set_segment_base, which, base);
}

/* --- Grant tables ----------------------------------------------------------
 */
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
