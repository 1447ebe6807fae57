/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hypervisor's virtual memory layout on x86_64. Included by assembly too.
 *
 * PML4 slots 256..271 (the first 8 TiB of the upper half) and 511 (the
 * image) are the hypervisor's, as in Xen, and filled into every guest L4
 * by the PV MMU; a guest owns the lower half (slots 0..255, the only
 * addresses it may hand to hypercalls) and may map slots 272..510.
 *
 *   0xffff800000000000  slot 256  M2P (M2P_VIRT_START), guests read only
 *   0xffff808000000000  slot 257  fixmap: LAPIC and other MMIO pages
 *   0xffff810000000000  slot 258  direct map of all RAM (up to 512 GiB)
 *   0xffffffff80000000  slot 511  hypervisor image (-mcmodel=kernel)
 */
#ifndef CARAPACE_ARCH_LAYOUT_H
#define CARAPACE_ARCH_LAYOUT_H

#ifdef __ASSEMBLY__
#define _UL(x) x
#else
#define _UL(x) x##UL
#endif

#define KERNEL_VMA     _UL(0xffffffff80000000)
#define KERNEL_PHYS    _UL(0x100000)
#define FIXMAP_BASE    _UL(0xffff808000000000)
#define DIRECTMAP_BASE _UL(0xffff810000000000)
#define DIRECTMAP_SIZE _UL(0x0000008000000000)

#define PML4_SLOT(va)      (((va) >> 39) & 511)
#define HV_PML4_SLOT_FIRST 256
#define HV_PML4_SLOT_LAST  271
#define HV_PML4_SLOT_IMAGE 511

/* The boot page tables (boot.S) map the first 4 GiB at DIRECTMAP_BASE. */
#define EARLY_MAP_LIMIT _UL(0x100000000)

/* Fixmap slots, one page each. */
#define FIXMAP_LAPIC 0

#define STACK_SIZE     16384
#define IST_STACK_SIZE 4096

#endif /* CARAPACE_ARCH_LAYOUT_H */
