/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The domain-building half of HC_domctl: the toolstack in dom0 fills a new
 * domain's memory (populate, release, getp2m, write_memory), gives it a
 * console (console_setup) and its first vCPU state (setvcpucontext). All of
 * it only before the domain first runs (d->started): until then its frames
 * are plain memory that no page table uses, so writing them bypasses
 * nothing; setvcpucontext then pins the L4 with the PV MMU's full checks.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <carapace/domctl.h>
#include <carapace/errno.h>
#include <carapace/grant_table.h>

#include "arch.h"
#include "copyseg.h"
#include "domain.h"
#include "domctl.h"
#include "evtchn.h"
#include "frame.h"
#include "grant.h"
#include "guestmem.h"
#include "log.h"
#include "p2m.h"
#include "sched.h"

/* A domain the toolstack made and has not started: or NULL, with why. */
static struct domain *domctl_building(uint32_t domid, long *err)
{
    struct domain *d = domain_get(domid);

    *err = !d                                          ? -CARAPACE_ESRCH
           : !(d->flags & DOMAIN_F_KEEP) || d->started ? -CARAPACE_EBUSY
                                                       : 0;
    return *err ? NULL : d;
}

/* Read the command's struct (each starts with the domid) and find the
 * domain it names, which must be one still being built. */
static struct domain *domctl_read_building(uint64_t va, void *arg, size_t size,
                                           long *err)
{
    if (guestmem_read(arg, gva_init(va), size)) {
        *err = -CARAPACE_EFAULT;
        return NULL;
    }
    return domctl_building(*(const uint32_t *)arg, err);
}

static long domctl_memory(uint32_t cmd, uint64_t va)
{
    struct domctl_memory m;
    struct domain *d;
    long err;

    d = domctl_read_building(va, &m, sizeof(m), &err);
    if (d && m.pad)
        return -CARAPACE_EINVAL;
    if (!d)
        return err;
    if (cmd == DOMCTL_set_max_mem) {
        if (m.nr_frames < d->nr_frames || m.nr_frames > P2M_MAX_FRAMES)
            return -CARAPACE_EINVAL;
        d->max_frames = m.nr_frames;
        return 0;
    }
    if (cmd == DOMCTL_release)
        return m.nr_frames > d->nr_frames ? -CARAPACE_EINVAL
                                          : p2m_shrink(d, m.nr_frames);
    if (m.nr_frames > d->max_frames)
        return -CARAPACE_E2BIG;
    return p2m_grow(d, m.nr_frames);
}

long domctl_populate(struct vcpu *v, uint64_t va)
{
    (void)v;
    return domctl_memory(DOMCTL_populate, va);
}

long domctl_release(struct vcpu *v, uint64_t va)
{
    (void)v;
    return domctl_memory(DOMCTL_release, va);
}

long domctl_set_max_mem(struct vcpu *v, uint64_t va)
{
    (void)v;
    return domctl_memory(DOMCTL_set_max_mem, va);
}

long domctl_getp2m(struct vcpu *v, uint64_t va)
{
    struct domctl_p2m p;
    struct domain *d = NULL;
    uint64_t chunk[64];

    (void)v;
    if (guestmem_read(&p, gva_init(va), sizeof(p)))
        return -CARAPACE_EFAULT;
    d = domain_get(p.domid);
    if (!d)
        return -CARAPACE_ESRCH;
    if (p.pad || p.count > DOMCTL_P2M_MAX || p.start > d->nr_frames ||
        p.count > d->nr_frames - p.start)
        return -CARAPACE_EINVAL;
    for (uint64_t i = 0; i < p.count; i += 64) {
        uint64_t n = p.count - i < 64 ? p.count - i : 64;

        for (uint64_t k = 0; k < n; k++)
            chunk[k] = mfn_val(p2m_get(d, gfn_init(p.start + i + k)));
        if (guestmem_write(gva_init(p.buf + i * 8), chunk, n * 8))
            return -CARAPACE_EFAULT;
    }
    return 0;
}

