/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Start-info trees: build from a description and read every property back
 * with libfdt; -ENOSPC at every buffer size below the one needed (buffers
 * are heap blocks of exactly that size, so ASan reports any write past
 * them); -EINVAL for unaligned buffers and bad descriptions; the largest
 * description allowed still builds.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <carapace/abi.h>

#include "check.h"
#include "startinfo.h"

#define BIG 65536

static uint64_t test_buf[BIG / 8];

static const struct startinfo_module test_mods[] = {
    {0x400000, 0x12345, "initrd.img rdinit=/bin/sh"},
    {0x500000, 0x1000, NULL},
    {0xfffffffffffff000ULL, 0x1000, ""}, /* ends exactly at 2^64 */
};

static const struct startinfo_desc test_desc = {
    .abi_version = CARAPACE_ABI_VERSION,
    .domid = 0x7,
    .flags = SIF_PRIVILEGED | SIF_INITDOMAIN,
    .name = "dom0",
    .memory_bytes = 0x123456789aULL,
    .virt_base = 0x0000700000000000ULL,
    .nr_frames = 0x1111222233334444ULL,
    .p2m_va = 0x0000700000123000ULL,
    .shared_info_va = 0x0000700000122000ULL,
    .pt_base_va = 0x0000700000200000ULL,
    .pt_frames = 5,
    .first_free_gfn = 0xfedcba9876543210ULL,
    .console = "ring",
    .bootargs = "console=hvc0 root=/dev/vda loglevel=7",
    .console_gfn = 0x0102030405060708ULL,
    .console_port = 0x89abcdef,
    .modules = test_mods,
    .nmodules = 3,
};

/* A heap copy of exactly the tree's size; free() it. */
static void *test_copy(const void *fdt)
{
    size_t n = fdt_totalsize(fdt);
    void *p = malloc(n);

    memcpy(p, fdt, n);
    return p;
}

static void test_u32(const void *fdt, int node, const char *name, uint32_t v)
{
    int len;
    const void *p = fdt_getprop(fdt, node, name, &len);

    CHECK(p != NULL && len == 4);
    if (p && len == 4)
        CHECK_EQ(fdt32_ld(p), v);
}

static void test_u64(const void *fdt, const char *name, uint64_t v)
{
    int len;
    const void *p = fdt_getprop(fdt, 0, name, &len);

    CHECK(p != NULL && len == 8);
    if (p && len == 8)
        CHECK_EQ(fdt64_ld(p), v);
}

static void test_str(const void *fdt, int node, const char *name,
                     const char *want)
{
    int len;
    const char *p = fdt_getprop(fdt, node, name, &len);

    want = want ? want : "";
    CHECK(p != NULL && len == (int)strlen(want) + 1);
    if (p && len >= 1 && p[len - 1] == '\0')
        CHECK_STR(p, want);
}

/* Number of properties of node. */
static int test_nprops(const void *fdt, int node)
{
    int prop, n = 0;

    fdt_for_each_property_offset(prop, fdt, node) n++;
    return n;
}

static void test_module(const void *fdt, int node, unsigned i,
                        const struct startinfo_module *m)
{
    char name[32];
    const char *got;
    const void *reg;
    int len;

    snprintf(name, sizeof(name), "module@%u", i);
    got = fdt_get_name(fdt, node, &len);
    CHECK_STR(got, name);
    test_str(fdt, node, "compatible", CARAPACE_SI_MODULE_COMPATIBLE);
    test_str(fdt, node, "bootargs", m->bootargs);
    reg = fdt_getprop(fdt, node, "reg", &len);
    CHECK(reg != NULL && len == 16);
    if (reg && len == 16) {
        CHECK_EQ(fdt64_ld(reg), m->va);
        CHECK_EQ(fdt64_ld((const fdt64_t *)reg + 1), m->size);
    }
    CHECK_EQ(test_nprops(fdt, node), 3);
}

/* Everything in the tree matches d, and nothing else is there. */
static void test_readback(const void *fdt, const struct startinfo_desc *d)
{
    unsigned i = 0;
    int node;

    CHECK_EQ(fdt_check_full(fdt, fdt_totalsize(fdt)), 0);
    test_str(fdt, 0, "compatible", CARAPACE_SI_COMPATIBLE);
    test_u32(fdt, 0, "#address-cells", 2);
    test_u32(fdt, 0, "#size-cells", 2);
    test_u32(fdt, 0, CARAPACE_SI_ABI, d->abi_version);
    test_u32(fdt, 0, CARAPACE_SI_DOMID, d->domid);
    test_u32(fdt, 0, CARAPACE_SI_FLAGS, d->flags);
    test_str(fdt, 0, CARAPACE_SI_NAME, d->name);
    test_u64(fdt, CARAPACE_SI_MEMORY, d->memory_bytes);
    test_u64(fdt, CARAPACE_SI_VIRT_BASE, d->virt_base);
    test_u64(fdt, CARAPACE_SI_NR_FRAMES, d->nr_frames);
    test_u64(fdt, CARAPACE_SI_P2M, d->p2m_va);
    test_u64(fdt, CARAPACE_SI_SHARED, d->shared_info_va);
    test_u64(fdt, CARAPACE_SI_PT_BASE, d->pt_base_va);
    test_u64(fdt, CARAPACE_SI_PT_FRAMES, d->pt_frames);
    test_u64(fdt, CARAPACE_SI_FREE_GFN, d->first_free_gfn);
    test_str(fdt, 0, CARAPACE_SI_CONSOLE, d->console);
    test_str(fdt, 0, CARAPACE_SI_BOOTARGS, d->bootargs);
    test_u64(fdt, CARAPACE_SI_CONSOLE_GFN, d->console_gfn);
    test_u32(fdt, 0, CARAPACE_SI_CONSOLE_PORT, d->console_port);
    CHECK_EQ(test_nprops(fdt, 0), 19);
    /* Modules in order, and no other nodes. */
    fdt_for_each_subnode(node, fdt, 0)
    {
        if (i < d->nmodules)
            test_module(fdt, node, i, &d->modules[i]);
        i++;
    }
    CHECK_EQ(node, -FDT_ERR_NOTFOUND);
    CHECK_EQ(i, d->nmodules);
}

