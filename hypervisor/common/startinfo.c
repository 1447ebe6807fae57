/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The start-info tree, built with libfdt's sequential writer. Layout:
 *
 *   / {
 *       #address-cells = <2>;           so that generic device-tree code
 *       #size-cells = <2>;              reads the modules' reg right
 *       compatible = "carapace,start-info-v1";
 *       abi-version = <u32>; domain-id = <u32>; flags = <u32>;
 *       domain-name = "...";
 *       memory-bytes, virt-base, nr-frames, p2m-va, shared-info-va,
 *       pt-base-va, pt-frames, first-free-gfn = <u64>;   two cells each
 *       console = "..."; bootargs = "...";
 *       module@0 {                      one per module, N = its index
 *           compatible = "carapace,module";
 *           reg = <va size>;            64-bit each
 *           bootargs = "...";
 *       };
 *   };
 *
 * Every property is always present (strings possibly ""), so a guest can
 * tell a broken tree from an empty value. Module nodes are named by index,
 * not address: indexes never clash (addresses of empty modules may), and
 * the index is the order the domain builder gave, which the guest wants.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>

#include <carapace/errno.h>

#include "format.h"
#include "startinfo.h"

enum startinfo_kind { STARTINFO_U32, STARTINFO_U64, STARTINFO_STR };

/* One root property: where its value sits in struct startinfo_desc. */
struct startinfo_prop {
    const char *name;
    size_t offset;
    enum startinfo_kind kind;
};

#define STARTINFO_FIELD(f) offsetof(struct startinfo_desc, f)

/* In the order of abi/include/carapace/startinfo.h. */
static const struct startinfo_prop startinfo_props[] = {
    {CARAPACE_SI_ABI, STARTINFO_FIELD(abi_version), STARTINFO_U32},
    {CARAPACE_SI_DOMID, STARTINFO_FIELD(domid), STARTINFO_U32},
    {CARAPACE_SI_FLAGS, STARTINFO_FIELD(flags), STARTINFO_U32},
    {CARAPACE_SI_NAME, STARTINFO_FIELD(name), STARTINFO_STR},
    {CARAPACE_SI_MEMORY, STARTINFO_FIELD(memory_bytes), STARTINFO_U64},
    {CARAPACE_SI_VIRT_BASE, STARTINFO_FIELD(virt_base), STARTINFO_U64},
    {CARAPACE_SI_NR_FRAMES, STARTINFO_FIELD(nr_frames), STARTINFO_U64},
    {CARAPACE_SI_P2M, STARTINFO_FIELD(p2m_va), STARTINFO_U64},
    {CARAPACE_SI_SHARED, STARTINFO_FIELD(shared_info_va), STARTINFO_U64},
    {CARAPACE_SI_PT_BASE, STARTINFO_FIELD(pt_base_va), STARTINFO_U64},
    {CARAPACE_SI_PT_FRAMES, STARTINFO_FIELD(pt_frames), STARTINFO_U64},
    {CARAPACE_SI_FREE_GFN, STARTINFO_FIELD(first_free_gfn), STARTINFO_U64},
    {CARAPACE_SI_CONSOLE, STARTINFO_FIELD(console), STARTINFO_STR},
    {CARAPACE_SI_BOOTARGS, STARTINFO_FIELD(bootargs), STARTINFO_STR},
    {CARAPACE_SI_CONSOLE_GFN, STARTINFO_FIELD(console_gfn), STARTINFO_U64},
    {CARAPACE_SI_CONSOLE_PORT, STARTINFO_FIELD(console_port), STARTINFO_U32},
};

#define STARTINFO_NPROPS (sizeof(startinfo_props) / sizeof(startinfo_props[0]))
#define STARTINFO_FLAGS  (SIF_PRIVILEGED | SIF_INITDOMAIN)
/* "module@" and up to 3 digits: STARTINFO_MAX_MODULES is 256. */
#define STARTINFO_NODE_NAME 16

static const char *startinfo_str(const char *s)
{
    return s ? s : "";
}

/* The string field of property p in d. */
static const char *startinfo_field_str(const struct startinfo_desc *d,
                                       const struct startinfo_prop *p)
{
    const char *s;

    memcpy(&s, (const char *)d + p->offset, sizeof(s));
    return startinfo_str(s);
}

static bool startinfo_str_ok(const char *s)
{
    return strnlen(startinfo_str(s), STARTINFO_MAX_STRING + 1) <=
           STARTINFO_MAX_STRING;
}

static bool startinfo_desc_ok(const struct startinfo_desc *d)
{
    const struct startinfo_module *m;
    unsigned i;

    if (!d || (d->flags & ~STARTINFO_FLAGS) ||
        d->nmodules > STARTINFO_MAX_MODULES || (d->nmodules && !d->modules))
        return false;
    for (i = 0; i < STARTINFO_NPROPS; i++)
        if (startinfo_props[i].kind == STARTINFO_STR &&
            !startinfo_str_ok(startinfo_field_str(d, &startinfo_props[i])))
            return false;
    for (i = 0; i < d->nmodules; i++) {
        m = &d->modules[i];
        /* A module may end exactly at 2^64, not past it. */
        if (!startinfo_str_ok(m->bootargs) ||
            (m->size && m->va + (m->size - 1) < m->va))
            return false;
    }
    return true;
}

/* --- Building --------------------------------------------------------- */

static int startinfo_errcode(int fdt_err)
{
    return fdt_err == -FDT_ERR_NOSPACE ? -CARAPACE_ENOSPC : -CARAPACE_EINVAL;
}

