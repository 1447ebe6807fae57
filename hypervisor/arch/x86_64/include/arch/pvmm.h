/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The validated PV MMU (x86_64, 4-level paging): guests never write their
 * page tables; they ask the hypervisor to, and every entry is checked first.
 * Design, rules and locking: pvmm.c. Operations: pvmm_ops.c.
 *
 * What it guarantees, whatever a guest asks:
 *  - no frame is both a page table (type L1..L4, type_count > 0) and mapped
 *    writable (a present RW=1 entry of a validated L1 points at it);
 *  - a domain's tables map only frames the domain owns, never hypervisor,
 *    free or absent memory, and never superpages;
 *  - the hypervisor's PML4 slots (HV_PML4_SLOT_FIRST..LAST, _IMAGE) of every
 *    validated L4 hold the hypervisor's entries and nothing else.
 * Every value a guest passes (entries, addresses, frames, levels) that breaks
 * a rule gets a negative error code and changes nothing.
 */
#ifndef CARAPACE_ARCH_PVMM_H
#define CARAPACE_ARCH_PVMM_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "arch/paging.h"
#include "spinlock.h"

/* Bits 52..62 of a guest entry: must be zero. */
#define PVMM_PTE_RSVD 0x7ff0000000000000UL
/*
 * Bits no present guest entry may hold (pvmm.c, docs/abi.md): the cache
 * attributes PWT, PCD and PAT (bit 7 of an L1 entry; PS at L2..L4, where
 * superpages are refused), so that no frame is mapped with another memory
 * type than the hypervisor's write-back direct map; and G, so that no
 * guest mapping could outlive a page-table switch to another domain.
 */
#define PVMM_PTE_CACHE_G (PTE_PWT | PTE_PCD | PTE_PS | PTE_G)

/*
 * Grant mappings. An L1 entry that maps another domain's frame is made only
 * by pvmm_grant_map() and removed only by pvmm_grant_unmap(); it carries
 * PVMM_PTE_GRANT (a bit the CPU ignores), which a guest entry may never
 * have (-EINVAL), and a guest update that would overwrite or clear it gets
 * -EPERM. It holds what an L1 entry holds on its frame (general ref, plus
 * type WRITABLE if RW) and a type reference L1 on its own table, so that
 * table stays validated, and its entry in place, until the unmap; an L1
 * holding one is marked FRAME_F_GRANT_L1 and cannot be unpinned (-EBUSY).
 */
#define PVMM_PTE_GRANT   (1UL << 9)
#define FRAME_F_GRANT_L1 0x1000u /* an L1 holding a grant mapping */

/* Counters for tests and benchmarks (pvmm_lock). */
struct pvmm_stats {
    uint64_t validations;     /* tables validated (first type reference) */
    uint64_t devalidations;   /* tables devalidated (last one dropped) */
    uint64_t entries_checked; /* present entries checked */
    uint64_t entries_put;    /* present entries whose references were dropped */
    uint64_t updates;        /* pvmm_mmu_update() calls that succeeded */
    uint64_t updates_failed; /* pvmm_mmu_update() calls refused */
};

/*
 * Write `val` into the entry at machine address pte_ma of one of dom's
 * validated page tables: the new entry's references are taken first, then
 * it is stored with one 64-bit write, then the old entry's references are
 * dropped. 0 or a negative code (error table in pvmm.c).
 */
int pvmm_mmu_update(uint32_t dom, paddr_t pte_ma, uint64_t val);

/*
 * Pin frame mfn of dom as a page table of `level` (1..4), validating it if
 * it was untyped: it then stays validated while nothing else points at it.
 */
int pvmm_pin(uint32_t dom, mfn_t mfn, unsigned level);
int pvmm_unpin(uint32_t dom, mfn_t mfn);

/*
 * The references a vCPU's CR3 holds on its L4 (general + type L4). The
 * caller puts what it got: pvmm_root_put() on anything else is a bug.
 */
int pvmm_root_get(uint32_t dom, mfn_t l4);
void pvmm_root_put(mfn_t l4);

/*
 * Walk the validated L4 l4 down to the L1 entry that maps va; store its
 * machine address in *pte_ma. The answer is a hint: the caller passes it to
 * pvmm_mmu_update(), which checks everything again.
 */
int pvmm_va_to_pte(mfn_t l4, uint64_t va, paddr_t *pte_ma);

/*
 * Domain teardown: unpin every pinned frame of dom, which drops everything
 * the domain's tables held. Callers put the roots first. Returns how many
 * of dom's frames still have references (0 on a clean teardown).
 */
