/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event channels (ABI 1.2): HC_event_channel_op(cmd, arg). A port is a
 * number 1 .. EVTCHN_PORTS_MAX - 1 in one domain; it is free, unbound
 * (allocated for a remote domain that has not bound it yet), bound to a
 * port of another domain (or of the same one: loopback), or bound to a
 * VIRQ. An event on port p sets bit p of shared_info.evtchn_pending and,
 * unless bit p of evtchn_mask is set, bit p / 64 of the vCPU's
 * evtchn_pending_sel and upcall_pending. docs/abi.md, "Event channels".
 */
#ifndef CARAPACE_ABI_EVENT_CHANNEL_H
#define CARAPACE_ABI_EVENT_CHANNEL_H

#include <stdint.h>

#include "abi.h"

#define EVTCHNOP_alloc_unbound 0 /* arg: struct evtchn_alloc_unbound * */
/* EVTCHNOP_bind_interdomain: arg: struct evtchn_bind_interdomain * */
#define EVTCHNOP_bind_interdomain 1
#define EVTCHNOP_bind_virq        2 /* arg: struct evtchn_bind_virq * */
#define EVTCHNOP_send             3 /* arg: the port (a value) */
#define EVTCHNOP_close            4 /* arg: the port */
#define EVTCHNOP_status           5 /* arg: struct evtchn_status * */
#define EVTCHNOP_unmask           6 /* arg: the port */

#define EVTCHN_PORTS_MAX 1024 /* per domain; port 0 is never valid */

struct evtchn_alloc_unbound {
    uint32_t remote_dom; /* in: who may bind it (may be the caller) */
    uint32_t port;       /* out */
};
CARAPACE_ABI_CHECK(struct evtchn_alloc_unbound, 8);

struct evtchn_bind_interdomain {
    uint32_t remote_dom, remote_port; /* in */
    uint32_t local_port;              /* out */
    uint32_t pad;                     /* must be 0 */
};
CARAPACE_ABI_CHECK(struct evtchn_bind_interdomain, 16);

struct evtchn_bind_virq {
    uint32_t virq; /* in: VIRQ_* (shared.h) */
    uint32_t port; /* out */
};
CARAPACE_ABI_CHECK(struct evtchn_bind_virq, 8);

struct evtchn_status {
    uint32_t port;       /* in */
    uint32_t state;      /* out: EVTCHN_STATE_* */
    uint32_t remote_dom; /* out: unbound, interdomain; else 0 */
    uint32_t
        remote_port; /* out: interdomain: the peer's port; virq: the VIRQ */
};
CARAPACE_ABI_CHECK(struct evtchn_status, 16);

#define EVTCHN_STATE_FREE        0
#define EVTCHN_STATE_UNBOUND     1 /* allocated for remote_dom, not bound yet */
#define EVTCHN_STATE_INTERDOMAIN 2
#define EVTCHN_STATE_VIRQ        3

#endif /* CARAPACE_ABI_EVENT_CHANNEL_H */
