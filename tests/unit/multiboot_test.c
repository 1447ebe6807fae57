/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Multiboot images and hvm layouts (lib/multiboot.c): a good image, built
 * in memory, parses to exactly the values it was made with; each way of
 * breaking its header is refused with its documented reason; the layout
 * of an hvm domain keeps to the guest's RAM at its limits; the Multiboot
 * information matches the layout; and the guest kernel's native image
 * (build/guest-kernel/kernel-native.elf, when built) parses to what its
 * ELF program headers say. Each image under test is copied to a heap
 * block of exactly its size, so ASan reports any read past the end.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <carapace/errno.h>

#include "check.h"
#include "multiboot.h"

#define MIB       (1ULL << 20)
#define PAGE      4096ULL
#define LOAD      0x100000u /* load_addr of the test images: 1 MiB */
#define FILE_MAX  0x5000
#define GOOD_OFF  0x40   /* the good image's header ... */
#define GOOD_LEN  0x3000 /* ... in a file this long */
#define SHORT_LEN 0x1000 /* a file shorter than the search */

/* The reasons multiboot_parse documents, one per refusal. */
#define R_NONE   "no Multiboot header in its first 8 KiB"
#define R_SHORT  "the Multiboot header is cut short"
#define R_PAST   "the Multiboot header runs past the first 8 KiB"
#define R_NOADDR "the Multiboot header carries no load addresses (flag bit 16)"
#define R_VIDEO  "the image asks for a video mode"
#define R_HDR                                                                  \
    "header_addr is before load_addr, or further from it than the file "       \
    "allows"
#define R_LEND  "load_end_addr is below load_addr"
#define R_RANGE "the load range is outside the file"
#define R_BSS   "bss_end_addr is below the loaded bytes"
#define R_LOAD  "load_addr is below 1 MiB or not page-aligned"
#define R_ENTRY "entry_addr is outside the loaded bytes"

