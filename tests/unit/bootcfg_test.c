/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Boot configurations: good ones read back exactly; each kind of mistake
 * (missing or unknown property, bad memory, duplicate or bad name, too
 * many domains, not a config at all) gives its error naming the node and
 * value; module references match by path or basename; a tree of an older
 * version of the format is refused; and 20,000
 * corrupted blobs are parsed without an out-of-bounds read (ASan).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "bootcfg.h"
#include "check.h"
#include "fdtcheck.h"

#define BLOB_SIZE 8192

struct dom {
    const char *name, *kernel, *ramdisk, *bootargs;
    int64_t memory; /* < 0: leave out */
    const char *extra;
};

static uint64_t blob_buf[BLOB_SIZE / 8];

/* A config with the given domains, built with libfdt's sequential writer. */
static void *blob_make(const char *compat, const struct dom *d, unsigned n)
{
    void *b = blob_buf;

    fdt_create(b, BLOB_SIZE);
    fdt_finish_reservemap(b);
    fdt_begin_node(b, "");
    fdt_property_string(b, "compatible", compat);
    fdt_begin_node(b, "domains");
    for (unsigned i = 0; i < n; i++) {
        fdt_begin_node(b, d[i].name);
        if (d[i].kernel)
            fdt_property_string(b, "kernel", d[i].kernel);
        if (d[i].memory >= 0)
            fdt_property_u32(b, "memory", (uint32_t)d[i].memory);
        if (d[i].ramdisk)
            fdt_property_string(b, "ramdisk", d[i].ramdisk);
        if (d[i].bootargs)
            fdt_property_string(b, "bootargs", d[i].bootargs);
        if (d[i].extra)
            fdt_property_u32(b, d[i].extra, 1);
        fdt_end_node(b);
    }
    fdt_end_node(b);
    fdt_end_node(b);
    CHECK_EQ(fdt_finish(b), 0);
    return b;
}

/* The buffer's real size: a corrupted header's totalsize is not trusted. */
static int parse_sized(const void *b, size_t size, struct bootcfg_domain *out,
                       char *err)
{
    err[0] = '\0';
    return bootcfg_parse(b, size, out, 4, err, 256);
}

static int parse(const void *b, struct bootcfg_domain *out, char *err)
{
    return parse_sized(b, fdt_totalsize(b), out, err);
}

static void test_good(void)
{
    static const struct dom d[] = {
        {"ping", "build/tests/guest/ping/guest.elf", NULL, "count=5", 4, NULL},
        {"pong", "pong.elf", "pong.cpio", NULL, 1024, NULL},
    };
    struct bootcfg_domain out[4];
    char err[256];
    void *b = blob_make(BOOTCFG_COMPATIBLE, d, 2);

    CHECK(bootcfg_is_config(b, fdt_totalsize(b)));
    CHECK(!bootcfg_is_config(b, fdt_totalsize(b) - 1));
    CHECK_EQ(parse(b, out, err), 2);
    CHECK_STR(out[0].name, "ping");
    CHECK_STR(out[0].kernel, "build/tests/guest/ping/guest.elf");
    CHECK_STR(out[0].bootargs, "count=5");
    CHECK(out[0].ramdisk == NULL);
    CHECK_EQ(out[0].memory_mib, 4);
    CHECK_STR(out[1].ramdisk, "pong.cpio");
    CHECK_EQ(out[1].memory_mib, 1024);
    /* No domains at all is a valid, empty configuration. */
    CHECK_EQ(parse(blob_make(BOOTCFG_COMPATIBLE, d, 0), out, err), 0);
}

/* One bad domain: the error code and a piece of the message. */
static void bad(struct dom d, int want, const char *says)
{
    struct bootcfg_domain out[4];
    char err[256];
    int rc = parse(blob_make(BOOTCFG_COMPATIBLE, &d, 1), out, err);

    CHECK_EQ(rc, want);
    if (!strstr(err, says)) {
        printf("error \"%s\" does not say \"%s\"\n", err, says);
        CHECK(0);
    }
}

