/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The frame table and the machine-frame allocator.
 *
 * Design
 *
 * The frame table is one array of struct frame, one entry per 4 KiB machine
 * frame, in memory the boot code carves out of RAM. Entry i describes mfn i.
 * Every frame has an owner: FRAME_OWNER_NONE (not RAM), FRAME_OWNER_FREE (in
 * the allocator), or whoever allocated or reserved it.
 *
 * Free frames are managed by a binary buddy allocator. A free block is 2^k
 * frames (k <= FRAME_MAX_ORDER) starting at a multiple of 2^k; its buddy is
 * the block at index ^ 2^k. Only the first frame of a free block (its head)
 * carries FRAME_F_FREE_HEAD and the order; the others are just owned by
 * FRAME_OWNER_FREE. There is one free list per order.
 *  - Allocation takes a block from the smallest non-empty list of order >= k
 *    and splits it, returning the upper halves to the lists.
 *  - Freeing merges the block with its buddy as long as the buddy is a free
 *    head of the same order, so free memory is always in the largest blocks
 *    its alignment allows: frame_check() (in frame_check.c) verifies
 *    that no two free buddies are left unmerged. Free RAM from boot goes
 *    through the same path.
 *
 * The lists are threaded through the frame table itself (no allocator is
 * needed to run the allocator) and doubly linked, so that the buddy found
 * while merging can be unlinked in O(1) wherever it sits in its list. Links
 * are 32-bit frame indices rather than pointers: half the size (the table
 * costs 24 bytes per 4 KiB, 0.6% of RAM), valid whatever address the table is
 * mapped at, and easy to bounds-check. That limits the table to 2^32 - 1
 * frames (16 TiB); FRAME_NIL, the largest index, ends a list.
 *
 * Scrubbing
 *
 * A freed frame may still hold its last owner's data, so it goes back to
 * the free lists marked dirty (FRAME_F_DIRTY, per frame: buddies merge
 * whatever their marks). frame_alloc_zeroed() zeroes only the dirty frames
 * it hands out; the idle loop zeroes the others a few at a time
 * (frame_scrub), so that a domain built later finds clean frames and
 * zeroes nothing. RAM from boot is dirty too (real hardware's RAM is not
 * zero at power-on), unless frame_assume_clean(true) said otherwise
 * before it was added (the bootscrub=no option: QEMU's RAM is zero).
 *
 * Each frame is validated before a free: it must be allocated (not free, not
 * reserved, not a hole) and unreferenced. Any aligned block of allocated
 * frames may be freed, so a domain's memory can be given back frame by frame
 * whatever order it was allocated with. A double free therefore finds a free
 * frame and is refused before anything is changed.
 *
 * Locking
 *
 * frame_lock guards frame_free_head[], frame_nfree, frame_nram, frame_nhyp
 * (the hypervisor's frames, counted as owners change so that physinfo
 * need not scan the table), the scrub state (frame_ndirty, frame_scrub_at,
 * frame_added_clean) and, in every
 * frame, owner, the allocator's flags (FRAME_F_ALLOC_MASK; the PV MMU owns the
 * other half, see frame.h), order, next and prev. type, type_count and
 * ref_count belong to the frame's current owner (the PV MMU updates them
 * under pvmm_lock); the allocator only resets them when a frame changes hands
 * and reads them under frame_lock when validating a free, which is why the
 * owner must drop its last reference before freeing. frame_table and
 * frame_nframes are set by frame_table_init() at boot, before other CPUs run,
 * and then only read: frame_get() needs no lock.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <carapace/errno.h>

#include "addr.h"
#include "arch.h"
#include "frame.h"
#include "frame_priv.h"
#include "log.h"
#include "memrange.h"
#include "panic.h"
#include "spinlock.h"

