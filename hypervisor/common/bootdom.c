/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Domains built at boot. Boot module 0 is dom0's kernel. A later module
 * that is a boot configuration (a device tree compatible with
 * "carapace,boot-config") lists further domains, whose kernels and
 * ramdisks are other boot modules named by path. Every module that is
 * neither the configuration nor named by it is dom0's (its ramdisk).
 *
 * A configuration that does not read, or that names a module nobody
 * passed, stops the boot before any domain exists: nothing half-made. A
 * domain that cannot be built (out of memory, a bad image) is reported
 * and skipped; the others are built.
 *
 * failalloc=N (fault injection, frame.h): the Nth frame allocation of
 * building the boot-time domains (dom0's first, then each domU's in
 * order) fails, once. The domain being built then is reported and not
 * built, as if memory had run out, and the log says whether that left
 * anything behind: free frames before and after, the domain table, and
 * frame_check().
 */
#include <stdbool.h>
#include <stddef.h>

#include <carapace/errno.h>
#include <carapace/startinfo.h>

#include "arch.h"
#include "bootcfg.h"
#include "bootdom.h"
#include "bootinfo.h"
#include "builder.h"
#include "cmdline.h"
#include "domain.h"
#include "frame.h"
#include "log.h"

struct bootdom_mods {
    struct bootinfo_module m[BOOTDOM_MODULES_MAX];
    bool used[BOOTDOM_MODULES_MAX]; /* the config, or a domU's */
    int n;
    int cfg; /* the configuration's index, or -1 */
};

/* failalloc=N of the command line: N, or 0 (none, or not a number). */
static uint64_t bootdom_failalloc;

static void bootdom_failalloc_arm(const char *cmdline)
{
    uint64_t n = 0;
    int err = cmdline_get_u64(cmdline, "failalloc", &n);

    if (err == -CARAPACE_ENOENT)
        return;
    if (err || n == 0) {
        log_warn("failalloc: not a number from 1 up; ignored\n");
        return;
    }
    bootdom_failalloc = n;
    log_info("failalloc=%lu: frame allocation %lu of building the boot-time "
             "domains will fail\n",
             (unsigned long)n, (unsigned long)n);
    frame_fault_arm(n);
}

/* Once the armed allocation has failed in the build of c (error err), say
 * what it left behind: nothing, unless something leaks. Then disarm. */
static void bootdom_failalloc_report(const struct builder_config *c, int err,
                                     uint64_t free_before)
{
    struct frame_fault f;
    uint64_t free_after = frame_count_free();

    if (!bootdom_failalloc)
        return;
    frame_fault_get(&f);
    if (!f.fired)
        return;
    log_info("failalloc=%lu: hit building %s (domain %u): error %d; free "
             "frames %lu before, %lu after; the domain %s; frame table %s\n",
             (unsigned long)bootdom_failalloc, c->name, c->domid, err,
             (unsigned long)free_before, (unsigned long)free_after,
             domain_get(c->domid) ? "exists" : "is gone",
             frame_check() ? "inconsistent" : "consistent");
    frame_fault_arm(0);
    bootdom_failalloc = 0;
}

/* Once every domain is built: an armed failure that never came. */
static void bootdom_failalloc_end(void)
{
    struct frame_fault f;

    if (!bootdom_failalloc)
        return;
    frame_fault_get(&f);
    log_info("failalloc=%lu: building the boot-time domains took only %lu "
             "frame allocations; none failed\n",
             (unsigned long)bootdom_failalloc, (unsigned long)f.allocs);
    frame_fault_arm(0);
    bootdom_failalloc = 0;
}

static int bootdom_build(const struct builder_config *c)
{
    uint64_t free_before = frame_count_free();
    struct frame_fault f;
    int err;

    /* Where each domain's allocations start: what a test's N aims at
     * (small objects come from shared slabs, so a domain's first
     * allocation is not always a frame). */
    frame_fault_get(&f);
    if (bootdom_failalloc && !f.fired)
        log_info("failalloc: building %s starts after allocation %lu\n",
                 c->name, (unsigned long)f.allocs);
    err = builder_build(c, NULL);
    bootdom_failalloc_report(c, err, free_before);
    return err;
}

