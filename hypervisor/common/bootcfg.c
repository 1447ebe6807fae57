/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading the boot configuration (format in bootcfg.h). Nothing here
 * trusts the blob: libfdt checks the structure, and every property is
 * checked for its length, its termination and its range before use.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>

#include <carapace/errno.h>

#include "bootcfg.h"
#include "fdtcheck.h"
#include "format.h"

/* Properties a domain node may have; anything else is a mistake. */
static const char *const bootcfg_props[] = {
    "kernel", "memory", "bootargs", "ramdisk", "type", "console", "umip"};

bool bootcfg_is_config(const void *blob, size_t size)
{
    /* One walk of the whole structure (fdtcheck.c), so that the lookups
     * after it never run off a corrupted blob. */
    if (!fdtcheck_sound(blob, size))
        return false;
    return fdt_node_check_compatible(blob, 0, BOOTCFG_COMPATIBLE) == 0;
}

/* A string property: NUL-terminated within its length, not empty. */
static const char *bootcfg_string(const void *blob, int node, const char *prop,
                                  const char *where, char *err, size_t errlen)
{
    int len;
    const char *s = fdt_getprop(blob, node, prop, &len);

    if (!s)
        return NULL;
    if (len < 2 || s[len - 1] != '\0' || strlen(s) != (size_t)len - 1) {
        format_snprintf(err, errlen,
                        "%s: property '%s' must be one non-empty string", where,
                        prop);
        return (const char *)-1;
    }
    return s;
}

static int bootcfg_memory(const void *blob, int node, const char *where,
                          uint64_t *mib, char *err, size_t errlen)
{
    int len;
    const fdt32_t *p = fdt_getprop(blob, node, "memory", &len);

    if (!p) {
        format_snprintf(err, errlen, "%s: property 'memory' (MiB) is missing",
                        where);
        return -CARAPACE_EINVAL;
    }
    if (len != 4) {
        format_snprintf(err, errlen,
                        "%s: property 'memory' must be one cell, <MiB>", where);
        return -CARAPACE_EINVAL;
    }
    *mib = fdt32_to_cpu(*p);
    if (*mib < BOOTCFG_MEM_MIN_MIB || *mib > BOOTCFG_MEM_MAX_MIB) {
        format_snprintf(
            err, errlen, "%s: memory = <%lu>: must be %u to %u (MiB)", where,
            (unsigned long)*mib, BOOTCFG_MEM_MIN_MIB, BOOTCFG_MEM_MAX_MIB);
        return -CARAPACE_EINVAL;
    }
    return 0;
}

static int bootcfg_check_props(const void *blob, int node, const char *where,
                               char *err, size_t errlen)
{
    int prop;

    fdt_for_each_property_offset(prop, blob, node)
    {
        const char *name;
        bool known = false;

        if (!fdt_getprop_by_offset(blob, prop, &name, NULL))
            goto bad;
        for (size_t i = 0; i < sizeof(bootcfg_props) / sizeof(char *); i++)
            known = known || strcmp(name, bootcfg_props[i]) == 0;
        if (!known) {
            format_snprintf(err, errlen,
                            "%s: unknown property '%s' (known: kernel, "
                            "memory, bootargs, ramdisk, type, console, "
                            "umip)",
                            where, name);
            return -CARAPACE_EINVAL;
        }
    }
    if (prop == -FDT_ERR_NOTFOUND)
        return 0;
bad:
    format_snprintf(err, errlen, "%s: malformed properties", where);
    return -CARAPACE_EINVAL;
}