BUILD_ASSERT(sizeof(struct frame) <= 32);
BUILD_ASSERT(FRAME_MAX_ORDER < 32 && FRAME_TYPE_DESC <= UINT8_MAX);
BUILD_ASSERT(FRAME_MAX_FRAMES <= FRAME_NIL);
/* The allocator's bits stay out of the PV MMU's half (frame.h). */
BUILD_ASSERT(((FRAME_F_FREE_HEAD | FRAME_F_RESERVED | FRAME_F_DIRTY) &
              ~FRAME_F_ALLOC_MASK) == 0);
BUILD_ASSERT((FRAME_F_ALLOC_MASK & FRAME_F_PVMM_MASK) == 0);

struct spinlock frame_lock = SPINLOCK_INIT;
struct frame *frame_table;                     /* set at boot */
uint64_t frame_nframes;                        /* set at boot */
uint32_t frame_free_head[FRAME_MAX_ORDER + 1]; /* frame_lock */
uint64_t frame_nfree;                          /* frame_lock */
uint64_t frame_nram;                           /* frame_lock */
static uint64_t frame_fault_at;     /* frame_lock: the call that fails, 0 */
static uint64_t frame_fault_allocs; /* frame_lock: calls since the arm */
static bool frame_fault_fired;      /* frame_lock */
uint64_t frame_ndirty;              /* frame_lock: free frames marked dirty */
static uint64_t frame_scrub_at;     /* frame_lock: where frame_scrub looks */
static bool frame_added_clean;      /* frame_lock: frame_add_free's are zero */
uint64_t frame_nhyp;                /* frame_lock: FRAME_OWNER_HYP's frames */
/* frame_lock: frames each domain owns (ids below FRAME_COUNTED_OWNERS),
 * so that a domain's teardown can tell whether anything of it is left
 * without walking the frame table (1 M entries in 4 GiB). */
uint32_t frame_owned[FRAME_COUNTED_OWNERS];

/* owner gets (or gives up) n frames: the counts. frame_lock held. */
static void frame_count(uint32_t owner, uint64_t n, bool gets)
{
    if (owner == FRAME_OWNER_HYP)
        frame_nhyp = gets ? frame_nhyp + n : frame_nhyp - n;
    else if (owner < FRAME_COUNTED_OWNERS)
        frame_owned[owner] =
            (uint32_t)(gets ? frame_owned[owner] + n : frame_owned[owner] - n);
}

int frame_table_init(struct frame *table, uint64_t nframes)
{
    uint64_t i;
    unsigned o;

    if (nframes > FRAME_MAX_FRAMES || (!table && nframes > 0))
        return -CARAPACE_EINVAL;
    spinlock_lock(&frame_lock);
    for (i = 0; i < nframes; i++) {
        table[i] = (struct frame){
            .owner = FRAME_OWNER_NONE,
            .type = FRAME_TYPE_NONE,
            .next = FRAME_NIL,
            .prev = FRAME_NIL,
        };
    }
    for (o = 0; o <= FRAME_MAX_ORDER; o++)
        frame_free_head[o] = FRAME_NIL;
    frame_table = table;
    frame_nframes = nframes;
    frame_nfree = 0;
    frame_nram = 0;
    frame_ndirty = 0;
    frame_scrub_at = 0;
    frame_nhyp = 0;
    memset(frame_owned, 0, sizeof(frame_owned));
    spinlock_unlock(&frame_lock);
    return 0;
}

/* Put the block at idx at the head of its free list. frame_lock held. */
static void frame_list_push(uint64_t idx, unsigned order)
{
    struct frame *f = &frame_table[idx];
    uint32_t head = frame_free_head[order];

    f->flags |= FRAME_F_FREE_HEAD;
    f->order = (uint8_t)order;
    f->prev = FRAME_NIL;
    f->next = head;
    if (head != FRAME_NIL)
        frame_table[head].prev = (uint32_t)idx;
    frame_free_head[order] = (uint32_t)idx;
}

