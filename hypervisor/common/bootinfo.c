/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Boot information as a flattened device tree, built and read with libfdt.
 *
 * Why a device tree: it is a self-describing, bounds-checked container that
 * a later stage (or dom0) can read without our structs, and libfdt already
 * validates it. The layout, all numbers 64-bit (2 cells):
 *
 *   / {
 *       #address-cells = <2>;
 *       #size-cells = <2>;
 *       compatible = "carapace,bootinfo-v1";
 *       chosen {
 *           #address-cells = <2>;
 *           #size-cells = <2>;
 *           bootargs = "...";            hypervisor command line
 *           carapace,loader = "...";     e.g. "multiboot"
 *           module@START {               one per module, in loader order
 *               compatible = "multiboot,module";
 *               reg = <START SIZE>;
 *               bootargs = "...";        the module's own command line
 *           };
 *       };
 *       memory@START {                   START of the first range; the node
 *           device_type = "memory";      is absent when there is no RAM
 *           reg = <START SIZE>, ...;     usable RAM, in loader order
 *       };
 *       reserved-memory {                absent when nothing is reserved
 *           reg = <START SIZE>, ...;     loader-reported reserved ranges
 *       };
 *   };
 *
 * Reserved ranges are one reg list rather than one child node per range:
 * firmware may report the same start twice, which would give two children
 * the same name, and a list reads back in constant time per index.
 * Strings are always present (possibly ""), so a reader can tell a
 * truncated tree from an empty command line.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>

#include <carapace/errno.h>

#include "bootinfo.h"
#include "fdtcheck.h"
#include "format.h"
#include "log.h"

/* Bytes of one (start, size) pair: two 64-bit numbers. */
#define BOOTINFO_PAIR 16

/* Longest dump line; longer values continue on the next line. */
#define BOOTINFO_LINE 96
/* Deeper nodes are still dumped, just not indented further. */
#define BOOTINFO_MAX_INDENT 8

/* --- Building --------------------------------------------------------- */

/* One of our libfdt errors as an errcode. */
static int bootinfo_errcode(int fdt_err)
{
    return fdt_err == -FDT_ERR_NOSPACE ? -CARAPACE_ENOSPC : -CARAPACE_EINVAL;
}

static const char *bootinfo_str(const char *s)
{
    return s ? s : "";
}

/* A range must not wrap past 2^64 (ending exactly at 2^64 is fine). */
static bool bootinfo_range_ok(uint64_t start, uint64_t size)
{
    return size == 0 || start + (size - 1) >= start;
}

static bool bootinfo_ranges_ok(const struct bootinfo_range *r, unsigned n)
{
    unsigned i;

    /* n pairs must fit libfdt's int property length. */
    if ((n && !r) || n > __INT_MAX__ / BOOTINFO_PAIR)
        return false;
    for (i = 0; i < n; i++)
        if (!bootinfo_range_ok(r[i].start, r[i].size))
            return false;
    return true;
}

static bool bootinfo_desc_ok(const struct bootinfo_desc *d)
{
    unsigned i;

    if (!d || !bootinfo_ranges_ok(d->ram, d->nram) ||
        !bootinfo_ranges_ok(d->reserved, d->nreserved) ||
        (d->nmodules && !d->modules))
        return false;
    for (i = 0; i < d->nmodules; i++)
        if (!bootinfo_range_ok(d->modules[i].start, d->modules[i].size))
            return false;
    return true;
}

/* Add reg = <start size>, ... with one pair per range. */
static int bootinfo_add_reg(void *fdt, const struct bootinfo_range *r,
                            unsigned n)
{
    void *val;
    char *p;
    unsigned i;
    int err;

    err = fdt_property_placeholder(fdt, "reg", (int)(n * BOOTINFO_PAIR), &val);
    if (err)
        return err;
    /* fdt64_st: property data is only 4-byte aligned. */
    for (i = 0, p = val; i < n; i++, p += BOOTINFO_PAIR) {
        fdt64_st(p, r[i].start);
        fdt64_st(p + 8, r[i].size);
    }
    return 0;
}

static int bootinfo_add_cells(void *fdt)
{
    int err = fdt_property_u32(fdt, "#address-cells", 2);

    return err ? err : fdt_property_u32(fdt, "#size-cells", 2);
}