struct mbh {
    uint32_t magic, flags, checksum;
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

static uint8_t file[FILE_MAX];

/* The good header: at GOOD_OFF, loading file bytes [0, 0x2800) to 1 MiB,
 * bss to 1 MiB + 0x5000, entered at 1 MiB + 0x100. */
static struct mbh good(void)
{
    return (struct mbh){
        .magic = MULTIBOOT_HEADER_MAGIC,
        .flags = MULTIBOOT_F_ADDRESSES | 0x3,
        .header_addr = LOAD + GOOD_OFF,
        .load_addr = LOAD,
        .load_end_addr = LOAD + 0x2800,
        .bss_end_addr = LOAD + 0x5000,
        .entry_addr = LOAD + 0x100,
    };
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A file of filler bytes with h at off (its checksum made right), cut to
 * size bytes: only the header's bytes below size are written. */
static void make(struct mbh h, size_t off, size_t size)
{
    uint8_t hb[sizeof(h)];
    const uint32_t *f = &h.magic;

    h.checksum = -(h.magic + h.flags);
    for (unsigned i = 0; i < sizeof(h) / 4; i++)
        put32(hb + 4 * i, f[i]);
    for (size_t i = 0; i < FILE_MAX; i++)
        file[i] = (uint8_t)(0x90 ^ i); /* no magic by accident */
    for (size_t i = 0; i < sizeof(hb) && off + i < size; i++)
        file[off + i] = hb[i];
}

/* multiboot_parse of file[0..size), from an exactly sized heap copy. */
static int parse_file(size_t size, struct multiboot_image *img)
{
    uint8_t *copy = malloc(size ? size : 1);
    int rc;

    memcpy(copy, file, size);
    memset(img, 0xa5, sizeof(*img));
    rc = multiboot_parse(copy, size, img);
    free(copy);
    return rc;
}

static int parse_at(struct mbh h, size_t off, size_t size,
                    struct multiboot_image *img)
{
    make(h, off, size);
    return parse_file(size, img);
}

/* The header h at off in a file of size bytes is refused for reason. */
#define REFUSED(h, off, size, reason)                                          \
    do {                                                                       \
        struct multiboot_image r_;                                             \
        CHECK_EQ(parse_at((h), (off), (size), &r_), -CARAPACE_EINVAL);         \
        CHECK_STR(r_.why, (reason));                                           \
    } while (0)

/* ... and accepted. */
#define ACCEPTED(h, off, size)                                                 \
    do {                                                                       \
        struct multiboot_image a_;                                             \
        CHECK_EQ(parse_at((h), (off), (size), &a_), 0);                        \
        CHECK(a_.why == NULL);                                                 \
    } while (0)

static void test_good(void)
{
    struct multiboot_image img;
    struct mbh h = good();

    CHECK_EQ(parse_at(h, GOOD_OFF, GOOD_LEN, &img), 0);
    CHECK_EQ(img.file_offset, 0);
    CHECK_EQ(img.load_size, 0x2800);
    CHECK_EQ(img.load_addr, LOAD);
    CHECK_EQ(img.bss_end, LOAD + 0x5000);
    CHECK_EQ(img.entry, LOAD + 0x100);
    CHECK(img.why == NULL);

    /* The header at 0x1000 with header_addr = load_addr, as the native
     * kernel has it: the load starts at the header. */
    h.header_addr = h.load_addr = 0x200000;
    h.load_end_addr = 0x200000 + 0x1800;
    h.bss_end_addr = 0x200000 + 0x4000;
    h.entry_addr = 0x200020;
    CHECK_EQ(parse_at(h, 0x1000, 0x3000, &img), 0);
    CHECK_EQ(img.file_offset, 0x1000);
    CHECK_EQ(img.load_size, 0x1800);
    CHECK_EQ(img.load_addr, 0x200000);
    CHECK_EQ(img.bss_end, 0x204000);
    CHECK_EQ(img.entry, 0x200020);

    /* load_end_addr = 0: the rest of the file. */
    h = good();
    h.load_end_addr = 0;
    CHECK_EQ(parse_at(h, GOOD_OFF, GOOD_LEN, &img), 0);
    CHECK_EQ(img.file_offset, 0);
    CHECK_EQ(img.load_size, GOOD_LEN);
    CHECK_EQ(img.bss_end, LOAD + 0x5000);
    h.header_addr = LOAD + 0x10; /* the load starts 0x30 into the file */
    CHECK_EQ(parse_at(h, GOOD_OFF, GOOD_LEN, &img), 0);
    CHECK_EQ(img.file_offset, 0x30);
    CHECK_EQ(img.load_size, GOOD_LEN - 0x30);

    /* bss_end_addr = 0: no bss, it ends with the loaded bytes. */
    h = good();
    h.bss_end_addr = 0;
    CHECK_EQ(parse_at(h, GOOD_OFF, GOOD_LEN, &img), 0);
    CHECK_EQ(img.bss_end, LOAD + 0x2800);
    h.load_end_addr = 0;
    CHECK_EQ(parse_at(h, GOOD_OFF, GOOD_LEN, &img), 0);
    CHECK_EQ(img.bss_end, LOAD + GOOD_LEN);
}

static void test_search(void)
{
    struct multiboot_image img;
    struct mbh h = good();

    /* Nothing at all, an empty file, no file. */
    memset(file, 0, sizeof(file));
    CHECK_EQ(parse_file(GOOD_LEN, &img), -CARAPACE_EINVAL);
    CHECK_STR(img.why, R_NONE);
    CHECK_EQ(parse_file(0, &img), -CARAPACE_EINVAL);
    CHECK_STR(img.why, R_NONE);
    CHECK_EQ(multiboot_parse(NULL, 100, &img), -CARAPACE_EINVAL);
    CHECK_STR(img.why, R_NONE);

    /* The last 4-byte step whose magic, flags and checksum are in the
     * first 8 KiB is searched, the next is not; a header must also end
     * within the 8 KiB (the Multiboot specification; QEMU's loader is
     * stricter still). */
    h.header_addr = LOAD + 8160;
    h.load_end_addr = 0;
    h.bss_end_addr = 0;
    ACCEPTED(h, 8160, 0x4000); /* ends at exactly 8 KiB */
    h.header_addr = LOAD + 8164;
    REFUSED(h, 8164, 0x4000, R_PAST);
    h.header_addr = LOAD + 8180;
    REFUSED(h, 8180, 0x4000, R_PAST);
    h.header_addr = LOAD + 8184;
    REFUSED(h, 8184, 0x4000, R_NONE);
    h.header_addr = LOAD + 8192;
    REFUSED(h, 8192, 0x4000, R_NONE);

    /* A bad checksum is no header; the search goes on past it. */
    h = good();
    make(h, GOOD_OFF, GOOD_LEN);
    file[GOOD_OFF + 8]++;
    CHECK_EQ(parse_file(GOOD_LEN, &img), -CARAPACE_EINVAL);
    CHECK_STR(img.why, R_NONE);
    memcpy(file + GOOD_OFF + 0x100, file + GOOD_OFF, 32);
    file[GOOD_OFF + 0x100 + 8]--; /* a good copy after the bad one */
    put32(file + GOOD_OFF + 0x100 + 12, LOAD + GOOD_OFF + 0x100);
    CHECK_EQ(parse_file(GOOD_LEN, &img), 0);
    CHECK_EQ(img.file_offset, 0);
    CHECK_EQ(img.load_size, 0x2800);

    /* Only 4-byte steps: the header at every other offset is not seen. */
    for (size_t off = GOOD_OFF + 1; off < GOOD_OFF + 4; off++) {
        h.header_addr = LOAD + (uint32_t)off;
        REFUSED(h, off, GOOD_LEN, R_NONE);
    }
    h.header_addr = LOAD + GOOD_OFF + 4;
    ACCEPTED(h, GOOD_OFF + 4, GOOD_LEN);

    /* Cut short at the end of a file shorter than 8 KiB: only its first
     * 12, or 28, bytes are there; 32 are enough. */
    h = good();
    h.load_end_addr = 0;
    h.bss_end_addr = 0;
    h.header_addr = LOAD + SHORT_LEN - 12;
    REFUSED(h, SHORT_LEN - 12, SHORT_LEN, R_SHORT);
    h.header_addr = LOAD + SHORT_LEN - 28;
    REFUSED(h, SHORT_LEN - 28, SHORT_LEN, R_SHORT);
    h.header_addr = LOAD + SHORT_LEN - 32;
    ACCEPTED(h, SHORT_LEN - 32, SHORT_LEN);
}

static void test_refused(void)
{
    struct mbh h;

    h = good();
    h.flags &= ~MULTIBOOT_F_ADDRESSES;
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_NOADDR);
    h = good();
    h.flags |= 0x4;
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_VIDEO);

