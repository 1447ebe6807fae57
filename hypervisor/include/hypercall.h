/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hypercall dispatch: one table, indexed by the HC_* number, whose slot
 * HC_<name> holds hypercall_<name>. The generic hypercalls are listed
 * here, the architecture's in <arch/hypercall.h> (ARCH_HYPERCALLS);
 * hypercall.c builds the table from both lists and checks at build time
 * that every number below HC_NR has exactly one handler. Each handler
 * lives with its subsystem (the lists say where). Every argument comes
 * from a guest and is hostile.
 */
#ifndef CARAPACE_HYPERCALL_H
#define CARAPACE_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/hypercall.h>

struct vcpu;

typedef long (*hypercall_fn)(struct vcpu *v, const uint64_t args[5]);

/* X(name) for each generic hypercall HC_<name>. */
#define HYPERCALLS_GENERIC(X)                                                  \
    X(console_write)    /* hypercall.c */                                      \
    X(version)          /* hypercall.c */                                      \
    X(sched_op)         /* hypercall.c */                                      \
    X(set_timer)        /* hypercall.c */                                      \
    X(multicall)        /* hypercall.c */                                      \
    X(event_channel_op) /* evtchn_hypercall.c */                               \
    X(grant_table_op)   /* grant.c */                                          \
    X(domctl)           /* domctl.c */                                         \
    X(console_read)     /* hypercall.c */

#define HYPERCALL_DECLARE(name)                                                \
    long hypercall_##name(struct vcpu *v, const uint64_t args[5]);
HYPERCALLS_GENERIC(HYPERCALL_DECLARE)
ARCH_HYPERCALLS(HYPERCALL_DECLARE)
#undef HYPERCALL_DECLARE

/* Run hypercall nr for v. in_batch: called from HC_multicall. */
long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[5],
                        bool in_batch);

#endif /* CARAPACE_HYPERCALL_H */
