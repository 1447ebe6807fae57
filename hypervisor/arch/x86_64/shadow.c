/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shadow page tables of trap domains (arch/trapvm.h). The CPU never walks
 * a trap guest's own tables: it walks two shadows per vCPU, one for the
 * guest's kernel mode and one for its user mode, filled lazily. A #PF the
 * shadow caused is resolved by walking the guest's tables in software
 * (spt.c) and copying the translation in; one the guest's tables would
 * cause goes to the guest.
 *
 * Isolation, the PV MMU's rules in another form:
 *  - the walk reads only the domain's RAM, and a leaf must name a frame of
 *    its RAM (gfn < ram_frames, looked up in its own p2m): no other frame,
 *    not even its shared-info page or console ring, can be mapped; a guest
 *    that tries is crashed with a report (guest/attack tests: -ERANGE);
 *  - the hypervisor's PML4 slots of both roots are the hypervisor's
 *    (supervisor-only) entries; a guest address there is refused;
 *  - every frame a walk passes through is recorded as a guest page table
 *    (ptmap) and mapped read-only in the shadows: a write to one faults,
 *    runs single-stepped with the page open (the TF flag), and the #DB
 *    after it drops every shadow (shadow_zap). So a shadow never holds a
 *    translation the guest's tables no longer have, whatever instruction
 *    wrote them, through whichever alias. A frame newly seen as a table
 *    loses every writable mapping the shadow L1s have of it (the pool
 *    knows which frames are L1s): shadow_unwrite.
 *  - the user shadow is filled only by walks with the guest's user rights,
 *    so the guest kernel's pages never appear in it.
 *
 * The price of being this simple: every page-table write costs a #PF, a
 * #DB and a rebuild of the shadows by further #PFs; every CR3 write drops
 * them too. docs/tradeoffs.md measures it against PV's batched updates.
 */
#include <string.h>

#include <carapace/errno.h>

#include "arch.h"
#include "domain.h"
#include "frame.h"
#include "p2m.h"
#include "sched.h"
#include <arch/cpu.h>
#include <arch/paging.h>
#include <arch/pvmm.h>
#include <arch/spt.h>
#include <arch/trapvm.h>

#define SHADOW_TABLE (PTE_P | PTE_W | PTE_U)
#define RFLAGS_TF    0x100UL
#define EFER_NXE     (1UL << 11)

/* The direct-map address of guest-physical gpa (8 bytes of it), or NULL
 * outside the domain's RAM. */
static void *shadow_gpa(struct vcpu *v, uint64_t gpa)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    mfn_t m;

    if (gpa >> PAGE_SHIFT >= t->ram_frames)
        return NULL;
    m = p2m_get(v->domain, gfn_init(gpa >> PAGE_SHIFT));
    if (!mfn_valid(m))
        return NULL;
    return (uint8_t *)mfn_to_virt(m) + (gpa & (PAGE_SIZE - 1));
}

static bool shadow_read(void *ctx, uint64_t gpa, uint64_t *val)
{
    uint64_t *p = gpa % 8 ? NULL : shadow_gpa(ctx, gpa);

    if (p)
        *val = __atomic_load_n(p, __ATOMIC_RELAXED);
    return p != NULL;
}

static bool shadow_write(void *ctx, uint64_t gpa, uint64_t val)
{
    uint64_t *p = gpa % 8 ? NULL : shadow_gpa(ctx, gpa);

    if (p)
        __atomic_store_n(p, val, __ATOMIC_RELAXED);
    return p != NULL;
}

/* Mark guest frame gfn a page table: true if it was not one yet. */
static bool shadow_mark(struct trapvm_shadow *s, uint64_t gfn)
{
    uint8_t *map = mfn_to_virt(s->ptmap);
    uint8_t bit = (uint8_t)(1u << (gfn % 8));
    bool fresh = !(map[gfn / 8] & bit);

    map[gfn / 8] |= bit;
    return fresh;
}

static bool shadow_is_pt(const struct trapvm_shadow *s, uint64_t gfn)
{
    const uint8_t *map = mfn_to_virt(s->ptmap);

    return map[gfn / 8] & (1u << (gfn % 8));
}

static mfn_t shadow_alloc(struct domain *d, unsigned order)
{
    mfn_t m = frame_alloc(order, d->id);

    if (mfn_valid(m))
        memset(mfn_to_virt(m), 0, PAGE_SIZE << order);
    return m;
}

/* Both roots hold the hypervisor's supervisor-only slots and nothing
 * else: not the M2P slot, which PV guests may read (user, read-only) but
 * which is none of a trap guest's business. */
