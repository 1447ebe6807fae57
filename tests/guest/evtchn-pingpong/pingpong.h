/* SPDX-License-Identifier: BSD-2-Clause */
/* What dom0 and the domUs of evtchn-pingpong agree on. */
#ifndef EVTCHN_PINGPONG_H
#define EVTCHN_PINGPONG_H

#include "../evtchn-common/evtchn_guest.h"

#define ROUNDS      100000  /* ping-pong round trips */
#define FLOOD_SENDS 1000000 /* events the flood domU sends */
#define PROBE_PORTS 8       /* dom0's ports a domU tries to bind */
#define MS          1000000ULL

/* Sleep `ms` on the one-shot timer (VIRQ_TIMER left unbound: the legacy
 * bit), counting any events that come meanwhile. */
static inline void pingpong_sleep(unsigned ms)
{
    struct vcpu_info *v = &shared_info->vcpu[0];

    __atomic_fetch_and(&v->pending_virqs, ~(1u << VIRQ_TIMER),
                       __ATOMIC_SEQ_CST);
    hc_set_timer(system_time_ns() + ms * MS);
    for (;;) {
        evtchn_guest_scan();
        if (READ_ONCE(v->pending_virqs) & (1u << VIRQ_TIMER))
            return;
        hc_sched_op(SCHED_block, 0);
    }
}

#endif /* EVTCHN_PINGPONG_H */
