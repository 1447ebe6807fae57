/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hypervisor's p2m of each domain (p2m.h). Guarded, like the rest of a
 * domain's memory, by the one CPU with interrupts off in the hypervisor.
 *
 * Two forms. A small domain (up to P2M_SMALL_MAX frames: 1 MiB less a
 * little) has one array of its entries from kmem, as large as it needs
 * (a 128 KiB domain: 256 bytes); a larger one a directory frame and leaf
 * frames of 512 entries. p2m_grow picks the form for the size it grows
 * to, copying a small p2m into the large form when it outgrows it (and
 * back if that grow fails). Unused entries are INVALID_MFN_VAL.
 */
#include <stdbool.h>
#include <string.h>

#include <carapace/errno.h>
#include <carapace/mmu.h>

#include "arch.h"
#include "domain.h"
#include "frame.h"
#include "kmem.h"
#include "m2p.h"
#include "p2m.h"

/* *table, if still invalid, becomes a hypervisor frame of invalid mfns
 * (all ones). 0 or -ENOMEM. */
static int p2m_table_get(mfn_t *table)
{
    if (mfn_valid(*table))
        return 0;
    *table = frame_alloc(0, FRAME_OWNER_HYP);
    if (!mfn_valid(*table))
        return -CARAPACE_ENOMEM;
    memset(mfn_to_virt(*table), 0xff, PAGE_SIZE); /* INVALID_MFN_VAL */
    return 0;
}

#define P2M_SMALL_MAX (KMEM_SLAB_MAX / sizeof(mfn_t)) /* 254 entries */

/* d's small array resized to cap entries (0: freed). 0 or -ENOMEM. */
static int p2m_small_resize(struct domain *d, uint32_t cap)
{
    mfn_t *n = NULL;

    if (cap) {
        n = kmem_alloc(cap * sizeof(mfn_t));
        if (!n)
            return -CARAPACE_ENOMEM;
        memset(n, 0xff, cap * sizeof(mfn_t)); /* INVALID_MFN_VAL */
        if (d->p2m_small)
            memcpy(n, d->p2m_small,
                   (cap < d->p2m_small_cap ? cap : d->p2m_small_cap) *
                       sizeof(mfn_t));
    }
    kmem_free(d->p2m_small, d->p2m_small_cap * sizeof(mfn_t));
    d->p2m_small = n;
    d->p2m_small_cap = cap;
    return 0;
}

/* *slot: the entry of gfn, its directory and leaf allocated if need be
 * (a small p2m already has room: p2m_grow made it). */
static int p2m_slot(struct domain *d, gfn_t gfn, mfn_t **slot)
{
    mfn_t *leaf;
    int rc;

    if (!mfn_valid(d->p2m_dir) && gfn_val(gfn) < d->p2m_small_cap) {
        *slot = &d->p2m_small[gfn_val(gfn)];
        return 0;
    }
    rc = p2m_table_get(&d->p2m_dir);

    if (rc)
        return rc;
    leaf = (mfn_t *)mfn_to_virt(d->p2m_dir) + gfn_val(gfn) / P2M_PER_FRAME;
    rc = p2m_table_get(leaf);
    if (rc)
        return rc;
    *slot = (mfn_t *)mfn_to_virt(*leaf) + gfn_val(gfn) % P2M_PER_FRAME;
    return 0;
}

/* How many leaves d's directory has: always a prefix of it, since grow
 * makes them in order and only p2m_free frees one. */
static unsigned p2m_leaves(const struct domain *d)
{
    const mfn_t *dir;
    unsigned n = 0;

    if (!mfn_valid(d->p2m_dir))
        return 0;
    dir = mfn_to_virt(d->p2m_dir);
    while (n < P2M_PER_FRAME && mfn_valid(dir[n]))
        n++;
    return n;
}

/* Free the leaves from `keep` on, and the directory unless keep_dir. */
static void p2m_trim(struct domain *d, unsigned keep, bool keep_dir)
{
    mfn_t *dir;

    if (!mfn_valid(d->p2m_dir))
        return;
    dir = mfn_to_virt(d->p2m_dir);
    for (unsigned i = keep; i < P2M_PER_FRAME && mfn_valid(dir[i]); i++) {
        frame_free(dir[i], 0);
        dir[i] = mfn_init(INVALID_MFN_VAL);
    }
    if (keep_dir)
        return;
    frame_free(d->p2m_dir, 0);
    d->p2m_dir = mfn_init(INVALID_MFN_VAL);
}

/* A small p2m copied into the large form (its array freed), before a
 * grow past P2M_SMALL_MAX. 0 or -ENOMEM (nothing changed). */
static int p2m_small_to_large(struct domain *d)
{
    mfn_t *dir;
    int rc = p2m_table_get(&d->p2m_dir);

    if (rc)
        return rc;
    dir = mfn_to_virt(d->p2m_dir);
    rc = p2m_table_get(&dir[0]);
    if (rc) {
        p2m_trim(d, 0, false);
        return rc;
    }
    memcpy(mfn_to_virt(dir[0]), d->p2m_small, d->p2m_small_cap * sizeof(mfn_t));
    return p2m_small_resize(d, 0);
}

/* Back to the small form of cap entries (a grow that went large failed):
 * its entries (all in leaf 0) copied, the large form freed. If the array
 * cannot be had, the large form stays: the same map all the same. */
