/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The frame table and the machine-frame allocator (design: frame.c).
 *
 * There is one struct frame per 4 KiB machine frame, in one array whose
 * memory the caller provides. Each frame has an owner: nobody (not RAM), the
 * free pool, the hypervisor, or a domain. The allocator hands out naturally
 * aligned blocks of 2^order frames.
 */
#ifndef CARAPACE_FRAME_H
#define CARAPACE_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "memrange.h"

/* Largest block: 2^18 frames = 1 GiB. */
#define FRAME_MAX_ORDER 18

/* Frame indices are 32-bit (see frame.c): at most 16 TiB of machine memory. */
#define FRAME_MAX_FRAMES ((uint64_t)UINT32_MAX)

/* Special owners; every smaller value is a domain id. */
#define FRAME_OWNER_NONE 0xffffffffu /* not RAM: hole, MMIO, beyond RAM */
#define FRAME_OWNER_FREE 0xfffffffeu /* in the allocator's free lists */
#define FRAME_OWNER_HYP  0xfffffffdu /* image, page tables, frame table... */

/* Owners below this (domain ids: DOMAIN_MAX) have their frames counted
 * (frame_count_owned without a walk). */
#define FRAME_COUNTED_OWNERS 32768

/* What a frame is used as; the PV MMU counts uses in type_count. */
enum frame_type {
    FRAME_TYPE_NONE = 0,
    FRAME_TYPE_WRITABLE,
    FRAME_TYPE_L1,
    FRAME_TYPE_L2,
    FRAME_TYPE_L3,
    FRAME_TYPE_L4,
    FRAME_TYPE_DESC,
};

/*
 * struct frame.flags is shared: bits 0..7 belong to the allocator (frame.c,
 * under frame_lock; private to it), bits 8..15 to the PV MMU (arch/pvmm.h,
 * under pvmm_lock). The PV MMU sets its bits only on a frame a domain owns
 * while the frame's type_count is non-zero, and clears them when it drops to
 * zero; the allocator frees only frames with zero counts, so the two never
 * write the flags of the same frame at the same time. frame_check() rejects
 * PV MMU bits on a frame without a type count or without a domain owner.
 */
#define FRAME_F_ALLOC_MASK 0x00ffu
#define FRAME_F_PVMM_MASK  0xff00u
#define FRAME_F_PINNED     0x0100u /* pvmm_pin() holds a type reference */
#define FRAME_F_VALIDATED  0x0200u /* page table whose entries were checked */
#define FRAME_F_LINEAR_SRC 0x0400u /* L4 holding a linear entry to another */
#define FRAME_F_LINEAR_DST 0x0800u /* L4 another L4 maps linearly */

/*
 * One per machine frame; kept small because there is one per 4 KiB of RAM.
 * frame.c says which lock guards which field.
 */
struct frame {
    uint32_t owner;      /* FRAME_OWNER_* or a domain id */
    uint8_t type;        /* an enum frame_type */
    uint8_t order;       /* allocator-private: order of a free block head */
    uint16_t flags;      /* FRAME_F_*: allocator and PV MMU bits, above */
    uint32_t type_count; /* uses as `type` (PV MMU) */
    uint32_t ref_count;  /* general references (PV MMU, mappings) */
    uint32_t next;       /* allocator-private: free list links, as */
    uint32_t prev;       /* frame indices */
};

/*
 * Install `table` (nframes entries, caller-provided memory) as the frame
 * table; every frame starts as FRAME_OWNER_NONE. -EINVAL if nframes is over
 * FRAME_MAX_FRAMES or table is NULL with nframes > 0.
 */
int frame_table_init(struct frame *table, uint64_t nframes);

/*
 * Frames [first, first + count) are free RAM: give them to the allocator.
 * They must all be FRAME_OWNER_NONE (-EEXIST otherwise) and in the table
 * (-ERANGE). Nothing changes on error.
 */
int frame_add_free(mfn_t first, uint64_t count);

/*
 * Frames [first, first + count) are RAM that is not free: count them as RAM,
 * owned by `owner`, never handed out nor freed by frame_free(). Same rules as
 * frame_add_free(); -EINVAL if owner is FRAME_OWNER_NONE or _FREE.
 */
int frame_mark_reserved(mfn_t first, uint64_t count, uint32_t owner);

/*
 * Hand reserved frames [first, first + count) to the allocator (e.g. boot
 * modules once consumed). -EINVAL if one is not reserved, -EBUSY if one is
 * still referenced (ref_count or type_count != 0).
 */
int frame_release_reserved(mfn_t first, uint64_t count);

