/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The software walk of a trap-and-emulate guest's page tables and the
 * shadow leaf entry (arch/spt.h). Four-level tables only (the guest runs
 * in long mode); 2 MiB and 1 GiB pages of the guest become 4 KiB shadow
 * entries, one per page touched.
 *
 * Reserved bits are those the CPU checks with a 52-bit physical address
 * width: bits 51..52 are never set by a guest whose RAM is at most 1 GiB,
 * and any address past its RAM is refused by the callbacks anyway. The
 * bits the CPU ignores (9..11, 52..62) are ignored here too.
 */
#include <carapace/errno.h>

#include <arch/paging.h>
#include <arch/spt.h>

#define SPT_A (1UL << 5)
#define SPT_D (1UL << 6)
#define SPT_LARGE_RSVD(shift)                                                  \
    ((((1UL << (shift)) - 1) & ~0xfffUL) & ~(1UL << 12))

/* A guest #PF for the access, present or not. */
static int spt_fault(struct spt_walk *w, unsigned access, bool present,
                     uint32_t extra)
{
    w->pf_error = (present ? SPT_PF_P : 0) |
                  (access & SPT_WRITE ? SPT_PF_W : 0) |
                  (access & SPT_USER ? SPT_PF_U : 0) |
                  (access & SPT_FETCH ? SPT_PF_I : 0) | extra;
    return -CARAPACE_EFAULT;
}

static int spt_range(struct spt_walk *w, uint64_t gpa)
{
    w->bad_gpa = gpa;
    return -CARAPACE_ERANGE;
}

/* Is e, an entry at the level that maps 1 << shift, malformed? */
static bool spt_reserved(uint64_t e, unsigned shift, bool nxe)
{
    if ((e & PTE_NX) && !nxe)
        return true;
    if (!(e & PTE_PS) || shift == 12)
        return false;
    if (shift == 39)
        return true; /* no 512 GiB pages */
    return e & SPT_LARGE_RSVD(shift);
}

/* After the walk: do the permissions allow the access? */
static int spt_check(struct spt_walk *w, unsigned access)
{
    if (((access & SPT_WRITE) && !w->write) ||
        ((access & SPT_USER) && !w->user) || ((access & SPT_FETCH) && w->nx))
        return spt_fault(w, access, true, 0);
    return 0;
}

int spt_walk(uint64_t cr3, uint64_t va, unsigned access, bool nxe,
             const struct spt_ops *ops, struct spt_walk *w)
{
    uint64_t table = cr3 & PTE_ADDR_MASK, e = 0, gpa = 0, ad;

    *w = (struct spt_walk){.write = true, .user = true};
    for (unsigned shift = 39;; shift -= 9) {
        gpa = table + ((va >> shift) & 511) * 8;
        w->table[w->ntables++] = table;
        if (!ops->read(ops->ctx, gpa, &e))
            return spt_range(w, gpa);
        if (!(e & PTE_P))
            return spt_fault(w, access, false, 0);
        if (spt_reserved(e, shift, nxe))
            return spt_fault(w, access, true, SPT_PF_RSVD);
        w->write &= !!(e & PTE_W);
        w->user &= !!(e & PTE_U);
        w->nx |= nxe && (e & PTE_NX);
        if (shift == 12 || (e & PTE_PS)) {
            uint64_t mask = (1UL << shift) - 1;

            w->gpa = ((e & PTE_ADDR_MASK) & ~mask) | (va & mask);
            break;
        }
        if (!(e & SPT_A) && !ops->write(ops->ctx, gpa, e | SPT_A))
            return spt_range(w, gpa);
        table = e & PTE_ADDR_MASK;
    }
    if (spt_check(w, access))
        return -CARAPACE_EFAULT;
    /* The leaf: Accessed, and Dirty for a write, as the MMU sets them. */
    w->dirty = (e & SPT_D) || (access & SPT_WRITE);
    ad = SPT_A | (access & SPT_WRITE ? SPT_D : 0);
    if ((e & ad) != ad && !ops->write(ops->ctx, gpa, e | ad))
        return spt_range(w, gpa);
    return 0;
}

uint64_t spt_shadow_leaf(const struct spt_walk *w, uint64_t mfn, bool pt_frame)
{
    uint64_t e = (mfn << 12) | PTE_P | PTE_U;

    if (w->write && w->dirty && !pt_frame)
        e |= PTE_W;
    if (w->nx)
        e |= PTE_NX;
    return e;
}
