/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Boot information trees: build from a description and read everything
 * back, for many sizes of description; -ENOSPC and -EINVAL from the builder;
 * corrupted trees give errors, never out-of-bounds reads. Trees under test
 * are copied to a heap block of exactly their size, so that ASan reports any
 * read past the end.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>

#include "bootinfo.h"
#include "check.h"
#include "log.h"

#define BIG 65536

static uint64_t test_buf[BIG / 8];

static const struct bootinfo_range test_ram[] = {
    {0x0, 0x9fc00},
    {0x100000, 0x7ee0000},
    {0x100000000, 0x40000000},
};
static const struct bootinfo_range test_res[] = {
    {0x9fc00, 0x400},
    {0xf0000, 0x10000},
    {0xfffc0000, 0x40000},
};
static const struct bootinfo_module test_mods[] = {
    {0x200000, 0x12345, "dom0.elf console=hvc0 root=/dev/vda"},
    {0x300000, 0x1000, NULL},
    {0x100000, 0, ""},
};

static const struct bootinfo_desc test_desc = {
    .loader = "multiboot",
    .cmdline = "loglvl=debug dom0_mem=64M",
    .ram = test_ram,
    .nram = 3,
    .reserved = test_res,
    .nreserved = 3,
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

/* Everything in the tree matches d. */
static void test_readback(const void *fdt, const struct bootinfo_desc *d)
{
    struct bootinfo_range r;
    struct bootinfo_module m;
    const char *base = fdt, *end = base + fdt_totalsize(fdt);
    unsigned i;

    CHECK_EQ(bootinfo_check(fdt), 0);
    CHECK_STR(bootinfo_cmdline(fdt), d->cmdline ? d->cmdline : "");
    CHECK_STR(bootinfo_loader(fdt), d->loader ? d->loader : "");
    CHECK_EQ(bootinfo_ram_count(fdt), d->nram);
    for (i = 0; i < d->nram; i++) {
        CHECK_EQ(bootinfo_ram_get(fdt, (int)i, &r), 0);
        CHECK(r.start == d->ram[i].start && r.size == d->ram[i].size);
    }
    CHECK_EQ(bootinfo_ram_get(fdt, (int)d->nram, &r), -ENOENT);
    CHECK_EQ(bootinfo_ram_get(fdt, -1, &r), -ENOENT);
    CHECK_EQ(bootinfo_reserved_count(fdt), d->nreserved);
    for (i = 0; i < d->nreserved; i++) {
        CHECK_EQ(bootinfo_reserved_get(fdt, (int)i, &r), 0);
        CHECK(r.start == d->reserved[i].start && r.size == d->reserved[i].size);
    }
    CHECK_EQ(bootinfo_reserved_get(fdt, (int)d->nreserved, &r), -ENOENT);
    CHECK_EQ(bootinfo_module_count(fdt), d->nmodules);
    for (i = 0; i < d->nmodules; i++) {
        const char *want = d->modules[i].cmdline;

        CHECK_EQ(bootinfo_module_get(fdt, (int)i, &m), 0);
        CHECK(m.start == d->modules[i].start && m.size == d->modules[i].size);
        CHECK_STR(m.cmdline, want ? want : "");
        CHECK(m.cmdline >= base && m.cmdline < end); /* inside the tree */
    }
    CHECK_EQ(bootinfo_module_get(fdt, (int)d->nmodules, &m), -ENOENT);
    CHECK_EQ(bootinfo_module_get(fdt, -1, &m), -ENOENT);
}

/* Every reader fails, and nothing crashes. */
static void test_all_fail(const void *fdt)
{
    struct bootinfo_range r;
    struct bootinfo_module m;

    CHECK_EQ(bootinfo_check(fdt), -EINVAL);
    CHECK_EQ(bootinfo_ram_count(fdt), -EINVAL);
    CHECK_EQ(bootinfo_ram_get(fdt, 0, &r), -EINVAL);
    CHECK_EQ(bootinfo_reserved_count(fdt), -EINVAL);
    CHECK_EQ(bootinfo_reserved_get(fdt, 0, &r), -EINVAL);
    CHECK_EQ(bootinfo_module_count(fdt), -EINVAL);
    CHECK_EQ(bootinfo_module_get(fdt, 0, &m), -EINVAL);
    CHECK_STR(bootinfo_cmdline(fdt), "");
    CHECK_STR(bootinfo_loader(fdt), "");
    bootinfo_dump(fdt);
}

static void test_basic(void)
{
    void *fdt;

    CHECK_EQ(bootinfo_build(test_buf, sizeof(test_buf), &test_desc), 0);
    fdt = test_copy(test_buf);
    test_readback(fdt, &test_desc);
    /* Paths and names as documented. */
    CHECK(fdt_path_offset(fdt, "/memory@0") >= 0);
    CHECK(fdt_path_offset(fdt, "/chosen/module@200000") >= 0);
    CHECK(fdt_path_offset(fdt, "/reserved-memory") >= 0);
    free(fdt);
}

/* Capture what the log stubs print (stdout) into buf. */
static void test_dump_capture(const void *fdt, char *buf, size_t size)
{
    FILE *tmp = tmpfile();
    int saved = dup(1);
    size_t n;

    fflush(stdout);
    dup2(fileno(tmp), 1);
    bootinfo_dump(fdt);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    rewind(tmp);
    n = fread(buf, 1, size - 1, tmp);
    buf[n] = '\0';
    fclose(tmp);
}

static void test_dump(void)
{
    static char out[BIG];

    CHECK_EQ(bootinfo_build(test_buf, sizeof(test_buf), &test_desc), 0);
    bootinfo_dump(test_buf); /* for the reader of the test log */
    test_dump_capture(test_buf, out, sizeof(out));
    CHECK(strstr(out, "/ {\n") != NULL);
    CHECK(strstr(out, "    compatible = \"carapace,bootinfo-v1\";\n"));
    CHECK(strstr(out, "    #address-cells = <0x00000002>;\n"));
    CHECK(strstr(out, "        bootargs = \"loglvl=debug dom0_mem=64M\";\n"));
    CHECK(strstr(out, "        module@200000 {\n"));
    CHECK(strstr(out, "            reg = <0x00000000 0x00200000 0x00000000 "
                      "0x00012345>;\n"));
    CHECK(strstr(out, "            bootargs = \"\";\n"));
    CHECK(strstr(out, "    memory@0 {\n"));
    CHECK(strstr(out, "        };\n    };\n"));
    CHECK(strlen(out) > 10 && strcmp(out + strlen(out) - 3, "};\n") == 0);
}

/* A tree of every kind of value, built by hand: the dump is generic. */
static void test_dump_generic(void)
{
    static char out[BIG];
    static const char list[] = "first\0second";
    static const unsigned char bytes[] = {1, 2, 0xff};
    char longstr[300];
    void *fdt = test_buf;

    memset(longstr, 'x', sizeof(longstr) - 1);
    longstr[sizeof(longstr) - 1] = '\0';
    CHECK_EQ(fdt_create(fdt, BIG), 0);
    CHECK_EQ(fdt_add_reservemap_entry(fdt, 0x1000, 0x2000), 0);
    CHECK_EQ(fdt_finish_reservemap(fdt), 0);
    CHECK_EQ(fdt_begin_node(fdt, ""), 0);
    CHECK_EQ(fdt_property(fdt, "empty", NULL, 0), 0);
    CHECK_EQ(fdt_property(fdt, "list", list, sizeof(list)), 0);
    CHECK_EQ(fdt_property(fdt, "bytes", bytes, sizeof(bytes)), 0);
    CHECK_EQ(fdt_property(fdt, "nul", "", 1), 0);
    CHECK_EQ(fdt_property(fdt, "ctrl", "a\nb", 4), 0);
    CHECK_EQ(fdt_property_string(fdt, "long", longstr), 0);
    CHECK_EQ(fdt_begin_node(fdt, "a"), 0);
    CHECK_EQ(fdt_begin_node(fdt, "b"), 0);
    CHECK_EQ(fdt_property_u32(fdt, "x", 0xdeadbeef), 0);
    CHECK_EQ(fdt_end_node(fdt), 0);
    CHECK_EQ(fdt_end_node(fdt), 0);
    CHECK_EQ(fdt_begin_node(fdt, "c"), 0);
    CHECK_EQ(fdt_end_node(fdt), 0);
    CHECK_EQ(fdt_end_node(fdt), 0);
    CHECK_EQ(fdt_finish(fdt), 0);
    bootinfo_dump(fdt);
    test_dump_capture(fdt, out, sizeof(out));
    CHECK(strstr(out, "/memreserve/ 0x1000 0x2000;\n"));
    CHECK(strstr(out, "    empty;\n"));
    CHECK(strstr(out, "    list = \"first\", \"second\";\n"));
    CHECK(strstr(out, "    bytes = [01 02 ff];\n"));
    CHECK(strstr(out, "    nul = \"\";\n"));
    CHECK(strstr(out, "    ctrl = <0x610a6200>;\n"));
    CHECK(strstr(out, "            x = <0xdeadbeef>;\n        };\n    };\n"));
    CHECK(strstr(out, "    c {\n    };\n};\n"));
    /* The long string wraps onto continuation lines, nothing is lost. */
    CHECK(strstr(out, "xxxxxxxx\n"));
    /* Not our format: no reader takes it. */
    test_all_fail(fdt);
}

/* Descriptions of many sizes; values derived from the index. */
static void test_roundtrip(void)
{
    static const unsigned counts[] = {0, 1, 2, 7, 64};
    static struct bootinfo_range ram[64], res[64];
    static struct bootinfo_module mods[64];
    static char names[64][32];
    struct bootinfo_desc d = {0};
    unsigned a, b, c, i;
    void *fdt;

    for (i = 0; i < 64; i++) {
        ram[i] = (struct bootinfo_range){(uint64_t)i << 32, 0x1000 * (i + 1)};
        res[i] = (struct bootinfo_range){UINT64_MAX - 0xfff - i * 0x1000,
                                         0x1000}; /* up to 2^64 exactly */
        snprintf(names[i], sizeof(names[i]), "mod%u arg=%u", i, i * 7);
        /* Descending addresses: the order must be the loader's, not sorted. */
        mods[i] = (struct bootinfo_module){0x80000000 - i * 0x100000, i,
                                           i % 3 ? names[i] : NULL};
    }
    d.ram = ram;
    d.reserved = res;
    d.modules = mods;
    for (a = 0; a < 5; a++)
        for (b = 0; b < 5; b++)
            for (c = 0; c < 5; c++) {
                d.nram = counts[a];
                d.nreserved = counts[b];
                d.nmodules = counts[c];
                d.cmdline = c % 2 ? "x=1" : NULL;
                CHECK_EQ(bootinfo_build(test_buf, sizeof(test_buf), &d), 0);
                fdt = test_copy(test_buf);
                test_readback(fdt, &d);
                free(fdt);
            }
}

static void test_build_errors(void)
{
    struct bootinfo_range wrap = {UINT64_MAX - 10, 12};
    struct bootinfo_module mwrap = {UINT64_MAX, 2, NULL};
    struct bootinfo_desc d = test_desc;
    size_t size, need;

    CHECK_EQ(bootinfo_build(test_buf, sizeof(test_buf), &test_desc), 0);
    need = fdt_totalsize(test_buf);
    /* Every size too small fails cleanly; the exact size works. */
    for (size = 0; size < need; size++)
        CHECK_EQ(bootinfo_build(test_buf, size, &test_desc), -ENOSPC);
    CHECK_EQ(bootinfo_build(test_buf, need, &test_desc), 0);
    CHECK_EQ(bootinfo_check(test_buf), 0);
    /* A failed build leaves no tree that passes for a valid one. */
    CHECK_EQ(bootinfo_build(test_buf, need - 1, &test_desc), -ENOSPC);
    CHECK_EQ(bootinfo_check(test_buf), -EINVAL);

    CHECK_EQ(bootinfo_build((char *)test_buf + 4, BIG - 8, &test_desc),
             -EINVAL);
    CHECK_EQ(bootinfo_build(NULL, BIG, &test_desc), -EINVAL);
    CHECK_EQ(bootinfo_build(test_buf, BIG, NULL), -EINVAL);
    d.ram = NULL;
    CHECK_EQ(bootinfo_build(test_buf, BIG, &d), -EINVAL);
    d = test_desc;
    d.modules = NULL;
    CHECK_EQ(bootinfo_build(test_buf, BIG, &d), -EINVAL);
    d = test_desc;
    d.reserved = &wrap;
    d.nreserved = 1;
    CHECK_EQ(bootinfo_build(test_buf, BIG, &d), -EINVAL);
    d = test_desc;
    d.modules = &mwrap;
    d.nmodules = 1;
    CHECK_EQ(bootinfo_build(test_buf, BIG, &d), -EINVAL);
    /* NULL arrays are fine with zero counts. */
    d = (struct bootinfo_desc){0};
    CHECK_EQ(bootinfo_build(test_buf, BIG, &d), 0);
    test_readback(test_buf, &d);
}

/* A fresh heap copy of the test tree, opened for read-write editing. */
static void *test_editable(size_t extra)
{
    void *fdt;

    CHECK_EQ(bootinfo_build(test_buf, sizeof(test_buf), &test_desc), 0);
    fdt = malloc(fdt_totalsize(test_buf) + extra);
    CHECK_EQ(
        fdt_open_into(test_buf, fdt, (int)(fdt_totalsize(test_buf) + extra)),
        0);
    return fdt;
}

static void test_corrupt_header(void)
{
    void *fdt;
    char *bytes;

    CHECK_EQ(bootinfo_build(test_buf, sizeof(test_buf), &test_desc), 0);
    fdt = test_copy(test_buf);
    fdt_set_totalsize(fdt, fdt_totalsize(fdt) - 8); /* truncated */
    test_all_fail(fdt);
    fdt_set_totalsize(fdt, 20); /* less than a header */
    test_all_fail(fdt);
    free(fdt);
    fdt = test_copy(test_buf);
    fdt_set_magic(fdt, 0xd00dfeee);
    test_all_fail(fdt);
    free(fdt);
    fdt = test_copy(test_buf);
    fdt_set_off_dt_strings(fdt, 0x7ffffff0); /* block outside the tree */
    test_all_fail(fdt);
    free(fdt);
    /* An unaligned copy: libfdt refuses it, so do we. */
    bytes = malloc(fdt_totalsize(test_buf) + 4);
    memcpy(bytes + 4, test_buf, fdt_totalsize(test_buf));
    CHECK_EQ(bootinfo_check(bytes + 4), -EINVAL);
    CHECK_EQ(bootinfo_ram_count(bytes + 4), -EINVAL);
    free(bytes);
    CHECK_EQ(bootinfo_check(NULL), -EINVAL);
}

static void test_corrupt_props(void)
{
    static const char twelve[12], eight[8];
    struct bootinfo_range r;
    struct bootinfo_module m;
    void *fdt;
    int node;

    /* Wrong compatible: same length, so edited in place. */
    fdt = test_editable(0);
    CHECK_EQ(fdt_setprop_inplace(fdt, 0, "compatible", "carapace,bootinfo-v2",
                                 sizeof(BOOTINFO_COMPATIBLE)),
             0);
    test_all_fail(fdt);
    free(fdt);

    /* reg of RAM that is not whole (start, size) pairs. */
    fdt = test_editable(256);
    node = fdt_path_offset(fdt, "/memory");
    CHECK_EQ(fdt_setprop(fdt, node, "reg", twelve, sizeof(twelve)), 0);
    CHECK_EQ(bootinfo_check(fdt), -EINVAL);
    CHECK_EQ(bootinfo_ram_count(fdt), -EINVAL);
    CHECK_EQ(bootinfo_ram_get(fdt, 0, &r), -EINVAL);
    CHECK_EQ(bootinfo_module_count(fdt), 3); /* the rest still reads */
    CHECK_EQ(fdt_delprop(fdt, node, "reg"), 0);
    CHECK_EQ(bootinfo_ram_count(fdt), -EINVAL);
    free(fdt);

    fdt = test_editable(256);
    node = fdt_path_offset(fdt, "/reserved-memory");
    CHECK_EQ(fdt_setprop(fdt, node, "reg", eight, sizeof(eight)), 0);
    CHECK_EQ(bootinfo_check(fdt), -EINVAL);
    CHECK_EQ(bootinfo_reserved_count(fdt), -EINVAL);
    CHECK_EQ(bootinfo_reserved_get(fdt, 0, &r), -EINVAL);
    free(fdt);

    /* A module with two pairs of reg, then one without a terminated name. */
    fdt = test_editable(256);
    node = fdt_path_offset(fdt, "/chosen/module@300000");
    CHECK_EQ(fdt_setprop(fdt, node, "reg", test_ram, 32), 0);
    CHECK_EQ(bootinfo_check(fdt), -EINVAL);
    CHECK_EQ(bootinfo_module_count(fdt), 3);
    CHECK_EQ(bootinfo_module_get(fdt, 0, &m), 0);
    CHECK_EQ(bootinfo_module_get(fdt, 1, &m), -EINVAL);
    CHECK_EQ(fdt_setprop(fdt, node, "reg", test_ram, 16), 0);
    CHECK_EQ(bootinfo_check(fdt), 0);
    CHECK_EQ(fdt_setprop(fdt, node, "bootargs", "abc", 3), 0);
    CHECK_EQ(bootinfo_check(fdt), -EINVAL);
    CHECK_EQ(bootinfo_module_get(fdt, 1, &m), -EINVAL);
    free(fdt);

    /* An unterminated command line reads as empty. */
    fdt = test_editable(256);
    node = fdt_path_offset(fdt, "/chosen");
    CHECK_EQ(fdt_setprop(fdt, node, "bootargs", "abc", 3), 0);
    CHECK_EQ(bootinfo_check(fdt), -EINVAL);
    CHECK_STR(bootinfo_cmdline(fdt), "");
    free(fdt);
}

/* A property's length field pointing far past the end of the tree. */
static void test_corrupt_length(void)
{
    const char *names[] = {"/memory", "/reserved-memory", "/chosen"};
    const char *props[] = {"reg", "reg", "bootargs"};
    unsigned i;
    int node, len;
    void *fdt;
    char *val;

    for (i = 0; i < 3; i++) {
        fdt = test_editable(0);
        node = fdt_path_offset(fdt, names[i]);
        val = (char *)fdt_getprop(fdt, node, props[i], &len);
        CHECK(val != NULL);
        /* struct fdt_property: tag, len, nameoff, then the data. */
        fdt32_st(val - 8, 0x7fffff00);
        test_all_fail(fdt); /* the dump shows the tree up to the damage */
        free(fdt);
    }
}

/*
 * Flip every byte of a tree, one at a time. Nothing may crash, and when
 * bootinfo_check accepts the damaged tree every accessor must work on it.
 */
static void test_fuzz(void)
{
    static const unsigned char xors[] = {0x01, 0x80, 0xff, 0x10};
    struct bootinfo_range r;
    struct bootinfo_module m;
    size_t size, pos, x;
    unsigned char *fdt;
    int i, n, bad = 0, accepted = 0;

    CHECK_EQ(bootinfo_build(test_buf, sizeof(test_buf), &test_desc), 0);
    size = fdt_totalsize(test_buf);
    log_set_level(LOG_INFO); /* dumps run, but quietly */
    for (pos = 0; pos < size; pos++) {
        for (x = 0; x < sizeof(xors); x++) {
            fdt = test_copy(test_buf);
            fdt[pos] ^= xors[x];
            if (bootinfo_check(fdt) == 0) {
                accepted++;
                for (i = 0, n = bootinfo_ram_count(fdt); i < n; i++)
                    bad += bootinfo_ram_get(fdt, i, &r) != 0;
                for (i = 0, n = bootinfo_reserved_count(fdt); i < n; i++)
                    bad += bootinfo_reserved_get(fdt, i, &r) != 0;
                for (i = 0, n = bootinfo_module_count(fdt); i < n; i++)
                    bad += bootinfo_module_get(fdt, i, &m) != 0;
                bad += bootinfo_ram_count(fdt) < 0;
                bad += bootinfo_reserved_count(fdt) < 0;
                bad += bootinfo_module_count(fdt) < 0;
            } else {
                bootinfo_ram_count(fdt);
                bootinfo_ram_get(fdt, 1, &r);
                bootinfo_reserved_get(fdt, 2, &r);
                bootinfo_module_get(fdt, 2, &m);
                bootinfo_cmdline(fdt);
            }
            bootinfo_dump(fdt);
            free(fdt);
        }
    }
    log_set_level(LOG_DEBUG);
    CHECK_EQ(bad, 0);
    CHECK(accepted > 0); /* flips inside string values stay valid */
    printf("fuzz: %zu variants, %d accepted by bootinfo_check\n",
           size * sizeof(xors), accepted);
}

int main(void)
{
    test_basic();
    test_dump();
    test_dump_generic();
    test_roundtrip();
    test_build_errors();
    test_corrupt_header();
    test_corrupt_props();
    test_corrupt_length();
    test_fuzz();
    return check_finish();
}
