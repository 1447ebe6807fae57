/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hypercall dispatch (the one table) and the generic hypercalls: console
 * output and input, version, scheduling, the one-shot timer and multicall
 * batches.
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
#include "format.h"
#include "guestmem.h"
#include "hypercall.h"
#include "log.h"
#include "sched.h"

#define CONSOLE_CHUNK 256

long hypercall_console_write(struct vcpu *v, const uint64_t a[5])
{
    char buf[CONSOLE_CHUNK];
    uint64_t va = a[0], len = a[1];

    if (len > CONSOLE_WRITE_MAX)
        return -CARAPACE_E2BIG;
    if (!guestmem_range_ok(gva_init(va), len))
        return -CARAPACE_EFAULT;
    for (uint64_t done = 0; done < len;) {
        size_t n = len - done < CONSOLE_CHUNK ? len - done : CONSOLE_CHUNK;

        n = console_budget(v->domain, n);
        if (!n)
            return done ? (long)done : -CARAPACE_EAGAIN;
        if (guestmem_read(buf, gva_init(va + done), n))
            return done ? (long)done : -CARAPACE_EFAULT;
        console_out(v->domain, buf, n);
        done += n;
    }
    return (long)len;
}

/* dom0 reads the serial line's input; it learns of it by VIRQ_CONSOLE. */
long hypercall_console_read(struct vcpu *v, const uint64_t a[5])
{
    char buf[CONSOLE_CHUNK];
    uint64_t va = a[0], len = a[1];
    size_t n;

    if (v->domain->id != 0)
        return -CARAPACE_EPERM;
    if (!guestmem_range_ok(gva_init(va), len))
        return -CARAPACE_EFAULT;
    n = console_peek(buf, len < CONSOLE_CHUNK ? len : CONSOLE_CHUNK);
    if (n && guestmem_write(gva_init(va), buf, n))
        return -CARAPACE_EFAULT; /* the bytes stay for the next read */
    console_consume(n);
    return (long)n;
}

long hypercall_version(struct vcpu *v, const uint64_t a[5])
{
    switch (a[0]) {
    case VERSION_ENTRIES:
        return (long)(v->entries & INT64_MAX);
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

static long hypercall_sched_yield(struct vcpu *v, uint64_t arg)
{
    (void)v;
    (void)arg;
    sched_yield();
    return 0;
}

/* Sleep unless an event is already waiting (no lost wake-up). */
static long hypercall_sched_block(struct vcpu *v, uint64_t arg)
{
    (void)arg;
    if (!v->domain->shared->vcpu[v->id].upcall_pending)
        sched_block(v);
    return 0;
}

static long hypercall_sched_shutdown(struct vcpu *v, uint64_t reason)
{
    if (reason > SHUTDOWN_crash)
        return -CARAPACE_EINVAL;
    domain_shutdown(v->domain, (unsigned)reason);
    return 0;
}

/* SCHED_block with a time limit of its own (system time; 0 = none), apart
 * from the guest's one-shot timer. */
static long hypercall_sched_poll(struct vcpu *v, uint64_t deadline)
{
    if (v->domain->shared->vcpu[v->id].upcall_pending ||
        (deadline && deadline <= arch_time_ns()))
        return 0;
    sched_block(v);
    v->poll_deadline = deadline;
    sched_deadlines(v);
    if (deadline)
        arch_timer_kick(deadline);
    return 0;
}

long hypercall_sched_op(struct vcpu *v, const uint64_t a[5])
{
    /* Slot SCHED_<name> holds hypercall_sched_<name>. */
    static long (*const op[])(struct vcpu *, uint64_t) = {
        [SCHED_yield] = hypercall_sched_yield,
        [SCHED_block] = hypercall_sched_block,
        [SCHED_shutdown] = hypercall_sched_shutdown,
        [SCHED_poll] = hypercall_sched_poll,
    };

    /* A hole or a number past the end: an unknown command. */
    if (a[0] >= sizeof(op) / sizeof(op[0]) || !op[a[0]])
        return -CARAPACE_ENOSYS;
    return op[a[0]](v, a[1]);
}

/*
 * A deadline already past fires here, before the call returns, as
 * docs/abi.md promises: left to the timer interrupt, it fired only once
 * the guest ran again, after a delay that depends on the host.
 */
long hypercall_set_timer(struct vcpu *v, const uint64_t a[5])
{
    uint64_t deadline = a[0];

    if (deadline && deadline <= arch_time_ns()) {
        v->timer_deadline = 0;
        sched_deadlines(v);
        domain_virq(v->domain, VIRQ_TIMER);
        return 0;
    }
    v->timer_deadline = deadline;
    sched_deadlines(v);
    if (deadline)
        arch_timer_kick(deadline);
    return 0;
}

long hypercall_multicall(struct vcpu *v, const uint64_t a[5])
{
    struct multicall_entry e;
    uint64_t va = a[0], count = a[1];

    if (count > MULTICALL_MAX)
        return -CARAPACE_E2BIG;
    if (!guestmem_range_ok(gva_init(va), count * sizeof(e)))
        return -CARAPACE_EFAULT;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = va + i * sizeof(e);

        if (guestmem_read(&e, gva_init(at), sizeof(e)))
            return -CARAPACE_EFAULT;
        e.result = hypercall_dispatch(v, e.op, e.args, true);
        if (guestmem_write(
                gva_init(at + offsetof(struct multicall_entry, result)),
                &e.result, sizeof(e.result)))
            return -CARAPACE_EFAULT;
        if (e.result < 0 || v->state != VCPU_RUNNABLE)
            return (long)(i + 1);
    }
    return (long)count;
}

/* The table: slot HC_<name> holds hypercall_<name> (hypercall.h). */
#define HYPERCALL_SLOT(name) [HC_##name] = hypercall_##name,
#define HYPERCALL_BIT(name)  | 1ULL << HC_##name
#define HYPERCALL_ONE(name)  +1

static const hypercall_fn hypercall_table[HC_NR] = {
    HYPERCALLS_GENERIC(HYPERCALL_SLOT) ARCH_HYPERCALLS(HYPERCALL_SLOT)};

/* Every number below HC_NR is named (so no slot is NULL) and none twice. */
_Static_assert((0 HYPERCALLS_GENERIC(HYPERCALL_BIT)
                    ARCH_HYPERCALLS(HYPERCALL_BIT)) == (1ULL << HC_NR) - 1,
               "a hypercall below HC_NR has no handler");
_Static_assert((0 HYPERCALLS_GENERIC(HYPERCALL_ONE)
                    ARCH_HYPERCALLS(HYPERCALL_ONE)) == HC_NR,
               "a hypercall is listed twice");

long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[5],
                        bool in_batch)
{
    v->domain->hypercalls++;
    if (nr >= HC_NR)
        return -CARAPACE_ENOSYS;
    if (in_batch && (nr == HC_iret || nr == HC_multicall))
        return -CARAPACE_EINVAL;
    return hypercall_table[nr](v, args);
}
