/* SPDX-License-Identifier: BSD-2-Clause */
/* x86_64 page-table entry bits (paging.c builds the hypervisor's tables). */
#ifndef CARAPACE_ARCH_PAGING_H
#define CARAPACE_ARCH_PAGING_H

#define PTE_P         (1UL << 0)
#define PTE_W         (1UL << 1)
#define PTE_U         (1UL << 2)
#define PTE_PWT       (1UL << 3)
#define PTE_PCD       (1UL << 4)
#define PTE_PS        (1UL << 7)
#define PTE_G         (1UL << 8)
#define PTE_NX        (1UL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000UL

#define PT_ENTRIES 512
#define SIZE_2M    (1UL << 21)
#define SIZE_1G    (1UL << 30)

#ifndef __ASSEMBLY__
#include <stdint.h>

/* Machine address of the hypervisor's own L4 (for the idle CPU). */
uint64_t paging_idle_root(void);
/* The entry every guest L4 gets in hypervisor slot `slot`. */
uint64_t paging_hyp_l4e(unsigned slot);
extern uint8_t cpu_has_smap;
#endif

#endif /* CARAPACE_ARCH_PAGING_H */