static void startinfo_node_name(char *buf, unsigned i)
{
    format_snprintf(buf, STARTINFO_NODE_NAME, "module@%u", i);
}

static int startinfo_add_prop(void *fdt, const struct startinfo_desc *d,
                              const struct startinfo_prop *p)
{
    const char *field = (const char *)d + p->offset;
    uint32_t v32;
    uint64_t v64;

    switch (p->kind) {
    case STARTINFO_U32:
        memcpy(&v32, field, sizeof(v32));
        return fdt_property_u32(fdt, p->name, v32);
    case STARTINFO_U64:
        memcpy(&v64, field, sizeof(v64));
        return fdt_property_u64(fdt, p->name, v64);
    default:
        return fdt_property_string(fdt, p->name, startinfo_field_str(d, p));
    }
}

static int startinfo_add_root(void *fdt, const struct startinfo_desc *d)
{
    unsigned i;
    int err;

    err = fdt_property_u32(fdt, "#address-cells", 2);
    if (!err)
        err = fdt_property_u32(fdt, "#size-cells", 2);
    if (!err)
        err = fdt_property_string(fdt, "compatible", CARAPACE_SI_COMPATIBLE);
    for (i = 0; !err && i < STARTINFO_NPROPS; i++)
        err = startinfo_add_prop(fdt, d, &startinfo_props[i]);
    return err;
}

static int startinfo_add_module(void *fdt, unsigned i,
                                const struct startinfo_module *m)
{
    char name[STARTINFO_NODE_NAME];
    fdt64_t reg[2] = {cpu_to_fdt64(m->va), cpu_to_fdt64(m->size)};
    int err;

    startinfo_node_name(name, i);
    err = fdt_begin_node(fdt, name);
    if (!err)
        err = fdt_property_string(fdt, "compatible",
                                  CARAPACE_SI_MODULE_COMPATIBLE);
    if (!err)
        err = fdt_property(fdt, "reg", reg, sizeof(reg));
    if (!err)
        err = fdt_property_string(fdt, "bootargs", startinfo_str(m->bootargs));
    return err ? err : fdt_end_node(fdt);
}

int startinfo_build(void *buf, size_t size, const struct startinfo_desc *d)
{
    unsigned i;
    int err;

    if (!buf || ((uintptr_t)buf & 7) || !startinfo_desc_ok(d))
        return -CARAPACE_EINVAL;
    /* libfdt sizes are int; a start-info tree never needs more. */
    err = fdt_create(buf, size > __INT_MAX__ ? __INT_MAX__ : (int)size);
    if (!err)
        err = fdt_finish_reservemap(buf);
    if (!err)
        err = fdt_begin_node(buf, "");
    if (!err)
        err = startinfo_add_root(buf, d);
    for (i = 0; !err && i < d->nmodules; i++)
        err = startinfo_add_module(buf, i, &d->modules[i]);
    if (!err)
        err = fdt_end_node(buf);
    if (!err)
        err = fdt_finish(buf);
    return err ? startinfo_errcode(err) : 0;
}

/* --- Sizing ----------------------------------------------------------- */

static size_t startinfo_align4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

/*
 * A property: tag, length and name offset (12 bytes), the padded value,
 * and its name in the strings block. libfdt stores each name only once; we
 * count it every time, hence "at most".
 */
static size_t startinfo_size_prop(const char *name, size_t len)
{
    return sizeof(struct fdt_property) + startinfo_align4(len) + strlen(name) +
           1;
}

static size_t startinfo_size_module(unsigned i,
                                    const struct startinfo_module *m)
{
    char name[STARTINFO_NODE_NAME];

    startinfo_node_name(name, i);
    /* FDT_BEGIN_NODE + padded name, properties, FDT_END_NODE. */
    return FDT_TAGSIZE + startinfo_align4(strlen(name) + 1) +
           startinfo_size_prop("compatible",
                               sizeof(CARAPACE_SI_MODULE_COMPATIBLE)) +
           startinfo_size_prop("reg", 2 * sizeof(fdt64_t)) +
           startinfo_size_prop("bootargs",
                               strlen(startinfo_str(m->bootargs)) + 1) +
           FDT_TAGSIZE;
}

static size_t startinfo_size_root(const struct startinfo_desc *d)
{
    const struct startinfo_prop *p;
    size_t n, len;
    unsigned i;

    /* FDT_BEGIN_NODE + "" padded, FDT_END_NODE, FDT_END. */
    n = 3 * FDT_TAGSIZE + startinfo_align4(1);
    n += startinfo_size_prop("#address-cells", sizeof(fdt32_t));
    n += startinfo_size_prop("#size-cells", sizeof(fdt32_t));
    n += startinfo_size_prop("compatible", sizeof(CARAPACE_SI_COMPATIBLE));
    for (i = 0; i < STARTINFO_NPROPS; i++) {
        p = &startinfo_props[i];
        if (p->kind == STARTINFO_STR)
            len = strlen(startinfo_field_str(d, p)) + 1;
        else
            len = p->kind == STARTINFO_U32 ? 4 : 8;
        n += startinfo_size_prop(p->name, len);
    }
    return n;
}

size_t startinfo_size(const struct startinfo_desc *d)
{
    size_t n;
    unsigned i;

    if (!startinfo_desc_ok(d))
        return 0;
    /* The header, padded as libfdt does; the reserve map's end marker. */
    n = sizeof(struct fdt_reserve_entry);
    n = (sizeof(struct fdt_header) + n - 1) / n * n + n;
    n += startinfo_size_root(d);
    for (i = 0; i < d->nmodules; i++)
        n += startinfo_size_module(i, &d->modules[i]);
    return n;
}