/* Begin the node "base@start". */
static int bootinfo_begin_unit(void *fdt, const char *base, uint64_t start)
{
    char name[40];

    format_snprintf(name, sizeof(name), "%s@%llx", base,
                    (unsigned long long)start);
    return fdt_begin_node(fdt, name);
}

static int bootinfo_add_module(void *fdt, const struct bootinfo_module *m)
{
    struct bootinfo_range r = {m->start, m->size};
    int err;

    err = bootinfo_begin_unit(fdt, "module", m->start);
    if (!err)
        err = fdt_property_string(fdt, "compatible", "multiboot,module");
    if (!err)
        err = bootinfo_add_reg(fdt, &r, 1);
    if (!err)
        err = fdt_property_string(fdt, "bootargs", bootinfo_str(m->cmdline));
    return err ? err : fdt_end_node(fdt);
}

static int bootinfo_add_chosen(void *fdt, const struct bootinfo_desc *d)
{
    unsigned i;
    int err;

    err = fdt_begin_node(fdt, "chosen");
    if (!err)
        err = bootinfo_add_cells(fdt);
    if (!err)
        err = fdt_property_string(fdt, "bootargs", bootinfo_str(d->cmdline));
    if (!err)
        err = fdt_property_string(fdt, "carapace,loader",
                                  bootinfo_str(d->loader));
    for (i = 0; !err && i < d->nmodules; i++)
        err = bootinfo_add_module(fdt, &d->modules[i]);
    return err ? err : fdt_end_node(fdt);
}

static int bootinfo_add_memory(void *fdt, const struct bootinfo_desc *d)
{
    int err;

    if (!d->nram)
        return 0;
    err = bootinfo_begin_unit(fdt, "memory", d->ram[0].start);
    if (!err)
        err = fdt_property_string(fdt, "device_type", "memory");
    if (!err)
        err = bootinfo_add_reg(fdt, d->ram, d->nram);
    return err ? err : fdt_end_node(fdt);
}

static int bootinfo_add_reserved(void *fdt, const struct bootinfo_desc *d)
{
    int err;

    if (!d->nreserved)
        return 0;
    err = fdt_begin_node(fdt, "reserved-memory");
    if (!err)
        err = bootinfo_add_reg(fdt, d->reserved, d->nreserved);
    return err ? err : fdt_end_node(fdt);
}

int bootinfo_build(void *fdt, size_t size, const struct bootinfo_desc *d)
{
    int err;

    if (!fdt || ((uintptr_t)fdt & 7) || !bootinfo_desc_ok(d))
        return -CARAPACE_EINVAL;
    /* libfdt sizes are int; a boot info tree never needs more. */
    err = fdt_create(fdt, size > __INT_MAX__ ? __INT_MAX__ : (int)size);
    if (!err)
        err = fdt_finish_reservemap(fdt);
    if (!err)
        err = fdt_begin_node(fdt, "");
    if (!err)
        err = bootinfo_add_cells(fdt);
    if (!err)
        err = fdt_property_string(fdt, "compatible", BOOTINFO_COMPATIBLE);
    if (!err)
        err = bootinfo_add_chosen(fdt, d);
    if (!err)
        err = bootinfo_add_memory(fdt, d);
    if (!err)
        err = bootinfo_add_reserved(fdt, d);
    if (!err)
        err = fdt_end_node(fdt);
    if (!err)
        err = fdt_finish(fdt);
    return err ? bootinfo_errcode(err) : 0;
}

/* --- Reading ---------------------------------------------------------- */

/*
 * Whether fdt is a sound tree of our format. Every reader starts here:
 * libfdt's lookups report some corruption as a mere "not found", so only a
 * check of the whole structure first lets a reader promise an error rather
 * than a partial answer. Trees are a few KiB, read a few times at boot.
 */
static int bootinfo_valid(const void *fdt)
{
    /* The header check first: fdtcheck_sound trusts totalsize. */
    if (!fdt || ((uintptr_t)fdt & 7) || fdt_check_header(fdt) ||
        !fdtcheck_sound(fdt, fdt_totalsize(fdt)))
        return -CARAPACE_EINVAL;
    if (fdt_node_check_compatible(fdt, 0, BOOTINFO_COMPATIBLE) != 0 ||
        fdt_address_cells(fdt, 0) != 2 || fdt_size_cells(fdt, 0) != 2)
        return -CARAPACE_EINVAL;
    return 0;
}

