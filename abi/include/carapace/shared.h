/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shared-info page: one per domain, mapped writable in the guest by the
 * domain builder (its address is in the start-info tree). The hypervisor
 * and the guest both write it, each only the fields documented as theirs.
 */
#ifndef CARAPACE_ABI_SHARED_H
#define CARAPACE_ABI_SHARED_H

#include <stddef.h>
#include <stdint.h>

#include "abi.h"

/* System time: nanoseconds since the hypervisor booted, computed by the
 * guest from its TSC: time = system_time + ((tsc - tsc_timestamp) *
 * tsc_to_system_mul) >> 32, shifted first by tsc_shift (left if positive).
 * The hypervisor bumps version to odd before an update and to even after;
 * a reader retries while it is odd or changed. */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t pad1[3];
};
CARAPACE_ABI_CHECK(struct vcpu_time_info, 32);

struct vcpu_info {
    uint8_t upcall_pending; /* hypervisor sets, guest clears */
    uint8_t upcall_mask;    /* guest's virtual interrupt flag, inverted */
    uint8_t pad0[2];
    uint32_t pending_virqs; /* VIRQ_* bits; hypervisor sets, guest clears */
    uint64_t cr2;           /* fault address of the last bounced #PF */
    /* Event channels: bit w set = evtchn_pending[w] may hold a pending,
     * unmasked port. Hypervisor sets, guest clears (ABI 1.2). */
    uint64_t evtchn_pending_sel;
    /* vCPU 0 only: 1 + SHUTDOWN_* when the toolstack asks the domain to
     * shut down (with VIRQ_SHUTDOWN), else 0. Hypervisor sets (ABI 1.3). */
    uint32_t shutdown_request;
    uint32_t pad1;
    struct vcpu_time_info time;
};
CARAPACE_ABI_CHECK(struct vcpu_info, 64);
_Static_assert(offsetof(struct vcpu_info, evtchn_pending_sel) == 16,
               "vcpu_info layout");

#define VIRQ_TIMER   0 /* the one-shot timer of HC_set_timer fired */
#define VIRQ_CONSOLE 1 /* dom0 only: input waits for HC_console_read */
#define VIRQ_DOM_EXC 2 /* dom0 only: a domain was created, stopped or died */
#define VIRQ_SHUTDOWN                                                          \
    3 /* the toolstack asks this domain to shut down:                          \
         the reason is in shutdown_request below */
#define VIRQ_NR 4

#define SHARED_MAX_VCPUS 8
#define EVTCHN_WORDS     64 /* 4096 ports, for the events ABI */

struct shared_info {
    struct vcpu_info vcpu[SHARED_MAX_VCPUS];
    uint64_t evtchn_pending[EVTCHN_WORDS];
    uint64_t evtchn_mask[EVTCHN_WORDS];
};
CARAPACE_ABI_CHECK(struct shared_info, 1536);

#endif /* CARAPACE_ABI_SHARED_H */