    /* header_addr: not before load_addr, not further from it than the
     * header is from the start of the file. */
    h = good();
    h.header_addr = LOAD - 4;
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_HDR);
    h.header_addr = LOAD + GOOD_OFF + 4;
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_HDR);
    h.header_addr = LOAD + GOOD_OFF;
    ACCEPTED(h, GOOD_OFF, GOOD_LEN);

    /* load_end_addr: not below load_addr, not past the file, not empty. */
    h = good();
    h.load_end_addr = LOAD - 1;
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_LEND);
    h.load_end_addr = LOAD + GOOD_LEN + 1;
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_RANGE);
    h.load_end_addr = LOAD;
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_RANGE);
    h.load_end_addr = LOAD + GOOD_LEN;
    ACCEPTED(h, GOOD_OFF, GOOD_LEN);
    /* Past the file from a start inside it. */
    h = good();
    h.header_addr = LOAD + 0x10;
    h.load_end_addr = LOAD + GOOD_LEN - 0x30 + 1;
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_RANGE);
    h.load_end_addr--;
    ACCEPTED(h, GOOD_OFF, GOOD_LEN);

    /* bss_end_addr: not below the end of the loaded bytes. */
    h = good();
    h.bss_end_addr = LOAD + 0x2800 - 1;
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_BSS);
    h.bss_end_addr = LOAD + 0x2800;
    ACCEPTED(h, GOOD_OFF, GOOD_LEN);
    h.bss_end_addr = LOAD + 1;
    h.load_end_addr = 0;
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_BSS);

    /* load_addr: 1 MiB or above, page-aligned. */
    h = good();
    h.load_addr = LOAD - 0x1000;
    h.header_addr = h.load_addr + GOOD_OFF;
    h.load_end_addr = h.load_addr + 0x2800;
    h.bss_end_addr = 0;
    h.entry_addr = h.load_addr;
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_LOAD);
    h.load_addr = h.header_addr = h.load_end_addr = h.entry_addr = 0;
    h.header_addr = GOOD_OFF;
    h.load_end_addr = 0x2800;
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_LOAD);
    h = good();
    h.load_addr = LOAD + 0x800;
    h.header_addr = h.load_addr + GOOD_OFF;
    h.load_end_addr = h.load_addr + 0x2800;
    h.entry_addr = h.load_addr;
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_LOAD);

    /* entry_addr: inside the loaded bytes (not in the bss). */
    h = good();
    h.entry_addr = LOAD - 1;
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_ENTRY);
    h.entry_addr = LOAD + 0x2800;
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_ENTRY);
    h.entry_addr = LOAD + 0x4000; /* in the bss */
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_ENTRY);
    h.entry_addr = 0;
    REFUSED(h, GOOD_OFF, GOOD_LEN, R_ENTRY);
    h.entry_addr = LOAD + 0x2800 - 1;
    ACCEPTED(h, GOOD_OFF, GOOD_LEN);
    h.entry_addr = LOAD;
    ACCEPTED(h, GOOD_OFF, GOOD_LEN);
}

