/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86_64 parts of building and tearing down a guest: its initial page
 * tables (a linear map of all its frames, page-table frames read-only),
 * pinned through the PV MMU so they get the same validation as anything a
 * guest builds itself, and the references its vCPU's roots hold.
 */
#include <string.h>

#include "arch.h"
#include "domain.h"
#include "log.h"
#include "p2m.h"
#include <arch/paging.h>
#include <arch/pv.h>
#include <arch/pvmm.h>
#include <arch/trapvm.h>

#define PV_BUILD_TABLE_FLAGS (PTE_P | PTE_W | PTE_U)

struct pv_build {
    mfn_t (*gfn_to_mfn)(void *ctx, gfn_t gfn);
    void *ctx;
    uint64_t next_gfn, end_gfn; /* gfn values: page-table frames unused */
};

static uint64_t *pv_build_table(mfn_t m)
{
    return mfn_to_virt(m);
}

/* The table entry e points to, allocating the next table frame if empty. */
static mfn_t pv_build_next(struct pv_build *pb, uint64_t *e)
{
    mfn_t m;

    if (*e & PTE_P)
        return pvmm_pte_mfn(*e);
    if (pb->next_gfn >= pb->end_gfn)
        return mfn_init(INVALID_MFN_VAL); /* domlayout_pt_frames lied */
    m = pb->gfn_to_mfn(pb->ctx, gfn_init(pb->next_gfn++));
    *e = pa_val(mfn_to_pa(m)) | PV_BUILD_TABLE_FLAGS;
    return m;
}

static int pv_build_map(struct pv_build *pb, mfn_t l4, gva_t gva, uint64_t pte)
{
    const uint64_t va = gva_val(gva);
    mfn_t t = l4;

    for (int level = 4; level > 1; level--) {
        unsigned idx = (va >> (12 + 9 * (level - 1))) & 511;

        t = pv_build_next(pb, &pv_build_table(t)[idx]);
        if (!mfn_valid(t))
            return -1;
    }
    pv_build_table(t)[(va >> 12) & 511] = pte;
    return 0;
}

int arch_guest_pt_build(struct domain *d, gva_t virt_base, uint64_t nr,
                        mfn_t (*gfn_to_mfn)(void *ctx, gfn_t gfn), void *ctx,
                        gfn_t pt_gfn, uint64_t pt_frames, uint64_t *l4_ma)
{
    const uint64_t pt = gfn_val(pt_gfn);
    struct pv_build pb = {gfn_to_mfn, ctx, pt + 1, pt + pt_frames};
    mfn_t l4 = gfn_to_mfn(ctx, pt_gfn);
    int err;

    for (uint64_t g = 0; g < nr; g++) {
        bool is_pt = g >= pt && g < pt + pt_frames;
        mfn_t m = gfn_to_mfn(ctx, gfn_init(g));
        uint64_t pte =
            pa_val(mfn_to_pa(m)) | PTE_P | PTE_U | (is_pt ? 0 : PTE_W);

        if (pv_build_map(&pb, l4, gva_add(virt_base, g * PAGE_SIZE), pte))
            return -1;
    }
    err = pvmm_pin(d->id, l4, 4);
    if (err) {
        log_err("%s: its initial page tables failed validation (%d)\n", d->name,
                err);
        return err;
    }
    *l4_ma = pa_val(mfn_to_pa(l4));
    return 0;
}

void arch_hypercall_page_fill(void *page)
{
    pv_hypercall_page_fill(page);
}

int arch_vcpu_init_guest(struct vcpu *v, uint64_t entry, uint64_t stack,
                         uint64_t start_info, uint64_t l4)
{
    int err = pvmm_root_get(v->domain->id, pa_to_mfn(pa_init(l4)));

    if (err)
        return err;
    pv_vcpu_init(v, entry, stack, start_info, l4);
    return 0;
}

void arch_vcpu_release(struct vcpu *v)
{
    v->arch.svm = NULL; /* its frames are the domain's: freed with it */
    if (v->arch.trapvm) {
        trapvm_release(v); /* its report; its frames go the same way */
        return;
    }
    if (v->arch.cr3_kernel)
        pvmm_root_put(pa_to_mfn(pa_init(v->arch.cr3_kernel)));
    if (v->arch.cr3_user)
        pvmm_root_put(pa_to_mfn(pa_init(v->arch.cr3_user)));
    v->arch.cr3_kernel = v->arch.cr3_user = 0;
}

/* By the p2m, not a walk of the frame table (1 M entries in 4 GiB, for
 * each of thousands of domains): only the domain's own frames can be its
 * page tables. What is left elsewhere, domain_destroy finds. */
int arch_domain_release_memory(struct domain *d)
{
    int busy = 0;

    for (uint64_t g = 0; g < d->nr_frames; g++)
        pvmm_release_frame(d->id, p2m_get(d, gfn_init(g)));
    for (uint64_t g = 0; g < d->nr_frames; g++)
        busy += pvmm_frame_busy(d->id, p2m_get(d, gfn_init(g)));
    return busy;
}

int arch_guest_pin_root(struct domain *d, mfn_t l4)
{
    int err = pvmm_pin(d->id, l4, 4);

    if (err)
        log_warn("%s: its page tables failed validation (%d)\n", d->name, err);
    return err;
}
