/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PV MMU operations: what the hypercalls (mmu_update, mmuext pin/unpin,
 * update_va_mapping, new_baseptr) and domain teardown call. Each takes
 * pvmm_lock for its whole run, checks every guest value, and leaves the
 * counts exactly as they were when it fails. Rules and error codes: pvmm.c.
 */
#include <stdbool.h>
#include <stdint.h>

#include <carapace/errno.h>

#include "addr.h"
#include "arch/layout.h"
#include "arch/paging.h"
#include "arch/pvmm.h"
#include "frame.h"
#include "panic.h"
#include "spinlock.h"

/* Special owners are not domains: nobody may act as the hypervisor. */
static bool pvmm_ops_dom_ok(uint32_t dom)
{
    return dom < FRAME_OWNER_HYP;
}

/* General + type reference, all or nothing. pvmm_lock held. */
static int pvmm_ops_take(uint32_t dom, mfn_t mfn, unsigned type)
{
    int rc;

    rc = pvmm_ref_get(mfn);
    if (rc)
        return rc;
    rc = pvmm_type_get(dom, mfn, type);
    if (rc)
        pvmm_ref_put(mfn);
    return rc;
}

/* Undo pvmm_ops_take(). pvmm_lock held. */
static void pvmm_ops_drop(mfn_t mfn)
{
    pvmm_type_put(mfn);
    pvmm_ref_put(mfn);
}

/* The level of a validated page table of dom, or -EINVAL. pvmm_lock held. */
static int pvmm_ops_table_level(uint32_t dom, mfn_t mfn)
{
    const struct frame *f = frame_get(mfn);

    if (!f || f->owner != dom || f->type < FRAME_TYPE_L1 ||
        f->type > FRAME_TYPE_L4 || f->type_count == 0)
        return -CARAPACE_EINVAL;
    ASSERT(f->flags & FRAME_F_VALIDATED);
    return f->type - FRAME_TYPE_L1 + 1;
}

/* pvmm_mmu_update() of entry `slot` of `table`. pvmm_lock held. */
static int pvmm_ops_update(uint32_t dom, mfn_t table, unsigned slot,
                           uint64_t val)
{
    int level = pvmm_ops_table_level(dom, table), rc;
    uint64_t old;

    if (level < 0)
        return level;
    if (level == 4 && pvmm_hyp_slot(slot))
        return -CARAPACE_EPERM;
    /* A grant mapping goes only with pvmm_grant_unmap() (pvmm.h). */
    if (level == 1 && (pvmm_read(table, slot) & (PTE_P | PVMM_PTE_GRANT)) ==
                          (PTE_P | PVMM_PTE_GRANT))
        return -CARAPACE_EPERM;
    /*
     * New references first, so that a frame both entries point at never
     * drops to zero in between (and is not devalidated and revalidated);
     * then one atomic store; then the old entry's references. No shortcut
     * when only the flags change: RW on a linear entry is such a change.
     */
    old = pvmm_read(table, slot);
    val = pvmm_entry_adjust(val);
    rc = pvmm_entry_get(dom, table, (unsigned)level, val);
    if (rc)
        return rc;
    pvmm_write(table, slot, val);
    pvmm_entry_put(table, (unsigned)level, old);
    return 0;
}

int pvmm_mmu_update(uint32_t dom, paddr_t pte_ma, uint64_t val)
{
    uint64_t pa = pa_val(pte_ma);
    int rc;

    if (!pvmm_ops_dom_ok(dom) || (pa & (sizeof(val) - 1)))
        return -CARAPACE_EINVAL;
    spinlock_lock(&pvmm_lock);
    rc = pvmm_ops_update(dom, pa_to_mfn(pte_ma),
                         (unsigned)((pa & ~PAGE_MASK) / sizeof(val)), val);
    if (rc)
        pvmm_stats.updates_failed++;
    else
        pvmm_stats.updates++;
    spinlock_unlock(&pvmm_lock);
    return rc;
}