/* Unlink the free block at idx from its list. frame_lock held. */
static void frame_list_remove(uint64_t idx)
{
    struct frame *f = &frame_table[idx];

    ASSERT(f->flags & FRAME_F_FREE_HEAD);
    if (f->prev != FRAME_NIL) {
        frame_table[f->prev].next = f->next;
    } else {
        ASSERT(frame_free_head[f->order] == idx);
        frame_free_head[f->order] = f->next;
    }
    if (f->next != FRAME_NIL)
        frame_table[f->next].prev = f->prev;
    f->flags &= (uint16_t)~FRAME_F_FREE_HEAD;
    f->next = FRAME_NIL;
    f->prev = FRAME_NIL;
}

/*
 * Give the 2^order frames at idx (aligned, validated by the caller) to the
 * free lists, merging with free buddies; dirty: they may hold data.
 * frame_lock held.
 */
static void frame_insert_free(uint64_t idx, unsigned order, bool dirty)
{
    uint64_t i, n = 1ULL << order;
    struct frame *b;

    for (i = idx; i < idx + n; i++) {
        frame_count(frame_table[i].owner, 1, false);
        frame_table[i].owner = FRAME_OWNER_FREE;
        frame_table[i].type = FRAME_TYPE_NONE;
        frame_table[i].flags = dirty ? FRAME_F_DIRTY : 0;
    }
    frame_nfree += n;
    frame_ndirty += dirty ? n : 0;

    while (order < FRAME_MAX_ORDER) {
        uint64_t buddy = idx ^ (1ULL << order);

        if (buddy >= frame_nframes)
            break;
        b = &frame_table[buddy];
        if (!(b->flags & FRAME_F_FREE_HEAD) || b->order != order)
            break;
        frame_list_remove(buddy);
        idx &= ~(1ULL << order);
        order++;
    }
    frame_list_push(idx, order);
}

/* The largest order of a naturally aligned block at idx within count. */
static unsigned frame_block_order(uint64_t idx, uint64_t count)
{
    unsigned order = 0;

    while (order < FRAME_MAX_ORDER && !(idx & (1ULL << order)) &&
           (2ULL << order) <= count)
        order++;
    return order;
}

/* Free [idx, idx + count) in maximal aligned blocks. frame_lock held. */
static void frame_insert_range(uint64_t idx, uint64_t count, bool dirty)
{
    while (count > 0) {
        unsigned order = frame_block_order(idx, count);

        frame_insert_free(idx, order, dirty);
        idx += 1ULL << order;
        count -= 1ULL << order;
    }
}

/* -ERANGE unless [idx, idx + count) is inside the table. */
static int frame_check_range(uint64_t idx, uint64_t count)
{
    if (idx > frame_nframes || count > frame_nframes - idx)
        return -CARAPACE_ERANGE;
    return 0;
}

/* 0 if [idx, idx + count) is in the table and not RAM yet. frame_lock held. */
static int frame_check_unclaimed(uint64_t idx, uint64_t count)
{
    uint64_t i;
    int rc;

    rc = frame_check_range(idx, count);
    if (rc)
        return rc;
    for (i = idx; i < idx + count; i++) {
        if (frame_table[i].owner != FRAME_OWNER_NONE)
            return -CARAPACE_EEXIST;
    }
    return 0;
}

int frame_add_free(mfn_t first, uint64_t count)
{
    uint64_t idx = mfn_val(first);
    int rc;

    if (count == 0)
        return 0;
    spinlock_lock(&frame_lock);
    rc = frame_check_unclaimed(idx, count);
    if (rc == 0) {
        frame_nram += count;
        frame_insert_range(idx, count, !frame_added_clean);
    }
    spinlock_unlock(&frame_lock);
    return rc;
}

