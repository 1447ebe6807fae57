/* SPDX-License-Identifier: BSD-2-Clause */
/* The local APIC and its timer (apic.c). */
#ifndef CARAPACE_ARCH_APIC_H
#define CARAPACE_ARCH_APIC_H

#include <stdint.h>

/* Physical address of the local APIC registers (from IA32_APIC_BASE). */
uint64_t apic_phys_base(void);
void apic_timer_interrupt(void);
void apic_eoi(void);

#endif /* CARAPACE_ARCH_APIC_H */
