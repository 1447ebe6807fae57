/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hypercall dispatch. Generic hypercalls live in hypercall.c; the x86_64
 * PV ones (traps, MMU, segment bases) in arch/x86_64/pv*.c. Every argument
 * comes from a guest and is hostile.
 */
#ifndef CARAPACE_HYPERCALL_H
#define CARAPACE_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

typedef long (*hypercall_fn)(struct vcpu *v, const uint64_t args[5]);

/* Run hypercall nr for v. in_batch: called from HC_multicall. */
long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[5],
                        bool in_batch);

/* The architecture's hypercalls (NULL entries: not provided). */
hypercall_fn arch_hypercall(uint64_t nr);

#endif /* CARAPACE_HYPERCALL_H */