/* Every length of the good image, and random corruption of it: parsing
 * may fail, always with a reason, never reading out of bounds (ASan), and
 * what it accepts stays inside the file. */
static void test_truncate_corrupt(void)
{
    struct multiboot_image img;
    unsigned ok = 0, bad = 0, accepted = 0;
    uint8_t keep[GOOD_LEN];

    make(good(), GOOD_OFF, GOOD_LEN);
    for (size_t len = 0; len <= GOOD_LEN; len++) {
        int rc = parse_file(len, &img);

        if (rc == 0 && img.file_offset + img.load_size <= len) {
            ok++;
            accepted++;
        } else if (rc == -CARAPACE_EINVAL && img.why && img.why[0])
            ok++;
        else
            bad++;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(ok, GOOD_LEN + 1);
    CHECK_EQ(accepted, GOOD_LEN - 0x2800 + 1); /* from its load_end on */
    memcpy(keep, file, GOOD_LEN);
    srand(7);
    for (int i = 0; i < 20000; i++) {
        memcpy(file, keep, GOOD_LEN);
        for (int k = 0; k < 1 + i % 4; k++)
            file[GOOD_OFF + (size_t)rand() % 32] = (uint8_t)rand();
        if (parse_file(GOOD_LEN, &img) == 0 &&
            (img.file_offset + img.load_size > GOOD_LEN ||
             img.entry < img.load_addr ||
             img.entry >= img.load_addr + img.load_size ||
             img.bss_end < img.load_addr + img.load_size))
            bad++;
    }
    CHECK_EQ(bad, 0);
}

/* An image whose bss ends at bss_end (load_addr 1 MiB). */
static struct multiboot_image image_to(uint64_t bss_end)
{
    return (struct multiboot_image){
        .file_offset = 0,
        .load_size = 0x2800,
        .load_addr = LOAD,
        .bss_end = bss_end,
        .entry = LOAD,
    };
}

static void test_layout(void)
{
    struct multiboot_image img = image_to(LOAD + 0x5000);
    struct multiboot_layout l;
    uint64_t strings = MULTIBOOT_INFO_GPA + sizeof(struct multiboot_info) +
                       sizeof(struct multiboot_module);

    /* Memory: whole pages, MULTIBOOT_HVM_MIN .. MULTIBOOT_HVM_MAX. */
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MIN, 0, 0, 0, &l), 0);
    CHECK_EQ(l.nr, MULTIBOOT_HVM_MIN / PAGE);
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MAX, 0, 0, 0, &l), 0);
    CHECK_EQ(l.nr, MULTIBOOT_HVM_MAX / PAGE);
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MIN - PAGE, 0, 0, 0, &l),
             -CARAPACE_EINVAL);
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MAX + PAGE, 0, 0, 0, &l),
             -CARAPACE_EINVAL);
    CHECK_EQ(multiboot_layout(&img, 0, 0, 0, 0, &l), -CARAPACE_EINVAL);
    CHECK_EQ(multiboot_layout(&img, 16 * MIB + 1, 0, 0, 0, &l),
             -CARAPACE_EINVAL);
    CHECK_EQ(multiboot_layout(&img, 16 * MIB - 2048, 0, 0, 0, &l),
             -CARAPACE_EINVAL);
    CHECK_EQ(multiboot_layout(&img, UINT64_MAX & ~(PAGE - 1), 0, 0, 0, &l),
             -CARAPACE_EINVAL);

    /* 16 MiB, no module: the shared-info page and the console ring are
     * the top two frames, outside RAM; low memory's strings after the
     * information and its one module entry. */
    CHECK_EQ(multiboot_layout(&img, 16 * MIB, 0, 10, 20, &l), 0);
    CHECK_EQ(l.nr, 4096);
    CHECK_EQ(l.ram_frames, 4094);
    CHECK_EQ(l.shared_gfn, 4094);
    CHECK_EQ(l.console_gfn, 4095);
    CHECK_EQ(l.mod_gpa, 0);
    CHECK_EQ(l.info_gpa, MULTIBOOT_INFO_GPA);
    CHECK_EQ(l.cmdline_gpa, strings);
    CHECK_EQ(l.cmdline_gpa, 0x902c);
    CHECK_EQ(l.mod_cmdline_gpa, strings + 11);

    /* A module: page-aligned after the bss, even when the bss ends
     * unaligned; right after it when it ends on a page. */
    img.bss_end = LOAD + 0x5001;
    CHECK_EQ(multiboot_layout(&img, 16 * MIB, 5000, 0, 0, &l), 0);
    CHECK_EQ(l.mod_gpa, LOAD + 0x6000);
    img.bss_end = LOAD + 0x5000;
    CHECK_EQ(multiboot_layout(&img, 16 * MIB, 1, 0, 0, &l), 0);
    CHECK_EQ(l.mod_gpa, LOAD + 0x5000);
    CHECK_EQ(l.shared_gfn, 4094);
    CHECK_EQ(l.console_gfn, 4095);

    /* Command lines: up to 4096 bytes each, both in low memory. */
    CHECK_EQ(multiboot_layout(&img, 16 * MIB, 0, 4096, 4096, &l), 0);
    CHECK_EQ(l.mod_cmdline_gpa, strings + 4097);
    CHECK(l.mod_cmdline_gpa + 4097 <= MULTIBOOT_LOW_END);
    CHECK_EQ(multiboot_layout(&img, 16 * MIB, 0, 4097, 0, &l),
             -CARAPACE_EINVAL);
    CHECK_EQ(multiboot_layout(&img, 16 * MIB, 0, 0, 4097, &l),
             -CARAPACE_EINVAL);
    CHECK_EQ(multiboot_layout(&img, 16 * MIB, 0, (size_t)-1, 0, &l),
             -CARAPACE_EINVAL);
}

