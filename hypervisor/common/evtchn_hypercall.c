/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HC_event_channel_op(cmd, arg): argument structs are copied in from the
 * guest, checked (pads must be 0), handed to evtchn.c, and the result is
 * copied back. A result that cannot be written back undoes the operation
 * (the new port is closed again), so -EFAULT changes nothing. Also the
 * port table's memory: from kmem, 128 bytes to 8 KiB (evtchn.h).
 */
#include <stddef.h>
#include <string.h>

#include <carapace/errno.h>
#include <carapace/event_channel.h>

#include "arch.h"
#include "domain.h"
#include "evtchn.h"
#include "frame.h"
#include "guestmem.h"
#include "hypercall.h"
#include "kmem.h"

int evtchn_table_alloc(struct evtchn_domain **out, uint32_t nr)
{
    struct evtchn_domain *e = kmem_alloc(EVTCHN_TABLE_BYTES(nr));

    if (!e)
        return -CARAPACE_ENOMEM;
    *out = e; /* zeroed: every port free */
    return 0;
}

void evtchn_table_free(struct evtchn_domain *e, uint32_t nr)
{
    kmem_free(e, EVTCHN_TABLE_BYTES(nr));
}

/* Copy a result back; if the guest's buffer cannot take it, close the
 * port the operation made. */
static long evtchn_hypercall_reply(struct domain *d, uint64_t va,
                                   const void *buf, size_t len, uint32_t port)
{
    if (guestmem_write(gva_init(va), buf, len) == 0)
        return 0;
    evtchn_close(d, port);
    return -CARAPACE_EFAULT;
}

static long evtchn_op_alloc_unbound(struct domain *d, uint64_t va)
{
    struct evtchn_alloc_unbound a;
    uint32_t port;
    int err;

    if (guestmem_read(&a, gva_init(va), sizeof(a)))
        return -CARAPACE_EFAULT;
    err = evtchn_alloc_unbound(d, a.remote_dom, &port);
    if (err)
        return err;
    a.port = port;
    return evtchn_hypercall_reply(d, va, &a, sizeof(a), port);
}

static long evtchn_op_bind_interdomain(struct domain *d, uint64_t va)
{
    struct evtchn_bind_interdomain b;
    uint32_t port;
    int err;

    if (guestmem_read(&b, gva_init(va), sizeof(b)))
        return -CARAPACE_EFAULT;
    if (b.pad)
        return -CARAPACE_EINVAL;
    err = evtchn_bind_interdomain(d, b.remote_dom, b.remote_port, &port);
    if (err)
        return err;
    b.local_port = port;
    return evtchn_hypercall_reply(d, va, &b, sizeof(b), port);
}

static long evtchn_op_bind_virq(struct domain *d, uint64_t va)
{
    struct evtchn_bind_virq b;
    uint32_t port;
    int err;

    if (guestmem_read(&b, gva_init(va), sizeof(b)))
        return -CARAPACE_EFAULT;
    err = evtchn_bind_virq(d, b.virq, &port);
    if (err)
        return err;
    b.port = port;
    return evtchn_hypercall_reply(d, va, &b, sizeof(b), port);
}

static long evtchn_op_status(struct domain *d, uint64_t va)
{
    struct evtchn_status st;
    int err;

    if (guestmem_read(&st, gva_init(va), sizeof(st)))
        return -CARAPACE_EFAULT;
    err = evtchn_status(d, &st);
    if (err)
        return err;
    return guestmem_write(gva_init(va), &st, sizeof(st)) ? -CARAPACE_EFAULT : 0;
}

static long evtchn_op_send(struct domain *d, uint64_t port)
{
    return evtchn_send(d, port);
}

static long evtchn_op_close(struct domain *d, uint64_t port)
{
    return evtchn_close(d, port);
}

static long evtchn_op_unmask(struct domain *d, uint64_t port)
{
    return evtchn_unmask(d, port);
}

/* Slot EVTCHNOP_<name> holds evtchn_op_<name>. */
static long (*const evtchn_op[])(struct domain *, uint64_t) = {
    [EVTCHNOP_alloc_unbound] = evtchn_op_alloc_unbound,
    [EVTCHNOP_bind_interdomain] = evtchn_op_bind_interdomain,
    [EVTCHNOP_bind_virq] = evtchn_op_bind_virq,
    [EVTCHNOP_send] = evtchn_op_send,
    [EVTCHNOP_close] = evtchn_op_close,
    [EVTCHNOP_status] = evtchn_op_status,
    [EVTCHNOP_unmask] = evtchn_op_unmask,
};

long hypercall_event_channel_op(struct vcpu *v, const uint64_t args[5])
{
    if (args[0] >= sizeof(evtchn_op) / sizeof(evtchn_op[0]) ||
        !evtchn_op[args[0]])
        return -CARAPACE_ENOSYS;
    return evtchn_op[args[0]](v->domain, args[1]);
}