int pvmm_release_domain(uint32_t dom);
/*
 * The same, one frame at a time, for a caller that knows the domain's
 * frames (its p2m) and need not walk the whole frame table: unpin mfn if
 * it is dom's and pinned. Then, once every frame was released,
 * pvmm_frame_busy(dom, mfn) tells whether mfn still has references.
 */
void pvmm_release_frame(uint32_t dom, mfn_t mfn);
bool pvmm_frame_busy(uint32_t dom, mfn_t mfn);

/* Copy the counters. */
void pvmm_stats_get(struct pvmm_stats *out);

/*
 * Map mfn, a frame of domain `owner` (not dom), at the L1 entry pte_ma of
 * one of dom's validated L1 tables, which must be non-present. -EINVAL (bad
 * dom/owner, unaligned, not an L1 of dom), -EBUSY (entry present; mfn is a
 * page table; RW and mfn is typed otherwise), -ERANGE/-EPERM (mfn beyond
 * the table / not owner's), -ENOSPC.
 */
int pvmm_grant_map(uint32_t dom, paddr_t pte_ma, mfn_t mfn, uint32_t owner,
                   bool writable);
/* Remove it again: -EINVAL unless pte_ma holds exactly that mapping. */
int pvmm_grant_unmap(uint32_t dom, paddr_t pte_ma, mfn_t mfn, bool writable);
/* Copy checks: owner owns mfn; to write it, it must not be a page table. */
int pvmm_grant_frame_check(uint32_t owner, mfn_t mfn, bool write);
/* A grant table frame of dom: hold (general + WRITABLE) or release. */
int pvmm_grant_table_hold(uint32_t dom, mfn_t mfn, bool hold);
/* Frame mfn of owner, a dying granter, is still mapped by a grantee: drop
 * owner's pin of it, if any (the release of owner's memory skips the frames
 * it no longer owns, and a pinned table would keep its targets forever). */
void pvmm_grant_orphan_unpin(uint32_t owner, mfn_t mfn);
/* Frame mfn of a dead granter that has no references left: may be freed. */
bool pvmm_grant_orphan_unused(mfn_t mfn);

/*
 * The hypervisor's own entry for PML4 slot `slot` (HV_PML4_SLOT_FIRST..
 * _LAST or _IMAGE), copied into every L4 when it is validated. Implemented
 * by paging.c (a unit test provides its own). It must be a supervisor entry
 * (U=0): a guest's read-only linear mapping walks through it.
 */
uint64_t paging_hyp_l4e(unsigned slot);

/*
 * Internal to pvmm.c and pvmm_ops.c. Everything below runs with pvmm_lock
 * held, and `dom` is always a domain id (below FRAME_OWNER_HYP).
 */
extern struct spinlock pvmm_lock;
extern struct pvmm_stats pvmm_stats;

/* The frame an entry points at (its address bits; P not checked). */
static inline mfn_t pvmm_pte_mfn(uint64_t e)
{
    return mfn_init((e & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

/* What a present entry given to mmu_update becomes: PTE_U forced (pvmm.c). */
static inline uint64_t pvmm_entry_adjust(uint64_t e)
{
    return (e & PTE_P) ? e | PTE_U : e;
}

/* Is PML4 slot `slot` the hypervisor's? */
bool pvmm_hyp_slot(unsigned slot);
/* Entry `slot` of table mfn (in the frame table), with one 64-bit access. */
uint64_t pvmm_read(mfn_t table, unsigned slot);
void pvmm_write(mfn_t table, unsigned slot, uint64_t val);
/* -ERANGE if mfn is beyond the frame table, -EPERM if dom does not own it. */
int pvmm_frame_owned(uint32_t dom, mfn_t mfn);
/* General reference: -ENOSPC if the count would overflow. */
int pvmm_ref_get(mfn_t mfn);
void pvmm_ref_put(mfn_t mfn);
/* Type reference (enum frame_type); the first one of L1..L4 validates. */
int pvmm_type_get(uint32_t dom, mfn_t mfn, unsigned type);
void pvmm_type_put(mfn_t mfn);
/* The references entry `e` of table `table` (level 1..4) implies. */
int pvmm_entry_get(uint32_t dom, mfn_t table, unsigned level, uint64_t e);
void pvmm_entry_put(mfn_t table, unsigned level, uint64_t e);

#endif /* CARAPACE_ARCH_PVMM_H */