/* One domain node into *d. */
static int bootcfg_domain(const void *blob, int node, struct bootcfg_domain *d,
                          char *err, size_t errlen)
{
    char where[BOOTCFG_NAME_MAX + 16];
    const char *name = fdt_get_name(blob, node, NULL);
    const char *k, *r, *b, *t, *con, *u;
    int rc;

    if (!name || !*name || strlen(name) >= BOOTCFG_NAME_MAX ||
        strchr(name, '@')) {
        format_snprintf(err, errlen,
                        "/domains/%.40s: a domain name is 1 to %d characters, "
                        "without '@'",
                        name ? name : "?", BOOTCFG_NAME_MAX - 1);
        return -CARAPACE_EINVAL;
    }
    format_snprintf(where, sizeof(where), "/domains/%s", name);
    rc = bootcfg_check_props(blob, node, where, err, errlen);
    if (rc)
        return rc;
    k = bootcfg_string(blob, node, "kernel", where, err, errlen);
    r = bootcfg_string(blob, node, "ramdisk", where, err, errlen);
    b = bootcfg_string(blob, node, "bootargs", where, err, errlen);
    t = bootcfg_string(blob, node, "type", where, err, errlen);
    con = bootcfg_string(blob, node, "console", where, err, errlen);
    u = bootcfg_string(blob, node, "umip", where, err, errlen);
    if (k == (const char *)-1 || r == (const char *)-1 ||
        b == (const char *)-1 || t == (const char *)-1 ||
        con == (const char *)-1 || u == (const char *)-1)
        return -CARAPACE_EINVAL;
    if (u && !((strcmp(u, "on") == 0 || strcmp(u, "off") == 0) && t &&
               strcmp(t, "trap") == 0)) {
        format_snprintf(err, errlen,
                        "%s: umip = \"%.40s\": must be \"on\" or \"off\", "
                        "for a trap domain",
                        where, u);
        return -CARAPACE_EINVAL;
    }
    if (t && strcmp(t, "pv") != 0 && strcmp(t, "hvm") != 0 &&
        strcmp(t, "trap") != 0) {
        format_snprintf(err, errlen,
                        "%s: type = \"%.40s\": must be \"pv\", \"hvm\" or "
                        "\"trap\"",
                        where, t);
        return -CARAPACE_EINVAL;
    }
    if (!k) {
        format_snprintf(err, errlen, "%s: property 'kernel' is missing", where);
        return -CARAPACE_EINVAL;
    }
    if (con && strcmp(con, "ring") != 0 &&
        !(strcmp(con, "serial") == 0 && t && strcmp(t, "pv") != 0)) {
        format_snprintf(err, errlen,
                        "%s: console = \"%.40s\": must be \"ring\", or "
                        "\"serial\" for an hvm or trap domain",
                        where, con);
        return -CARAPACE_EINVAL;
    }
    memset(d, 0, sizeof(*d));
    memcpy(d->name, name, strlen(name) + 1);
    d->kernel = k;
    d->ramdisk = r;
    d->bootargs = b;
    d->hvm = t && strcmp(t, "hvm") == 0;
    d->trap = t && strcmp(t, "trap") == 0;
    d->console_serial = con && strcmp(con, "serial") == 0;
    d->umip_off = u && strcmp(u, "off") == 0;
    return bootcfg_memory(blob, node, where, &d->memory_mib, err, errlen);
}

int bootcfg_parse(const void *blob, size_t size, struct bootcfg_domain *out,
                  unsigned max, char *err, size_t errlen)
{
    int doms, node, rc;
    unsigned n = 0;

    if (!bootcfg_is_config(blob, size)) {
        format_snprintf(err, errlen, "not a device tree compatible with \"%s\"",
                        BOOTCFG_COMPATIBLE);
        return -CARAPACE_EINVAL;
    }
    doms = fdt_subnode_offset(blob, 0, "domains");
    if (doms < 0)
        return doms == -FDT_ERR_NOTFOUND ? 0 : -CARAPACE_EINVAL;
    fdt_for_each_subnode(node, blob, doms)
    {
        if (n == max) {
            format_snprintf(err, errlen, "more than %u domains", max);
            return -CARAPACE_E2BIG;
        }
        rc = bootcfg_domain(blob, node, &out[n], err, errlen);
        if (rc)
            return rc;
        for (unsigned i = 0; i < n; i++)
            if (strcmp(out[i].name, out[n].name) == 0) {
                format_snprintf(err, errlen,
                                "/domains/%s: a second domain "
                                "of that name",
                                out[n].name);
                return -CARAPACE_EINVAL;
            }
        n++;
    }
    if (node != -FDT_ERR_NOTFOUND) {
        format_snprintf(err, errlen, "/domains: malformed");
        return -CARAPACE_EINVAL;
    }
    return (int)n;
}

/* The last path component of s[0..len). */
static const char *bootcfg_basename(const char *s, size_t *len)
{
    size_t start = 0;

    for (size_t i = 0; i < *len; i++)
        if (s[i] == '/')
            start = i + 1;
    *len -= start;
    return s + start;
}

bool bootcfg_module_matches(const char *cmdline, const char *ref)
{
    size_t plen = 0, rlen = strlen(ref), blen, rblen;
    const char *base, *rbase;

    while (cmdline[plen] && cmdline[plen] != ' ')
        plen++;
    if (plen == rlen && memcmp(cmdline, ref, plen) == 0)
        return true;
    blen = plen;
    rblen = rlen;
    base = bootcfg_basename(cmdline, &blen);
    rbase = bootcfg_basename(ref, &rblen);
    return blen && blen == rblen && memcmp(base, rbase, blen) == 0 &&
           (rbase == ref || base == cmdline);
}
