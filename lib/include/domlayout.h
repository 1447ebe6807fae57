/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where a new PV domain's pieces go (docs/abi.md, "Start of day"), the one
 * computation both domain builders use: the hypervisor's (dom0 and
 * boot-time domains, hypervisor/common/builder.c) and the toolstack's
 * (cap create, toolstack/lib/build.c). In guest frames from virt_base:
 *
 *   [image][start info x2][shared info][p2m list][page tables][stack x4]
 *   [console ring: domUs only][modules][free ...]
 *
 * The page tables are x86_64's four levels, mapping every frame of the
 * domain once at virt_base + gfn * 4096 (the linear map).
 */
#ifndef CARAPACE_DOMLAYOUT_H
#define CARAPACE_DOMLAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#define DOMLAYOUT_PAGE         4096ULL
#define DOMLAYOUT_SI_FRAMES    2                     /* the start-info tree */
#define DOMLAYOUT_STACK_FRAMES 4                     /* the initial stack */
#define DOMLAYOUT_USER_END     0x0000800000000000ULL /* the lower half */

struct domlayout {
    uint64_t nr;        /* frames of the domain */
    uint64_t virt_base; /* where gfn 0 is mapped */
    uint64_t si_gfn, shared_gfn, p2m_gfn, p2m_frames, pt_gfn, pt_frames;
    uint64_t stack_gfn, console_gfn, mod_gfn, free_gfn;
};

/*
 * Lay out a domain of memory_bytes whose image spans [virt_base, image_end)
 * with a console ring page or not, and module_pages pages of modules.
 * 0, or -CARAPACE_EINVAL (memory not a whole number of pages, or none),
 * -CARAPACE_ENOMEM (too small: l->free_gfn says how many frames it would
 * need), -CARAPACE_ERANGE (the linear map would leave the lower half).
 */
int domlayout_compute(struct domlayout *l, uint64_t memory_bytes,
                      uint64_t virt_base, uint64_t image_end, bool console_ring,
                      uint64_t module_pages);

/* The page-table frames that map nr frames at virt_base (L1s, L2s, L3s
 * and the L4). */
uint64_t domlayout_pt_frames(uint64_t virt_base, uint64_t nr);

/* Pages that hold `bytes`. */
static inline uint64_t domlayout_pages(uint64_t bytes)
{
    return (bytes + DOMLAYOUT_PAGE - 1) / DOMLAYOUT_PAGE;
}

#endif /* CARAPACE_DOMLAYOUT_H */
