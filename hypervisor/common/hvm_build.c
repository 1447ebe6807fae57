/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Building an hvm domain: the hypervisor as a Multiboot loader. The
 * kernel image (the guest kernel's native image, unmodified) is copied to
 * the guest-physical addresses its Multiboot header names, its module
 * (ramdisk) after it, the Multiboot information and command lines in low
 * memory, as lib/multiboot.h lays them out; the top two frames become the
 * shared-info page (events, the timer VIRQ) and the console ring, granted
 * to dom0 as a pv domU's is, so that dom0's console back end and `cap
 * console` serve it unchanged. Then the vCPU is made an SVM guest
 * (arch_hvm_vcpu_init) and started. Any failure destroys the domain.
 */
#include <string.h>

#include <carapace/errno.h>
#include <carapace/grant_table.h>

#include "arch.h"
#include "builder.h"
#include "domain.h"
#include "evtchn.h"
#include "frame.h"
#include "grant.h"
#include "log.h"
#include "multiboot.h"
#include "p2m.h"
#include "sched.h"

void hvm_build_load(struct domain *d, const struct builder_config *c,
                    const struct multiboot_image *img,
                    const struct multiboot_layout *l)
{
    const struct builder_module *m = c->nmodules ? &c->modules[0] : NULL;
    const char *cmd = c->cmdline ? c->cmdline : "";
    const char *mcmd = m && m->cmdline ? m->cmdline : "";
    struct multiboot_info info;
    struct multiboot_module mod;

    p2m_copy(d, img->load_addr, (const uint8_t *)c->image + img->file_offset,
             img->load_size);
    if (m)
        p2m_copy(d, l->mod_gpa, m->data, m->size);
    multiboot_info_fill(l, m ? m->size : 0, &info, &mod);
    p2m_copy(d, l->info_gpa, &info, sizeof(info));
    p2m_copy(d, l->info_gpa + sizeof(info), &mod, sizeof(mod));
    p2m_copy(d, l->cmdline_gpa, cmd, strlen(cmd) + 1);
    p2m_copy(d, l->mod_cmdline_gpa, mcmd, strlen(mcmd) + 1);
}

int hvm_build_domain(const struct builder_config *c, uint32_t flags,
                     const struct multiboot_image *img,
                     const struct multiboot_layout *l, struct domain **out)
{
    struct domain *d;
    int err = domain_create(c->domid, c->name, flags, &d);

    if (err) {
        log_err("%s: cannot create domain %u (error %d)\n", c->name, c->domid,
                err);
        return err;
    }
    if (p2m_grow(d, l->nr)) {
        log_err("%s: out of memory allocating %lu MiB (%lu frames free)\n",
                c->name, c->memory >> 20, frame_count_free());
        domain_destroy(d);
        return -CARAPACE_ENOMEM;
    }
    hvm_build_load(d, c, img, l);
    err = hvm_build_console(d, l, c->console_serial);
    if (err) {
        log_err("%s: cannot set up its console (error %d)\n", c->name, err);
        domain_destroy(d);
        return err;
    }
    *out = d;
    return 0;
}

/* The shared-info page and the console ring, outside the guest's RAM. */
int hvm_build_console(struct domain *d, const struct multiboot_layout *l,
                      bool serial)
{
    int err = domain_set_shared(d, p2m_get(d, gfn_init(l->shared_gfn)));

    if (err || serial)
        return err; /* serial: COM1 writes to the hypervisor console */
    err = evtchn_alloc_unbound(d, 0, &d->console_port);
    if (!err)
        err = grant_domain_init(d, 1);
    if (!err)
        err = grant_builder_set(d, GNTTAB_RESERVED_CONSOLE, 0,
                                gfn_init(l->console_gfn), GTF_permit_access);
    if (err)
        return err;
    d->console_gfn = gfn_init(l->console_gfn);
    d->console_gref = GNTTAB_RESERVED_CONSOLE;
    return 0;
}

int hvm_build_layout(const struct builder_config *c,
                     struct multiboot_image *img, struct multiboot_layout *l)
{
    const struct builder_module *m = c->nmodules ? &c->modules[0] : NULL;
    int err;

    if (multiboot_parse(c->image, c->image_size, img)) {
        log_err("%s: bad hvm kernel image: %s\n", c->name, img->why);
        return -CARAPACE_EINVAL;
    }
    err = multiboot_layout(img, c->memory, m ? m->size : 0,
                           c->cmdline ? strlen(c->cmdline) : 0,
                           m && m->cmdline ? strlen(m->cmdline) : 0, l);
    if (err == -CARAPACE_ENOMEM)
        log_err("%s: %lu MiB is too small for its image and module\n", c->name,
                c->memory >> 20);
    else if (err)
        log_err("%s: memory %lu MiB is outside what an hvm domain takes "
                "(%llu MiB .. %llu MiB)\n",
                c->name, c->memory >> 20, MULTIBOOT_HVM_MIN >> 20,
                MULTIBOOT_HVM_MAX >> 20);
    return err;
}

int hvm_build(const struct builder_config *c, struct domain **out)
{
    struct multiboot_image img;
    struct multiboot_layout l;
    struct domain *d;
    int err;

    if (!arch_hvm_available()) {
        log_err("%s: an hvm domain needs AMD SVM with nested paging, which "
                "this CPU does not offer (QEMU: -cpu max)\n",
                c->name);
        return -CARAPACE_ENOSYS;
    }
    err = hvm_build_layout(c, &img, &l);
    if (err)
        return err;
    err = hvm_build_domain(c, DOMAIN_F_HVM, &img, &l, &d);
    if (err)
        return err;
    err = arch_hvm_vcpu_init(&d->vcpu[0], img.entry, l.info_gpa, l.ram_frames);
    if (err) {
        log_err("%s: cannot set up the hvm domain (error %d)\n", c->name, err);
        goto fail;
    }
    log_info("%s: hvm domain %u built: %lu MiB, Multiboot entry %#lx\n",
             c->name, c->domid, c->memory >> 20, img.entry);
    d->started = true;
    sched_wake(&d->vcpu[0]);
    if (out)
        *out = d;
    return 0;
fail:
    domain_destroy(d);
    return err;
}
