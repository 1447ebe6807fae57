/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event channels: each domain's port table and its state machine, and
 * delivery through the two-level bitmaps of the shared-info page. Generic
 * code: it builds on the host for tests/unit/evtchn_test.c, which provides
 * domain_get(), sched_wake() and the table's memory.
 *
 * States of a port (carapace/event_channel.h):
 *
 *   FREE --alloc_unbound(rd)--> UNBOUND(rd) --rd binds it--> INTERDOMAIN
 *   FREE --bind_interdomain(rd, rp)--> INTERDOMAIN (rd's rp too)
 *   FREE --bind_virq(v)--> VIRQ(v)
 *   INTERDOMAIN --close--> FREE, and the peer's port --> UNBOUND(closer)
 *   UNBOUND, VIRQ --close--> FREE
 *
 * Invariant: a port is INTERDOMAIN iff its peer is INTERDOMAIN and points
 * back at it; a port is VIRQ(v) iff virq_port[v] names it. A port of a
 * domain being destroyed is closed before the domain goes away, so every
 * INTERDOMAIN peer exists.
 */
#include <stddef.h>
#include <string.h>

#include <carapace/errno.h>

#include "domain.h"
#include "evtchn.h"
#include "sched.h"

#define EVTCHN_WORD_BITS 64

_Static_assert(EVTCHN_PORTS_MAX <= EVTCHN_WORDS * EVTCHN_WORD_BITS,
               "every port has a bit in the shared page");
_Static_assert(EVTCHN_PORTS_MAX <= 65536, "ports fit in remote_port");

/* --- The two-level scheme on the shared page ---------------------------- */

/* Mark the port's word in the selector and the vCPU's upcall pending. */
static void evtchn_2l_raise(struct shared_info *s, unsigned vcpu, uint32_t port)
{
    __atomic_fetch_or(&s->vcpu[vcpu].evtchn_pending_sel,
                      1ULL << (port / EVTCHN_WORD_BITS), __ATOMIC_SEQ_CST);
    __atomic_store_n(&s->vcpu[vcpu].upcall_pending, 1, __ATOMIC_SEQ_CST);
}

bool evtchn_2l_set_pending(struct shared_info *s, unsigned vcpu, uint32_t port)
{
    uint64_t bit = 1ULL << (port % EVTCHN_WORD_BITS);
    unsigned w = port / EVTCHN_WORD_BITS;

    if (__atomic_fetch_or(&s->evtchn_pending[w], bit, __ATOMIC_SEQ_CST) & bit)
        return false; /* already pending: a bit, never a queue */
    if (__atomic_load_n(&s->evtchn_mask[w], __ATOMIC_SEQ_CST) & bit)
        return false; /* masked: unmask will raise it */
    evtchn_2l_raise(s, vcpu, port);
    return true;
}

bool evtchn_2l_unmask(struct shared_info *s, unsigned vcpu, uint32_t port)
{
    uint64_t bit = 1ULL << (port % EVTCHN_WORD_BITS);
    unsigned w = port / EVTCHN_WORD_BITS;

    __atomic_fetch_and(&s->evtchn_mask[w], ~bit, __ATOMIC_SEQ_CST);
    if (!(__atomic_load_n(&s->evtchn_pending[w], __ATOMIC_SEQ_CST) & bit))
        return false;
    evtchn_2l_raise(s, vcpu, port); /* pending while masked: not lost */
    return true;
}

void evtchn_2l_clear_pending(struct shared_info *s, uint32_t port)
{
    __atomic_fetch_and(&s->evtchn_pending[port / EVTCHN_WORD_BITS],
                       ~(1ULL << (port % EVTCHN_WORD_BITS)), __ATOMIC_SEQ_CST);
}

/* --- Delivery ----------------------------------------------------------- */

void evtchn_kick(struct domain *d)
{
    if (!d->shared)
        return;
    __atomic_store_n(&d->shared->vcpu[0].upcall_pending, 1, __ATOMIC_SEQ_CST);
    sched_wake(&d->vcpu[0]);
}

static void evtchn_deliver(struct domain *d, uint32_t port)
{
    if (d->shared && evtchn_2l_set_pending(d->shared, 0, port))
        evtchn_kick(d);
}

void evtchn_virq(struct domain *d, unsigned virq)
{
    uint16_t port = 0;

    if (!d->shared || virq >= VIRQ_NR)
        return;
    if (d->evtchn)
        port = d->evtchn->virq_port[virq];
    if (port) {
        evtchn_deliver(d, port);
        return;
    }
    /* Not bound to a port: the legacy pending_virqs bit (ABI 1.0). */
    __atomic_fetch_or(&d->shared->vcpu[0].pending_virqs, 1u << virq,
                      __ATOMIC_SEQ_CST);
    evtchn_kick(d);
}

/* --- The port table ----------------------------------------------------- */

static struct evtchn_port *evtchn_slot(struct evtchn_domain *e, uint64_t port)
{
    return &e->port[port - 1];
}

/* d's port `port`, if d's table has it (one beyond is free, unmade). */
static struct evtchn_port *evtchn_lookup(struct domain *d, uint64_t port)
{
    if (!d->evtchn || port == 0 || port >= d->evtchn_nr)
        return NULL;
    return evtchn_slot(d->evtchn, port);
}

/* d's table with room for ports up to nr - 1: the old one copied into a
 * larger one (pointers to slots are stale after). 0 or -ENOMEM. */
static int evtchn_grow(struct domain *d, uint32_t nr)
{
    struct evtchn_domain *e;
    int err = evtchn_table_alloc(&e, nr);

    if (err)
        return err;
    if (d->evtchn) {
        memcpy(e, d->evtchn, EVTCHN_TABLE_BYTES(d->evtchn_nr));
        evtchn_table_free(d->evtchn, d->evtchn_nr);
    }
    d->evtchn = e;
    d->evtchn_nr = nr;
    return 0;
}

/* A domain that exists and is not being torn down. */
static struct domain *evtchn_find_domain(uint32_t id)
{
    struct domain *d = domain_get(id);

    return d && d->state != DOMAIN_DYING ? d : NULL;
}

/* The lowest free port of d (its table made or grown if need be), with
 * no stale pending bit. Pointers into d's table are stale after it. */
static int evtchn_new_port(struct domain *d, uint32_t *port)
{
    uint32_t p = 1;
    /* The control domain serves every other domain's channels: its table
     * is whole from the start, so that it does not grow (and scatter) as
     * domains come and go. */
    int err = d->evtchn ? 0
                        : evtchn_grow(d, (d->flags & DOMAIN_F_PRIVILEGED)
                                             ? EVTCHN_PORTS_MAX
                                             : EVTCHN_NR_FIRST);

    if (err)
        return err;
    while (p < d->evtchn_nr &&
           evtchn_slot(d->evtchn, p)->state != EVTCHN_STATE_FREE)
        p++;
    if (p == EVTCHN_PORTS_MAX)
        return -CARAPACE_ENOSPC;
    if (p == d->evtchn_nr) {
        err = evtchn_grow(d, d->evtchn_nr * 2);
        if (err)
            return err;
    }
    if (d->shared)
        evtchn_2l_clear_pending(d->shared, p);
    *port = p;
    return 0;
}

int evtchn_alloc_unbound(struct domain *d, uint32_t remote_dom, uint32_t *port)
{
    uint32_t p;
    int err;

    if (!evtchn_find_domain(remote_dom))
        return -CARAPACE_ESRCH;
    err = evtchn_new_port(d, &p);
    if (err)
        return err;
    *evtchn_slot(d->evtchn, p) = (struct evtchn_port){
        .state = EVTCHN_STATE_UNBOUND, .remote_dom = remote_dom};
    *port = p;
    return 0;
}

int evtchn_bind_interdomain(struct domain *d, uint32_t remote_dom,
                            uint32_t remote_port, uint32_t *port)
{
    struct domain *rd = evtchn_find_domain(remote_dom);
    struct evtchn_port *r;
    uint32_t p;
    int err;

    if (!rd)
        return -CARAPACE_ESRCH;
    r = evtchn_lookup(rd, remote_port);
    if (!r || r->state != EVTCHN_STATE_UNBOUND || r->remote_dom != d->id)
        return -CARAPACE_EINVAL;
    err = evtchn_new_port(d, &p); /* not remote_port: that one is in use */
    if (err)
        return err;
    r = evtchn_lookup(rd, remote_port); /* rd may be d: its table moved */
    *evtchn_slot(d->evtchn, p) =
        (struct evtchn_port){.state = EVTCHN_STATE_INTERDOMAIN,
                             .remote_port = (uint16_t)remote_port,
                             .remote_dom = remote_dom};
    *r = (struct evtchn_port){.state = EVTCHN_STATE_INTERDOMAIN,
                              .remote_port = (uint16_t)p,
                              .remote_dom = d->id};
    *port = p;
    return 0;
}

int evtchn_bind_virq(struct domain *d, uint32_t virq, uint32_t *port)
{
    uint32_t p;
    int err;

    if (virq >= VIRQ_NR)
        return -CARAPACE_EINVAL;
    if (virq != VIRQ_TIMER && virq != VIRQ_SHUTDOWN && d->id != 0)
        return -CARAPACE_EPERM; /* VIRQ_CONSOLE and VIRQ_DOM_EXC: dom0's */
    if (d->evtchn && d->evtchn->virq_port[virq])
        return -CARAPACE_EEXIST;
    err = evtchn_new_port(d, &p);
    if (err)
        return err;
    *evtchn_slot(d->evtchn, p) =
        (struct evtchn_port){.state = EVTCHN_STATE_VIRQ, .virq = (uint8_t)virq};
    d->evtchn->virq_port[virq] = (uint16_t)p;
    *port = p;
    return 0;
}

int evtchn_send(struct domain *d, uint64_t port)
{
    struct evtchn_port *c = evtchn_lookup(d, port);

    if (!c || c->state == EVTCHN_STATE_FREE)
        return -CARAPACE_EINVAL;
    if (c->state != EVTCHN_STATE_INTERDOMAIN)
        return -CARAPACE_ENOTCONN;
    evtchn_deliver(domain_get(c->remote_dom), c->remote_port);
    return 0;
}

/* Free d's port, which is not free: its peer becomes UNBOUND for d. */
static void evtchn_release(struct domain *d, uint32_t port)
{
    struct evtchn_port *c = evtchn_slot(d->evtchn, port);

    if (c->state == EVTCHN_STATE_INTERDOMAIN) {
        struct domain *rd = domain_get(c->remote_dom);

        *evtchn_slot(rd->evtchn, c->remote_port) = (struct evtchn_port){
            .state = EVTCHN_STATE_UNBOUND, .remote_dom = d->id};
    } else if (c->state == EVTCHN_STATE_VIRQ) {
        d->evtchn->virq_port[c->virq] = 0;
    }
    *c = (struct evtchn_port){.state = EVTCHN_STATE_FREE};
    if (d->shared)
        evtchn_2l_clear_pending(d->shared, port);
}

int evtchn_close(struct domain *d, uint64_t port)
{
    struct evtchn_port *c = evtchn_lookup(d, port);

    if (!c || c->state == EVTCHN_STATE_FREE)
        return -CARAPACE_EINVAL;
    evtchn_release(d, (uint32_t)port);
    return 0;
}

int evtchn_unmask(struct domain *d, uint64_t port)
{
    struct evtchn_port *c = evtchn_lookup(d, port);

    if (!c || c->state == EVTCHN_STATE_FREE)
        return -CARAPACE_EINVAL;
    if (d->shared && evtchn_2l_unmask(d->shared, 0, (uint32_t)port))
        evtchn_kick(d);
    return 0;
}

int evtchn_status(struct domain *d, struct evtchn_status *st)
{
    struct evtchn_port *c;

    if (st->port == 0 || st->port >= EVTCHN_PORTS_MAX)
        return -CARAPACE_EINVAL;
    c = evtchn_lookup(d, st->port);
    st->state = c ? c->state : EVTCHN_STATE_FREE;
    st->remote_dom = 0;
    st->remote_port = 0;
    if (st->state == EVTCHN_STATE_UNBOUND ||
        st->state == EVTCHN_STATE_INTERDOMAIN)
        st->remote_dom = c->remote_dom;
    if (st->state == EVTCHN_STATE_INTERDOMAIN)
        st->remote_port = c->remote_port;
    else if (st->state == EVTCHN_STATE_VIRQ)
        st->remote_port = c->virq;
    return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
    if (!d->evtchn)
        return;
    for (uint32_t p = 1; p < d->evtchn_nr; p++)
        if (evtchn_slot(d->evtchn, p)->state != EVTCHN_STATE_FREE)
            evtchn_release(d, p);
    evtchn_table_free(d->evtchn, d->evtchn_nr);
    d->evtchn = NULL;
    d->evtchn_nr = 0;
}