int frame_mark_reserved(mfn_t first, uint64_t count, uint32_t owner)
{
    uint64_t i, idx = mfn_val(first);
    int rc;

    if (owner == FRAME_OWNER_NONE || owner == FRAME_OWNER_FREE)
        return -CARAPACE_EINVAL;
    if (count == 0)
        return 0;
    spinlock_lock(&frame_lock);
    rc = frame_check_unclaimed(idx, count);
    if (rc == 0) {
        for (i = idx; i < idx + count; i++) {
            frame_table[i].owner = owner;
            frame_table[i].type = FRAME_TYPE_NONE;
            frame_table[i].flags = FRAME_F_RESERVED;
            frame_table[i].type_count = 0;
            frame_table[i].ref_count = 0;
        }
        frame_nram += count;
        frame_count(owner, count, true);
    }
    spinlock_unlock(&frame_lock);
    return rc;
}

/*
 * Can frame i go back to the free lists, with the rest of a block whose first
 * frame is `first`? frame_lock held.
 */
static int frame_check_releasable(uint64_t i, uint64_t first,
                                  bool want_reserved)
{
    const struct frame *f = &frame_table[i];

    if (f->owner == FRAME_OWNER_NONE || f->owner == FRAME_OWNER_FREE)
        return -CARAPACE_EINVAL;
    /* A block spanning two owners' frames is a caller bug, not a free. */
    if (f->owner != frame_table[first].owner)
        return -CARAPACE_EINVAL;
    if ((f->flags & FRAME_F_RESERVED) && !want_reserved)
        return -CARAPACE_EPERM; /* reserved frames leave only by
                                   release_reserved */
    if (!(f->flags & FRAME_F_RESERVED) && want_reserved)
        return -CARAPACE_EINVAL;
    if (f->ref_count != 0 || f->type_count != 0)
        return -CARAPACE_EBUSY;
    return 0;
}

/* Validate then free [idx, idx + count). frame_lock held. */
static int frame_release(uint64_t idx, uint64_t count, bool reserved)
{
    uint64_t i;
    int rc;

    rc = frame_check_range(idx, count);
    if (rc)
        return rc;
    for (i = idx; i < idx + count; i++) {
        rc = frame_check_releasable(i, idx, reserved);
        if (rc)
            return rc;
    }
    frame_insert_range(idx, count, true);
    return 0;
}

int frame_release_reserved(mfn_t first, uint64_t count)
{
    int rc;

    if (count == 0)
        return 0;
    spinlock_lock(&frame_lock);
    rc = frame_release(mfn_val(first), count, true);
    spinlock_unlock(&frame_lock);
    return rc;
}

int frame_free(mfn_t mfn, unsigned order)
{
    uint64_t idx = mfn_val(mfn);
    int rc;

    if (order > FRAME_MAX_ORDER)
        return -CARAPACE_EINVAL;
    spinlock_lock(&frame_lock);
    rc = frame_check_range(idx, 1ULL << order);
    if (rc == 0 && (idx & ((1ULL << order) - 1)) != 0)
        rc = -CARAPACE_EINVAL;
    if (rc == 0)
        rc = frame_release(idx, 1ULL << order, false);
    spinlock_unlock(&frame_lock);
    return rc;
}

/* Take a free block of exactly `order`, splitting a bigger one if needed. */
static int frame_take_block(unsigned order, uint64_t *out)
{
    unsigned o = order;
    uint64_t idx;

    while (o <= FRAME_MAX_ORDER && frame_free_head[o] == FRAME_NIL)
        o++;
    if (o > FRAME_MAX_ORDER)
        return -CARAPACE_ENOMEM;
    idx = frame_free_head[o];
    frame_list_remove(idx);
    /* Keep the lower half, return the upper one, until small enough. */
    while (o > order) {
        o--;
        frame_list_push(idx + (1ULL << o), o);
    }
    *out = idx;
    return 0;
}

