/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Nested page tables of an hvm domain: guest-physical frame g maps to the
 * domain's machine frame p2m_get(d, g), for g below its RAM size, with
 * 4 KiB pages, read/write/execute (the guest's own tables say what its
 * code may do). Nothing else is mapped: any other guest-physical access
 * is a nested page fault, and the domain is crashed (svm_exit.c). The
 * tables are frames of the domain, freed with it.
 *
 * Also the one reading of the guest's own page tables the hypervisor
 * does: the bytes of an instruction, to decode its length.
 */
#include <string.h>

#include <carapace/errno.h>

#include "arch.h"
#include "domain.h"
#include "frame.h"
#include "p2m.h"
#include <arch/svm.h>

#define NPT_P    0x001ULL
#define NPT_W    0x002ULL
#define NPT_U    0x004ULL /* every nested access is a user access */
#define NPT_PS   0x080ULL
#define NPT_ADDR 0x000ffffffffff000ULL
#define NPT_RWX  (NPT_P | NPT_W | NPT_U)

static uint64_t *npt_table(mfn_t m)
{
    return mfn_to_virt(m);
}

/* The table under entry e, made if it is empty. */
static uint64_t *npt_next(struct domain *d, uint64_t *e)
{
    mfn_t m;

    if (*e & NPT_P)
        return npt_table(mfn_init((*e & NPT_ADDR) >> PAGE_SHIFT));
    m = frame_alloc(0, d->id);
    if (!mfn_valid(m))
        return NULL;
    memset(mfn_to_virt(m), 0, PAGE_SIZE);
    *e = pa_val(mfn_to_pa(m)) | NPT_RWX;
    return npt_table(m);
}

int npt_build(struct domain *d, uint64_t ram, mfn_t *root)
{
    uint64_t *l4;

    *root = frame_alloc(0, d->id);
    if (!mfn_valid(*root))
        return -CARAPACE_ENOMEM;
    l4 = npt_table(*root);
    memset(l4, 0, PAGE_SIZE);
    for (uint64_t g = 0; g < ram; g++) {
        uint64_t gpa = g << PAGE_SHIFT, *l3, *l2, *l1;
        mfn_t m = p2m_get(d, gfn_init(g));

        if (!mfn_valid(m))
            return -CARAPACE_EINVAL;
        l3 = npt_next(d, &l4[(gpa >> 39) & 511]);
        l2 = l3 ? npt_next(d, &l3[(gpa >> 30) & 511]) : NULL;
        l1 = l2 ? npt_next(d, &l2[(gpa >> 21) & 511]) : NULL;
        if (!l1)
            return -CARAPACE_ENOMEM; /* domain_destroy frees the tables */
        l1[(gpa >> 12) & 511] = pa_val(mfn_to_pa(m)) | NPT_RWX;
    }
    return 0;
}

/* A guest-physical address of v's RAM in the direct map, or NULL. */
static uint8_t *npt_gpa(struct vcpu *v, uint64_t gpa)
{
    struct svm_vcpu *s = v->arch.svm;
    mfn_t m;

    if ((gpa >> PAGE_SHIFT) >= s->ram_frames)
        return NULL;
    m = p2m_get(v->domain, gfn_init(gpa >> PAGE_SHIFT));
    if (!mfn_valid(m))
        return NULL;
    return (uint8_t *)mfn_to_virt(m) + (gpa & (PAGE_SIZE - 1));
}

const uint8_t *npt_guest_read(struct vcpu *v, uint64_t va)
{
    const struct vmcb *vm = svm_vmcb(v->arch.svm);
    uint64_t table = vm->cr3 & NPT_ADDR;

    if (!(vm->cr0 & (1UL << 31))) /* paging off: physical */
        return npt_gpa(v, va & 0xffffffffULL);
    if (!(vm->efer & (1UL << 10))) /* not long mode: not decoded */
        return NULL;
    for (int shift = 39; shift >= 12; shift -= 9) {
        const uint64_t *t = (const uint64_t *)npt_gpa(v, table);
        uint64_t e;

        if (!t)
            return NULL;
        e = t[(va >> shift) & 511];
        if (!(e & NPT_P))
            return NULL;
        if (shift == 12 || (shift <= 30 && (e & NPT_PS))) {
            uint64_t size = 1ULL << shift;

            return npt_gpa(v, (e & NPT_ADDR & ~(size - 1)) | (va & (size - 1)));
        }
        table = e & NPT_ADDR;
    }
    return NULL;
}
