/* SPDX-License-Identifier: BSD-2-Clause */
/* x86_64 paravirtualization: guest entries, bounces, PV hypercalls. */
#ifndef CARAPACE_ARCH_PV_H
#define CARAPACE_ARCH_PV_H

#include <stdint.h>

#include <arch/regs.h>

struct vcpu;

/* Set up syscall entry (MSRs) on this CPU. */
void pv_init(void);
/* Handle an entry from ring 3 (guest): never returns. */
__attribute__((noreturn)) void pv_trap(struct cpu_regs *regs);
/* Give v its start-of-day context (guest kernel mode, events masked). */
void pv_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t stack,
                  uint64_t start_info, uint64_t l4_ma);
/* Fill a hypercall page with the 32-byte stubs. */
void pv_hypercall_page_fill(void *page);

#endif /* CARAPACE_ARCH_PV_H */
