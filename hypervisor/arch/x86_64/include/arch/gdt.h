/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Segment selectors. The guest selectors are laid out for SYSRET, which
 * derives CS and SS from one base: user CS64 = base + 16, SS = base + 8.
 */
#ifndef CARAPACE_ARCH_GDT_H
#define CARAPACE_ARCH_GDT_H

#define GDT_HV_CS       0x08
#define GDT_HV_DS       0x10
#define GDT_SYSRET_BASE 0x18 /* an empty slot: SYSRET's base (unused) */
#define GDT_GUEST_DS    0x23 /* ring 3 */
#define GDT_GUEST_CS64  0x2b /* ring 3 */
#define GDT_TSS         0x30

/* IST slots (1-based, as the IDT encodes them). */
#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3

#ifndef __ASSEMBLY__
void gdt_init(void);
#endif

#endif /* CARAPACE_ARCH_GDT_H */