long domctl_write_memory(struct vcpu *v, uint64_t va)
{
    struct domctl_write w;
    struct domain *d;
    long err;

    (void)v;
    d = domctl_read_building(va, &w, sizeof(w), &err);
    if (!d)
        return err;
    if (w.pad || w.len > DOMCTL_WRITE_MAX || w.gpa > d->nr_frames * PAGE_SIZE ||
        w.len > d->nr_frames * PAGE_SIZE - w.gpa)
        return -CARAPACE_EINVAL;
    for (uint64_t done = 0; done < w.len;) {
        uint64_t at = w.gpa + done, off = at % PAGE_SIZE;
        uint64_t n =
            w.len - done < PAGE_SIZE - off ? w.len - done : PAGE_SIZE - off;
        char *dst =
            (char *)mfn_to_virt(p2m_get(d, gfn_init(at / PAGE_SIZE))) + off;

        if (guestmem_read(dst, gva_init(w.buf + done), n))
            return -CARAPACE_EFAULT;
        done += n;
    }
    return 0;
}

/* One DOMCTL_copy segment, from the caller's frame to d's. */
static long domctl_copy_seg(const struct domain *from, const struct domain *d,
                            const struct domctl_copy_seg *s)
{
    const struct frame *f;
    mfn_t src, dst;

    if (copyseg_check(s, from->nr_frames, d->nr_frames))
        return -CARAPACE_EINVAL;
    src = p2m_get(from, gfn_init(s->src_gfn));
    dst = p2m_get(d, gfn_init(s->dst_gpa / PAGE_SIZE));
    /* The caller's p2m holds only its own frames: checked all the same,
     * so that no segment ever reads the hypervisor's or another's. */
    f = frame_get(src);
    if (!f || f->owner != from->id)
        return -CARAPACE_EINVAL;
    memcpy((char *)mfn_to_virt(dst) + (s->dst_gpa & (PAGE_SIZE - 1)),
           (const char *)mfn_to_virt(src) + s->src_off, s->len);
    return 0;
}

/* DOMCTL_copy: segments read DOMCTL_COPY_CHUNK at a time (the stack is
 * small), copied in order; the first bad one ends the call. */
#define DOMCTL_COPY_CHUNK 16

long domctl_copy(struct vcpu *v, uint64_t va)
{
    struct domctl_copy_seg seg[DOMCTL_COPY_CHUNK];
    struct domctl_copy c;
    struct domain *d;
    long err;

    d = domctl_read_building(va, &c, sizeof(c), &err);
    if (!d)
        return err;
    if (c.count > DOMCTL_COPY_MAX)
        return -CARAPACE_EINVAL;
    for (uint32_t i = 0; i < c.count; i += DOMCTL_COPY_CHUNK) {
        uint32_t n =
            c.count - i < DOMCTL_COPY_CHUNK ? c.count - i : DOMCTL_COPY_CHUNK;

        if (guestmem_read(seg, gva_init(c.segs + i * sizeof(seg[0])),
                          n * sizeof(seg[0])))
            return -CARAPACE_EFAULT;
        for (uint32_t k = 0; k < n; k++) {
            err = domctl_copy_seg(v->domain, d, &seg[k]);
            if (err)
                return err;
        }
    }
    return 0;
}

long domctl_console_setup(struct vcpu *v, uint64_t va)
{
    struct domctl_console c;
    struct domain *d;
    bool fresh_grant, fresh_evtchn;
    long err;

    (void)v;
    d = domctl_read_building(va, &c, sizeof(c), &err);
    if (!d)
        return err;
    if (c.port || c.gfn >= d->nr_frames || d->console_port)
        return -CARAPACE_EINVAL;
    /* A domain being built has no grant table nor port but its console's:
     * a refused call takes back the ones it made, so nothing stays. */
    fresh_grant = !d->grant;
    fresh_evtchn = !d->evtchn;
    err = grant_domain_init(d, 1);
    if (err)
        return err;
    err = evtchn_alloc_unbound(d, 0, &c.port);
    if (err)
        goto drop_grant;
    err = guestmem_write(gva_init(va), &c, sizeof(c)) ? -CARAPACE_EFAULT : 0;
    if (!err)
        err = grant_builder_set(d, GNTTAB_RESERVED_CONSOLE, 0, gfn_init(c.gfn),
                                GTF_permit_access);
    if (err)
        goto drop_port;
    d->console_port = c.port;
    d->console_gfn = gfn_init(c.gfn);
    d->console_gref = GNTTAB_RESERVED_CONSOLE;
    return 0;
drop_port:
    if (fresh_evtchn)
        evtchn_domain_destroy(d);
    else
        evtchn_close(d, c.port);
drop_grant:
    if (fresh_grant)
        grant_domain_fini(d);
    return err;
}

