/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The frame allocator's own state (frame.c), shared with its consistency
 * check (frame_check.c) and nothing else: not a module interface. Which
 * lock guards which field: frame.c's "Locking".
 */
#ifndef CARAPACE_FRAME_PRIV_H
#define CARAPACE_FRAME_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "frame.h"
#include "spinlock.h"

#define FRAME_F_FREE_HEAD 0x1 /* first frame of a block in a free list */
#define FRAME_F_RESERVED  0x2 /* RAM never handed out (frame_mark_reserved) */
#define FRAME_F_DIRTY     0x4 /* free frame that may hold old data */

#define FRAME_NIL UINT32_MAX /* end of a free list */

extern struct spinlock frame_lock;
extern struct frame *frame_table;
extern uint64_t frame_nframes;
extern uint32_t frame_free_head[FRAME_MAX_ORDER + 1];
extern uint64_t frame_nfree, frame_nram, frame_ndirty, frame_nhyp;
extern uint32_t frame_owned[FRAME_COUNTED_OWNERS];

#endif /* CARAPACE_FRAME_PRIV_H */
