/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The builder's hvm half: a domain whose kernel is a Multiboot image (the
 * guest kernel's native build), loaded as the hypervisor's own hvm builder
 * loads a boot-time one (hypervisor/common/hvm_build.c), through the same
 * lib/multiboot.c layout: createdomain with DOMCTL_F_HVM, populate, the
 * image, module and Multiboot information written with write_memory, the
 * console ring set up in the last frame, and setvcpucontext with the entry
 * and the information's address (docs/abi.md, "hvm domains"). A trap
 * domain (DOMCTL_F_TRAP) is built the same way, and entered at the long-mode
 * entry of the image's note, with its boot L4 as l4_gfn ("trap domains").
 * Any failure destroys what was made.
 */
#include <stdio.h>
#include <string.h>

#include <carapace/domctl.h>
#include <carapace/errno.h>

#include "build_priv.h"
#include "multiboot.h"

static int build_hvm_layout(struct build *b, struct multiboot_image *img,
                            struct multiboot_layout *l)
{
    const struct build_params *p = b->p;
    int err;

    if (multiboot_parse(p->kernel, p->kernel_size, img))
        return build_fail(b, BUILD_PARSE, "%s", img->why);
    err =
        multiboot_layout(img, p->memory_bytes, p->ramdisk ? p->ramdisk_size : 0,
                         p->cmdline ? strlen(p->cmdline) : 0, 0, l);
    if (err == -CARAPACE_ENOMEM)
        return build_fail(b, BUILD_PARSE,
                          "%llu MiB is too small for the image and the "
                          "ramdisk",
                          (unsigned long long)(p->memory_bytes >> 20));
    if (err)
        return build_fail(b, BUILD_PARSE, "an hvm domain has %llu to %llu MiB",
                          MULTIBOOT_HVM_MIN >> 20, MULTIBOOT_HVM_MAX >> 20);
    b->l.nr = l->nr; /* what build_memory populates */
    return 0;
}

static int build_hvm_load(struct build *b, const struct multiboot_image *img,
                          const struct multiboot_layout *l)
{
    const struct build_params *p = b->p;
    const char *cmd = p->cmdline ? p->cmdline : "";
    struct multiboot_info info;
    struct multiboot_module mod;

    multiboot_info_fill(l, p->ramdisk ? p->ramdisk_size : 0, &info, &mod);
    if (build_write(b, BUILD_LOAD, img->load_addr,
                    (const char *)p->kernel + img->file_offset,
                    img->load_size) ||
        (l->mod_gpa &&
         build_write(b, BUILD_LOAD, l->mod_gpa, p->ramdisk, p->ramdisk_size)) ||
        build_write(b, BUILD_START_INFO, l->info_gpa, &info, sizeof(info)) ||
        build_write(b, BUILD_START_INFO, l->info_gpa + sizeof(info), &mod,
                    sizeof(mod)) ||
        build_write(b, BUILD_START_INFO, l->cmdline_gpa, cmd,
                    strlen(cmd) + 1) ||
        build_write(b, BUILD_START_INFO, l->mod_cmdline_gpa, "", 1))
        return -1;
    return 0;
}

/* A trap domain enters the kernel in long mode, where its note says, on
 * its own boot page tables (docs/abi.md, "trap domains"). */
static int build_trap_entry(struct build *b, struct multiboot_image *img,
                            struct multiboot_long_entry *le)
{
    const struct build_params *p = b->p;
    int err = multiboot_long_entry(p->kernel, p->kernel_size, img, le);

    if (err == -CARAPACE_ENOENT)
        return build_fail(b, BUILD_PARSE,
                          "the kernel has no long-mode entry note (Carapace "
                          "note 5), which a trap domain enters by");
    if (err)
        return build_fail(b, BUILD_PARSE, "%s", img->why);
    return 0;
}

static int build_hvm_start(struct build *b,
                           const struct multiboot_long_entry *le,
                           const struct multiboot_layout *l)
{
    struct domctl_vcpucontext c = {
        .domid = b->domid,
        .rip = le->entry,
        .start_info = l->info_gpa,
        .shared_gfn = l->shared_gfn,
        .l4_gfn = le->l4 / 4096, /* 0 for an hvm domain */
    };

    if (build_call(b, BUILD_CONTEXT, DOMCTL_setvcpucontext, &c))
        return -1;
    if (b->p->paused)
        return 0;
    return build_call(b, BUILD_UNPAUSE, DOMCTL_unpause,
                      (void *)(uintptr_t)b->domid);
}

int build_hvm(build_domctl_fn domctl, const struct build_params *p,
              struct build_result *r, char *err, size_t errlen)
{
    struct build b = {.domctl = domctl, .p = p, .err = err, .errlen = errlen};
    struct multiboot_long_entry le = {0};
    struct multiboot_image img;
    struct multiboot_layout l;
    int rc;

    b.stage_ns = r->stage_ns;
    build_mark(&b, BUILD_PARSE);
    if (build_hvm_layout(&b, &img, &l))
        return -1;
    le.entry = img.entry;
    if (p->trap && build_trap_entry(&b, &img, &le))
        return -1;
    build_mark(&b, BUILD_PARSE);
    r->entry = le.entry;
    r->hvm_layout = l;
    if (!domctl)
        return 0; /* build_plan */
    if (p->fail_at == BUILD_PARSE)
        return build_fail(&b, BUILD_PARSE, "failed on purpose (--fail-at)");
    rc = build_memory(&b);
    build_mark(&b, BUILD_POPULATE);
    if (!rc)
        rc = build_hvm_load(&b, &img, &l);
    build_mark(&b, BUILD_LOAD);
    if (!rc)
        rc = build_console(&b, l.console_gfn);
    build_mark(&b, BUILD_CONSOLE);
    if (!rc)
        rc = build_hvm_start(&b, &le, &l);
    build_mark(&b, BUILD_CONTEXT);
    if (rc) {
        if (b.domid)
            domctl(DOMCTL_destroy, (void *)(uintptr_t)b.domid);
        return -1;
    }
    r->domid = b.domid;
    r->console_port = b.port;
    return 0;
}