/* An hvm domain's start: its shared page second-last, its RAM below, the
 * Multiboot entry and information in it (docs/abi.md, "hvm domains"). */
static long domctl_setvcpucontext_hvm(struct domain *d,
                                      const struct domctl_vcpucontext *c)
{
    uint64_t ram = c->shared_gfn;
    long err;

    if (c->vcpu || c->rsp || c->l4_gfn || c->hypercall_gfn ||
        d->nr_frames < 3 || c->shared_gfn != d->nr_frames - 2 ||
        (gfn_val(d->console_gfn) && gfn_val(d->console_gfn) != ram + 1) ||
        c->rip >= ram * PAGE_SIZE || c->start_info >= ram * PAGE_SIZE)
        return -CARAPACE_EINVAL;
    err = domain_set_shared(d, p2m_get(d, gfn_init(c->shared_gfn)));
    if (!err)
        err = arch_hvm_vcpu_init(&d->vcpu[0], c->rip, c->start_info, ram);
    if (err) {
        /* What arch_hvm_vcpu_init allocated is the domain's, freed when
         * it is destroyed; the domain cannot be started any more. */
        domain_clear_shared(d);
        log_warn("Domain %u (%s): hvm vCPU refused (error %ld)\n", d->id,
                 d->name, err);
        return err;
    }
    d->started = true;
    d->vcpu[0].state = VCPU_RUNNABLE; /* runs once unpaused */
    return 0;
}

long domctl_setvcpucontext(struct vcpu *v, uint64_t va)
{
    struct domctl_vcpucontext c;
    struct domain *d;
    mfn_t l4;
    long err;

    (void)v;
    d = domctl_read_building(va, &c, sizeof(c), &err);
    if (!d)
        return err;
    if (d->flags & DOMAIN_F_HVM)
        return domctl_setvcpucontext_hvm(d, &c);
    if (d->flags & DOMAIN_F_TRAP)
        return domctl_setvcpucontext_trap(d, &c); /* trap_build.c */
    if (c.vcpu || c.l4_gfn >= d->nr_frames || c.shared_gfn >= d->nr_frames ||
        c.hypercall_gfn >= d->nr_frames ||
        !guestmem_range_ok(gva_init(c.rip), 1) ||
        !guestmem_range_ok(gva_init(c.rsp - 8), 8) ||
        !guestmem_range_ok(gva_init(c.start_info), 1))
        return -CARAPACE_EINVAL;
    arch_hypercall_page_fill(
        mfn_to_virt(p2m_get(d, gfn_init(c.hypercall_gfn))));
    err = domain_set_shared(d, p2m_get(d, gfn_init(c.shared_gfn)));
    l4 = p2m_get(d, gfn_init(c.l4_gfn));
    if (!err)
        err = arch_guest_pin_root(d, l4);
    if (!err)
        err = arch_vcpu_init_guest(&d->vcpu[0], c.rip, c.rsp, c.start_info,
                                   pa_val(mfn_to_pa(l4)));
    if (err) {
        domain_clear_shared(d); /* nothing stays set: events go nowhere */
        log_warn("Domain %u (%s): vCPU context refused (error %ld)\n", d->id,
                 d->name, err);
        return err;
    }
    d->started = true;
    d->vcpu[0].state = VCPU_RUNNABLE; /* runs once unpaused */
    return 0;
}