/*
 * Allocate 2^order contiguous frames, naturally aligned, for `owner`: each
 * gets that owner, type NONE and zero counts; its contents are whatever a
 * previous owner left (the caller clears what it uses; frame_alloc_zeroed()
 * zeroes). Returns the first frame, or an
 * mfn whose value is INVALID_MFN_VAL when no block is free or the arguments
 * are bad (order > FRAME_MAX_ORDER, owner FRAME_OWNER_NONE or _FREE).
 */
mfn_t frame_alloc(unsigned order, uint32_t owner);

/*
 * Allocate the largest free block of at most 2^max_order frames (2^max_order
 * if one that big is free, else the largest there is), every frame zero, for
 * `owner`; *order says how big it was. Frames freed and not yet scrubbed are
 * zeroed here, the others cost nothing. Counted for fault injection like
 * frame_alloc() (one call, one count). Same failures as frame_alloc().
 */
mfn_t frame_alloc_zeroed(unsigned max_order, uint32_t owner, unsigned *order);

/*
 * Scrubbing (frame.c, "Scrubbing"): freed frames are dirty until zeroed.
 * frame_scrub() zeroes up to `max` dirty free frames, looking at no more
 * than FRAME_SCRUB_LOOK table entries per frame, and says whether dirty
 * ones remain; the idle loop calls it. frame_assume_clean(true): the RAM
 * frame_add_free() adds from now on is known to be zero (bootscrub=no).
 */
#define FRAME_SCRUB_LOOK 64
bool frame_scrub(unsigned max);
void frame_assume_clean(bool clean);
uint64_t frame_count_dirty(void);

/*
 * Free the 2^order frames at mfn. Any naturally aligned block of allocated
 * frames may be freed, not just one that frame_alloc() returned whole.
 * -ERANGE if outside the table; -EINVAL if misaligned, order too big, a
 * frame is not allocated (free, not RAM: catches double frees) or the frames
 * have different owners; -EPERM if a frame is reserved; -EBUSY if a frame's
 * ref_count or type_count != 0. Nothing changes on error. frame_lock is
 * taken: the caller must have dropped its own references first.
 */
int frame_free(mfn_t mfn, unsigned order);

/*
 * Hand allocated frame mfn from owner `from` to `to` (a domain or
 * FRAME_OWNER_HYP), counts untouched: a dying domain's frame that others
 * still map (grant tables) becomes the hypervisor's until freed. -ERANGE,
 * -EINVAL (special owner), -EPERM (not owned by `from`, or reserved).
 */
int frame_set_owner(mfn_t mfn, uint32_t from, uint32_t to);

/*
 * Fault injection, for tests (DOMCTL_fault_inject, the failalloc= boot
 * option; docs/benchmarks.md, "Fault injection"). Every frame_alloc() with good
 * arguments is counted; once armed with countdown N > 0, the Nth call from then
 * on fails as if no block were free, once. Not armed (countdown 0, the state at
 * boot), nothing fails: the cost is a counter and a compare. frame_fault_arm()
 * restarts the count; frame_fault_get() reads it: calls counted since the arm,
 * and whether the armed failure has happened.
 */
struct frame_fault {
    uint64_t allocs;
    bool fired;
};
void frame_fault_arm(uint64_t countdown);
/* For an allocator built on frames (kmem.c): one allocation counted, as
 * frame_alloc counts one; true if it is the one to fail. That allocator
 * then takes its frames with frame_alloc_uncounted, so that each of its
 * objects is one failure point whether or not it needed a new frame. */
bool frame_fault_point(void);
mfn_t frame_alloc_uncounted(unsigned order, uint32_t owner);
void frame_fault_get(struct frame_fault *f);

/* The frame table entry of mfn, or NULL if outside the table. */
struct frame *frame_get(mfn_t mfn);

/* Number of entries in the frame table (mfns 0 .. size - 1). */
uint64_t frame_table_size(void);

/* Free frames; RAM frames (free + allocated + reserved); frames of owner. */
uint64_t frame_count_free(void);
uint64_t frame_count_ram(void);
uint64_t frame_count_owned(uint32_t owner);

/*
 * Walk the whole table and every free list and check that they agree.
 * Returns 0, or -EINVAL after logging the first inconsistency. O(nframes).
 */
int frame_check(void);

/*
 * Boot convenience (frame_setup.c): init the table, then hand the RAM in `ram`
 * that is not in `reserved` (may be NULL) to the allocator, rounding partial
 * frames inward, and mark reserved frames that touch RAM (rounding outward) as
 * FRAME_OWNER_HYP. Frames at or beyond nframes are ignored.
 */
int frame_setup(const struct memrange_set *ram,
                const struct memrange_set *reserved, struct frame *table,
                uint64_t nframes);

#endif /* CARAPACE_FRAME_H */
