/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Boot configurations: good ones read back exactly; each kind of mistake
 * (missing or unknown property, bad memory, duplicate or bad name, too
 * many domains, not a config at all) gives its error naming the node and
 * value; type = "pv" | "hvm" | "trap" and console = "ring" | "serial"
 * (serial only for hvm and trap) read back, and their bad values are refused;
 * module references match by path or basename; a tree of an older version of
 * the format is refused; and 20,000 corrupted blobs are parsed without an
 * out-of-bounds read (ASan).
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

/* More properties of a domain: type and console (NULL: leave out), and
 * one written as raw bytes (any value, any length). */
struct props {
    const char *type, *console;
    const char *raw_name, *raw;
    int raw_len;
};

static uint64_t blob_buf[BLOB_SIZE / 8];

/* A config with the given domains, built with libfdt's sequential writer;
 * p (NULL: none) adds properties to each. */
static void *blob_make_props(const char *compat, const struct dom *d,
                             const struct props *p, unsigned n)
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
        if (p && p[i].type)
            fdt_property_string(b, "type", p[i].type);
        if (p && p[i].console)
            fdt_property_string(b, "console", p[i].console);
        if (p && p[i].raw_name)
            fdt_property(b, p[i].raw_name, p[i].raw, p[i].raw_len);
        fdt_end_node(b);
    }
    fdt_end_node(b);
    fdt_end_node(b);
    CHECK_EQ(fdt_finish(b), 0);
    return b;
}

static void *blob_make(const char *compat, const struct dom *d, unsigned n)
{
    return blob_make_props(compat, d, NULL, n);
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
    CHECK(!out[0].hvm);            /* type defaults to "pv" ... */
    CHECK(!out[0].console_serial); /* ... and console to "ring" */
    CHECK(!out[1].hvm);
    CHECK(!out[1].console_serial);
    CHECK_STR(out[1].ramdisk, "pong.cpio");
    CHECK_EQ(out[1].memory_mib, 1024);
    /* No domains at all is a valid, empty configuration. */
    CHECK_EQ(parse(blob_make(BOOTCFG_COMPATIBLE, d, 0), out, err), 0);
}

/* One bad domain: the error code and a piece of the message. */
static void bad_props(struct dom d, struct props p, int want, const char *says)
{
    struct bootcfg_domain out[4];
    char err[256];
    int rc = parse(blob_make_props(BOOTCFG_COMPATIBLE, &d, &p, 1), out, err);

    CHECK_EQ(rc, want);
    if (!strstr(err, says)) {
        printf("error \"%s\" does not say \"%s\"\n", err, says);
        CHECK(0);
    }
}

static void bad(struct dom d, int want, const char *says)
{
    bad_props(d, (struct props){0}, want, says);
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
        "/domains/w: unknown property 'memroy' (known: kernel, memory, "
        "bootargs, ramdisk, type, console, umip)");
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

/* Only version 17 trees: an older version's layout differs, and libfdt
 * 1.6.1's fdt_check_full reads address 0 on a version 2 tree whose root
 * name has no '/' (fuzz/bootcfg's regress-libfdt-v2-root-name). */
static void test_version(void)
{
    static const struct dom d[] = {{"ping", "k", NULL, NULL, 4, NULL}};
    struct bootcfg_domain out[4];
    char err[256];
    void *b = blob_make(BOOTCFG_COMPATIBLE, d, 1);

    CHECK_EQ(fdt_version(b), 17);
    CHECK(bootcfg_is_config(b, fdt_totalsize(b)));
    for (uint32_t v = 2; v <= 16; v++) {
        fdt_set_version(b, v);
        fdt_set_last_comp_version(b, v < 16 ? v : 16);
        CHECK(!bootcfg_is_config(b, fdt_totalsize(b)));
        CHECK_EQ(parse(b, out, err), -EINVAL);
    }
    fdt_set_version(b, 17);
    fdt_set_last_comp_version(b, 16);
    CHECK_EQ(parse(b, out, err), 1);
}

/* The domain w with properties p, read back. */
static struct bootcfg_domain read_back(struct props p)
{
    static const struct dom d = {"w", "k", NULL, NULL, 4, NULL};
    struct bootcfg_domain out[4];
    char err[256];
    int rc = parse(blob_make_props(BOOTCFG_COMPATIBLE, &d, &p, 1), out, err);

    CHECK_EQ(rc, 1);
    if (rc != 1) {
        printf("unexpected error: %s\n", err);
        memset(&out[0], 0, sizeof(out[0]));
        return out[0];
    }
    CHECK_STR(out[0].name, "w");
    CHECK_STR(out[0].kernel, "k");
    CHECK_EQ(out[0].memory_mib, 4);
    return out[0];
}

/* The domain w with properties p is refused with a message saying says. */
static void refused(struct props p, const char *says)
{
    bad_props((struct dom){"w", "k", NULL, NULL, 4, NULL}, p, -EINVAL, says);
}

