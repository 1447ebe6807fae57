/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hypercall dispatch and the generic hypercalls: console output, version,
 * scheduling, the one-shot timer and multicall batches.
 */
#include <stddef.h>

#include <carapace/errno.h>
#include <carapace/hypercall.h>
#include <carapace/multicall.h>
#include <carapace/sched.h>
#include <carapace/shared.h>

#include "arch.h"
#include "console.h"
#include "domain.h"
#include "evtchn.h"
#include "domctl.h"
#include "format.h"
#include "grant.h"
#include "guestmem.h"
#include "hypercall.h"
#include "log.h"
#include "sched.h"

#define CONSOLE_CHUNK 256

static long hypercall_console_write(struct vcpu *v, const uint64_t a[5])
{
    char buf[CONSOLE_CHUNK];
    uint64_t va = a[0], len = a[1];

    if (len > CONSOLE_WRITE_MAX)
        return -CARAPACE_E2BIG;
    if (!guestmem_range_ok(va, len))
        return -CARAPACE_EFAULT;
    for (uint64_t done = 0; done < len;) {
        size_t n = len - done < CONSOLE_CHUNK ? len - done : CONSOLE_CHUNK;

        n = console_budget(v->domain, n);
        if (!n)
            return done ? (long)done : -CARAPACE_EAGAIN;
        if (guestmem_read(buf, va + done, n))
            return done ? (long)done : -CARAPACE_EFAULT;
        console_out(v->domain, buf, n);
        done += n;
    }
    return (long)len;
}

/* dom0 reads the serial line's input; it learns of it by VIRQ_CONSOLE. */
static long hypercall_console_read(struct vcpu *v, const uint64_t a[5])
{
    char buf[CONSOLE_CHUNK];
    uint64_t va = a[0], len = a[1];
    size_t n;

    if (v->domain->id != 0)
        return -CARAPACE_EPERM;
    if (!guestmem_range_ok(va, len))
        return -CARAPACE_EFAULT;
    n = console_peek(buf, len < CONSOLE_CHUNK ? len : CONSOLE_CHUNK);
    if (n && guestmem_write(va, buf, n))
        return -CARAPACE_EFAULT; /* the bytes stay for the next read */
    console_consume(n);
    return (long)n;
}

static long hypercall_version(struct vcpu *v, const uint64_t a[5])
{
    (void)v;
    switch (a[0]) {
    case VERSION_ABI:
        return CARAPACE_ABI_VERSION;
    case VERSION_FEATURES:
        return CARAPACE_FEAT_MULTICALL | CARAPACE_FEAT_TIMER |
               CARAPACE_FEAT_CONSOLE_IN | CARAPACE_FEAT_EVTCHN |
               CARAPACE_FEAT_GRANT;
    default:
        return -CARAPACE_ENOSYS;
    }
}

static long hypercall_sched_op(struct vcpu *v, const uint64_t a[5])
{
    struct shared_info *s = v->domain->shared;

    switch (a[0]) {
    case SCHED_yield:
        sched_yield();
        return 0;
    case SCHED_block:
        /* Sleep unless an event is already waiting (no lost wake-up). */
        if (!s->vcpu[v->id].upcall_pending)
            sched_block(v);
        return 0;
    case SCHED_shutdown:
        if (a[1] > SHUTDOWN_crash)
            return -CARAPACE_EINVAL;
        domain_shutdown(v->domain, (unsigned)a[1]);
        return 0;
    case SCHED_poll:
        /* SCHED_block with a time limit of its own (a[1], system time;
         * 0 = none), apart from the guest's one-shot timer. */
        if (s->vcpu[v->id].upcall_pending || (a[1] && a[1] <= arch_time_ns()))
            return 0;
        sched_block(v);
        v->poll_deadline = a[1];
        if (a[1])
            arch_timer_kick(a[1]);
        return 0;
    default:
        return -CARAPACE_ENOSYS;
    }
}

static long hypercall_set_timer(struct vcpu *v, const uint64_t a[5])
{
    v->timer_deadline = a[0];
    if (a[0] && a[0] <= arch_time_ns())
        v->timer_deadline = 1; /* in the past: fires at once */
    if (v->timer_deadline)
        arch_timer_kick(v->timer_deadline);
    return 0;
}

static long hypercall_multicall(struct vcpu *v, const uint64_t a[5])
{
    struct multicall_entry e;
    uint64_t va = a[0], count = a[1];

    if (count > MULTICALL_MAX)
        return -CARAPACE_E2BIG;
    if (!guestmem_range_ok(va, count * sizeof(e)))
        return -CARAPACE_EFAULT;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = va + i * sizeof(e);

        if (guestmem_read(&e, at, sizeof(e)))
            return -CARAPACE_EFAULT;
        e.result = hypercall_dispatch(v, e.op, e.args, true);
        if (guestmem_write(at + offsetof(struct multicall_entry, result),
                           &e.result, sizeof(e.result)))
            return -CARAPACE_EFAULT;
        if (e.result < 0 || v->state != VCPU_RUNNABLE)
            return (long)(i + 1);
    }
    return (long)count;
}

static const hypercall_fn hypercall_generic[HC_NR] = {
    [HC_console_write] = hypercall_console_write,
    [HC_version] = hypercall_version,
    [HC_sched_op] = hypercall_sched_op,
    [HC_set_timer] = hypercall_set_timer,
    [HC_multicall] = hypercall_multicall,
    [HC_event_channel_op] = evtchn_hypercall,
    [HC_console_read] = hypercall_console_read,
    [HC_grant_table_op] = grant_table_op,
    [HC_domctl] = domctl_hypercall,
};

long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[5],
                        bool in_batch)
{
    hypercall_fn fn;

    v->domain->hypercalls++;
    if (nr >= HC_NR)
        return -CARAPACE_ENOSYS;
    if (in_batch && (nr == HC_iret || nr == HC_multicall))
        return -CARAPACE_EINVAL;
    fn = hypercall_generic[nr] ? hypercall_generic[nr] : arch_hypercall(nr);
    return fn ? fn(v, args) : -CARAPACE_ENOSYS;
}
