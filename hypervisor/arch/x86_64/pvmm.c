/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PV MMU core: reference and type counts, validation of page tables.
 * The operations guests reach (mmu_update, pin, ...) are in pvmm_ops.c.
 *
 * Design
 *
 * Every frame has a general reference count (ref_count: "something points
 * at this frame") and a type with a type count (type, type_count: "this many
 * users rely on the frame being of this type"). The type may only change
 * while type_count is 0; it is FRAME_TYPE_NONE then. The types used here are
 * WRITABLE (mapped RW by some L1 entry) and L1..L4 (a page table).
 *
 * Taking the first type reference of L<n> validates the frame: every entry
 * is checked and takes the references it implies (below). Dropping the last
 * one devalidates it: every entry drops them again. So the table's entries
 * are the only place these references are recorded, and anyone can recount
 * them from the page contents (the unit test does, after every operation).
 *
 * What a present entry of a validated table holds on the frame it points at:
 *   L1, RW=0          general ref
 *   L1, RW=1          general ref + type WRITABLE  (fails if a page table)
 *   L2, L3            general ref + type L1, L2    (validates if untyped)
 *   L4                general ref + type L3, or a linear entry (below)
 * Non-present entries hold nothing, and must have address bits 0 (the
 * CPU may use them speculatively: L1TF). Bits 52..62 must be clear, and
 * so must PWT, PCD, PAT and G (PVMM_PTE_CACHE_G). Every present entry
 * has PTE_U: mmu_update adds it to the value it stores, and a table being
 * validated must already have it (-EINVAL otherwise: validation never
 * writes a table, so a refused pin changes nothing). Guest kernel and
 * guest user both run in ring 3, so a supervisor mapping is of no use to a
 * guest, and one would be an address the guest cannot use but ring 0 can,
 * e.g. a payload for a guest-chosen ring-0 entry. It also makes "U at
 * every level" the rule that tells a walk through a guest's own entries
 * from one into the hypervisor's supervisor slots (guestmem.c).
 * PS=1 is refused at L2 and L3: checking a 2 MiB or 1 GiB superpage means
 * checking every frame under it for type and owner, and getting that wrong is
 * what XSA-148 was; 4 KiB pages only keep the rule "one entry, one frame". PS
 * is a reserved bit at L4 and refused too: a linear walk reads an L4 entry as
 * an L3 one, where PS=1 would map 1 GiB of arbitrary memory.
 *
 * Linear (recursive) entries: an L4 entry pointing at an L4, the table
 * itself or another validated one, lets a guest read its own tables. It must
 * be read-only (RW=1 would make every table it reaches guest-writable; and
 * mmu_update re-checks a flag-only change like any other, the XSA-182
 * lesson). A self entry holds a general ref only. An entry to another L4 B
 * holds a general ref AND a type ref L4 on B: with a general ref only, B
 * could be unpinned, retyped WRITABLE and filled with anything while this
 * entry still makes the MMU walk it as a page table. To keep the cascade
 * of devalidations bounded, linear references are one hop: an L4 holding
 * such an entry is marked LINEAR_SRC, its target LINEAR_DST, and no frame
 * may be both. The marks are sticky until the frame's type count drops to
 * 0 (conservative: it may refuse a chain that would be safe, never allow
 * one that is not). Recursive entries at L2 and L3 are refused.
 *
 * Why nothing recurses without bound: validation only descends (L<n> takes
 * type L<n-1>), and a linear entry never validates (its target must already
 * be validated), so validation nests at most 4 deep. Devalidation descends
 * too, plus at most one linear hop: at most 5 tables deep. A cycle would
 * need a table to take a type it already has at another level: refused with
 * -EBUSY, since a typed frame keeps its type. The same L1 under many L2s
 * just counts up; counts that would pass 2^32 - 1 fail with -ENOSPC.
 *
 * The hypervisor's PML4 slots (layout.h) must be non-present in a guest L4
 * before validation; validation then fills them with paging_hyp_l4e(), and
 * devalidation clears them. No references are counted for them.
 *
 * Error codes (every guest value; nothing changes on error)
 *   -EINVAL  reserved bits 52..62 or PVMM_PTE_GRANT (bit 9, grant mappings:
 *            pvmm.h), PWT, PCD, PAT/PS or G in a present entry, or U
 *            missing in one of a table being validated, address bits
 *            in a non-present entry, linear entry with RW=1,
 *            recursive entry at L2/L3; bad pte_ma (unaligned, not in a
 *            validated table of the domain); bad level; unpin of an
 *            unpinned frame; dom not a domain id; va_to_pte: non-canonical
 *            va, or the walk meets a frame that is not a table of its level
 *   -ERANGE  frame number beyond the frame table
 *   -EPERM   frame not owned by the domain (other domain, hypervisor, free,
 *            not RAM); a hypervisor PML4 slot (update, or present in a
 *            table being validated, or va_to_pte of a va in it); an update
 *            of an L1 entry that is a grant mapping
 *   -EBUSY   frame in use with another type (RW mapping of a page table,
 *            page table of an RW-mapped frame, L3 entry to an L4, ...);
 *            linear entry to an L4 that is a linear source (or this
 *            table a linear target); pin of a pinned frame; unpin of an
 *            L1 holding a grant mapping
 *   -ENOSPC  a reference or type count would overflow
 *   -ENOENT  va_to_pte: an intermediate entry is not present
 *
 * Not handled yet: TLB shootdown. The invariant is about entries; before
 * a frame whose last RW mapping went away takes a page-table type, the TLBs
 * that may still cache that mapping must be flushed (SMP, with vCPUs).
 *
 * Locking
 *
 * One lock, pvmm_lock, guards the whole PV MMU: type, type_count, ref_count
 * and the FRAME_F_PVMM_MASK flags of every frame, the contents of every
 * validated table, and pvmm_stats. Simple and enough for one CPU; SMP will
 * want per-frame atomics (cmpxchg on the counts) instead. Entries are still
 * stored with one 64-bit atomic write, because the MMU of another CPU
 * running the guest reads them without any lock.
 */
#include <stdbool.h>
#include <stdint.h>

#include <carapace/errno.h>

#include "addr.h"
#include "arch.h"
#include "arch/layout.h"
#include "arch/paging.h"
#include "arch/pvmm.h"
#include "frame.h"
#include "panic.h"
#include "spinlock.h"

BUILD_ASSERT(FRAME_TYPE_L4 == FRAME_TYPE_L1 + 3);
BUILD_ASSERT((PVMM_PTE_RSVD & PTE_ADDR_MASK) == 0);
BUILD_ASSERT((PVMM_PTE_GRANT & (PTE_ADDR_MASK | PVMM_PTE_RSVD)) == 0);
BUILD_ASSERT((FRAME_F_GRANT_L1 & ~FRAME_F_PVMM_MASK) == 0 &&
             (FRAME_F_GRANT_L1 & (FRAME_F_PINNED | FRAME_F_VALIDATED |
                                  FRAME_F_LINEAR_SRC | FRAME_F_LINEAR_DST)) ==
                 0);

struct spinlock pvmm_lock = SPINLOCK_INIT;
struct pvmm_stats pvmm_stats; /* pvmm_lock */

static bool pvmm_is_pt(unsigned type)
{
    return type >= FRAME_TYPE_L1 && type <= FRAME_TYPE_L4;
}

/* Page-table type of a level (1..4), and back. */
static unsigned pvmm_level_type(unsigned level)
{
    return FRAME_TYPE_L1 + level - 1;
}

static unsigned pvmm_type_level(unsigned type)
{
    return type - FRAME_TYPE_L1 + 1;
}

bool pvmm_hyp_slot(unsigned slot)
{
    return (slot >= HV_PML4_SLOT_FIRST && slot <= HV_PML4_SLOT_LAST) ||
           slot == HV_PML4_SLOT_IMAGE;
}

/* The frame of an mfn the PV MMU already holds: absence is a bug. */
static struct frame *pvmm_frame(mfn_t mfn)
{
    struct frame *f = frame_get(mfn);

    ASSERT(f);
    return f;
}

static uint64_t *pvmm_slot_ptr(mfn_t table, unsigned slot)
{
    uint64_t *t = mfn_to_virt(table);

    ASSERT(slot < PT_ENTRIES);
    return &t[slot];
}

uint64_t pvmm_read(mfn_t table, unsigned slot)
{
    return __atomic_load_n(pvmm_slot_ptr(table, slot), __ATOMIC_RELAXED);
}

void pvmm_write(mfn_t table, unsigned slot, uint64_t val)
{
    __atomic_store_n(pvmm_slot_ptr(table, slot), val, __ATOMIC_RELEASE);
}

int pvmm_frame_owned(uint32_t dom, mfn_t mfn)
{
    const struct frame *f = frame_get(mfn);

    if (!f)
        return -CARAPACE_ERANGE;
    if (f->owner != dom)
        return -CARAPACE_EPERM;
    return 0;
}

int pvmm_ref_get(mfn_t mfn)
{
    struct frame *f = pvmm_frame(mfn);

    if (f->ref_count == UINT32_MAX)
        return -CARAPACE_ENOSPC;
    f->ref_count++;
    return 0;
}

void pvmm_ref_put(mfn_t mfn)
{
    struct frame *f = pvmm_frame(mfn);

    ASSERT(f->ref_count > 0);
    f->ref_count--;
}

/* Guest-held hypervisor slots of a would-be L4 must be empty. */
static int pvmm_hyp_slots_check(mfn_t table)
{
    unsigned s;

    for (s = HV_PML4_SLOT_FIRST; s < PT_ENTRIES; s++) {
        if (pvmm_hyp_slot(s) && (pvmm_read(table, s) & PTE_P))
            return -CARAPACE_EPERM;
    }
    return 0;
}

/* Fill (on validation) or clear (on devalidation) the hypervisor slots. */
static void pvmm_hyp_slots_set(mfn_t table, bool fill)
{
    unsigned s;

    for (s = HV_PML4_SLOT_FIRST; s < PT_ENTRIES; s++) {
        if (pvmm_hyp_slot(s))
            pvmm_write(table, s, fill ? paging_hyp_l4e(s) : 0);
    }
}

/* Is slot `s` of a table of `level` a guest entry (not the hypervisor's)? */
static bool pvmm_guest_slot(unsigned level, unsigned s)
{
    return level != 4 || !pvmm_hyp_slot(s);
}

/*
 * Take the references of every entry of `table`, a page of dom just typed
 * L<level>. On error, drop those already taken and change nothing.
 */
static int pvmm_validate(uint32_t dom, mfn_t table, unsigned level)
{
    const uint64_t *t = mfn_to_virt(table); /* once, not per entry */
    unsigned s;
    int rc;

    if (level == 4) {
        rc = pvmm_hyp_slots_check(table);
        if (rc)
            return rc;
    }
    for (s = 0; s < PT_ENTRIES; s++) {
        uint64_t e = __atomic_load_n(&t[s], __ATOMIC_RELAXED);

        /* Most entries of a new domain's tables are empty: skip them
         * before anything else (an empty entry holds nothing). */
        if (e == 0 || !pvmm_guest_slot(level, s))
            continue;
        rc = pvmm_entry_get(dom, table, level, e);
        if (rc)
            goto unwind;
    }
    if (level == 4)
        pvmm_hyp_slots_set(table, true);
    pvmm_stats.validations++;
    return 0;

unwind:
    while (s-- > 0) {
        if (pvmm_guest_slot(level, s))
            pvmm_entry_put(table, level, pvmm_read(table, s));
    }
    return rc;
}

/* Drop the references of every entry of a validated table. */
static void pvmm_devalidate(mfn_t table, unsigned level)
{
    unsigned s;

    for (s = 0; s < PT_ENTRIES; s++) {
        if (pvmm_guest_slot(level, s))
            pvmm_entry_put(table, level, pvmm_read(table, s));
    }
    if (level == 4)
        pvmm_hyp_slots_set(table, false);
    pvmm_stats.devalidations++;
}

/* A validation of L4 `table` succeeded: mark its linear targets. */
static void pvmm_linear_commit(mfn_t table)
{
    struct frame *dst;
    uint64_t e;
    unsigned s;

    if (!(pvmm_frame(table)->flags & FRAME_F_LINEAR_SRC))
        return;
    for (s = 0; s < PT_ENTRIES; s++) {
        e = pvmm_read(table, s);
        if (!pvmm_guest_slot(4, s) || !(e & PTE_P) ||
            mfn_val(pvmm_pte_mfn(e)) == mfn_val(table))
            continue;
        dst = pvmm_frame(pvmm_pte_mfn(e));
        if (dst->type == FRAME_TYPE_L4) /* else an L3 */
            dst->flags |= FRAME_F_LINEAR_DST;
    }
}

/* Back to untyped: the PV MMU's flags go with the last type reference. */
static void pvmm_type_reset(struct frame *f)
{
    ASSERT(!(f->flags & FRAME_F_PINNED));
    f->type_count = 0;
    f->type = FRAME_TYPE_NONE;
    f->flags &= (uint16_t)~FRAME_F_PVMM_MASK;
}

int pvmm_type_get(uint32_t dom, mfn_t mfn, unsigned type)
{
    struct frame *f = pvmm_frame(mfn);
    int rc;

    if (f->type_count > 0) {
        if (f->type != type)
            return -CARAPACE_EBUSY;
        /* Validations nest downwards: none is under way at `type`. */
        ASSERT(!pvmm_is_pt(type) || (f->flags & FRAME_F_VALIDATED));
        if (f->type_count == UINT32_MAX)
            return -CARAPACE_ENOSPC;
        f->type_count++;
        return 0;
    }
    /*
     * Claim the type before validating, so that an entry of the table that
     * points back at it finds it typed: a self entry in an L4 is linear,
     * anything else needs another type and is refused.
     */
    f->type = (uint8_t)type;
    f->type_count = 1;
    if (!pvmm_is_pt(type))
        return 0;
    rc = pvmm_validate(dom, mfn, pvmm_type_level(type));
    if (rc) {
        pvmm_type_reset(f);
        return rc;
    }
    f->flags |= FRAME_F_VALIDATED;
    if (type == FRAME_TYPE_L4)
        pvmm_linear_commit(mfn);
    return 0;
}

void pvmm_type_put(mfn_t mfn)
{
    struct frame *f = pvmm_frame(mfn);

    ASSERT(f->type_count > 0);
    if (f->type_count > 1) {
        f->type_count--;
        return;
    }
    /* Last user: devalidate while the frame still counts as typed. */
    if (pvmm_is_pt(f->type))
        pvmm_devalidate(mfn, pvmm_type_level(f->type));
    pvmm_type_reset(f);
}

/* Reserved bits, cache attributes, PS and G, and U (forced on updates,
 * so only a table written as data and then validated can lack it): the
 * checks that need no frame. */
static int pvmm_entry_check(uint64_t e)
{
    if (e & (PVMM_PTE_RSVD | PVMM_PTE_GRANT | PVMM_PTE_CACHE_G))
        return -CARAPACE_EINVAL;
    if (!(e & PTE_U))
        return -CARAPACE_EINVAL;
    return 0;
}

/* Does an L2..L4 entry of `table` to `target` point at its own level? */
static bool pvmm_is_recursive(mfn_t table, unsigned level, mfn_t target)
{
    const struct frame *f = pvmm_frame(target);

    if (mfn_val(target) == mfn_val(table))
        return true;
    return f->type_count > 0 && f->type == pvmm_level_type(level);
}

/* A linear L4 entry of `table` to the L4 `target` (see Design). */
static int pvmm_linear_get(uint32_t dom, mfn_t table, mfn_t target, uint64_t e)
{
    struct frame *src = pvmm_frame(table), *dst = pvmm_frame(target);
    int rc;

    if (e & PTE_W)
        return -CARAPACE_EINVAL;
    if (mfn_val(target) == mfn_val(table))
        return pvmm_ref_get(target);
    if (!(dst->flags & FRAME_F_VALIDATED) ||
        (dst->flags & FRAME_F_LINEAR_SRC) || (src->flags & FRAME_F_LINEAR_DST))
        return -CARAPACE_EBUSY;
    rc = pvmm_ref_get(target);
    if (rc)
        return rc;
    rc = pvmm_type_get(dom, target, FRAME_TYPE_L4); /* counts up only */
    if (rc) {
        pvmm_ref_put(target);
        return rc;
    }
    /*
     * The source's mark goes away with a failed validation (its type is
     * reset); the target's mark would not, so it waits for the entry to
     * be committed: now in an update, at the end of a validation.
     */
    src->flags |= FRAME_F_LINEAR_SRC;
    if (src->flags & FRAME_F_VALIDATED)
        dst->flags |= FRAME_F_LINEAR_DST;
    return 0;
}

/* The type a non-linear present entry of `level` takes, or NONE. */
static unsigned pvmm_entry_type(unsigned level, uint64_t e)
{
    if (level > 1)
        return pvmm_level_type(level - 1);
    return (e & PTE_W) ? FRAME_TYPE_WRITABLE : FRAME_TYPE_NONE;
}

int pvmm_entry_get(uint32_t dom, mfn_t table, unsigned level, uint64_t e)
{
    mfn_t target = pvmm_pte_mfn(e);
    unsigned type = pvmm_entry_type(level, e);
    struct frame *f;
    int rc;

    /* A non-present entry holds nothing, but the CPU may still read its
     * address speculatively (L1TF): it must be 0. */
    if (!(e & PTE_P))
        return (e & PTE_ADDR_MASK) ? -CARAPACE_EINVAL : 0;
    pvmm_stats.entries_checked++;
    rc = pvmm_entry_check(e);
    if (rc)
        return rc;
    /* pvmm_frame_owned and pvmm_ref_get's checks, on the frame looked
     * up once: a validation makes this call for every entry. */
    f = frame_get(target);
    if (!f)
        return -CARAPACE_ERANGE;
    if (f->owner != dom)
        return -CARAPACE_EPERM;
    if (level > 1 && pvmm_is_recursive(table, level, target))
        return level == 4 ? pvmm_linear_get(dom, table, target, e)
                          : -CARAPACE_EINVAL;
    if (f->ref_count == UINT32_MAX)
        return -CARAPACE_ENOSPC;
    f->ref_count++;
    if (type == FRAME_TYPE_NONE)
        return 0;
    /* pvmm_type_get's first steps for a WRITABLE mapping, the common
     * entry (a domain's tables map each of its pages so): nothing to
     * validate, just the type and its count. */
    if (type == FRAME_TYPE_WRITABLE && f->type_count == 0) {
        f->type = FRAME_TYPE_WRITABLE;
        f->type_count = 1;
        return 0;
    }
    rc = pvmm_type_get(dom, target, type);
    if (rc)
        f->ref_count--;
    return rc;
}

void pvmm_entry_put(mfn_t table, unsigned level, uint64_t e)
{
    mfn_t target = pvmm_pte_mfn(e);
    bool typed;

    if (!(e & PTE_P))
        return;
    pvmm_stats.entries_put++;
    /* Mirror of pvmm_entry_get: only a self entry and an RO L1 hold none. */
    if (level == 1)
        typed = (e & PTE_W) != 0;
    else
        typed = mfn_val(target) != mfn_val(table);
    if (typed)
        pvmm_type_put(target);
    pvmm_ref_put(target);
}

void pvmm_stats_get(struct pvmm_stats *out)
{
    spinlock_lock(&pvmm_lock);
    *out = pvmm_stats;
    spinlock_unlock(&pvmm_lock);
}