static void test_type_console(void)
{
    static const char not_string[] =
        "/domains/w: property '%s' must be one non-empty string";
    const uint8_t cell[4] = {0, 0, 0, 1};
    struct bootcfg_domain o;
    char longval[61], want[96];

    /* type: "pv" (also the default), "hvm" or "trap". */
    o = read_back((struct props){.type = "pv"});
    CHECK(!o.hvm);
    CHECK(!o.console_serial);
    o = read_back((struct props){.type = "hvm"});
    CHECK(o.hvm);
    CHECK(!o.console_serial);
    /* console: "ring" (also the default) for either; "serial" for hvm. */
    o = read_back((struct props){.type = "hvm", .console = "serial"});
    CHECK(o.hvm);
    CHECK(o.console_serial);
    o = read_back((struct props){.type = "hvm", .console = "ring"});
    CHECK(o.hvm);
    CHECK(!o.console_serial);
    o = read_back((struct props){.type = "pv", .console = "ring"});
    CHECK(!o.hvm);
    CHECK(!o.console_serial);
    o = read_back((struct props){.console = "ring"});
    CHECK(!o.hvm);
    CHECK(!o.console_serial);
    /* type = "trap" (ABI 1.10), with either console. */
    o = read_back((struct props){.type = "trap"});
    CHECK(o.trap && !o.hvm && !o.console_serial);
    o = read_back((struct props){.type = "trap", .console = "serial"});
    CHECK(o.trap && o.console_serial);
    o = read_back((struct props){.type = "hvm"});
    CHECK(!o.trap);
    /* umip = "on" | "off", for a trap domain only. */
    o = read_back((struct props){
        .type = "trap", .raw_name = "umip", .raw = "off", .raw_len = 4});
    CHECK(o.trap && o.umip_off);
    o = read_back((struct props){
        .type = "trap", .raw_name = "umip", .raw = "on", .raw_len = 3});
    CHECK(o.trap && !o.umip_off);
    refused(
        (struct props){
            .type = "hvm", .raw_name = "umip", .raw = "off", .raw_len = 4},
        "/domains/w: umip = \"off\": must be \"on\" or \"off\", for a "
        "trap domain");
    refused(
        (struct props){
            .type = "trap", .raw_name = "umip", .raw = "no", .raw_len = 3},
        "/domains/w: umip = \"no\"");
    refused((struct props){.raw_name = "umip", .raw = "on", .raw_len = 3},
            "/domains/w: umip = \"on\"");

    /* Per domain: an hvm one beside a pv one. */
    {
        static const struct dom two[] = {{"h", "k", NULL, NULL, 4, NULL},
                                         {"p", "k", NULL, NULL, 4, NULL}};
        static const struct props tp[] = {{.type = "hvm", .console = "serial"},
                                          {0}};
        struct bootcfg_domain out[4];
        char err[256];

        CHECK_EQ(
            parse(blob_make_props(BOOTCFG_COMPATIBLE, two, tp, 2), out, err),
            2);
        CHECK(out[0].hvm && out[0].console_serial);
        CHECK(!out[1].hvm && !out[1].console_serial);
    }

    /* Bad type values: the node, the property and the value. */
    refused((struct props){.type = "xen"},
            "/domains/w: type = \"xen\": must be \"pv\", \"hvm\" or "
            "\"trap\"");
    refused((struct props){.type = "Trap"}, "/domains/w: type = \"Trap\"");
    refused((struct props){.type = "HVM"}, "/domains/w: type = \"HVM\"");
    refused((struct props){.type = "hvm "}, "/domains/w: type = \"hvm \"");
    refused((struct props){.type = "xen", .console = "serial"},
            "/domains/w: type = \"xen\"");
    /* A long value is cut to 40 characters in the message. */
    memset(longval, 'x', sizeof(longval) - 1);
    longval[sizeof(longval) - 1] = '\0';
    refused((struct props){.type = longval},
            "/domains/w: type = \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\": "
            "must be");

    /* console = "serial" only with type = "hvm"; other values never. */
    refused((struct props){.console = "serial"},
            "/domains/w: console = \"serial\": must be \"ring\", or "
            "\"serial\" for an hvm or trap domain");
    refused((struct props){.type = "pv", .console = "serial"},
            "/domains/w: console = \"serial\": must be");
    refused((struct props){.type = "hvm", .console = "vga"},
            "/domains/w: console = \"vga\": must be \"ring\", or \"serial\" "
            "for an hvm or trap domain");
    refused((struct props){.type = "hvm", .console = "Serial"},
            "/domains/w: console = \"Serial\"");
    refused((struct props){.console = "vga"}, "/domains/w: console = \"vga\"");

    /* Not one non-empty string: a cell, an empty string, no bytes at all,
     * two strings, no terminating NUL. */
    snprintf(want, sizeof(want), not_string, "type");
    refused((struct props){.raw_name = "type",
                           .raw = (const char *)cell,
                           .raw_len = 4},
            want);
    refused((struct props){.type = ""}, want);
    refused((struct props){.raw_name = "type", .raw = "", .raw_len = 0}, want);
    refused((struct props){.raw_name = "type", .raw = "hvm\0pv", .raw_len = 7},
            want);
    refused((struct props){.raw_name = "type", .raw = "hvm", .raw_len = 3},
            want);
    snprintf(want, sizeof(want), not_string, "console");
    refused((struct props){.type = "hvm",
                           .raw_name = "console",
                           .raw = (const char *)cell,
                           .raw_len = 4},
            want);
    refused((struct props){.type = "hvm", .console = ""}, want);
    refused((struct props){.type = "hvm",
                           .raw_name = "console",
                           .raw = "serial",
                           .raw_len = 6},
            want);
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
    static const struct props p[] = {{0}, {.type = "hvm", .console = "serial"}};
    void *good = blob_make_props(BOOTCFG_COMPATIBLE, d, p, 2);
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
    test_type_console();
    test_version();
    test_matches();
    test_old_version();
    test_corrupt();
    return check_finish();
}