/* The image and module just fit in RAM, and one byte more does not. */
static void test_fit(void)
{
    uint64_t ram = (MULTIBOOT_HVM_MIN / PAGE - 2) * PAGE; /* 2 MiB - 8 KiB */
    struct multiboot_image img = image_to(ram);
    struct multiboot_layout l;

    /* The image alone, up to the shared-info page. */
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MIN, 0, 0, 0, &l), 0);
    img.bss_end = ram + 1;
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MIN, 0, 0, 0, &l),
             -CARAPACE_ENOMEM);
    /* With a module: its pages end where RAM does. */
    img.bss_end = LOAD + 0x5000;
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MIN, ram - LOAD - 0x5000, 0,
                              0, &l),
             0);
    CHECK_EQ(l.mod_gpa, LOAD + 0x5000);
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MIN, ram - LOAD - 0x5000 + 1,
                              0, 0, &l),
             -CARAPACE_ENOMEM);
    img.bss_end = LOAD + 0x4001; /* rounded up to the same page */
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MIN, ram - LOAD - 0x5000, 0,
                              0, &l),
             0);
    img.bss_end = LOAD + 0x5001; /* one page more */
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MIN, ram - LOAD - 0x5000, 0,
                              0, &l),
             -CARAPACE_ENOMEM);
    /* At the largest size too. */
    ram = (MULTIBOOT_HVM_MAX / PAGE - 2) * PAGE;
    img.bss_end = LOAD + 0x5000;
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MAX, ram - LOAD - 0x5000, 0,
                              0, &l),
             0);
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MAX,
                              ram - LOAD - 0x5000 + PAGE, 0, 0, &l),
             -CARAPACE_ENOMEM);
    /* A module size the page rounding would wrap: too big, not zero. */
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MAX, UINT64_MAX, 0, 0, &l),
             -CARAPACE_ENOMEM);
    CHECK_EQ(
        multiboot_layout(&img, MULTIBOOT_HVM_MAX, UINT64_MAX - PAGE, 0, 0, &l),
        -CARAPACE_ENOMEM);
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MAX, 1ULL << 63, 0, 0, &l),
             -CARAPACE_ENOMEM);
    /* An image whose bss ends past 4 GiB (load_addr near 4 GiB). */
    img.load_addr = 0xfffff000;
    img.bss_end = 0x100001000;
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MAX, 0, 0, 0, &l),
             -CARAPACE_ENOMEM);
}