/* The offset of the node at path: -ENOENT if none, -EINVAL if malformed. */
static int bootinfo_node(const void *fdt, const char *path)
{
    int node;

    if (bootinfo_valid(fdt))
        return -CARAPACE_EINVAL;
    node = fdt_path_offset(fdt, path);
    if (node == -FDT_ERR_NOTFOUND)
        return -CARAPACE_ENOENT;
    return node < 0 ? -CARAPACE_EINVAL : node;
}

/*
 * String property name of node into *out: "" if absent, -EINVAL unless
 * terminated inside the property (so callers may use it as a C string).
 */
static int bootinfo_string(const void *fdt, int node, const char *name,
                           const char **out)
{
    const char *s;
    int len;

    s = fdt_getprop(fdt, node, name, &len);
    if (!s && len == -FDT_ERR_NOTFOUND) {
        *out = "";
        return 0;
    }
    if (!s || len < 1 || s[len - 1] != '\0')
        return -CARAPACE_EINVAL;
    *out = s;
    return 0;
}

/* A string property of /chosen, or "" if absent or unusable. */
static const char *bootinfo_chosen_string(const void *fdt, const char *name)
{
    const char *s;
    int node = bootinfo_node(fdt, "/chosen");

    if (node < 0 || bootinfo_string(fdt, node, name, &s))
        return "";
    return s;
}

const char *bootinfo_cmdline(const void *fdt)
{
    return bootinfo_chosen_string(fdt, "bootargs");
}

const char *bootinfo_loader(const void *fdt)
{
    return bootinfo_chosen_string(fdt, "carapace,loader");
}

/*
 * The reg list of node path as a number of pairs, with *reg pointing at
 * it: 0 if the node is absent, -EINVAL if reg is missing or not whole pairs.
 */
static int bootinfo_reg(const void *fdt, const char *path, const char **reg)
{
    int node = bootinfo_node(fdt, path), len;

    if (node == -CARAPACE_ENOENT)
        return 0;
    if (node < 0)
        return node;
    *reg = fdt_getprop(fdt, node, "reg", &len);
    if (!*reg || len % BOOTINFO_PAIR)
        return -CARAPACE_EINVAL;
    return len / BOOTINFO_PAIR;
}

static int bootinfo_range_get(const void *fdt, const char *path, int i,
                              struct bootinfo_range *out)
{
    const char *reg = NULL;
    int n = bootinfo_reg(fdt, path, &reg);

    if (n < 0)
        return n;
    if (i < 0 || i >= n)
        return -CARAPACE_ENOENT;
    out->start = fdt64_ld((const fdt64_t *)(reg + i * BOOTINFO_PAIR));
    out->size = fdt64_ld((const fdt64_t *)(reg + i * BOOTINFO_PAIR + 8));
    return 0;
}

int bootinfo_ram_count(const void *fdt)
{
    const char *reg;

    return bootinfo_reg(fdt, "/memory", &reg);
}

int bootinfo_ram_get(const void *fdt, int i, struct bootinfo_range *out)
{
    return bootinfo_range_get(fdt, "/memory", i, out);
}

int bootinfo_reserved_count(const void *fdt)
{
    const char *reg;

    return bootinfo_reg(fdt, "/reserved-memory", &reg);
}

int bootinfo_reserved_get(const void *fdt, int i, struct bootinfo_range *out)
{
    return bootinfo_range_get(fdt, "/reserved-memory", i, out);
}

/*
 * Walk the module nodes of /chosen in tree (= loader) order and return the
 * offset of module i; *seen counts the modules passed. -ENOENT when there
 * is no module i, -EINVAL if the walk hits a malformed tree.
 */
static int bootinfo_module_node(const void *fdt, int i, int *seen)
{
    int chosen = bootinfo_node(fdt, "/chosen"), node;

    *seen = 0;
    if (chosen < 0)
        return chosen;
    for (node = fdt_first_subnode(fdt, chosen); node >= 0;
         node = fdt_next_subnode(fdt, node)) {
        if (fdt_node_check_compatible(fdt, node, "multiboot,module") != 0)
            continue;
        if ((*seen)++ == i)
            return node;
    }
    return node == -FDT_ERR_NOTFOUND ? -CARAPACE_ENOENT : -CARAPACE_EINVAL;
}