static void p2m_large_to_small(struct domain *d, uint32_t cap)
{
    const mfn_t *leaf0;

    if (cap && p2m_small_resize(d, cap) != 0)
        return;
    leaf0 = mfn_to_virt(((mfn_t *)mfn_to_virt(d->p2m_dir))[0]);
    if (cap)
        memcpy(d->p2m_small, leaf0, cap * sizeof(mfn_t));
    p2m_trim(d, 0, false);
}

/* The form for nr frames: a small array with room for them, or the large
 * form (a small one copied into it). 0 or -ENOMEM (nothing changed). */
static int p2m_form(struct domain *d, uint64_t nr)
{
    if (mfn_valid(d->p2m_dir))
        return 0;
    if (nr <= P2M_SMALL_MAX)
        return nr > d->p2m_small_cap ? p2m_small_resize(d, (uint32_t)nr) : 0;
    return d->p2m_small ? p2m_small_to_large(d) : 0;
}

/* The order of the next block p2m_grow asks for: as big as the frames
 * still wanted allow, within the leaf the next gfn is in (one leaf slot
 * run per block). */
static unsigned p2m_grow_order(uint64_t next, uint64_t want)
{
    uint64_t room = P2M_PER_FRAME - next % P2M_PER_FRAME;
    unsigned order = 0;

    if (want > room)
        want = room;
    while ((2ULL << order) <= want)
        order++;
    return order;
}

int p2m_grow(struct domain *d, uint64_t nr)
{
    const uint64_t old = d->nr_frames;
    const bool had_dir = mfn_valid(d->p2m_dir);
    const unsigned leaves = p2m_leaves(d);
    const uint32_t small_cap = d->p2m_small_cap;
    int rc;

    if (nr > P2M_MAX_FRAMES)
        return -CARAPACE_E2BIG;
    rc = p2m_form(d, nr);
    if (rc)
        return rc;
    while (d->nr_frames < nr) {
        unsigned order;
        mfn_t *slot, m;

        rc = p2m_slot(d, gfn_init(d->nr_frames), &slot);
        if (rc)
            goto undo;
        /* Blocks, not frames: one allocation, and only dirty frames
         * zeroed (frame.c, "Scrubbing"); the guest gets runs of
         * consecutive machine frames. */
        m = frame_alloc_zeroed(p2m_grow_order(d->nr_frames, nr - d->nr_frames),
                               d->id, &order);
        rc = mfn_valid(m) ? 0 : -CARAPACE_ENOMEM;
        if (rc)
            goto undo;
        for (uint64_t i = 0; i < 1ULL << order; i++) {
            slot[i] = mfn_init(mfn_val(m) + i);
            m2p_set(slot[i], gfn_init(d->nr_frames));
            d->nr_frames++;
        }
    }
    return 0;
undo:
    /* The new frames are unreferenced: nobody has seen them yet. */
    p2m_shrink(d, old);
    if (!had_dir && mfn_valid(d->p2m_dir))
        p2m_large_to_small(d, small_cap); /* it went large for this grow */
    else
        p2m_trim(d, leaves, had_dir);
    if (!mfn_valid(d->p2m_dir) && d->p2m_small_cap != small_cap)
        p2m_small_resize(d, small_cap); /* as it was (a failure keeps it) */
    return rc;
}

int p2m_shrink(struct domain *d, uint64_t nr)
{
    while (d->nr_frames > nr) {
        mfn_t *slot;

        if (p2m_slot(d, gfn_init(d->nr_frames - 1), &slot) ||
            frame_free(*slot, 0))
            return -CARAPACE_EBUSY;
        m2p_clear(*slot);
        *slot = mfn_init(INVALID_MFN_VAL);
        d->nr_frames--;
    }
    return 0;
}

mfn_t p2m_get(const struct domain *d, gfn_t gfn)
{
    const uint64_t g = gfn_val(gfn);
    const mfn_t *dir, *leaf;

    if (g >= d->nr_frames)
        return mfn_init(INVALID_MFN_VAL);
    if (!mfn_valid(d->p2m_dir))
        return d->p2m_small ? d->p2m_small[g] : mfn_init(INVALID_MFN_VAL);
    dir = mfn_to_virt(d->p2m_dir);
    leaf = mfn_to_virt(dir[g / P2M_PER_FRAME]);
    return leaf[g % P2M_PER_FRAME];
}

void p2m_copy(const struct domain *d, uint64_t gpa, const void *src,
              uint64_t len)
{
    const uint8_t *s = src;

    while (len) {
        uint64_t off = gpa & (PAGE_SIZE - 1);
        uint64_t n = len < PAGE_SIZE - off ? len : PAGE_SIZE - off;
        mfn_t m = p2m_get(d, gfn_init(gpa >> PAGE_SHIFT));

        memcpy((uint8_t *)mfn_to_virt(m) + off, s, n);
        gpa += n;
        s += n;
        len -= n;
    }
}

void p2m_free(struct domain *d)
{
    mfn_t *dir;

    p2m_small_resize(d, 0);
    if (!mfn_valid(d->p2m_dir))
        return;
    dir = mfn_to_virt(d->p2m_dir);
    for (unsigned i = 0; i < P2M_PER_FRAME; i++)
        if (mfn_valid(dir[i]))
            frame_free(dir[i], 0);
    frame_free(d->p2m_dir, 0);
    d->p2m_dir = mfn_init(INVALID_MFN_VAL);
}