static void test_info(void)
{
    struct multiboot_image img = image_to(LOAD + 0x5000);
    struct multiboot_layout l;
    struct multiboot_info info;
    struct multiboot_module mod;

    /* 16 MiB without a module: memory and command line, no modules. */
    CHECK_EQ(multiboot_layout(&img, 16 * MIB, 0, 5, 0, &l), 0);
    memset(&mod, 0xa5, sizeof(mod));
    multiboot_info_fill(&l, 0, &info, &mod);
    CHECK_EQ(info.flags, MULTIBOOT_INFO_MEM | MULTIBOOT_INFO_CMDLINE);
    CHECK_EQ(info.mem_lower, 640);
    CHECK_EQ(info.mem_upper, (16 * MIB - 2 * PAGE - MIB) / 1024);
    CHECK_EQ(info.mem_upper, 15352);
    CHECK_EQ(info.boot_device, 0);
    CHECK_EQ(info.cmdline, l.cmdline_gpa);
    CHECK_EQ(info.mods_count, 0);
    CHECK_EQ(info.mods_addr, 0);
    CHECK_EQ(mod.start, 0);
    CHECK_EQ(mod.end, 0);
    CHECK_EQ(mod.string, 0);
    CHECK_EQ(mod.reserved, 0);

    /* With a 5000-byte module: one module entry, right after the
     * information, naming the module's bytes and its command line. */
    CHECK_EQ(multiboot_layout(&img, 16 * MIB, 5000, 5, 7, &l), 0);
    multiboot_info_fill(&l, 5000, &info, &mod);
    CHECK_EQ(info.flags,
             MULTIBOOT_INFO_MEM | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS);
    CHECK_EQ(info.mem_upper, 15352);
    CHECK_EQ(info.cmdline, 0x902c);
    CHECK_EQ(info.mods_count, 1);
    CHECK_EQ(info.mods_addr, MULTIBOOT_INFO_GPA + sizeof(info));
    CHECK_EQ(info.mods_addr + sizeof(mod), l.cmdline_gpa);
    CHECK_EQ(mod.start, LOAD + 0x5000);
    CHECK_EQ(mod.end, LOAD + 0x5000 + 5000);
    CHECK_EQ(mod.string, l.mod_cmdline_gpa);
    CHECK_EQ(mod.string, 0x902c + 6);
    CHECK_EQ(mod.reserved, 0);

    /* The smallest and largest domains. */
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MIN, 0, 0, 0, &l), 0);
    multiboot_info_fill(&l, 0, &info, &mod);
    CHECK_EQ(info.mem_upper, 1016);
    CHECK_EQ(multiboot_layout(&img, MULTIBOOT_HVM_MAX, 0, 0, 0, &l), 0);
    multiboot_info_fill(&l, 0, &info, &mod);
    CHECK_EQ(info.mem_upper, 1024 * 1023 - 8);
    /* The struct is the layout Multiboot kernels read. */
    CHECK_EQ(sizeof(info), 28);
    CHECK_EQ(sizeof(mod), 16);
}

/* Little-endian fields of the ELF64 file (lib/include's elf.h is the
 * project's own, not the host's). */