int frame_set_owner(mfn_t mfn, uint32_t from, uint32_t to)
{
    uint64_t idx = mfn_val(mfn);
    int rc = 0;

    if (from >= FRAME_OWNER_FREE || to >= FRAME_OWNER_FREE)
        return -CARAPACE_EINVAL;
    spinlock_lock(&frame_lock);
    if (idx >= frame_nframes)
        rc = -CARAPACE_ERANGE;
    else if (frame_table[idx].owner != from ||
             (frame_table[idx].flags & FRAME_F_RESERVED))
        rc = -CARAPACE_EPERM;
    else {
        frame_count(from, 1, false);
        frame_count(to, 1, true);
        frame_table[idx].owner = to;
    }
    spinlock_unlock(&frame_lock);
    return rc;
}

/* Count an allocation; true if it is the one armed to fail. frame_lock. */
static bool frame_fault_hit(void)
{
    if (++frame_fault_allocs != frame_fault_at)
        return false;
    frame_fault_fired = true;
    log_debug("frame_alloc: call %lu fails on purpose (fault injection)\n",
              (unsigned long)frame_fault_allocs);
    return true;
}

void frame_fault_arm(uint64_t countdown)
{
    spinlock_lock(&frame_lock);
    frame_fault_at = countdown;
    frame_fault_allocs = 0;
    frame_fault_fired = false;
    spinlock_unlock(&frame_lock);
}

void frame_fault_get(struct frame_fault *f)
{
    spinlock_lock(&frame_lock);
    f->allocs = frame_fault_allocs;
    f->fired = frame_fault_fired;
    spinlock_unlock(&frame_lock);
}

/*
 * Hand the block of 2^order frames at idx, just taken from the lists, to
 * owner; zero its dirty frames if `zero`. frame_lock held.
 */
static void frame_claim(uint64_t idx, unsigned order, uint32_t owner, bool zero)
{
    for (uint64_t i = idx; i < idx + (1ULL << order); i++) {
        struct frame *f = &frame_table[i];

        ASSERT(f->owner == FRAME_OWNER_FREE);
        if (f->flags & FRAME_F_DIRTY) {
            frame_ndirty--;
            if (zero)
                memset(mfn_to_virt(mfn_init(i)), 0, PAGE_SIZE);
        }
        f->owner = owner;
        f->type = FRAME_TYPE_NONE;
        f->flags = 0;
        f->type_count = 0;
        f->ref_count = 0;
    }
    frame_nfree -= 1ULL << order;
    frame_count(owner, 1ULL << order, true);
}

bool frame_fault_point(void)
{
    bool hit;

    spinlock_lock(&frame_lock);
    hit = frame_fault_hit();
    spinlock_unlock(&frame_lock);
    return hit;
}

/* frame_alloc, one allocation counted for fault injection or not. */
static mfn_t frame_alloc_common(unsigned order, uint32_t owner, bool counted)
{
    uint64_t idx;

    if (order > FRAME_MAX_ORDER || owner == FRAME_OWNER_NONE ||
        owner == FRAME_OWNER_FREE)
        return mfn_init(INVALID_MFN_VAL);
    spinlock_lock(&frame_lock);
    if ((counted && frame_fault_hit()) || frame_take_block(order, &idx) != 0) {
        spinlock_unlock(&frame_lock);
        return mfn_init(INVALID_MFN_VAL);
    }
    frame_claim(idx, order, owner, false);
    spinlock_unlock(&frame_lock);
    return mfn_init(idx);
}

mfn_t frame_alloc(unsigned order, uint32_t owner)
{
    return frame_alloc_common(order, owner, true);
}

mfn_t frame_alloc_uncounted(unsigned order, uint32_t owner)
{
    return frame_alloc_common(order, owner, false);
}

/* The order frame_alloc_zeroed takes: max_order if a block that big is
 * free, else the largest free one; -1 if none is. frame_lock held. */