/* A module's command line is "path args": the guest gets the args. */
static const char *bootdom_args(const char *cmdline)
{
    while (*cmdline && *cmdline != ' ')
        cmdline++;
    while (*cmdline == ' ')
        cmdline++;
    return cmdline;
}

static struct builder_module bootdom_module(const struct bootinfo_module *m)
{
    return (struct builder_module){arch_phys_to_virt(m->start), m->size,
                                   m->cmdline};
}

static int bootdom_dom0_mem(const char *cmdline, uint64_t *mem)
{
    char val[32];
    int err = cmdline_get_u64(cmdline, "dom0_mem", mem);

    if (err == -CARAPACE_ENOENT) {
        *mem = BOOTDOM_DOM0_MEM;
        return 0;
    }
    if (err) {
        cmdline_get(cmdline, "dom0_mem", val, sizeof(val));
        log_err("dom0_mem=%s: not a size (write it like 64M or 1G)\n", val);
    }
    return err;
}

static int bootdom_read_modules(const void *fdt, struct bootdom_mods *mods)
{
    int n = bootinfo_module_count(fdt);

    if (n < 0)
        return n;
    if (n > BOOTDOM_MODULES_MAX) {
        log_err("Boot: %d modules, at most %d are read\n", n,
                BOOTDOM_MODULES_MAX);
        return -CARAPACE_E2BIG;
    }
    for (int i = 0; i < n; i++) {
        int err = bootinfo_module_get(fdt, i, &mods->m[i]);

        if (err)
            return err;
        mods->used[i] = false;
    }
    mods->n = n;
    mods->cfg = -1;
    return 0;
}

/* The module a domain names: index, or -ENOENT after saying so. A module
 * no other domain took yet comes first; failing that, several domains
 * share one (the builder only reads it), but never the configuration. */
static int bootdom_find(struct bootdom_mods *mods, const char *dom,
                        const char *what, const char *ref)
{
    int shared = -1;

    for (int i = 1; i < mods->n; i++) {
        if (!mods->m[i].cmdline || i == mods->cfg ||
            !bootcfg_module_matches(mods->m[i].cmdline, ref))
            continue;
        if (!mods->used[i]) {
            mods->used[i] = true;
            return i;
        }
        if (shared < 0)
            shared = i;
    }
    if (shared >= 0)
        return shared;
    log_err("Boot configuration: /domains/%s: %s = \"%s\": no such boot "
            "module (pass it with -initrd, after dom0's kernel)\n",
            dom, what, ref);
    return -CARAPACE_ENOENT;
}

/* The configuration among modules 1.., if any: the number of domains it
 * lists (their modules resolved and marked used), or a negative errno. */
static int bootdom_config(struct bootdom_mods *mods,
                          struct bootcfg_domain *doms, int *kernel,
                          int *ramdisk)
{
    char err[160];
    int cfg = -1, n = 0;

    for (int i = 1; i < mods->n; i++) {
        if (!bootcfg_is_config(arch_phys_to_virt(mods->m[i].start),
                               mods->m[i].size))
            continue;
        if (cfg >= 0) {
            log_err("Boot configuration: modules %d and %d are both one; "
                    "pass one\n",
                    cfg, i);
            return -CARAPACE_EINVAL;
        }
        cfg = i;
    }
    if (cfg < 0)
        return 0;
    mods->used[cfg] = true;
    mods->cfg = cfg;
    n = bootcfg_parse(arch_phys_to_virt(mods->m[cfg].start), mods->m[cfg].size,
                      doms, BOOTCFG_MAX_DOMAINS, err, sizeof(err));
    if (n < 0) {
        log_err("Boot configuration (module %d, %s): %s\n", cfg,
                mods->m[cfg].cmdline ? mods->m[cfg].cmdline : "", err);
        return n;
    }
    for (int d = 0; d < n; d++) {
        kernel[d] = bootdom_find(mods, doms[d].name, "kernel", doms[d].kernel);
        ramdisk[d] = doms[d].ramdisk ? bootdom_find(mods, doms[d].name,
                                                    "ramdisk", doms[d].ramdisk)
                                     : -1;
        /* Not -ENOENT: that would read as "no boot module at all". */
        if (kernel[d] < 0 || (doms[d].ramdisk && ramdisk[d] < 0))
            return -CARAPACE_EINVAL;
    }
    return n;
}