static void shadow_roots_clear(struct trapvm_shadow *s)
{
    for (unsigned k = 0; k < 2; k++) {
        uint64_t *l4 = mfn_to_virt(s->root[k]);

        for (unsigned i = 0; i < PT_ENTRIES; i++) {
            uint64_t e = pvmm_hyp_slot(i) ? paging_hyp_l4e(i) : 0;

            l4[i] = e & PTE_U ? 0 : e;
        }
    }
}

int shadow_init(struct vcpu *v)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    struct trapvm_shadow *s = &t->shadow;
    unsigned order = 0;

    s->ptmap_len = (t->ram_frames + 7) / 8;
    while ((PAGE_SIZE << order) < s->ptmap_len)
        order++;
    s->root[0] = shadow_alloc(v->domain, 0);
    s->root[1] = shadow_alloc(v->domain, 0);
    s->pool = shadow_alloc(v->domain, 0);
    s->ptmap = shadow_alloc(v->domain, order);
    if (!mfn_valid(s->root[0]) || !mfn_valid(s->root[1]) ||
        !mfn_valid(s->pool) || !mfn_valid(s->ptmap))
        return -CARAPACE_ENOMEM; /* domain_destroy frees what was made */
    shadow_roots_clear(s);
    return 0;
}

uint64_t shadow_root(const struct vcpu *v)
{
    const struct trapvm_vcpu *t = v->arch.trapvm;

    return pa_val(mfn_to_pa(t->shadow.root[t->cpl == 3]));
}

void shadow_zap(struct vcpu *v)
{
    struct trapvm_shadow *s = &v->arch.trapvm->shadow;

    shadow_roots_clear(s);
    memset(mfn_to_virt(s->ptmap), 0, s->ptmap_len);
    s->used = 0;
    s->zaps++;
    if (sched_current() == v)
        write_cr3(shadow_root(v)); /* and the TLB with it */
}

/* The pool frame: SHADOW_POOL machine frame numbers, then the level of
 * the shadow table each one is now. */
struct shadow_pool {
    uint64_t mfn[SHADOW_POOL];
    uint8_t level[SHADOW_POOL];
};
_Static_assert(sizeof(struct shadow_pool) <= PAGE_SIZE, "one frame");

/* A zeroed table frame of `level` from the pool, or an invalid mfn if it
 * is spent. */
static mfn_t shadow_take(struct vcpu *v, unsigned level)
{
    struct trapvm_shadow *s = &v->arch.trapvm->shadow;
    struct shadow_pool *pool = mfn_to_virt(s->pool);
    mfn_t m;

    if (s->used == s->made) {
        if (s->made == SHADOW_POOL)
            return mfn_init(INVALID_MFN_VAL);
        m = shadow_alloc(v->domain, 0);
        if (!mfn_valid(m))
            return m;
        pool->mfn[s->made++] = mfn_val(m);
    }
    pool->level[s->used] = (uint8_t)level;
    m = mfn_init(pool->mfn[s->used++]);
    memset(mfn_to_virt(m), 0, PAGE_SIZE);
    return m;
}

/* Guest frame gfn has just been seen to be a page table: no shadow entry
 * may map it writable any more. The shadow L1s are searched (the pool
 * says which frames are L1s); both shadows share the pool. */
static void shadow_unwrite(struct vcpu *v, uint64_t gfn)
{
    struct trapvm_shadow *s = &v->arch.trapvm->shadow;
    struct shadow_pool *pool = mfn_to_virt(s->pool);
    uint64_t pa = pa_val(mfn_to_pa(p2m_get(v->domain, gfn_init(gfn))));

    for (unsigned i = 0; i < s->used; i++) {
        uint64_t *t = mfn_to_virt(mfn_init(pool->mfn[i]));

        if (pool->level[i] != 1)
            continue;
        for (unsigned k = 0; k < PT_ENTRIES; k++)
            if ((t[k] & (PTE_P | PTE_W)) == (PTE_P | PTE_W) &&
                (t[k] & PTE_ADDR_MASK) == pa)
                t[k] &= ~PTE_W;
    }
    s->unwrites++;
    if (sched_current() == v)
        write_cr3(shadow_root(v));
}

/* Put leaf at va in the shadow of the current mode. */
static int shadow_install(struct vcpu *v, uint64_t va, uint64_t leaf)
{
    uint64_t *table = arch_phys_to_virt(shadow_root(v));

    for (unsigned shift = 39; shift > 12; shift -= 9) {
        uint64_t *e = &table[(va >> shift) & 511];

        if (!(*e & PTE_P)) {
            mfn_t m = shadow_take(v, (shift - 12) / 9);

            if (!mfn_valid(m))
                return -CARAPACE_ENOMEM;
            *e = pa_val(mfn_to_pa(m)) | SHADOW_TABLE;
        }
        table = arch_phys_to_virt(*e & PTE_ADDR_MASK);
    }
    table[(va >> 12) & 511] = leaf;
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
    return 0;
}