static int frame_fit_order(unsigned max_order)
{
    for (unsigned o = max_order; o <= FRAME_MAX_ORDER; o++)
        if (frame_free_head[o] != FRAME_NIL)
            return (int)max_order;
    for (int o = (int)max_order - 1; o >= 0; o--)
        if (frame_free_head[o] != FRAME_NIL)
            return o;
    return -1;
}

mfn_t frame_alloc_zeroed(unsigned max_order, uint32_t owner, unsigned *order)
{
    uint64_t idx;
    int o;

    if (max_order > FRAME_MAX_ORDER || owner == FRAME_OWNER_NONE ||
        owner == FRAME_OWNER_FREE)
        return mfn_init(INVALID_MFN_VAL);
    spinlock_lock(&frame_lock);
    o = frame_fault_hit() ? -1 : frame_fit_order(max_order);
    if (o < 0 || frame_take_block((unsigned)o, &idx) != 0) {
        spinlock_unlock(&frame_lock);
        return mfn_init(INVALID_MFN_VAL);
    }
    frame_claim(idx, (unsigned)o, owner, true);
    spinlock_unlock(&frame_lock);
    *order = (unsigned)o;
    return mfn_init(idx);
}

void frame_assume_clean(bool clean)
{
    spinlock_lock(&frame_lock);
    frame_added_clean = clean;
    spinlock_unlock(&frame_lock);
}

/* Zero the next dirty free frame at or after frame_scrub_at, looking at
 * most `look` entries; false if it found none. frame_lock held. */
static bool frame_scrub_one(uint64_t *look)
{
    for (; *look > 0; (*look)--) {
        struct frame *f;

        if (frame_scrub_at >= frame_nframes)
            frame_scrub_at = 0;
        f = &frame_table[frame_scrub_at++];
        if (f->owner == FRAME_OWNER_FREE && (f->flags & FRAME_F_DIRTY)) {
            memset(mfn_to_virt(mfn_init(frame_scrub_at - 1)), 0, PAGE_SIZE);
            f->flags &= (uint16_t)~FRAME_F_DIRTY;
            frame_ndirty--;
            return true;
        }
    }
    return false;
}

bool frame_scrub(unsigned max)
{
    uint64_t look = (uint64_t)max * FRAME_SCRUB_LOOK;
    bool more;

    spinlock_lock(&frame_lock);
    for (unsigned n = 0; n < max && frame_ndirty && frame_scrub_one(&look);)
        n++;
    more = frame_ndirty != 0;
    spinlock_unlock(&frame_lock);
    return more;
}

/* One of the counts above, read under the lock. */
static uint64_t frame_read_count(const uint64_t *count)
{
    uint64_t n;

    spinlock_lock(&frame_lock);
    n = *count;
    spinlock_unlock(&frame_lock);
    return n;
}

uint64_t frame_count_dirty(void)
{
    return frame_read_count(&frame_ndirty);
}

struct frame *frame_get(mfn_t mfn)
{
    if (mfn_val(mfn) >= frame_nframes)
        return NULL;
    return &frame_table[mfn_val(mfn)];
}

uint64_t frame_table_size(void)
{
    return frame_nframes;
}

uint64_t frame_count_free(void)
{
    return frame_read_count(&frame_nfree);
}

uint64_t frame_count_ram(void)
{
    return frame_read_count(&frame_nram);
}

uint64_t frame_count_owned(uint32_t owner)
{
    uint64_t i, n = 0;

    spinlock_lock(&frame_lock);
    /* Counted as they change (physinfo; a domain's teardown). */
    if (owner == FRAME_OWNER_HYP || owner < FRAME_COUNTED_OWNERS) {
        n = owner == FRAME_OWNER_HYP ? frame_nhyp : frame_owned[owner];
        spinlock_unlock(&frame_lock);
        return n;
    }
    for (i = 0; i < frame_nframes; i++) {
        if (frame_table[i].owner == owner)
            n++;
    }
    spinlock_unlock(&frame_lock);
    return n;
}
