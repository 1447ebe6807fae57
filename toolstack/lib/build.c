/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The domain builder (build.h), in dom0's user space. The steps:
 *
 *   1. parse the image; lay out the domain, in guest frames:
 *        [image][start info x2][shared info][p2m][page tables][stack x4]
 *        [console ring][ramdisk][free ...]
 *   2. DOMCTL_createdomain (paused, no memory), DOMCTL_set_max_mem,
 *      DOMCTL_populate (zeroed frames 0 .. nr-1), DOMCTL_getp2m;
 *   3. DOMCTL_write_memory: the image's segments (BSS is already zero),
 *      each in one call: dom0's kernel hands our pages to the hypervisor
 *      as DOMCTL_copy segments, so nothing is bounced through it;
 *   4. DOMCTL_console_setup on the ring frame (its event channel port);
 *   5. the start-info tree (libfdt), the p2m list, the shared-info page
 *      (events masked), the ramdisk;
 *   6. the initial page tables, built here as data: every frame mapped at
 *      virt_base + gfn * 4096, present, user, writable except the table
 *      frames themselves; the L4 first, then each lower table as the walk
 *      first needs it; written with DOMCTL_write_memory;
 *   7. DOMCTL_setvcpucontext (the hypervisor pins and validates the L4,
 *      fills the hypercall page) and DOMCTL_unpause.
 *
 * Any failure after the domain exists destroys it (DOMCTL_destroy), which
 * gives back every frame.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <carapace/abi.h>
#include <carapace/domctl.h>
#include <carapace/errno.h>
#include <carapace/mmu.h>
#include <carapace/shared.h>
#include <carapace/startinfo.h>

#include "build.h"
#include "build_priv.h"
#include "elf.h"
#include "uapi/sys.h"

#define PAGE        DOMLAYOUT_PAGE
#define TABLE_FLAGS (MMU_PTE_PRESENT | MMU_PTE_WRITE | MMU_PTE_USER)

static const char *const build_steps[BUILD_NSTEPS] = {
    "image",       "createdomain",   "set_max_mem",   "populate",
    "getp2m",      "load",           "console_setup", "start info",
    "page tables", "setvcpucontext", "unpause",
};

const char *build_step_name(enum build_step s)
{
    return (unsigned)s < BUILD_NSTEPS ? build_steps[s] : "?";
}