static void test_bad(void)
{
    char err[256];
    struct bootcfg_domain out[4];
    struct dom many[5] = {{"a", "k", NULL, NULL, 1, NULL},
                          {"b", "k", NULL, NULL, 1, NULL},
                          {"c", "k", NULL, NULL, 1, NULL},
                          {"d", "k", NULL, NULL, 1, NULL},
                          {"e", "k", NULL, NULL, 1, NULL}};

    bad((struct dom){"w", NULL, NULL, NULL, 4, NULL}, -EINVAL,
        "/domains/w: property 'kernel' is missing");
    bad((struct dom){"w", "k", NULL, NULL, -1, NULL}, -EINVAL,
        "/domains/w: property 'memory' (MiB) is missing");
    bad((struct dom){"w", "k", NULL, NULL, 0, NULL}, -EINVAL,
        "/domains/w: memory = <0>: must be 1 to 1024");
    bad((struct dom){"w", "k", NULL, NULL, 1025, NULL}, -EINVAL,
        "memory = <1025>");
    bad((struct dom){"w", "k", NULL, NULL, 4, "memroy"}, -EINVAL,
        "/domains/w: unknown property 'memroy'");
    bad((struct dom){"w", "", NULL, NULL, 4, NULL}, -EINVAL,
        "property 'kernel' must be one non-empty string");
    bad((struct dom){"w@1", "k", NULL, NULL, 4, NULL}, -EINVAL, "without '@'");
    bad((struct dom){"a-domain-name-of-thirty-two-chars", "k", NULL, NULL, 4,
                     NULL},
        -EINVAL, "1 to 31 characters");
    many[1].name = "a";
    CHECK_EQ(parse(blob_make(BOOTCFG_COMPATIBLE, many, 2), out, err), -EINVAL);
    CHECK(strstr(err, "/domains/a: a second domain of that name") != NULL);
    many[1].name = "b";
    CHECK_EQ(parse(blob_make(BOOTCFG_COMPATIBLE, many, 5), out, err), -E2BIG);
    CHECK(strstr(err, "more than 4 domains") != NULL);
    CHECK_EQ(parse(blob_make("carapace,bootinfo-v1", many, 1), out, err),
             -EINVAL);
    CHECK(strstr(err, "carapace,boot-config") != NULL);
    CHECK(!bootcfg_is_config("not a tree at all", 18));
}

static void test_matches(void)
{
    CHECK(bootcfg_module_matches("build/a/guest.elf x=1", "build/a/guest.elf"));
    CHECK(bootcfg_module_matches("build/a/guest.elf", "guest.elf"));
    CHECK(bootcfg_module_matches("guest.elf y", "build/a/guest.elf"));
    CHECK(!bootcfg_module_matches("build/a/guest.elf", "build/b/guest.elf"));
    CHECK(!bootcfg_module_matches("build/a/guest.elf", "uest.elf"));
    CHECK(!bootcfg_module_matches("build/a/guest.elf", "build/a/guest.el"));
    CHECK(!bootcfg_module_matches("", "guest.elf"));
    CHECK(!bootcfg_module_matches("dir/", "dir/"
                                          "x"));
}

/* A sound tree that says it is an older version of the format: refused
 * by fdtcheck_sound (Debian's libfdt 1.6.1 fdt_check_full reads address 0
 * on a tree below version 16 whose root's name has no '/': found by
 * tests/fuzz/bootcfg and bootinfo; its short property keeps libfdt's old
 * value alignment from stopping the walk first). */
static void test_old_version(void)
{
    static const uint32_t versions[] = {2, 3, 13, 15, 16};
    void *b = blob_buf;
    uint32_t *h = b;

    fdt_create(b, BLOB_SIZE);
    fdt_finish_reservemap(b);
    fdt_begin_node(b, "");
    fdt_property_string(b, "a", "x");
    fdt_end_node(b);
    CHECK_EQ(fdt_finish(b), 0);
    CHECK(fdtcheck_sound(b, fdt_totalsize(b)));
    for (unsigned i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        h[5] = cpu_to_fdt32(versions[i]); /* version, last_comp_version */
        h[6] = cpu_to_fdt32(versions[i] < 16 ? versions[i] : 16);
        CHECK(!fdtcheck_sound(b, fdt_totalsize(b)));
        CHECK(!bootcfg_is_config(b, fdt_totalsize(b)));
    }
    h[5] = cpu_to_fdt32(17);
    h[6] = cpu_to_fdt32(16);
    CHECK(fdtcheck_sound(b, fdt_totalsize(b)));
}

/* Flip bytes of a good blob: parse may fail, must not read out of bounds. */
static void test_corrupt(void)
{
    static const struct dom d[] = {
        {"ping", "ping.elf", "r.cpio", "a b", 4, NULL},
        {"pong", "pong.elf", NULL, NULL, 8, NULL},
    };
    struct bootcfg_domain out[4];
    char err[256];
    void *good = blob_make(BOOTCFG_COMPATIBLE, d, 2);
    size_t size = fdt_totalsize(good);
    unsigned ok = 0;
    uint8_t *copy = malloc(size);

    srand(42);
    for (int i = 0; i < 20000; i++) {
        memcpy(copy, good, size);
        for (int k = 0; k < 1 + i % 4; k++)
            copy[(size_t)rand() % size] = (uint8_t)rand();
        ok += parse_sized(copy, size, out, err) >= 0;
    }
    printf("corrupted blobs parsed cleanly: %u of 20000\n", ok);
    free(copy);
    CHECK(ok < 20000);
}

int main(void)
{
    test_good();
    test_bad();
    test_matches();
    test_old_version();
    test_corrupt();
    return check_finish();
}