int pvmm_pin(uint32_t dom, mfn_t mfn, unsigned level)
{
    struct frame *f;
    int rc;

    if (!pvmm_ops_dom_ok(dom) || level < 1 || level > 4)
        return -CARAPACE_EINVAL;
    spinlock_lock(&pvmm_lock);
    rc = pvmm_frame_owned(dom, mfn);
    if (rc)
        goto out;
    f = frame_get(mfn);
    rc = -CARAPACE_EBUSY;
    if (f->flags & FRAME_F_PINNED)
        goto out;
    rc = pvmm_ops_take(dom, mfn, FRAME_TYPE_L1 + level - 1);
    if (rc == 0)
        f->flags |= FRAME_F_PINNED;
out:
    spinlock_unlock(&pvmm_lock);
    return rc;
}

/* Drop a pin (flag first: the last type reference may go). Lock held. */
static void pvmm_ops_unpin(mfn_t mfn, struct frame *f)
{
    f->flags &= (uint16_t)~FRAME_F_PINNED;
    pvmm_ops_drop(mfn);
}

int pvmm_unpin(uint32_t dom, mfn_t mfn)
{
    struct frame *f;
    int rc;

    if (!pvmm_ops_dom_ok(dom))
        return -CARAPACE_EINVAL;
    spinlock_lock(&pvmm_lock);
    rc = pvmm_frame_owned(dom, mfn);
    if (rc)
        goto out;
    f = frame_get(mfn);
    rc = -CARAPACE_EINVAL;
    if (!(f->flags & FRAME_F_PINNED))
        goto out;
    rc = -CARAPACE_EBUSY;
    if (f->flags & FRAME_F_GRANT_L1)
        goto out;
    pvmm_ops_unpin(mfn, f);
    rc = 0;
out:
    spinlock_unlock(&pvmm_lock);
    return rc;
}

int pvmm_root_get(uint32_t dom, mfn_t l4)
{
    int rc;

    if (!pvmm_ops_dom_ok(dom))
        return -CARAPACE_EINVAL;
    spinlock_lock(&pvmm_lock);
    rc = pvmm_frame_owned(dom, l4);
    if (rc == 0)
        rc = pvmm_ops_take(dom, l4, FRAME_TYPE_L4);
    spinlock_unlock(&pvmm_lock);
    return rc;
}

void pvmm_root_put(mfn_t l4)
{
    const struct frame *f;

    spinlock_lock(&pvmm_lock);
    f = frame_get(l4);
    /* Callers put only what pvmm_root_get() gave them. */
    ASSERT(f && f->type == FRAME_TYPE_L4 && f->type_count > 0);
    pvmm_ops_drop(l4);
    spinlock_unlock(&pvmm_lock);
}

/* Sign-extended from bit 47, as 4-level paging requires. */
static bool pvmm_ops_canonical(uint64_t va)
{
    uint64_t top = va >> 47;

    return top == 0 || top == 0x1ffff;
}

