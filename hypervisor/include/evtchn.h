/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event channels (carapace/event_channel.h, docs/abi.md "Event channels").
 *
 * evtchn.c is generic and builds on the host too (tests/unit/evtchn_test.c):
 * the per-domain port table and its state machine, and the two-level
 * pending/mask/selector bits of struct shared_info. evtchn_hypercall.c is
 * the hypercall glue (guest memory) and the table's memory (frames).
 *
 * Locking: as domain.h (one CPU, hypervisor not preemptible). The guest
 * writes the shared page concurrently: every bit there changes atomically.
 */
#ifndef CARAPACE_EVTCHN_H
#define CARAPACE_EVTCHN_H

#include <stdbool.h>
#include <stdint.h>

#include <carapace/event_channel.h>
#include <carapace/shared.h>

struct domain;
struct vcpu;

/* One port: 8 bytes. */
struct evtchn_port {
    uint8_t state;        /* EVTCHN_STATE_* */
    uint8_t virq;         /* VIRQ: the VIRQ_* */
    uint16_t remote_port; /* INTERDOMAIN: the peer's port */
    uint32_t remote_dom;  /* UNBOUND, INTERDOMAIN: the other domain */
};

/* A domain's ports: EVTCHN_TABLE_BYTES(nr) for ports 1 .. nr - 1, nr
 * (struct domain's evtchn_nr) growing by doubling from EVTCHN_NR_FIRST
 * to EVTCHN_PORTS_MAX as ports are taken: 128 bytes for a domain with a
 * console and a timer, 8 KiB for dom0 with all 1,023. Port 0 is never
 * valid, so its slot holds the VIRQ bindings; port p is port[p - 1]. */
#define EVTCHN_VIRQ_SLOTS 4
#define EVTCHN_NR_FIRST   16
struct evtchn_domain {
    uint16_t virq_port[EVTCHN_VIRQ_SLOTS]; /* 0: the VIRQ is not bound */
    struct evtchn_port port[];
};
#define EVTCHN_TABLE_BYTES(nr) ((size_t)(nr) * sizeof(struct evtchn_port))
_Static_assert(VIRQ_NR <= EVTCHN_VIRQ_SLOTS, "a slot per VIRQ");
_Static_assert(sizeof(struct evtchn_domain) == sizeof(struct evtchn_port),
               "the VIRQ bindings are port 0's slot");

/* Operations on domain d's ports (d the caller). 0 or a negative errno;
 * nothing changes on error. *port is written only on success. */
int evtchn_alloc_unbound(struct domain *d, uint32_t remote_dom, uint32_t *port);
int evtchn_bind_interdomain(struct domain *d, uint32_t remote_dom,
                            uint32_t remote_port, uint32_t *port);
int evtchn_bind_virq(struct domain *d, uint32_t virq, uint32_t *port);
int evtchn_send(struct domain *d, uint64_t port);
int evtchn_close(struct domain *d, uint64_t port);
int evtchn_unmask(struct domain *d, uint64_t port);
/* st->port is the port asked about; the rest is filled in. */
int evtchn_status(struct domain *d, struct evtchn_status *st);

/* Raise VIRQ_* virq on d: through its bound port if it has one, else the
 * legacy pending_virqs bit and an upcall. */
void evtchn_virq(struct domain *d, unsigned virq);
/* Close every port of d (peers become UNBOUND) and free its table. */
void evtchn_domain_destroy(struct domain *d);
/* Set d's vCPU 0 upcall_pending and wake it. */
void evtchn_kick(struct domain *d);

/* The two-level scheme on a shared page, vCPU `vcpu`. Each returns true
 * if the vCPU must be kicked (a pending, unmasked port needs its upcall). */
bool evtchn_2l_set_pending(struct shared_info *s, unsigned vcpu, uint32_t port);
bool evtchn_2l_unmask(struct shared_info *s, unsigned vcpu, uint32_t port);
void evtchn_2l_clear_pending(struct shared_info *s, uint32_t port);

/* A zeroed table for nr ports in *out: 0 or -ENOMEM; and its release
 * (evtchn_hypercall.c, or the unit test's). */
int evtchn_table_alloc(struct evtchn_domain **out, uint32_t nr);
void evtchn_table_free(struct evtchn_domain *e, uint32_t nr);

#endif /* CARAPACE_EVTCHN_H */