int bootinfo_module_count(const void *fdt)
{
    int n, ret = bootinfo_module_node(fdt, -1, &n);

    return ret == -CARAPACE_ENOENT ? n : -CARAPACE_EINVAL;
}

int bootinfo_module_get(const void *fdt, int i, struct bootinfo_module *out)
{
    const char *reg, *cmdline;
    int seen, node, len;

    node = bootinfo_module_node(fdt, i, &seen);
    if (node < 0)
        return node;
    reg = fdt_getprop(fdt, node, "reg", &len);
    if (!reg || len != BOOTINFO_PAIR)
        return -CARAPACE_EINVAL;
    if (bootinfo_string(fdt, node, "bootargs", &cmdline))
        return -CARAPACE_EINVAL;
    out->start = fdt64_ld((const fdt64_t *)reg);
    out->size = fdt64_ld((const fdt64_t *)(reg + 8));
    out->cmdline = cmdline;
    return 0;
}

/* Every module must read back, not only be counted. */
static int bootinfo_check_modules(const void *fdt)
{
    struct bootinfo_module m;
    int i, n = bootinfo_module_count(fdt);

    for (i = 0; i < n; i++)
        if (bootinfo_module_get(fdt, i, &m))
            return -CARAPACE_EINVAL;
    return n < 0 ? -CARAPACE_EINVAL : 0;
}

int bootinfo_check(const void *fdt)
{
    const char *s;
    int chosen;

    if (bootinfo_valid(fdt))
        return -CARAPACE_EINVAL;
    /* Then everything the readers will look at must read back. */
    chosen = bootinfo_node(fdt, "/chosen");
    if (chosen < 0 && chosen != -CARAPACE_ENOENT)
        return -CARAPACE_EINVAL;
    if (chosen >= 0 && (bootinfo_string(fdt, chosen, "bootargs", &s) ||
                        bootinfo_string(fdt, chosen, "carapace,loader", &s)))
        return -CARAPACE_EINVAL;
    if (bootinfo_ram_count(fdt) < 0 || bootinfo_reserved_count(fdt) < 0)
        return -CARAPACE_EINVAL;
    return bootinfo_check_modules(fdt);
}

/* --- Dumping ---------------------------------------------------------- */

/* One output line, printed with a single log call when full or done. */
struct bootinfo_line {
    char buf[BOOTINFO_LINE];
    size_t len;
    int indent; /* of continuation lines */
};

static void bootinfo_line_flush(struct bootinfo_line *l)
{
    if (l->len)
        log_printf(LOG_DEBUG, "%.*s\n", (int)l->len, l->buf);
    l->len = 0;
}

/*
 * Append a piece (pieces are short: one cell, byte or string chunk). If it
 * does not fit, the line is printed and the piece starts a continuation.
 */
__attribute__((format(printf, 2, 3))) static void
bootinfo_line_add(struct bootinfo_line *l, const char *fmt, ...)
{
    char piece[BOOTINFO_LINE];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = format_vsnprintf(piece, sizeof(piece), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(piece))
        n = sizeof(piece) - 1;
    if (l->len + (size_t)n >= sizeof(l->buf)) {
        bootinfo_line_flush(l);
        l->len = (size_t)format_snprintf(l->buf, sizeof(l->buf), "%*s",
                                         l->indent, "");
    }
    memcpy(l->buf + l->len, piece, (size_t)n);
    l->len += (size_t)n;
}

/* Whether val is one or more printable NUL-terminated strings. */
static bool bootinfo_is_strings(const char *val, int len)
{
    int i;

    if (len < 1 || val[len - 1] != '\0')
        return false;
    if (len == 1)
        return true; /* "" */
    for (i = 0; i < len; i++) {
        if (val[i] == '\0') {
            /* An empty string inside the list: rather show bytes. */
            if (i == 0 || val[i - 1] == '\0')
                return false;
        } else if (val[i] < 0x20 || val[i] > 0x7e) {
            return false;
        }
    }
    return true;
}

