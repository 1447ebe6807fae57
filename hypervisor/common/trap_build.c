/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Building a trap domain: as an hvm domain is built (hvm_build.c: the
 * Multiboot kernel and its module copied where its header says, the
 * Multiboot information in low memory, the shared-info page and console
 * ring above its RAM), but entered in long mode, in ring 3, by
 * trap-and-emulate (arch_trapvm_vcpu_init). A kernel in ring 3 cannot run
 * the 32-bit code a Multiboot loader enters (the hypervisor's GDT has no
 * 32-bit segment, on purpose: docs/abi.md), so this builder plays the
 * boot loader's part and the kernel's first 32-bit steps too: it enters
 * at the long-mode entry the image's CARAPACE_NOTE_TRAP_ENTRY note names,
 * with the kernel's own boot page tables (the note's L4) in CR3, paging,
 * PAE, long mode and NX on, as those 32-bit steps would leave them. The
 * image is unmodified: the note is part of it, and a Multiboot loader
 * ignores it. Any failure destroys the domain.
 */
#include <carapace/domctl.h>
#include <carapace/errno.h>
#include <carapace/startinfo.h>

#include "arch.h"
#include "builder.h"
#include "domain.h"
#include "domctl.h"
#include "frame.h"
#include "log.h"
#include "multiboot.h"
#include "p2m.h"
#include "sched.h"

static int trap_build_entry(const struct builder_config *c,
                            struct multiboot_image *img,
                            struct multiboot_layout *l,
                            struct multiboot_long_entry *le)
{
    int err = hvm_build_layout(c, img, l);

    if (err)
        return err;
    err = multiboot_long_entry(c->image, c->image_size, img, le);
    if (err == -CARAPACE_ENOENT)
        log_err("%s: the kernel has no long-mode entry note (Carapace note "
                "%u), which a trap domain enters by\n",
                c->name, CARAPACE_NOTE_TRAP_ENTRY);
    else if (err)
        log_err("%s: bad trap kernel image: %s\n", c->name, img->why);
    return err ? -CARAPACE_EINVAL : 0;
}

int trap_build(const struct builder_config *c, struct domain **out)
{
    struct multiboot_long_entry le;
    struct multiboot_image img;
    struct multiboot_layout l;
    struct domain *d;
    int err = trap_build_entry(c, &img, &l, &le);

    if (err)
        return err;
    err = hvm_build_domain(c, DOMAIN_F_TRAP, &img, &l, &d);
    if (err)
        return err;
    err = arch_trapvm_vcpu_init(&d->vcpu[0], le.entry, le.l4, l.info_gpa,
                                l.ram_frames);
    if (!err)
        arch_trapvm_umip(&d->vcpu[0], !c->umip_off);
    if (err) {
        log_err("%s: cannot set up the trap domain (error %d)\n", c->name, err);
        goto fail;
    }
    log_info("%s: trap domain %u built: %lu MiB, long-mode entry %#lx, "
             "L4 %#lx%s\n",
             c->name, c->domid, c->memory >> 20, le.entry, le.l4,
             c->umip_off ? ", CR4.UMIP off" : "");
    d->started = true;
    sched_wake(&d->vcpu[0]);
    if (out)
        *out = d;
    return 0;
fail:
    domain_destroy(d);
    return err;
}

/* DOMCTL_setvcpucontext for a trap domain built by the toolstack: as for
 * an hvm domain (its shared page second-last, the console ring last, the
 * entry and the information in its RAM), and l4_gfn is the kernel's boot
 * L4, in its RAM too (docs/abi.md, "trap domains"). */
long domctl_setvcpucontext_trap(struct domain *d,
                                const struct domctl_vcpucontext *c)
{
    uint64_t ram = c->shared_gfn;
    long err;

    if (c->vcpu || c->rsp || c->hypercall_gfn || d->nr_frames < 3 ||
        c->shared_gfn != d->nr_frames - 2 ||
        (gfn_val(d->console_gfn) && gfn_val(d->console_gfn) != ram + 1) ||
        c->rip >= ram * PAGE_SIZE || c->start_info >= ram * PAGE_SIZE ||
        c->l4_gfn >= ram)
        return -CARAPACE_EINVAL;
    err = domain_set_shared(d, p2m_get(d, gfn_init(c->shared_gfn)));
    if (!err)
        err = arch_trapvm_vcpu_init(&d->vcpu[0], c->rip, c->l4_gfn * PAGE_SIZE,
                                    c->start_info, ram);
    if (err) {
        /* What was allocated is the domain's, freed when it is destroyed;
         * the domain cannot be started any more. */
        domain_clear_shared(d);
        log_warn("Domain %u (%s): trap vCPU refused (error %ld)\n", d->id,
                 d->name, err);
        return err;
    }
    d->started = true;
    d->vcpu[0].state = VCPU_RUNNABLE; /* runs once unpaused */
    return 0;
}
