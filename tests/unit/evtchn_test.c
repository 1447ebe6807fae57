/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of evtchn.c: the port state machine and every error, two-level
 * delivery with the unmask re-check, closing one end, destruction, the port
 * limit, and 20,000 random hostile operations checked against invariants
 * and "an error changes nothing". It provides domain_get(), sched_wake().
 */
#include <stdlib.h>
#include <string.h>

#include <carapace/errno.h>

#include "check.h"
#include "domain.h"
#include "evtchn.h"
#include "sched.h"

#define NDOM 4
#define NONE 0xdead

static struct domain *doms[NDOM];
static struct shared_info shared[NDOM];
static unsigned wakes[NDOM], tables_live;
static bool alloc_fails;

struct domain *domain_get(uint32_t id)
{
    return id < NDOM ? doms[id] : NULL;
}

void sched_wake(struct vcpu *v)
{
    wakes[v->domain->id]++;
}

int evtchn_table_alloc(struct evtchn_domain **out, uint32_t nr)
{
    struct evtchn_domain *e =
        alloc_fails ? NULL : calloc(1, EVTCHN_TABLE_BYTES(nr));

    if (!e)
        return -CARAPACE_ENOMEM;
    tables_live++;
    *out = e;
    return 0;
}

void evtchn_table_free(struct evtchn_domain *e, uint32_t nr)
{
    (void)nr;
    tables_live--;
    free(e);
}

static struct domain *dom_new(uint32_t id)
{
    struct domain *d = calloc(1, sizeof(*d));

    d->id = id;
    d->vcpu[0].domain = d;
    d->shared = &shared[id];
    memset(d->shared, 0, sizeof(*d->shared));
    doms[id] = d;
    return d;
}

static void dom_destroy(uint32_t id)
{
    doms[id]->state = DOMAIN_DYING;
    evtchn_domain_destroy(doms[id]);
    free(doms[id]);
    doms[id] = NULL;
}