static void bootinfo_dump_strings(struct bootinfo_line *l, const char *val,
                                  int len)
{
    int i, n, c;

    /* Each string in chunks, so that a long command line wraps. */
    for (i = 0; i < len; i += n + 1) {
        n = (int)strnlen(val + i, (size_t)(len - i));
        bootinfo_line_add(l, "%s\"", i ? ", " : "");
        for (c = 0; c < n; c += 32)
            bootinfo_line_add(l, "%.*s", n - c < 32 ? n - c : 32, val + i + c);
        bootinfo_line_add(l, "\"");
    }
}

static void bootinfo_dump_value(struct bootinfo_line *l, const char *val,
                                int len)
{
    int i;

    if (bootinfo_is_strings(val, len)) {
        bootinfo_dump_strings(l, val, len);
    } else if (len % 4 == 0) {
        bootinfo_line_add(l, "<");
        for (i = 0; i < len; i += 4)
            bootinfo_line_add(l, "%s0x%08x", i ? " " : "",
                              fdt32_ld((const fdt32_t *)(val + i)));
        bootinfo_line_add(l, ">");
    } else {
        bootinfo_line_add(l, "[");
        for (i = 0; i < len; i++)
            bootinfo_line_add(l, "%s%02x", i ? " " : "", (unsigned char)val[i]);
        bootinfo_line_add(l, "]");
    }
}

/* Print a node's "name {" line and its properties; -EINVAL if malformed. */
static int bootinfo_dump_node(const void *fdt, int node, int depth)
{
    struct bootinfo_line l = {.len = 0};
    int ind = depth < BOOTINFO_MAX_INDENT ? depth : BOOTINFO_MAX_INDENT;
    const char *name, *val;
    int prop, len;

    name = fdt_get_name(fdt, node, &len);
    if (!name)
        return -CARAPACE_EINVAL;
    log_printf(LOG_DEBUG, "%*s%s {\n", ind * 4, "", depth ? name : "/");
    l.indent = (ind + 2) * 4;
    for (prop = fdt_first_property_offset(fdt, node); prop >= 0;
         prop = fdt_next_property_offset(fdt, prop)) {
        val = fdt_getprop_by_offset(fdt, prop, &name, &len);
        if (!val || !name)
            return -CARAPACE_EINVAL;
        bootinfo_line_add(&l, "%*s%s", (ind + 1) * 4, "", name);
        if (len > 0) {
            bootinfo_line_add(&l, " = ");
            bootinfo_dump_value(&l, val, len);
        }
        bootinfo_line_add(&l, ";");
        bootinfo_line_flush(&l);
    }
    return prop == -FDT_ERR_NOTFOUND ? 0 : -CARAPACE_EINVAL;
}

/* Close the open nodes deeper than depth. */
static void bootinfo_dump_close(int *open, int depth)
{
    int ind;

    while (*open > depth) {
        (*open)--;
        ind = *open < BOOTINFO_MAX_INDENT ? *open : BOOTINFO_MAX_INDENT;
        log_printf(LOG_DEBUG, "%*s};\n", ind * 4, "");
    }
}

static void bootinfo_dump_rsvmap(const void *fdt)
{
    uint64_t addr, size;
    int i, n = fdt_num_mem_rsv(fdt);

    for (i = 0; i < n; i++)
        if (fdt_get_mem_rsv(fdt, i, &addr, &size) == 0)
            log_printf(LOG_DEBUG, "/memreserve/ 0x%llx 0x%llx;\n",
                       (unsigned long long)addr, (unsigned long long)size);
}

void bootinfo_dump(const void *fdt)
{
    int node, depth = 0, open = 0, err = 0;

    if (!fdt || ((uintptr_t)fdt & 7) || fdt_check_header(fdt)) {
        log_printf(LOG_DEBUG, "bootinfo: no valid device tree at %p\n", fdt);
        return;
    }
    bootinfo_dump_rsvmap(fdt);
    /* The walk ends when it leaves the root (depth -1) or the tree. */
    for (node = 0; node >= 0 && depth >= 0 && !err;
         node = fdt_next_node(fdt, node, &depth)) {
        bootinfo_dump_close(&open, depth);
        err = bootinfo_dump_node(fdt, node, depth);
        open = depth + 1;
    }
    bootinfo_dump_close(&open, 0);
    if (err || (node < 0 && node != -FDT_ERR_NOTFOUND))
        log_printf(LOG_DEBUG, "bootinfo: device tree malformed\n");
}
