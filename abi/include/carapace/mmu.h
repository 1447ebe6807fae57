/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PV MMU. A guest's page-table frames are never writable by the guest:
 * it asks the hypervisor to write entries (HC_mmu_update,
 * HC_update_va_mapping), which validates each one. Every frame has a type
 * (writable, or page table of level 1..4) that can change only when nothing
 * uses it as that type, so no frame is ever both a page table and writable.
 */
#ifndef CARAPACE_ABI_MMU_H
#define CARAPACE_ABI_MMU_H

#include <stdint.h>

#include "abi.h"

/* Page-table entry bits a guest may use (x86_64 format). Bits 52..62 must
 * be zero; MMU_PTE_PSE (superpages) is refused. The guest kernel runs in
 * ring 3, so its own mappings need MMU_PTE_USER at every level: the
 * hypervisor does not add it. */
#define MMU_PTE_PRESENT  (1ULL << 0)
#define MMU_PTE_WRITE    (1ULL << 1)
#define MMU_PTE_USER     (1ULL << 2)
#define MMU_PTE_PWT      (1ULL << 3)
#define MMU_PTE_PCD      (1ULL << 4)
#define MMU_PTE_ACCESSED (1ULL << 5)
#define MMU_PTE_DIRTY    (1ULL << 6)
#define MMU_PTE_PSE      (1ULL << 7)
#define MMU_PTE_GLOBAL   (1ULL << 8)
#define MMU_PTE_NX       (1ULL << 63)
#define MMU_PTE_ADDR     0x000ffffffffff000ULL

/* HC_mmu_update(reqs, count, done): write count entries. ptr is the
 * machine address of the entry (8-byte aligned), its low 2 bits a command.
 * Stops at the first failure; *done (if not NULL) gets how many succeeded. */
struct mmu_update {
    uint64_t ptr;
    uint64_t val;
};
CARAPACE_ABI_CHECK(struct mmu_update, 16);

#define MMU_NORMAL_PT_UPDATE 0
#define MMU_UPDATE_MAX       512

/* HC_mmuext_op(ops, count, done). */
struct mmuext_op {
    uint32_t cmd;
    uint32_t pad; /* must be zero */
    uint64_t arg; /* a machine frame number, or a virtual address */
};
CARAPACE_ABI_CHECK(struct mmuext_op, 16);

#define MMUEXT_PIN_L1_TABLE     0 /* arg = mfn */
#define MMUEXT_PIN_L2_TABLE     1
#define MMUEXT_PIN_L3_TABLE     2
#define MMUEXT_PIN_L4_TABLE     3
#define MMUEXT_UNPIN_TABLE      4 /* arg = mfn */
#define MMUEXT_NEW_BASEPTR      5 /* arg = mfn of an L4: kernel root */
#define MMUEXT_NEW_USER_BASEPTR 6 /* arg = mfn of an L4, or 0: user root */
#define MMUEXT_TLB_FLUSH_LOCAL  7
#define MMUEXT_INVLPG_LOCAL     8 /* arg = va */
#define MMUEXT_OP_MAX           512

/* HC_update_va_mapping(va, pte, flags): write the L1 entry that maps va in
 * the current kernel root. */
#define UVMF_NONE      0
#define UVMF_INVLPG    1
#define UVMF_TLB_FLUSH 2

/* The machine-to-guest frame table, read-only in every guest. */
#define M2P_VIRT_START 0xffff800000000000ULL
#define M2P_INVALID    (~0ULL)

#endif /* CARAPACE_ABI_MMU_H */