/* Build d in a big buffer, read back; returns the tree's size. */
static size_t test_roundtrip(const struct startinfo_desc *d)
{
    void *fdt;
    size_t n;

    CHECK_EQ(startinfo_build(test_buf, sizeof(test_buf), d), 0);
    fdt = test_copy(test_buf);
    test_readback(fdt, d);
    n = fdt_totalsize(fdt);
    /* Over by at most the module property names libfdt stores once. */
    CHECK(startinfo_size(d) >= n);
    CHECK(startinfo_size(d) <= n + 24 * d->nmodules);
    free(fdt);
    return n;
}

static void test_basic(void)
{
    struct startinfo_desc empty = {0};

    test_roundtrip(&test_desc);
    test_roundtrip(&empty);
}

/* Every size below the tree's is -ENOSPC; the exact size works. */
static void test_nospace(void)
{
    size_t need = test_roundtrip(&test_desc), s;
    unsigned bad = 0;
    void *buf;

    for (s = 0; s < need; s++) {
        buf = malloc(s ? s : 1);
        if (startinfo_build(buf, s, &test_desc) != -ENOSPC)
            bad++;
        free(buf);
    }
    CHECK_EQ(bad, 0);
    buf = malloc(need);
    CHECK_EQ(startinfo_build(buf, need, &test_desc), 0);
    CHECK_EQ(fdt_totalsize(buf), need);
    CHECK(memcmp(buf, test_buf, need) == 0);
    free(buf);
    /* startinfo_size is always enough. */
    s = startinfo_size(&test_desc);
    buf = malloc(s);
    CHECK_EQ(startinfo_build(buf, s, &test_desc), 0);
    free(buf);
}

static void test_invalid(void)
{
    struct startinfo_module m = {0xfffffffffffff000ULL, 0x1001, NULL};
    struct startinfo_desc d = test_desc;
    unsigned i;

    for (i = 1; i < 8; i++)
        CHECK_EQ(startinfo_build((char *)test_buf + i, BIG - 8, &d), -EINVAL);
    CHECK_EQ(startinfo_build(NULL, BIG, &d), -EINVAL);
    CHECK_EQ(startinfo_build(test_buf, BIG, NULL), -EINVAL);
    CHECK_EQ(startinfo_size(NULL), 0);
    d.flags = 0x4;
    CHECK_EQ(startinfo_build(test_buf, BIG, &d), -EINVAL);
    CHECK_EQ(startinfo_size(&d), 0);
    d = test_desc;
    d.modules = NULL;
    CHECK_EQ(startinfo_build(test_buf, BIG, &d), -EINVAL);
    d = test_desc;
    d.nmodules = STARTINFO_MAX_MODULES + 1;
    CHECK_EQ(startinfo_build(test_buf, BIG, &d), -EINVAL);
    d = test_desc;
    d.modules = &m; /* wraps past 2^64 */
    d.nmodules = 1;
    CHECK_EQ(startinfo_build(test_buf, BIG, &d), -EINVAL);
    m.size = 0x1000;
    CHECK_EQ(startinfo_build(test_buf, BIG, &d), 0);
}

/* Strings up to STARTINFO_MAX_STRING; the most modules, all long. */
static void test_limits(void)
{
    static struct startinfo_module mods[STARTINFO_MAX_MODULES];
    char *s = malloc(STARTINFO_MAX_STRING + 2);
    struct startinfo_desc d = test_desc;
    size_t need;
    void *buf;
    unsigned i;

    memset(s, 'x', STARTINFO_MAX_STRING + 1);
    s[STARTINFO_MAX_STRING + 1] = '\0';
    d.bootargs = s; /* one character too many */
    CHECK_EQ(startinfo_build(test_buf, BIG, &d), -EINVAL);
    d.bootargs = test_desc.bootargs;
    d.name = s;
    CHECK_EQ(startinfo_build(test_buf, BIG, &d), -EINVAL);
    d.name = test_desc.name;
    mods[0].bootargs = s;
    d.modules = mods;
    d.nmodules = 1;
    CHECK_EQ(startinfo_build(test_buf, BIG, &d), -EINVAL);
    s[STARTINFO_MAX_STRING] = '\0';
    for (i = 0; i < STARTINFO_MAX_MODULES; i++)
        mods[i] = (struct startinfo_module){0x1000ULL * i, i, s};
    d.nmodules = STARTINFO_MAX_MODULES;
    d.name = d.console = d.bootargs = s;
    need = startinfo_size(&d);
    buf = malloc(need);
    CHECK_EQ(startinfo_build(buf, need, &d), 0);
    test_readback(buf, &d);
    CHECK(need - fdt_totalsize(buf) <= 24 * STARTINFO_MAX_MODULES);
    CHECK(fdt_path_offset(buf, "/module@255") >= 0);
    CHECK_EQ(startinfo_build(buf, fdt_totalsize(buf) - 1, &d), -ENOSPC);
    free(buf);
    free(s);
}

int main(void)
{
    test_basic();
    test_nospace();
    test_invalid();
    test_limits();
    return check_finish();
}