/* The walk of pvmm_va_to_pte(). pvmm_lock held. */
static int pvmm_ops_walk(mfn_t l4, uint64_t va, paddr_t *pte_ma)
{
    mfn_t table = l4;
    unsigned level, slot;
    uint64_t e;

    for (level = 4;; level--) {
        const struct frame *f = frame_get(table);

        /* Not a table of this level: a linear slot, or a bad root. */
        if (!f || f->type != FRAME_TYPE_L1 + level - 1 || f->type_count == 0)
            return -CARAPACE_EINVAL;
        slot = (unsigned)(va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
        if (level == 1)
            break;
        e = pvmm_read(table, slot);
        if (!(e & PTE_P))
            return -CARAPACE_ENOENT;
        table = pvmm_pte_mfn(e);
    }
    *pte_ma = pa_init(pa_val(mfn_to_pa(table)) + slot * sizeof(uint64_t));
    return 0;
}

int pvmm_va_to_pte(mfn_t l4, uint64_t va, paddr_t *pte_ma)
{
    int rc;

    if (!pvmm_ops_canonical(va))
        return -CARAPACE_EINVAL;
    if (pvmm_hyp_slot(PML4_SLOT(va)))
        return -CARAPACE_EPERM;
    spinlock_lock(&pvmm_lock);
    rc = pvmm_ops_walk(l4, va, pte_ma);
    spinlock_unlock(&pvmm_lock);
    return rc;
}

/* Frames of dom that something still references. pvmm_lock held. */
static uint64_t pvmm_ops_count_busy(uint32_t dom)
{
    uint64_t i, n = frame_table_size(), busy = 0;
    const struct frame *f;

    for (i = 0; i < n; i++) {
        f = frame_get(mfn_init(i));
        if (f->owner == dom && (f->ref_count || f->type_count))
            busy++;
    }
    return busy;
}

/*
 * Unpin in table order: a pinned table stays validated by its own pin while
 * a table above it is devalidated, so the order does not matter, and the
 * type references form no cycle (pvmm.c), so nothing is left but roots.
 * One pass over the whole table under the lock: teardown is rare.
 */
int pvmm_release_domain(uint32_t dom)
{
    uint64_t i, n = frame_table_size(), busy;
    struct frame *f;

    if (!pvmm_ops_dom_ok(dom))
        return -CARAPACE_EINVAL;
    spinlock_lock(&pvmm_lock);
    for (i = 0; i < n; i++) {
        f = frame_get(mfn_init(i));
        if (f->owner == dom && (f->flags & FRAME_F_PINNED))
            pvmm_ops_unpin(mfn_init(i), f);
    }
    busy = pvmm_ops_count_busy(dom);
    spinlock_unlock(&pvmm_lock);
    return busy > INT32_MAX ? INT32_MAX : (int)busy;
}

void pvmm_release_frame(uint32_t dom, mfn_t mfn)
{
    struct frame *f = frame_get(mfn);

    if (!pvmm_ops_dom_ok(dom))
        return;
    spinlock_lock(&pvmm_lock);
    if (f && f->owner == dom && (f->flags & FRAME_F_PINNED))
        pvmm_ops_unpin(mfn, f);
    spinlock_unlock(&pvmm_lock);
}

bool pvmm_frame_busy(uint32_t dom, mfn_t mfn)
{
    const struct frame *f = frame_get(mfn);
    bool busy;

    spinlock_lock(&pvmm_lock);
    busy = f && f->owner == dom && (f->ref_count || f->type_count);
    spinlock_unlock(&pvmm_lock);
    return busy;
}

/* --- Grant mappings (rules: pvmm.h) --- */

static bool pvmm_ops_is_pt(const struct frame *f)
{
    return f->type_count > 0 && f->type >= FRAME_TYPE_L1 &&
           f->type <= FRAME_TYPE_L4;
}

/* The L1 of dom holding entry pte_ma, and the slot. pvmm_lock held. */
static int pvmm_ops_grant_l1(uint32_t dom, paddr_t pte_ma, mfn_t *table,
                             unsigned *slot)
{
    uint64_t pa = pa_val(pte_ma);

    if (!pvmm_ops_dom_ok(dom) || (pa & 7))
        return -CARAPACE_EINVAL;
    *table = pa_to_mfn(pte_ma);
    *slot = (unsigned)((pa & ~PAGE_MASK) / sizeof(uint64_t));
    return pvmm_ops_table_level(dom, *table) == 1 ? 0 : -CARAPACE_EINVAL;
}

/* A granted frame is data: never executable in the grantee. */
static uint64_t pvmm_ops_grant_pte(mfn_t mfn, bool writable)
{
    return pa_val(mfn_to_pa(mfn)) | PTE_P | PTE_U | PTE_NX | PVMM_PTE_GRANT |
           (writable ? PTE_W : 0);
}

int pvmm_grant_map(uint32_t dom, paddr_t pte_ma, mfn_t mfn, uint32_t owner,
                   bool writable)
{
    mfn_t table;
    unsigned slot;
    int rc;

    if (!pvmm_ops_dom_ok(owner) || owner == dom)
        return -CARAPACE_EINVAL;
    spinlock_lock(&pvmm_lock);
    rc = pvmm_ops_grant_l1(dom, pte_ma, &table, &slot);
    if (rc == 0 && (pvmm_read(table, slot) & PTE_P))
        rc = -CARAPACE_EBUSY;
    if (rc == 0)
        rc = pvmm_frame_owned(owner, mfn);
    if (rc == 0 && pvmm_ops_is_pt(frame_get(mfn)))
        rc = -CARAPACE_EBUSY;
    if (rc == 0)
        rc = writable ? pvmm_ops_take(owner, mfn, FRAME_TYPE_WRITABLE)
                      : pvmm_ref_get(mfn);
    if (rc)
        goto out;
    rc = pvmm_type_get(dom, table, FRAME_TYPE_L1); /* counts up only */
    if (rc) {
        if (writable)
            pvmm_type_put(mfn);
        pvmm_ref_put(mfn);
        goto out;
    }
    pvmm_write(table, slot, pvmm_ops_grant_pte(mfn, writable));
    frame_get(table)->flags |= FRAME_F_GRANT_L1;
out:
    spinlock_unlock(&pvmm_lock);
    return rc;
}

int pvmm_grant_unmap(uint32_t dom, paddr_t pte_ma, mfn_t mfn, bool writable)
{
    const uint64_t ad = (1UL << 5) | (1UL << 6); /* set by the CPU */
    mfn_t table;
    unsigned slot, s;
    int rc;

    spinlock_lock(&pvmm_lock);
    rc = pvmm_ops_grant_l1(dom, pte_ma, &table, &slot);
    if (rc == 0 &&
        (pvmm_read(table, slot) & ~ad) != pvmm_ops_grant_pte(mfn, writable))
        rc = -CARAPACE_EINVAL;
    if (rc)
        goto out;
    pvmm_write(table, slot, 0);
    for (s = 0; s < PT_ENTRIES; s++)
        if (pvmm_read(table, s) & PVMM_PTE_GRANT)
            break;
    if (s == PT_ENTRIES)
        frame_get(table)->flags &= (uint16_t)~FRAME_F_GRANT_L1;
    if (writable)
        pvmm_type_put(mfn);
    pvmm_ref_put(mfn);
    pvmm_type_put(table); /* may devalidate it: the entry is gone */
out:
    spinlock_unlock(&pvmm_lock);
    return rc;
}

int pvmm_grant_frame_check(uint32_t owner, mfn_t mfn, bool write)
{
    int rc;

    spinlock_lock(&pvmm_lock);
    rc = pvmm_frame_owned(owner, mfn);
    if (rc == 0 && write && pvmm_ops_is_pt(frame_get(mfn)))
        rc = -CARAPACE_EBUSY;
    spinlock_unlock(&pvmm_lock);
    return rc;
}

int pvmm_grant_table_hold(uint32_t dom, mfn_t mfn, bool hold)
{
    int rc = 0;

    if (!pvmm_ops_dom_ok(dom))
        return -CARAPACE_EINVAL;
    spinlock_lock(&pvmm_lock);
    if (hold) {
        rc = pvmm_frame_owned(dom, mfn);
        if (rc == 0)
            rc = pvmm_ops_take(dom, mfn, FRAME_TYPE_WRITABLE);
    } else {
        pvmm_ops_drop(mfn);
    }
    spinlock_unlock(&pvmm_lock);
    return rc;
}

void pvmm_grant_orphan_unpin(uint32_t owner, mfn_t mfn)
{
    struct frame *f;

    spinlock_lock(&pvmm_lock);
    f = frame_get(mfn);
    if (f && f->owner == owner && (f->flags & FRAME_F_PINNED))
        pvmm_ops_unpin(mfn, f);
    spinlock_unlock(&pvmm_lock);
}

bool pvmm_grant_orphan_unused(mfn_t mfn)
{
    const struct frame *f;
    bool unused;

    spinlock_lock(&pvmm_lock);
    f = frame_get(mfn);
    unused = f && f->owner == FRAME_OWNER_HYP && f->ref_count == 0 &&
             f->type_count == 0;
    spinlock_unlock(&pvmm_lock);
    return unused;
}
