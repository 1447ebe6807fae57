/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * frame_check(): the frame allocator's invariants, verified over the
 * whole table (frame.h): every entry on its own, every free block and
 * list, and the counts frame.c keeps (free, RAM, dirty, the hypervisor's,
 * each domain's) against what the table says. For tests and the
 * fault-injection reports; a walk of every frame, so never on a fast
 * path.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <carapace/errno.h>

#include "frame.h"
#include "frame_priv.h"
#include "log.h"

/* Log why frame_check() failed. */
static int frame_check_fail(const char *what, uint64_t idx)
{
    log_err("frame_check: %s (frame 0x%lx)\n", what, (unsigned long)idx);
    return -CARAPACE_EINVAL; /* an invariant broke: the caller reports it */
}

/* Check one table entry on its own. frame_lock held. */
static int frame_check_entry(uint64_t i)
{
    const struct frame *f = &frame_table[i];

    if (f->type > FRAME_TYPE_DESC)
        return frame_check_fail("bad type", i);
    if (f->flags & ~(FRAME_F_FREE_HEAD | FRAME_F_RESERVED | FRAME_F_DIRTY |
                     FRAME_F_PVMM_MASK))
        return frame_check_fail("unknown flags", i);
    /* The PV MMU marks only typed frames of a domain (frame.h). */
    if ((f->flags & FRAME_F_PVMM_MASK) &&
        (f->owner >= FRAME_OWNER_HYP || f->type_count == 0))
        return frame_check_fail("PV MMU flags on an unused frame", i);
    if (f->owner == FRAME_OWNER_NONE && f->flags != 0)
        return frame_check_fail("flags on a non-RAM frame", i);
    if (f->owner == FRAME_OWNER_FREE && (f->flags & FRAME_F_RESERVED))
        return frame_check_fail("free frame marked reserved", i);
    if (f->owner != FRAME_OWNER_FREE && (f->flags & FRAME_F_DIRTY))
        return frame_check_fail("dirty mark on a frame not free", i);
    if (f->owner == FRAME_OWNER_FREE &&
        (f->ref_count != 0 || f->type_count != 0))
        return frame_check_fail("free frame with references", i);
    if (f->owner != FRAME_OWNER_FREE && (f->flags & FRAME_F_FREE_HEAD))
        return frame_check_fail("free head not owned by the pool", i);
    if ((f->flags & FRAME_F_FREE_HEAD) && f->order > FRAME_MAX_ORDER)
        return frame_check_fail("free head with a bad order", i);
    return 0;
}

/* Check the free block at head idx of `order`. frame_lock held. */
static int frame_check_block(uint64_t idx, unsigned order)
{
    uint64_t i, n = 1ULL << order, buddy = idx ^ n;
    const struct frame *b;

    if (idx & (n - 1))
        return frame_check_fail("misaligned free block", idx);
    if (n > frame_nframes - idx)
        return frame_check_fail("free block past the table", idx);
    for (i = idx; i < idx + n; i++) {
        if (frame_table[i].owner != FRAME_OWNER_FREE)
            return frame_check_fail("free block covers a used frame", i);
        if (i != idx && (frame_table[i].flags & FRAME_F_FREE_HEAD))
            return frame_check_fail("free blocks overlap", i);
    }
    if (order < FRAME_MAX_ORDER && buddy < frame_nframes) {
        b = &frame_table[buddy];
        if ((b->flags & FRAME_F_FREE_HEAD) && b->order == order)
            return frame_check_fail("free buddies not merged", idx);
    }
    return 0;
}

/* Walk the free list of `order`; add up its blocks. frame_lock held. */
static int frame_check_list(unsigned order, uint64_t *frames, uint64_t *heads)
{
    uint32_t prev = FRAME_NIL, idx = frame_free_head[order];
    uint64_t steps = 0;
    int rc;

    while (idx != FRAME_NIL) {
        if (idx >= frame_nframes || ++steps > frame_nframes)
            return frame_check_fail("free list runs wild", idx);
        if (!(frame_table[idx].flags & FRAME_F_FREE_HEAD) ||
            frame_table[idx].order != order)
            return frame_check_fail("listed block is not a head", idx);
        if (frame_table[idx].prev != prev)
            return frame_check_fail("broken back link", idx);
        rc = frame_check_block(idx, order);
        if (rc)
            return rc;
        *frames += 1ULL << order;
        (*heads)++;
        prev = idx;
        idx = frame_table[idx].next;
    }
    return 0;
}

/* frame_check()'s own count per owner, to compare with frame_owned. */
static uint32_t frame_check_owned[FRAME_COUNTED_OWNERS];

/* Check every entry, count free frames, heads, RAM and dirty frames.
 * frame_lock held. */
static int frame_check_table(uint64_t *nfree, uint64_t *heads, uint64_t *ram,
                             uint64_t *dirty, uint64_t *hyp)
{
    uint64_t i;
    int rc;

    for (i = 0; i < frame_nframes; i++) {
        rc = frame_check_entry(i);
        if (rc)
            return rc;
        *nfree += frame_table[i].owner == FRAME_OWNER_FREE;
        *heads += (frame_table[i].flags & FRAME_F_FREE_HEAD) != 0;
        *ram += frame_table[i].owner != FRAME_OWNER_NONE;
        *dirty += (frame_table[i].flags & FRAME_F_DIRTY) != 0;
        *hyp += frame_table[i].owner == FRAME_OWNER_HYP;
        if (frame_table[i].owner < FRAME_COUNTED_OWNERS)
            frame_check_owned[frame_table[i].owner]++;
    }
    return 0;
}

int frame_check(void)
{
    uint64_t nfree = 0, heads = 0, ram = 0, lfree = 0, lheads = 0, dirty = 0;
    uint64_t hyp = 0;
    unsigned o;
    int rc;

    spinlock_lock(&frame_lock);
    memset(frame_check_owned, 0, sizeof(frame_check_owned));
    rc = frame_check_table(&nfree, &heads, &ram, &dirty, &hyp);
    for (o = 0; rc == 0 && o <= FRAME_MAX_ORDER; o++)
        rc = frame_check_list(o, &lfree, &lheads);
    if (rc)
        goto out;
    /* Lists hold as many frames as are free, and every head is listed. */
    if (lfree != nfree || nfree != frame_nfree)
        rc = frame_check_fail("free count mismatch", frame_nfree);
    else if (lheads != heads)
        rc = frame_check_fail("free head not in any list", heads);
    else if (ram != frame_nram)
        rc = frame_check_fail("RAM count mismatch", frame_nram);
    else if (dirty != frame_ndirty)
        rc = frame_check_fail("dirty count mismatch", frame_ndirty);
    else if (hyp != frame_nhyp)
        rc = frame_check_fail("hypervisor frame count mismatch", frame_nhyp);
    else if (memcmp(frame_check_owned, frame_owned, sizeof(frame_owned)))
        rc = frame_check_fail("domain frame count mismatch", 0);
out:
    spinlock_unlock(&frame_lock);
    return rc;
}
