/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The domain builder. Guest frame g is mapped at virt_base + g * 4 KiB;
 * the layout, in guest frames (abi/include/carapace/startinfo.h):
 *
 *   [image][start info x2][shared info][p2m][page tables][stack x4]
 *   [console ring: domUs only][modules]
 *
 * A domU's console is a ring in its own memory, granted to dom0 (grant ref
 * GNTTAB_RESERVED_CONSOLE) with an event channel waiting for dom0 to bind;
 * dom0 finds both with DOMCTL_getdomaininfo. dom0's console is the serial
 * line, through HC_console_write and HC_console_read.
 *
 * Frames come from the hypervisor's own p2m of the domain (p2m.c), which
 * the grant code trusts; the guest gets a copy in its p2m frames. Every
 * frame is zeroed before the guest sees it. The page tables are built directly
 * (the frames are fresh and nobody else can see them), then pinned as an L4,
 * which runs the full validation a guest's own tables get.
 */
#include <string.h>

#include <carapace/abi.h>
#include <carapace/errno.h>
#include <carapace/grant_table.h>
#include <carapace/startinfo.h>

#include "arch.h"
#include "builder.h"
#include "domain.h"
#include "domlayout.h"
#include "elf.h"
#include "evtchn.h"
#include "frame.h"
#include "grant.h"
#include "log.h"
#include "p2m.h"
#include "sched.h"
#include "startinfo.h"

struct builder {
    const struct builder_config *c;
    struct domain *d;
    struct elf_image img;
    struct domlayout l;
    struct startinfo_module mods[8];
};

/* One build at a time (boot, later under the domctl lock). */
static struct builder builder_state;
static uint64_t builder_si_buf[DOMLAYOUT_SI_FRAMES * PAGE_SIZE / 8];

static mfn_t builder_gfn_to_mfn(void *ctx, gfn_t gfn)
{
    const struct builder *b = ctx;

    return p2m_get(b->d, gfn);
}

/* Where the linear map puts guest frame gfn. The layout's frame numbers
 * are plain integers (lib/ is shared with the toolstack): typed here. */
static gva_t builder_gva(const struct builder *b, gfn_t gfn)
{
    return gva_init(b->l.virt_base + gfn_val(gfn) * PAGE_SIZE);
}

static gfn_t builder_va_to_gfn(const struct builder *b, gva_t va)
{
    return gfn_init((gva_val(va) - b->l.virt_base) / PAGE_SIZE);
}

static bool builder_is_dom0(const struct builder_config *c)
{
    return c->flags & SIF_INITDOMAIN;
}

static int builder_layout(struct builder *b)
{
    const struct builder_config *c = b->c;
    uint64_t mods = 0;
    int err;

    for (unsigned i = 0; i < c->nmodules; i++)
        mods += domlayout_pages(c->modules[i].size);
    err = domlayout_compute(&b->l, c->memory, b->img.virt_base, b->img.hi,
                            !builder_is_dom0(c), mods);
    if (err == -CARAPACE_ENOMEM)
        log_err("%s: %lu MiB is too small: the image and boot data need "
                "%lu KiB\n",
                c->name, c->memory >> 20, b->l.free_gfn * 4);
    else if (err)
        log_err("%s: memory would reach past the guest half of the address "
                "space\n",
                c->name);
    return err;
}

/* Every frame from the hypervisor's p2m (zeroed), then the guest's own
 * copy of the p2m written into its p2m frames. */
static int builder_alloc(struct builder *b)
{
    if (p2m_grow(b->d, b->l.nr)) {
        log_err("%s: out of memory allocating %lu MiB (%lu frames free)\n",
                b->c->name, b->c->memory >> 20, frame_count_free());
        return -CARAPACE_ENOMEM;
    }
    for (uint64_t g = 0; g < b->l.nr; g++) {
        gfn_t at = gfn_init(b->l.p2m_gfn + g / 512);
        uint64_t *p2m = mfn_to_virt(p2m_get(b->d, at));

        p2m[g % 512] = mfn_val(p2m_get(b->d, gfn_init(g)));
    }
    return 0;
}

/* Copy len bytes to guest virtual address va (inside the linear map). */
static void builder_copy(struct builder *b, gva_t va, const void *src,
                         uint64_t len)
{
    p2m_copy(b->d, gva_val(va) - b->l.virt_base, src, len);
}

static int builder_load(struct builder *b)
{
    struct elf_segment seg;
    gfn_t hc = builder_va_to_gfn(b, gva_init(b->img.hypercall_page));
    uint64_t at = b->l.mod_gfn;

    for (int i = 0; i < elf_segment_count(&b->img); i++) {
        if (elf_segment_get(&b->img, i, &seg)) {
            log_err("%s: kernel image changed while loading\n", b->c->name);
            return -CARAPACE_EINVAL;
        }
        if (seg.filesz)
            builder_copy(b, gva_init(seg.vaddr), seg.data, seg.filesz);
    }
    arch_hypercall_page_fill(mfn_to_virt(p2m_get(b->d, hc)));
    for (unsigned i = 0; i < b->c->nmodules && i < 8; i++) {
        const struct builder_module *m = &b->c->modules[i];
        gva_t va = builder_gva(b, gfn_init(at));

        builder_copy(b, va, m->data, m->size);
        b->mods[i] =
            (struct startinfo_module){gva_val(va), m->size, m->cmdline};
        at += domlayout_pages(m->size);
    }
    return 0;
}