static int bootdom_dom0(struct bootdom_mods *mods, uint64_t mem)
{
    static struct builder_module extra[BOOTDOM_MODULES_MAX];
    const struct bootinfo_module *k = &mods->m[0];
    struct builder_config c = {
        .domid = 0,
        .name = "dom0",
        .flags = SIF_PRIVILEGED | SIF_INITDOMAIN,
        .memory = mem,
        .image = arch_phys_to_virt(k->start),
        .image_size = k->size,
        .cmdline = bootdom_args(k->cmdline ? k->cmdline : ""),
        .modules = extra,
    };

    for (int i = 1; i < mods->n; i++)
        if (!mods->used[i])
            extra[c.nmodules++] = bootdom_module(&mods->m[i]);
    int err = bootdom_build(&c);

    /* -ENOENT means "no dom0 kernel at all" to the caller, not a build
     * step that found something missing. */
    return err == -CARAPACE_ENOENT ? -CARAPACE_EINVAL : err;
}

/* A boot-time domain; a failure is reported and the boot goes on. */
static void bootdom_domu(const struct bootdom_mods *mods, uint32_t id,
                         const struct bootcfg_domain *d, int kernel,
                         int ramdisk)
{
    const struct bootinfo_module *k = &mods->m[kernel];
    struct builder_module rd;
    struct builder_config c = {
        .domid = id,
        .name = d->name,
        .memory = d->memory_mib << 20,
        .image = arch_phys_to_virt(k->start),
        .image_size = k->size,
        .cmdline = d->bootargs ? d->bootargs : bootdom_args(k->cmdline),
        .modules = &rd,
        .hvm = d->hvm,
        .trap = d->trap,
        .umip_off = d->umip_off,
        .console_serial = d->console_serial,
    };

    if (ramdisk >= 0) {
        rd = bootdom_module(&mods->m[ramdisk]);
        c.nmodules = 1;
    }
    int err = bootdom_build(&c);

    if (err)
        log_err("Boot configuration: domain %u (%s) not built (error %d); "
                "going on\n",
                id, d->name, err);
}

int bootdom_start(const void *fdt, const char *cmdline)
{
    static struct bootdom_mods mods;
    static struct bootcfg_domain doms[BOOTCFG_MAX_DOMAINS];
    static int kernel[BOOTCFG_MAX_DOMAINS], ramdisk[BOOTCFG_MAX_DOMAINS];
    uint64_t mem;
    int n, err;

    err = bootdom_read_modules(fdt, &mods);
    if (err)
        return err;
    if (mods.n < 1)
        return -CARAPACE_ENOENT;
    err = bootdom_dom0_mem(cmdline, &mem);
    if (err)
        return err;
    n = bootdom_config(&mods, doms, kernel, ramdisk);
    if (n < 0)
        return n;
    bootdom_failalloc_arm(cmdline);
    err = bootdom_dom0(&mods, mem);
    if (err)
        return err;
    for (int d = 0; d < n; d++)
        bootdom_domu(&mods, (uint32_t)d + 1, &doms[d], kernel[d], ramdisk[d]);
    bootdom_failalloc_end();
    return 0;
}