int build_fail(struct build *b, enum build_step s, const char *fmt, ...)
{
    char why[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    snprintf(b->err, b->errlen, "%s: %s", build_steps[s], why);
    return -1;
}

/* Populating failed for want of memory: say how much was asked for and how
 * much the hypervisor had free just before (after the failure the partly
 * populated domain holds it), not just the errno text. */
static int build_populate_fail(struct build *b, enum build_step s, long rc)
{
    if (b->free_before == UINT64_MAX)
        return build_fail(b, s, "%s", strerror((int)-rc));
    uint64_t need = b->l.nr * PAGE, have = b->free_before * PAGE;
    /* MiB, as the config says; KiB for a domain smaller than that. */
    bool kib = need < (1u << 20);

    return build_fail(b, s,
                      "not enough free memory: %llu %s needed, %llu %s "
                      "(%llu frames) free",
                      (unsigned long long)(need >> (kib ? 10 : 20)),
                      kib ? "KiB" : "MiB",
                      (unsigned long long)(have >> (kib ? 10 : 20)),
                      kib ? "KiB" : "MiB", (unsigned long long)b->free_before);
}

/* Why step s failed with rc: dom0's kernel refuses a console it cannot
 * serve, and says which of its limits it hit. */
static int build_call_fail(struct build *b, enum build_step s, long rc)
{
    if (s == BUILD_CONSOLE && rc == -SYS_ENOSPC)
        return build_fail(b, s,
                          "dom0's console back end is full: it serves at "
                          "most %d domains at once",
                          SYS_DOMCONS_MAX);
    if (s == BUILD_CONSOLE && rc == -SYS_ENOMEM)
        return build_fail(b, s,
                          "dom0 has no memory left for its console history "
                          "(64 KiB per domain)");
    if (s == BUILD_CREATE && rc == -SYS_ENOSYS && b->p->hvm)
        return build_fail(b, s,
                          "the CPU has no SVM with nested paging: hvm domains "
                          "cannot run here (QEMU: -cpu max)");
    if (s == BUILD_POPULATE &&
        (rc == -CARAPACE_ENOSPC || rc == -CARAPACE_ENOMEM))
        return build_populate_fail(b, s, rc);
    return build_fail(b, s, "%s", strerror((int)-rc));
}

void build_mark(struct build *b, enum build_step s)
{
    uint64_t now;

    if (!b->p->clock || !b->stage_ns)
        return;
    now = b->p->clock();
    if (b->mark)
        b->stage_ns[s] += now - b->mark;
    b->mark = now;
}

int build_call(struct build *b, enum build_step s, uint64_t op, void *arg)
{
    long rc;

    if (b->p->fail_at == (int)s)
        return build_fail(b, s, "failed on purpose (--fail-at)");
    rc = b->domctl(op, arg);
    if (rc < 0)
        return build_call_fail(b, s, rc);
    return 0;
}

static uint64_t gva(const struct build *b, uint64_t gfn)
{
    return b->l.virt_base + gfn * PAGE;
}

static int build_layout(struct build *b)
{
    uint64_t mods = domlayout_pages(b->p->ramdisk ? b->p->ramdisk_size : 0);
    int err = domlayout_compute(&b->l, b->p->memory_bytes, b->img.virt_base,
                                b->img.hi, true, mods);

    if (err == -CARAPACE_EINVAL)
        return build_fail(b, BUILD_PARSE, "memory is not whole pages");
    if (err == -CARAPACE_ENOMEM)
        return build_fail(b, BUILD_PARSE,
                          "%llu MiB is too small: the image, the ramdisk and "
                          "the boot data need %llu KiB",
                          (unsigned long long)(b->p->memory_bytes >> 20),
                          (unsigned long long)(b->l.free_gfn * 4));
    if (err)
        return build_fail(b, BUILD_PARSE,
                          "memory would reach past the lower half");
    return 0;
}

int build_write(struct build *b, enum build_step s, uint64_t gpa,
                const void *src, uint64_t len)
{
    const uint8_t *p = src;

    while (len) {
        uint64_t n = len < SYS_DOMCTL_WRITE_MAX ? len : SYS_DOMCTL_WRITE_MAX;
        struct domctl_write w = {.domid = b->domid,
                                 .gpa = gpa,
                                 .len = n,
                                 .buf = (uint64_t)(uintptr_t)p};

        if (build_call(b, s, DOMCTL_write_memory, &w))
            return -1;
        gpa += n;
        p += n;
        len -= n;
    }
    return 0;
}

int build_memory(struct build *b)
{
    struct domctl_createdomain cd = {.max_memory_bytes = b->p->memory_bytes,
                                     .flags = b->p->hvm    ? DOMCTL_F_HVM
                                              : b->p->trap ? DOMCTL_F_TRAP
                                                           : 0};
    struct domctl_memory m = {.nr_frames = b->l.nr};
    struct domctl_physinfo pi;

    snprintf(cd.name, sizeof(cd.name), "%s", b->p->name);
    if (build_call(b, BUILD_CREATE, DOMCTL_createdomain, &cd))
        return -1;
    b->domid = cd.domid;
    m.domid = b->domid;
    memset(&pi, 0, sizeof(pi));
    b->free_before =
        b->domctl(DOMCTL_physinfo, &pi) < 0 ? UINT64_MAX : pi.free_frames;
    if (build_call(b, BUILD_MAX_MEM, DOMCTL_set_max_mem, &m) ||
        build_call(b, BUILD_POPULATE, DOMCTL_populate, &m))
        return -1;
    if (b->p->hvm || b->p->trap)
        return 0; /* its tables are its own (and the hypervisor's) */
    b->p2m = calloc(b->l.p2m_frames, PAGE);
    if (!b->p2m)
        return build_fail(b, BUILD_P2M, "out of memory in dom0");
    for (uint64_t g = 0; g < b->l.nr; g += DOMCTL_P2M_MAX) {
        struct domctl_p2m q = {
            .domid = b->domid,
            .start = g,
            .count =
                b->l.nr - g < DOMCTL_P2M_MAX ? b->l.nr - g : DOMCTL_P2M_MAX,
            .buf = (uint64_t)(uintptr_t)(b->p2m + g),
        };

        if (build_call(b, BUILD_P2M, DOMCTL_getp2m, &q))
            return -1;
    }
    return 0;
}

static int build_load(struct build *b)
{
    struct elf_segment s;

    for (int i = 0; i < elf_segment_count(&b->img); i++) {
        if (elf_segment_get(&b->img, i, &s))
            return build_fail(b, BUILD_LOAD, "segment %d changed", i);
        if (s.filesz && build_write(b, BUILD_LOAD, s.vaddr - b->l.virt_base,
                                    s.data, s.filesz))
            return -1;
    }
    if (b->p->ramdisk && b->p->ramdisk_size &&
        build_write(b, BUILD_LOAD, b->l.mod_gfn * PAGE, b->p->ramdisk,
                    b->p->ramdisk_size))
        return -1;
    return 0;
}

int build_console(struct build *b, uint64_t gfn)
{
    struct domctl_console c = {.domid = b->domid, .gfn = gfn};
    uint64_t op = DOMCTL_console_setup;

    if (b->p->console_later)
        op |= SYS_DOMCTL_CONSOLE_LATER; /* dom0's kernel: attach later */
    if (build_call(b, BUILD_CONSOLE, op, &c))
        return -1;
    b->port = c.port;
    return 0;
}

static int build_fdt(struct build *b, void *fdt, int size)
{
    const struct domlayout *l = &b->l;
    /* No name de-duplication: each property would search the strings
     * block for its name; the few repeated names cost bytes, not time. */
    int e = fdt_create_with_flags(fdt, size, FDT_CREATE_FLAG_NO_NAME_DEDUP);

    e = e ? e : fdt_finish_reservemap(fdt);
    e = e ? e : fdt_begin_node(fdt, "");
    e = e ? e : fdt_property_u32(fdt, "#address-cells", 2);
    e = e ? e : fdt_property_u32(fdt, "#size-cells", 2);
    e = e ? e : fdt_property_string(fdt, "compatible", CARAPACE_SI_COMPATIBLE);
    e = e ? e : fdt_property_u32(fdt, CARAPACE_SI_ABI, CARAPACE_ABI_VERSION);
    e = e ? e : fdt_property_u32(fdt, CARAPACE_SI_DOMID, b->domid);
    e = e ? e : fdt_property_u32(fdt, CARAPACE_SI_FLAGS, 0);
    e = e ? e : fdt_property_string(fdt, CARAPACE_SI_NAME, b->p->name);
    e = e ? e : fdt_property_u64(fdt, CARAPACE_SI_MEMORY, l->nr * PAGE);
    e = e ? e : fdt_property_u64(fdt, CARAPACE_SI_VIRT_BASE, l->virt_base);
    e = e ? e : fdt_property_u64(fdt, CARAPACE_SI_NR_FRAMES, l->nr);
    e = e ? e : fdt_property_u64(fdt, CARAPACE_SI_P2M, gva(b, l->p2m_gfn));
    e = e ? e
          : fdt_property_u64(fdt, CARAPACE_SI_SHARED, gva(b, l->shared_gfn));
    e = e ? e : fdt_property_u64(fdt, CARAPACE_SI_PT_BASE, gva(b, l->pt_gfn));
    e = e ? e : fdt_property_u64(fdt, CARAPACE_SI_PT_FRAMES, l->pt_frames);
    e = e ? e : fdt_property_u64(fdt, CARAPACE_SI_FREE_GFN, l->free_gfn);
    e = e ? e : fdt_property_string(fdt, CARAPACE_SI_CONSOLE, "ring");
    e = e ? e
          : fdt_property_string(fdt, CARAPACE_SI_BOOTARGS,
                                b->p->cmdline ? b->p->cmdline : "");
    e = e ? e : fdt_property_u64(fdt, CARAPACE_SI_CONSOLE_GFN, l->console_gfn);
    e = e ? e : fdt_property_u32(fdt, CARAPACE_SI_CONSOLE_PORT, b->port);
    if (!e && b->p->ramdisk) {
        fdt64_t reg[2] = {cpu_to_fdt64(gva(b, l->mod_gfn)),
                          cpu_to_fdt64(b->p->ramdisk_size)};

        e = fdt_begin_node(fdt, "module@0");
        e = e ? e
              : fdt_property_string(fdt, "compatible",
                                    CARAPACE_SI_MODULE_COMPATIBLE);
        e = e ? e : fdt_property(fdt, "reg", reg, sizeof(reg));
        e = e ? e : fdt_property_string(fdt, "bootargs", "");
        e = e ? e : fdt_end_node(fdt);
    }
    e = e ? e : fdt_end_node(fdt);
    e = e ? e : fdt_finish(fdt);
    return e;
}

static int build_boot_data(struct build *b)
{
    static uint64_t fdt[DOMLAYOUT_SI_FRAMES * PAGE / 8];
    static struct shared_info shared;
    int e;

    memset(fdt, 0, sizeof(fdt));
    e = build_fdt(b, fdt, sizeof(fdt));
    if (e)
        return build_fail(b, BUILD_START_INFO, "%s", fdt_strerror(e));
    memset(&shared, 0, sizeof(shared));
    shared.vcpu[0].upcall_mask = 1; /* events masked at start */
    /* The frames are zero already (populate): the tree's own bytes are
     * enough. */
    if (build_write(b, BUILD_START_INFO, b->l.si_gfn * PAGE, fdt,
                    fdt_totalsize(fdt)) ||
        build_write(b, BUILD_START_INFO, b->l.shared_gfn * PAGE, &shared,
                    sizeof(shared)) ||
        build_write(b, BUILD_START_INFO, b->l.p2m_gfn * PAGE, b->p2m,
                    b->l.nr * 8))
        return -1;
    return 0;
}

/* The L1 table (an index into t) that maps va, made as the walk first
 * needs each table; -1 if there are more than counted. */
static int64_t build_l1(struct build *b, uint64_t *t, uint64_t va,
                        uint64_t *next)
{
    const struct domlayout *l = &b->l;
    uint64_t table = 0;

    for (int level = 4; level > 1; level--) {
        uint64_t *e = &t[table * 512 + ((va >> (12 + 9 * (level - 1))) & 511)];

        if (!(*e & MMU_PTE_PRESENT)) {
            if (*next == l->pt_frames)
                return -1;
            *e = (b->p2m[l->pt_gfn + *next] << 12) | TABLE_FLAGS;
            table = (*next)++;
        } else {
            uint64_t mfn = (*e & MMU_PTE_ADDR) >> 12;

            /* Tables are few: find the one this entry points to. */
            for (table = 0; table < *next; table++)
                if (b->p2m[l->pt_gfn + table] == mfn)
                    break;
        }
    }
    return (int64_t)table;
}

/* The page tables, as data: tables[i] is guest frame pt_gfn + i. The walk
 * is made once per 2 MiB (one L1 table's worth), not once per frame. */
static int build_tables(struct build *b)
{
    const struct domlayout *l = &b->l;
    uint64_t *t = calloc(l->pt_frames, PAGE), next = 1, l1_va = UINT64_MAX;
    int64_t l1 = 0;
    int rc;

    if (!t)
        return build_fail(b, BUILD_PAGE_TABLES, "out of memory in dom0");
    for (uint64_t g = 0; g < l->nr; g++) {
        uint64_t va = l->virt_base + g * PAGE;
        bool is_pt = g >= l->pt_gfn && g < l->pt_gfn + l->pt_frames;

        if ((va >> 21) != l1_va) {
            l1 = build_l1(b, t, va, &next);
            l1_va = va >> 21;
        }
        if (l1 < 0) {
            free(t);
            return build_fail(b, BUILD_PAGE_TABLES, "more tables than counted");
        }
        t[l1 * 512 + ((va >> 12) & 511)] = (b->p2m[g] << 12) | MMU_PTE_PRESENT |
                                           MMU_PTE_USER |
                                           (is_pt ? 0 : MMU_PTE_WRITE);
    }
    rc = build_write(b, BUILD_PAGE_TABLES, l->pt_gfn * PAGE, t,
                     l->pt_frames * PAGE);
    free(t);
    return rc;
}

static int build_start(struct build *b)
{
    const struct domlayout *l = &b->l;
    struct domctl_vcpucontext c = {
        .domid = b->domid,
        .rip = b->img.entry,
        .rsp = gva(b, l->stack_gfn + DOMLAYOUT_STACK_FRAMES),
        .start_info = gva(b, l->si_gfn),
        .l4_gfn = l->pt_gfn,
        .shared_gfn = l->shared_gfn,
        .hypercall_gfn = (b->img.hypercall_page - l->virt_base) / PAGE,
    };

    if (build_call(b, BUILD_CONTEXT, DOMCTL_setvcpucontext, &c))
        return -1;
    if (b->p->paused)
        return 0;
    return build_call(b, BUILD_UNPAUSE, DOMCTL_unpause,
                      (void *)(uintptr_t)b->domid);
}

int build_plan(const struct build_params *p, struct build_result *r, char *err,
               size_t errlen)
{
    struct build b = {.p = p, .err = err, .errlen = errlen};

    memset(r, 0, sizeof(*r));
    if (p->hvm || p->trap)
        return build_hvm(NULL, p, r, err, errlen);
    if (elf_parse(p->kernel, p->kernel_size, &b.img))
        return build_fail(&b, BUILD_PARSE, "%s", b.img.why);
    if (build_layout(&b))
        return -1;
    r->layout = b.l;
    r->entry = b.img.entry;
    r->abi_version = b.img.abi_version;
    return 0;
}

int build_domain(build_domctl_fn domctl, const struct build_params *p,
                 struct build_result *r, char *err, size_t errlen)
{
    struct build b = {.domctl = domctl, .p = p, .err = err, .errlen = errlen};
    int rc;

    memset(r, 0, sizeof(*r));
    if (p->hvm || p->trap)
        return build_hvm(domctl, p, r, err, errlen);
    b.stage_ns = r->stage_ns;
    build_mark(&b, BUILD_PARSE);
    if (elf_parse(p->kernel, p->kernel_size, &b.img))
        return build_fail(&b, BUILD_PARSE, "%s", b.img.why);
    if (build_layout(&b))
        return -1;
    if (p->fail_at == BUILD_PARSE)
        return build_fail(&b, BUILD_PARSE, "failed on purpose (--fail-at)");
    build_mark(&b, BUILD_PARSE);
    rc = build_memory(&b);
    build_mark(&b, BUILD_POPULATE);
    if (!rc)
        rc = build_load(&b);
    build_mark(&b, BUILD_LOAD);
    if (!rc)
        rc = build_console(&b, b.l.console_gfn);
    build_mark(&b, BUILD_CONSOLE);
    if (!rc)
        rc = build_boot_data(&b);
    build_mark(&b, BUILD_START_INFO);
    if (!rc)
        rc = build_tables(&b);
    build_mark(&b, BUILD_PAGE_TABLES);
    if (!rc)
        rc = build_start(&b);
    build_mark(&b, BUILD_CONTEXT);
    free(b.p2m);
    if (rc) {
        if (b.domid)
            domctl(DOMCTL_destroy, (void *)(uintptr_t)b.domid);
        return -1;
    }
    r->domid = b.domid;
    r->console_port = b.port;
    r->layout = b.l;
    return 0;
}
