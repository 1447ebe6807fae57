/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The frame allocator (kernel/frame.c): the domain's free guest frames,
 * from the start info's first-free-gfn up. Every frame is mapped writable
 * in the kernel's linear map (guest frame g at virt-base + g * 4096) except
 * while it is a page table. Frame 0 holds the kernel image, so 0 doubles
 * as "no frame".
 */
#ifndef GK_FRAME_H
#define GK_FRAME_H

#include <stdbool.h>
#include <stdint.h>

void frame_init(uint64_t virt_base, uint64_t nr_frames, uint64_t first_free,
                const uint64_t *p2m);
uint32_t frame_alloc(void); /* a zeroed frame, or 0 when none is left */
void frame_free(uint32_t gfn);
void *frame_va(uint32_t gfn);
uint32_t frame_of_va(const void *va);
uint64_t frame_mfn(uint32_t gfn);
uint32_t frame_of_mfn(uint64_t mfn); /* 0 if not ours */
uint64_t frame_free_count(void);
uint64_t frame_total(void);

/* Fault injection, for tests (the faultinject boot option, main.c): once
 * armed with n > 0, the nth frame_alloc() from then on returns 0 as if no
 * frame were left, once; 0 disarms. frame_fault_get() says how many calls
 * came since the arm and whether the armed one failed. */
struct frame_fault {
    uint64_t allocs;
    bool fired;
};
void frame_fault_arm(uint64_t n);
void frame_fault_get(struct frame_fault *f);

#endif /* GK_FRAME_H */