static int builder_start_info(struct builder *b)
{
    const struct builder_config *c = b->c;
    struct startinfo_desc si = {
        .abi_version = CARAPACE_ABI_VERSION,
        .domid = c->domid,
        .flags = c->flags,
        .name = c->name,
        .memory_bytes = b->l.nr * PAGE_SIZE,
        .virt_base = b->l.virt_base,
        .nr_frames = b->l.nr,
        .p2m_va = gva_val(builder_gva(b, gfn_init(b->l.p2m_gfn))),
        .shared_info_va = gva_val(builder_gva(b, gfn_init(b->l.shared_gfn))),
        .pt_base_va = gva_val(builder_gva(b, gfn_init(b->l.pt_gfn))),
        .pt_frames = b->l.pt_frames,
        .first_free_gfn = b->l.free_gfn,
        .console = builder_is_dom0(c) ? "hypervisor" : "ring",
        .bootargs = c->cmdline,
        .console_gfn = builder_is_dom0(c) ? 0 : b->l.console_gfn,
        .console_port = b->d->console_port,
        .modules = b->mods,
        .nmodules = c->nmodules < 8 ? c->nmodules : 8,
    };
    int err = startinfo_build(builder_si_buf, sizeof(builder_si_buf), &si);

    if (err) {
        log_err("%s: start info does not fit in %lu KiB (error %d)\n", c->name,
                sizeof(builder_si_buf) >> 10, err);
        return err;
    }
    builder_copy(b, builder_gva(b, gfn_init(b->l.si_gfn)), builder_si_buf,
                 sizeof(builder_si_buf));
    return 0;
}

static int builder_shared(struct builder *b)
{
    struct domain *d = b->d;

    return domain_set_shared(d, p2m_get(d, gfn_init(b->l.shared_gfn)));
}

/* A domU's console: its ring granted to dom0, a channel for dom0 to bind. */
static int builder_console(struct builder *b)
{
    struct domain *d = b->d;
    int err;

    if (builder_is_dom0(b->c))
        return 0;
    err = evtchn_alloc_unbound(d, 0, &d->console_port);
    if (!err)
        err = grant_domain_init(d, 1);
    if (!err)
        err = grant_builder_set(d, GNTTAB_RESERVED_CONSOLE, 0,
                                gfn_init(b->l.console_gfn), GTF_permit_access);
    if (err) {
        log_err("%s: cannot set up its console (error %d)\n", b->c->name, err);
        return err;
    }
    d->console_gfn = gfn_init(b->l.console_gfn);
    d->console_gref = GNTTAB_RESERVED_CONSOLE;
    return 0;
}

/* The initial page tables, pinned, and vCPU 0 entering the image with its
 * stack and start info. */
static int builder_vcpu(struct builder *b)
{
    gfn_t stack_top = gfn_init(b->l.stack_gfn + DOMLAYOUT_STACK_FRAMES);
    gva_t si = builder_gva(b, gfn_init(b->l.si_gfn));
    uint64_t l4;
    int err;

    err = arch_guest_pt_build(b->d, gva_init(b->l.virt_base), b->l.nr,
                              builder_gfn_to_mfn, b, gfn_init(b->l.pt_gfn),
                              b->l.pt_frames, &l4);
    if (!err)
        err = arch_vcpu_init_guest(&b->d->vcpu[0], b->img.entry,
                                   gva_val(builder_gva(b, stack_top)),
                                   gva_val(si), l4);
    return err;
}

static int builder_parse(struct builder *b)
{
    const struct builder_config *c = b->c;

    if (c->memory < BUILDER_MIN_MEMORY || c->memory > BUILDER_MAX_MEMORY) {
        log_err("%s: memory %lu MiB is outside %llu MiB .. %llu MiB\n", c->name,
                c->memory >> 20, BUILDER_MIN_MEMORY >> 20,
                BUILDER_MAX_MEMORY >> 20);
        return -CARAPACE_EINVAL;
    }
    if (elf_parse(c->image, c->image_size, &b->img)) {
        log_err("%s: bad kernel image: %s\n", c->name, b->img.why);
        return -CARAPACE_EINVAL;
    }
    return builder_layout(b);
}

int builder_build(const struct builder_config *c, struct domain **out)
{
    struct builder *b = &builder_state;
    int err;

    if (c->hvm)
        return hvm_build(c, out);
    if (c->trap)
        return trap_build(c, out);
    memset(b, 0, sizeof(*b));
    b->c = c;
    err = builder_parse(b);
    if (err)
        return err;
    err = domain_create(c->domid, c->name,
                        c->flags & SIF_PRIVILEGED ? DOMAIN_F_PRIVILEGED : 0,
                        &b->d);
    if (err) {
        log_err("%s: cannot create domain %u (error %d)\n", c->name, c->domid,
                err);
        return err;
    }
    err = builder_alloc(b);
    if (!err)
        err = builder_load(b);
    if (!err)
        err = builder_shared(b);
    if (!err)
        err = builder_console(b);
    if (!err)
        err = builder_start_info(b);
    if (!err)
        err = builder_vcpu(b);
    if (err)
        goto fail;
    log_info("%s: domain %u built: %lu MiB, entry %#lx, %lu frames of page "
             "tables\n",
             c->name, c->domid, c->memory >> 20, b->img.entry, b->l.pt_frames);
    b->d->started = true; /* its vCPU context is set: unpause may resume it */
    sched_wake(&b->d->vcpu[0]);
    if (out)
        *out = b->d;
    return 0;
fail:
    domain_destroy(b->d);
    return err;
}