static uint64_t rd(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The guest kernel's native image, run from the repository root as
 * tests/run.py does: its header says what its ELF program headers do. */
static void test_native(void)
{
    static const char path[] = "build/guest-kernel/kernel-native.elf";
    FILE *f = fopen(path, "rb");
    struct multiboot_image img;
    struct multiboot_layout l;
    uint64_t vbase = 0, fend = 0, mend = 0, phoff;
    uint8_t *buf;
    long size;
    int nload = 0;

    if (!f) {
        printf("%s is not built: its part of the test skipped\n", path);
        return;
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    rewind(f);
    buf = malloc((size_t)size);
    CHECK_EQ(fread(buf, 1, (size_t)size, f), (size_t)size);
    fclose(f);

    CHECK_EQ(multiboot_parse(buf, (size_t)size, &img), 0);
    CHECK(img.why == NULL);
    printf("%s: %#lx bytes from file offset %#lx to %#lx, bss to %#lx, "
           "entry %#lx\n",
           path, (unsigned long)img.load_size, (unsigned long)img.file_offset,
           (unsigned long)img.load_addr, (unsigned long)img.bss_end,
           (unsigned long)img.entry);

    /* The loaded bytes are the PT_LOAD segments' file bytes, laid out in
     * the file as in memory; the bss covers their memory sizes. */
    CHECK(size > 64 && memcmp(buf, "\177ELF\2\1", 6) == 0);
    phoff = rd(buf + 32, 8);
    for (uint64_t i = 0; i < rd(buf + 56, 2); i++) {
        const uint8_t *ph = buf + phoff + 56 * i;

        if (phoff + 56 * (i + 1) > (uint64_t)size) {
            CHECK(0);
            break;
        }
        if (rd(ph, 4) != 1) /* PT_LOAD */
            continue;
        if (nload++ == 0) {
            vbase = rd(ph + 16, 8);
            CHECK_EQ(rd(ph + 8, 8), img.file_offset);
        }
        CHECK_EQ(rd(ph + 16, 8) - vbase, rd(ph + 8, 8) - img.file_offset);
        fend = rd(ph + 8, 8) + rd(ph + 32, 8);
        mend = rd(ph + 16, 8) - vbase + rd(ph + 40, 8);
    }
    CHECK(nload >= 1);
    CHECK_EQ(img.file_offset + img.load_size, fend);
    CHECK(img.bss_end >= img.load_addr + mend);
    CHECK(img.bss_end - img.load_addr - mend < PAGE);
    CHECK_EQ(img.entry - img.load_addr, rd(buf + 24, 8) - vbase);
    CHECK_EQ(img.load_addr % PAGE, 0);

    /* It fits in the 16 MiB of /etc/carapace/hvm.cfg with a ramdisk. */
    CHECK_EQ(multiboot_layout(&img, 16 * MIB, 4 * MIB, 12, 0, &l), 0);
    CHECK(l.mod_gpa >= img.bss_end);
    free(buf);
}

/* --- The long-mode entry note of trap domains --------------------------- */

#define NOTE_FILE 0x400
#define NOTE_OFF  0x100

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* An ELF64 file of NOTE_FILE bytes: a PT_LOAD and a PT_NOTE header, the
 * notes at NOTE_OFF: a GNU one, then ours (name, type, descriptor size
 * as given). Returns the length of the notes. */
static size_t note_file(uint8_t *f, const char *name, uint32_t type,
                        uint32_t descsz, uint64_t entry, uint64_t l4)
{
    uint8_t *n = f + NOTE_OFF;
    size_t namesz = strlen(name) + 1;

    memset(f, 0, NOTE_FILE);
    memcpy(f, "\177ELF\2\1\1", 7);
    put64(f + 0x20, 0x40);   /* e_phoff */
    f[0x36] = 56;            /* e_phentsize */
    f[0x38] = 2;             /* e_phnum */
    put32(f + 0x40, 1);      /* PT_LOAD */
    put32(f + 0x40 + 56, 4); /* PT_NOTE */
    put64(f + 0x40 + 56 + 8, NOTE_OFF);
    put32(n, 4); /* "GNU", type 3, 4 bytes */
    put32(n + 4, 4);
    put32(n + 8, 3);
    memcpy(n + 12, "GNU", 4);
    n += 20;
    put32(n, (uint32_t)namesz);
    put32(n + 4, descsz);
    put32(n + 8, type);
    memcpy(n + 12, name, namesz);
    n += 12 + ((namesz + 3) & ~(size_t)3);
    put64(n, entry);
    put64(n + 8, l4);
    n += (descsz + 3) & ~3u;
    put64(f + 0x40 + 56 + 32, (uint64_t)(n - f - NOTE_OFF)); /* p_filesz */
    return (size_t)(n - f - NOTE_OFF);
}

/* multiboot_long_entry on a copy of f in a block of exactly its size. */
static int long_entry(const uint8_t *f, struct multiboot_image *img,
                      struct multiboot_long_entry *le)
{
    uint8_t *copy = malloc(NOTE_FILE);
    int err;

    memcpy(copy, f, NOTE_FILE);
    err = multiboot_long_entry(copy, NOTE_FILE, img, le);
    free(copy);
    return err;
}

static void test_long_entry(void)
{
    static uint8_t f[NOTE_FILE];
    struct multiboot_image img = {
        .load_addr = LOAD, .load_size = 0x2000, .bss_end = LOAD + 0x4000};
    struct multiboot_long_entry le;

    note_file(f, "Carapace", 5, 16, LOAD + 0x40, LOAD + 0x1000);
    CHECK_EQ(long_entry(f, &img, &le), 0);
    CHECK_EQ(le.entry, LOAD + 0x40);
    CHECK_EQ(le.l4, LOAD + 0x1000);
    /* The L4 may be in the bss, not past it. */
    note_file(f, "Carapace", 5, 16, LOAD, LOAD + 0x3000);
    CHECK_EQ(long_entry(f, &img, &le), 0);
    note_file(f, "Carapace", 5, 16, LOAD, LOAD + 0x4000);
    CHECK_EQ(long_entry(f, &img, &le), -CARAPACE_EINVAL);
    CHECK_STR(img.why, "the long-mode L4 is not a page of the image");
    note_file(f, "Carapace", 5, 16, LOAD, LOAD + 0x1008);
    CHECK_EQ(long_entry(f, &img, &le), -CARAPACE_EINVAL);
    note_file(f, "Carapace", 5, 16, LOAD + 0x2000, LOAD + 0x1000);
    CHECK_EQ(long_entry(f, &img, &le), -CARAPACE_EINVAL);
    CHECK_STR(img.why, "the long-mode entry is outside the loaded bytes");
    /* Another name or type is not the note; no note is -ENOENT. */
    note_file(f, "Carapacf", 5, 16, LOAD, LOAD);
    CHECK_EQ(long_entry(f, &img, &le), -CARAPACE_ENOENT);
    note_file(f, "Carapace", 4, 16, LOAD, LOAD);
    CHECK_EQ(long_entry(f, &img, &le), -CARAPACE_ENOENT);
    memset(f, 0, sizeof(f));
    CHECK_EQ(long_entry(f, &img, &le), -CARAPACE_ENOENT);
    CHECK_EQ(multiboot_long_entry(NULL, 0, &img, &le), -CARAPACE_ENOENT);
    /* Malformed: a short descriptor, a note past its segment, program
     * headers or a segment outside the file. */
    note_file(f, "Carapace", 5, 8, LOAD, LOAD);
    CHECK_EQ(long_entry(f, &img, &le), -CARAPACE_EINVAL);
    CHECK_STR(img.why, "its ELF program headers or notes are malformed");
    put64(f + 0x40 + 56 + 32, note_file(f, "Carapace", 5, 16, LOAD, LOAD) - 4);
    CHECK_EQ(long_entry(f, &img, &le), -CARAPACE_EINVAL);
    note_file(f, "Carapace", 5, 16, LOAD, LOAD);
    f[0x38] = 200;
    CHECK_EQ(long_entry(f, &img, &le), -CARAPACE_EINVAL);
    note_file(f, "Carapace", 5, 16, LOAD, LOAD);
    put64(f + 0x20, NOTE_FILE - 56);
    CHECK_EQ(long_entry(f, &img, &le), -CARAPACE_EINVAL);
    note_file(f, "Carapace", 5, 16, LOAD, LOAD);
    put64(f + 0x40 + 56 + 8, NOTE_FILE - 8);
    CHECK_EQ(long_entry(f, &img, &le), -CARAPACE_EINVAL);
    note_file(f, "Carapace", 5, 16, LOAD, LOAD);
    put64(f + 0x40 + 56 + 32, UINT64_MAX);
    CHECK_EQ(long_entry(f, &img, &le), -CARAPACE_EINVAL);
}

/* The Goldberg demo kernel, when built, carries the note. */
static void test_goldberg(void)
{
    static const char path[] = "build/tests/hvm/goldberg.elf";
    FILE *f = fopen(path, "rb");
    struct multiboot_image img;
    struct multiboot_long_entry le;
    uint8_t *buf;
    long size;

    if (!f) {
        printf("%s is not built: its part of the test skipped\n", path);
        return;
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    rewind(f);
    buf = malloc((size_t)size);
    CHECK_EQ(fread(buf, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    CHECK_EQ(multiboot_parse(buf, (size_t)size, &img), 0);
    CHECK_EQ(multiboot_long_entry(buf, (size_t)size, &img, &le), 0);
    printf("%s: long-mode entry %#lx, L4 %#lx\n", path, (unsigned long)le.entry,
           (unsigned long)le.l4);
    free(buf);
}

int main(void)
{
    test_good();
    test_search();
    test_refused();
    test_truncate_corrupt();
    test_layout();
    test_fit();
    test_info();
    test_native();
    test_long_entry();
    test_goldberg();
    return check_finish();
}