/* d's port's status as state << 32 | remote_dom << 16 | remote_port. */
static uint64_t st(struct domain *d, uint32_t port)
{
    struct evtchn_status s = {.port = port};

    CHECK_EQ(evtchn_status(d, &s), 0);
    return (uint64_t)s.state << 32 | s.remote_dom << 16 | s.remote_port;
}
#define ST(state, dom, port)                                                   \
    ((uint64_t)EVTCHN_STATE_##state << 32 | (dom) << 16 | (port))

#define pending(id, p) (shared[id].evtchn_pending[(p) / 64] >> ((p) % 64) & 1)
#define sel(id)        (shared[id].vcpu[0].evtchn_pending_sel)

/* The guest's side: take every pending unmasked port (count them). */
static unsigned consume(uint32_t id)
{
    struct shared_info *s = &shared[id];
    uint64_t words;
    unsigned n = 0;

    s->vcpu[0].upcall_pending = 0;
    words = __atomic_exchange_n(&s->vcpu[0].evtchn_pending_sel, 0,
                                __ATOMIC_SEQ_CST);
    for (unsigned w = 0; w < EVTCHN_WORDS; w++) {
        uint64_t bits =
            words >> w & 1 ? s->evtchn_pending[w] & ~s->evtchn_mask[w] : 0;

        __atomic_fetch_and(&s->evtchn_pending[w], ~bits, __ATOMIC_SEQ_CST);
        n += (unsigned)__builtin_popcountll(bits);
    }
    return n;
}

static void test_alloc_bind(void)
{
    struct domain *a = dom_new(0), *b = dom_new(1);
    uint32_t p = NONE, q = NONE;

    CHECK(evtchn_alloc_unbound(a, 3, &p) == -CARAPACE_ESRCH && p == NONE);
    CHECK(evtchn_alloc_unbound(a, 0xffffffffu, &p) == -CARAPACE_ESRCH);
    CHECK(evtchn_alloc_unbound(a, 1, &p) == 0 && p == 1);
    CHECK_EQ(st(a, 1), ST(UNBOUND, 1, 0));
    CHECK_EQ(st(a, 2), ST(FREE, 0, 0));
    CHECK_EQ(st(b, 1023), ST(FREE, 0, 0)); /* no table yet */
    CHECK(evtchn_status(a, &(struct evtchn_status){.port = 0}) ==
              -CARAPACE_EINVAL &&
          evtchn_status(a, &(struct evtchn_status){.port = 1024}) ==
              -CARAPACE_EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(b, 2, 1, &q), -CARAPACE_ESRCH);
    for (uint32_t bad = 0; bad < 2000; bad += bad == 2 ? 1022 : 2)
        CHECK_EQ(evtchn_bind_interdomain(b, 0, bad, &q), -CARAPACE_EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(b, 0, 0xffffffffu, &q), -CARAPACE_EINVAL);
    /* Port 1 of dom0 is for dom1, not for dom0 itself. */
    CHECK_EQ(evtchn_bind_interdomain(a, 0, 1, &q), -CARAPACE_EINVAL);
    CHECK_EQ(q, NONE);
    CHECK_EQ(evtchn_bind_interdomain(b, 0, 1, &q), 0);
    CHECK_EQ(q, 1);
    CHECK_EQ(st(a, 1), ST(INTERDOMAIN, 1, 1));
    CHECK_EQ(st(b, 1), ST(INTERDOMAIN, 0, 1));
    CHECK_EQ(evtchn_bind_interdomain(b, 0, 1, &q), -CARAPACE_EINVAL); /* once */
}

static void test_send_mask(void)
{
    struct domain *a = doms[0], *b = doms[1];
    unsigned w = wakes[1];

    CHECK(evtchn_send(a, 0) == -CARAPACE_EINVAL &&
          evtchn_send(a, 2) == -CARAPACE_EINVAL &&
          evtchn_send(a, 1024) == -CARAPACE_EINVAL &&
          evtchn_send(a, 1ULL << 32 | 1) == -CARAPACE_EINVAL);
    CHECK_EQ(evtchn_send(a, 1), 0);
    CHECK(pending(1, 1) && sel(1) == 1 && shared[1].vcpu[0].upcall_pending);
    CHECK_EQ(wakes[1], w + 1);
    CHECK_EQ(evtchn_send(a, 1), 0); /* a bit, not a queue */
    CHECK_EQ(wakes[1], w + 1);
    CHECK(consume(1) == 1 && consume(1) == 0);
    shared[1].evtchn_mask[0] = 2; /* b masks port 1 */
    CHECK_EQ(evtchn_send(a, 1), 0);
    CHECK(pending(1, 1) && sel(1) == 0 && !shared[1].vcpu[0].upcall_pending);
    CHECK_EQ(wakes[1], w + 1);
    CHECK_EQ(evtchn_unmask(b, 1), 0); /* the re-check: not lost */
    CHECK(shared[1].evtchn_mask[0] == 0 && sel(1) == 1);
    CHECK_EQ(wakes[1], w + 2);
    CHECK_EQ(consume(1), 1);
    CHECK_EQ(evtchn_unmask(b, 1), 0); /* nothing pending: no wake */
    CHECK_EQ(wakes[1], w + 2);
    CHECK(evtchn_unmask(b, 2) == -CARAPACE_EINVAL &&
          evtchn_unmask(b, 0) == -CARAPACE_EINVAL &&
          evtchn_unmask(b, ~0ULL) == -CARAPACE_EINVAL);
    CHECK_EQ(evtchn_send(b, 1), 0); /* and back */
    CHECK(pending(0, 1));
    CHECK_EQ(consume(0), 1);
}

static void test_close_loopback(void)
{
    struct domain *a = doms[0], *b = doms[1];
    uint32_t p, q;

    CHECK_EQ(evtchn_send(a, 1), 0);
    CHECK(pending(1, 1));
    CHECK_EQ(evtchn_close(b, 1), 0);
    CHECK(!pending(1, 1)); /* a closed port keeps no stale event */
    CHECK_EQ(st(b, 1), ST(FREE, 0, 0));
    CHECK_EQ(st(a, 1), ST(UNBOUND, 1, 0));
    CHECK_EQ(evtchn_send(a, 1), -CARAPACE_ENOTCONN);
    CHECK_EQ(evtchn_close(b, 1), -CARAPACE_EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(b, 0, 1, &q), 0); /* re-bound */
    CHECK_EQ(evtchn_close(a, 1), 0);
    CHECK_EQ(evtchn_close(b, q), 0); /* UNBOUND closes too */
    CHECK_EQ(evtchn_alloc_unbound(a, 0, &p), 0);
    CHECK_EQ(evtchn_bind_interdomain(a, 0, p, &q), 0);
    CHECK(p != q);
    CHECK_EQ(evtchn_send(a, p), 0);
    CHECK(pending(0, q) && !pending(0, p));
    CHECK_EQ(evtchn_send(a, q), 0);
    CHECK(pending(0, p));
    CHECK_EQ(consume(0), 2);
    CHECK_EQ(evtchn_close(a, q), 0);
    CHECK_EQ(st(a, p), ST(UNBOUND, 0, 0));
    CHECK_EQ(evtchn_close(a, p), 0);
}

static void test_virq(void)
{
    struct domain *a = doms[0], *b = doms[1];
    uint32_t p = NONE, t;
    unsigned w = wakes[1];

    evtchn_virq(b, VIRQ_TIMER); /* not bound: the legacy bit */
    CHECK(shared[1].vcpu[0].pending_virqs == 1u << VIRQ_TIMER &&
          wakes[1] == w + 1);
    shared[1].vcpu[0].pending_virqs = 0;
    CHECK(evtchn_bind_virq(b, VIRQ_NR, &p) == -CARAPACE_EINVAL &&
          evtchn_bind_virq(b, 0xffffffffu, &p) == -CARAPACE_EINVAL &&
          evtchn_bind_virq(b, VIRQ_CONSOLE, &p) == -CARAPACE_EPERM &&
          evtchn_bind_virq(b, VIRQ_DOM_EXC, &p) == -CARAPACE_EPERM);
    CHECK_EQ(p, NONE);
    CHECK_EQ(evtchn_bind_virq(b, VIRQ_TIMER, &t), 0);
    CHECK_EQ(evtchn_bind_virq(b, VIRQ_TIMER, &p), -CARAPACE_EEXIST);
    CHECK_EQ(st(b, t), ST(VIRQ, 0, VIRQ_TIMER));
    CHECK_EQ(evtchn_send(b, t), -CARAPACE_ENOTCONN);
    evtchn_virq(b, VIRQ_TIMER);
    CHECK(pending(1, t) && shared[1].vcpu[0].pending_virqs == 0);
    CHECK_EQ(consume(1), 1);
    CHECK_EQ(evtchn_bind_virq(a, VIRQ_DOM_EXC, &p), 0);
    evtchn_virq(a, VIRQ_DOM_EXC);
    CHECK(pending(0, p));
    CHECK_EQ(consume(0), 1);
    CHECK_EQ(evtchn_close(b, t), 0);
    evtchn_virq(b, VIRQ_TIMER); /* unbound again: the legacy bit */
    CHECK_EQ(shared[1].vcpu[0].pending_virqs, 1u << VIRQ_TIMER);
    CHECK(!pending(1, t));
    CHECK_EQ(evtchn_bind_virq(b, VIRQ_TIMER, &p), 0); /* bindable again */
    evtchn_virq(a, VIRQ_NR);                          /* ignored */
}

static void test_destroy_limits(void)
{
    struct domain *c = dom_new(2), *a = doms[0];
    uint32_t p, q, n = 0;
    unsigned live = tables_live;

    CHECK_EQ(evtchn_alloc_unbound(c, 0, &p), 0);
    CHECK_EQ(evtchn_bind_interdomain(a, 2, p, &q), 0);
    dom_destroy(2);
    CHECK_EQ(tables_live, live); /* its table is freed */
    CHECK_EQ(st(a, q), ST(UNBOUND, 2, 0));
    CHECK_EQ(evtchn_alloc_unbound(a, 2, &p), -CARAPACE_ESRCH);
    CHECK_EQ(evtchn_close(a, q), 0);
    c = dom_new(2);
    CHECK(c->shared && !c->evtchn); /* a new domain 2 has no ports */
    CHECK_EQ(evtchn_alloc_unbound(c, 0, &q), 0);
    c->state = DOMAIN_DYING; /* being torn down: not a peer any more */
    CHECK_EQ(evtchn_alloc_unbound(a, 2, &p), -CARAPACE_ESRCH);
    CHECK_EQ(evtchn_bind_interdomain(a, 2, q, &p), -CARAPACE_ESRCH);
    c->state = DOMAIN_ACTIVE;
    while (evtchn_alloc_unbound(c, 2, &p) == 0)
        n++;
    CHECK_EQ(n, EVTCHN_PORTS_MAX - 2); /* 1023 ports, one taken before */
    CHECK_EQ(evtchn_alloc_unbound(c, 2, &p), -CARAPACE_ENOSPC);
    CHECK_EQ(evtchn_bind_virq(c, VIRQ_TIMER, &p), -CARAPACE_ENOSPC);
    CHECK_EQ(evtchn_alloc_unbound(a, 2, &p), 0);
    CHECK_EQ(evtchn_bind_interdomain(c, 0, p, &q), -CARAPACE_ENOSPC);
    CHECK_EQ(st(a, p), ST(UNBOUND, 2, 0)); /* unchanged */
    CHECK_EQ(evtchn_close(a, p), 0);
    dom_destroy(2);
    c = dom_new(2);
    alloc_fails = true;
    CHECK_EQ(evtchn_alloc_unbound(c, 0, &p), -CARAPACE_ENOMEM);
    alloc_fails = false;
    c->shared = NULL; /* not built yet: events for it go nowhere */
    CHECK_EQ(evtchn_alloc_unbound(c, 0, &p), 0);
    CHECK_EQ(evtchn_bind_interdomain(a, 2, p, &q), 0);
    CHECK_EQ(evtchn_send(a, q), 0);
    evtchn_virq(c, VIRQ_TIMER);
    dom_destroy(2);
}

/* --- Random hostile operations ------------------------------------------ */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(uint64_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng % n;
}

/* An INTERDOMAIN port's peer exists and points back at it. */
static void check_peer(const struct evtchn_port *c, uint32_t id, uint32_t p)
{
    struct domain *rd = domain_get(c->remote_dom);
    bool ok = rd && rd->evtchn && c->remote_port >= 1 &&
              c->remote_port < rd->evtchn_nr;
    const struct evtchn_port *r =
        ok ? &rd->evtchn->port[c->remote_port - 1] : NULL;

    CHECK(r && r->state == EVTCHN_STATE_INTERDOMAIN && r->remote_dom == id &&
          r->remote_port == p);
}

/* Invariants of every domain's table. */
static void check_invariants(void)
{
    for (uint32_t id = 0; id < NDOM; id++) {
        struct domain *d = doms[id];
        struct evtchn_domain *e = d ? d->evtchn : NULL;

        for (uint32_t p = 1; e && p < d->evtchn_nr; p++) {
            const struct evtchn_port *c = &e->port[p - 1];

            if (c->state == EVTCHN_STATE_INTERDOMAIN)
                check_peer(c, id, p);
            if (c->state == EVTCHN_STATE_VIRQ)
                CHECK_EQ(e->virq_port[c->virq], p);
            if (c->state == EVTCHN_STATE_FREE)
                CHECK(!pending(id, p));
            if (pending(id, p) &&
                !(shared[id].evtchn_mask[p / 64] >> (p % 64) & 1))
                CHECK(sel(id) >> (p / 64) & 1 &&
                      shared[id].vcpu[0].upcall_pending);
        }
        for (unsigned v = 0; e && v < VIRQ_NR; v++)
            CHECK(!e->virq_port[v] ||
                  e->port[e->virq_port[v] - 1].state == EVTCHN_STATE_VIRQ);
    }
}

static int random_op(struct domain *d, uint32_t rid)
{
    static const uint64_t odd[] = {0, 1023, 1024, 65536 + 1, 1ULL << 32, ~0ULL};
    uint64_t port = rnd(8) ? 1 + rnd(12) : odd[rnd(6)]; /* mostly busy ones */
    uint32_t out;

    switch (rnd(8)) {
    case 0:
        return evtchn_alloc_unbound(d, rid, &out);
    case 1:
        return evtchn_bind_interdomain(d, rid, (uint32_t)port, &out);
    case 2:
        return evtchn_bind_virq(d, (uint32_t)rnd(VIRQ_NR + 1), &out);
    case 3:
        return evtchn_close(d, port);
    case 4:
        return evtchn_unmask(d, port);
    case 5: /* the guest masks a port (it unmasks with unmask), scans */
        shared[d->id].evtchn_mask[port % 1024 / 64] |= 1ULL << (port % 64);
        consume(d->id);
        return 0;
    default:
        return evtchn_send(d, port);
    }
}

static void test_random(void)
{
    static struct evtchn_domain before;
    unsigned errors = 0;

    for (unsigned i = 0; i < 20000; i++) {
        uint32_t id = (uint32_t)rnd(NDOM), rid = (uint32_t)rnd(NDOM + 1);
        struct domain *d = doms[id];
        bool had = d && d->evtchn;
        int rc;

        if (d && rnd(2000) == 0)
            dom_destroy(id); /* and a new one next time */
        if (!doms[id]) {
            dom_new(id);
            continue;
        }
        if (had)
            before = *d->evtchn;
        rc = random_op(d, rid == NDOM ? 0xffffffffu : rid);
        if (rc && had) {
            errors++;
            CHECK(memcmp(&before, d->evtchn, sizeof(before)) == 0);
        }
        if (i % 16 == 0)
            check_invariants();
    }
    printf("random: 20000 operations, %u refused\n", errors);
    CHECK(errors > 1000);
}

static void destroy_all(void)
{
    for (uint32_t id = 0; id < NDOM; id++)
        if (doms[id])
            dom_destroy(id);
    CHECK_EQ(tables_live, 0);
}

int main(void)
{
    test_alloc_bind();
    test_send_mask();
    test_close_loopback();
    test_virq();
    test_destroy_limits();
    destroy_all();
    test_random();
    destroy_all();
    return check_finish();
}
