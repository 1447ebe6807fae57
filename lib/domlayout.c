/* SPDX-License-Identifier: BSD-2-Clause */
/* A new domain's memory layout (domlayout.h). */
#include <string.h>

#include <carapace/errno.h>

#include "domlayout.h"

static uint64_t domlayout_span(uint64_t first, uint64_t last, unsigned shift)
{
    return (last >> shift) - (first >> shift) + 1;
}

uint64_t domlayout_pt_frames(uint64_t virt_base, uint64_t nr)
{
    uint64_t last = virt_base + nr * DOMLAYOUT_PAGE - 1;

    return domlayout_span(virt_base, last, 21)   /* L1s */
           + domlayout_span(virt_base, last, 30) /* L2s */
           + domlayout_span(virt_base, last, 39) /* L3s */
           + 1;                                  /* the L4 */
}

int domlayout_compute(struct domlayout *l, uint64_t memory_bytes,
                      uint64_t virt_base, uint64_t image_end, bool console_ring,
                      uint64_t module_pages)
{
    memset(l, 0, sizeof(*l));
    if (memory_bytes == 0 || memory_bytes % DOMLAYOUT_PAGE ||
        virt_base % DOMLAYOUT_PAGE || image_end < virt_base)
        return -CARAPACE_EINVAL;
    l->nr = memory_bytes / DOMLAYOUT_PAGE;
    l->virt_base = virt_base;
    if (l->nr > (DOMLAYOUT_USER_END - virt_base) / DOMLAYOUT_PAGE)
        return -CARAPACE_ERANGE; /* before anything below can overflow */
    l->si_gfn = domlayout_pages(image_end - virt_base);
    l->shared_gfn = l->si_gfn + DOMLAYOUT_SI_FRAMES;
    l->p2m_gfn = l->shared_gfn + 1;
    l->p2m_frames = domlayout_pages(l->nr * 8);
    l->pt_gfn = l->p2m_gfn + l->p2m_frames;
    l->pt_frames = domlayout_pt_frames(virt_base, l->nr);
    l->stack_gfn = l->pt_gfn + l->pt_frames;
    l->console_gfn = l->stack_gfn + DOMLAYOUT_STACK_FRAMES;
    l->mod_gfn = l->console_gfn + (console_ring ? 1 : 0);
    l->free_gfn = l->mod_gfn + module_pages;
    return l->free_gfn > l->nr ? -CARAPACE_ENOMEM : 0;
}