static bool shadow_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* Walk the guest's tables for va; crash the domain if they leave its RAM
 * or name a page outside it, or va is in the hypervisor's range. A
 * non-canonical va is -EINVAL (the guest's #GP). */
static int shadow_walk(struct vcpu *v, uint64_t va, unsigned access,
                       struct spt_walk *w)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    const struct spt_ops ops = {shadow_read, shadow_write, v};
    int err;

    if (!shadow_canonical(va))
        return -CARAPACE_EINVAL;
    if (pvmm_hyp_slot((va >> 39) & 511)) {
        domain_crash(v->domain, NULL,
                     "it touched %#lx, in the hypervisor's address range "
                     "(PML4 slots 256-271, 511)",
                     va);
        return -CARAPACE_ERANGE;
    }
    err = spt_walk(t->cr3, va, access, t->efer & EFER_NXE, &ops, w);
    if (err == -CARAPACE_ERANGE)
        domain_crash(v->domain, NULL,
                     "its page tables for %#lx reach guest-physical %#lx, "
                     "outside its %lu KiB of RAM",
                     va, w->bad_gpa, t->ram_frames * 4);
    else if (!err && w->gpa >> PAGE_SHIFT >= t->ram_frames) {
        domain_crash(v->domain, NULL,
                     "it maps guest-physical %#lx at %#lx, outside its %lu "
                     "KiB of RAM",
                     w->gpa, va, t->ram_frames * 4);
        err = -CARAPACE_ERANGE;
    }
    return err;
}

/* The frames the walk passed through are page tables from now on; a
 * writable mapping of a new one may exist. */
static void shadow_mark_walk(struct vcpu *v, const struct spt_walk *w)
{
    struct trapvm_shadow *s = &v->arch.trapvm->shadow;

    for (unsigned i = 0; i < w->ntables; i++)
        if (shadow_mark(s, w->table[i] >> PAGE_SHIFT))
            shadow_unwrite(v, w->table[i] >> PAGE_SHIFT);
}

int shadow_fault(struct vcpu *v, struct cpu_regs *r, uint64_t va,
                 uint64_t hw_error, uint32_t *pf_error)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    unsigned access = (hw_error & SPT_PF_W ? SPT_WRITE : 0) |
                      (t->cpl == 3 ? SPT_USER : 0) |
                      (hw_error & SPT_PF_I ? SPT_FETCH : 0);
    struct spt_walk w;
    uint64_t leaf, gfn;
    int err = shadow_walk(v, va, access, &w);

    if (err == -CARAPACE_EFAULT)
        *pf_error = w.pf_error;
    if (err)
        return err;
    shadow_mark_walk(v, &w);
    gfn = w.gpa >> PAGE_SHIFT;
    leaf = spt_shadow_leaf(&w, mfn_val(p2m_get(v->domain, gfn_init(gfn))),
                           shadow_is_pt(&t->shadow, gfn));
    if ((access & SPT_WRITE) && shadow_is_pt(&t->shadow, gfn)) {
        /* The guest writes one of its page tables: let this one
         * instruction do it, then drop the shadows (trapvm.c, #DB). */
        leaf |= PTE_W;
        if (!t->stepping)
            t->step_tf = r->rflags & RFLAGS_TF;
        t->stepping = true;
        r->rflags |= RFLAGS_TF;
        t->traps[TRAPVM_PT_WRITE]++;
    } else {
        t->traps[TRAPVM_PF_FILL]++;
    }
    if (shadow_install(v, va, leaf)) {
        shadow_zap(v); /* the pool is spent: start again */
        shadow_mark_walk(v, &w);
        if (shadow_install(v, va, leaf))
            return -CARAPACE_ENOMEM; /* not with an empty pool */
    }
    return 0;
}

int shadow_copy(struct vcpu *v, uint64_t va, void *buf, uint64_t len,
                bool write, bool user, uint32_t *pf_error, uint64_t *pf_va)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    uint8_t *b = buf;
    bool zap = false;

    while (len) {
        uint64_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        struct spt_walk w;
        uint8_t *p;
        int err = shadow_walk(
            v, va, (write ? SPT_WRITE : 0) | (user ? SPT_USER : 0), &w);

        if (err == -CARAPACE_EFAULT) {
            *pf_error = w.pf_error;
            *pf_va = va;
        }
        if (err)
            return err;
        chunk = chunk < len ? chunk : len;
        p = shadow_gpa(v, w.gpa);
        if (write) {
            memcpy(p, b, chunk);
            zap |= shadow_is_pt(&t->shadow, w.gpa >> PAGE_SHIFT);
        } else {
            memcpy(b, p, chunk);
        }
        va += chunk;
        b += chunk;
        len -= chunk;
    }
    if (zap)
        shadow_zap(v);
    return 0;
}
