/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Guest image parsing: a small valid ELF64 image, assembled by hand below,
 * parses with the values it was built with; every way of breaking it is
 * refused with the intended error and reason; truncation at every length
 * and random corruption never crash. Each image under test is copied to a
 * heap block of exactly its size, so ASan reports any read past the end.
 *
 * The image (file offsets; virtual addresses in brackets):
 *   0x0000  ELF header, then program headers 0 PT_NOTE, 1 text, 2 data
 *           (room for a fourth)
 *   0x0180  notes: a GNU note, then Carapace ABI, ENTRY, HYPERCALL_PAGE,
 *           VIRT_BASE
 *   0x1000  text, R X  [0x201000, 0x203000), hypercall page at 0x202000
 *   0x3000  data, R W  [0x203000, 0x208000), 0x100 bytes from the file
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <carapace/abi.h>
#include <carapace/startinfo.h>

#include "check.h"
#include "elf.h"

#define IMG_LEN  0x3100
#define IMG_MAX  0x4000
#define NOTE_OFF 0x180
#define TEXT_VA  0x201000ULL
#define DATA_VA  0x203000ULL
#define HC_VA    0x202000ULL
#define VBASE    0x200000ULL
#define ENTRY_VA 0x201000ULL
#define E_ENTRY  0x201010ULL

/* Field offsets in the ELF header and in program header i. */
#define EH_TYPE      16
#define EH_MACHINE   18
#define EH_VERSION   20
#define EH_ENTRY     24
#define EH_PHOFF     32
#define EH_EHSIZE    52
#define EH_PHENTSIZE 54
#define EH_PHNUM     56
#define PH(i, f)     (64 + 56 * (i) + (f))
#define PH_TYPE      0
#define PH_FLAGS     4
#define PH_OFFSET    8
#define PH_VADDR     16
#define PH_FILESZ    32
#define PH_MEMSZ     40
#define PH_ALIGN     48

#define PT_LOAD   1
#define PT_INTERP 3
#define PT_NOTE   4
#define PF_X      1
#define PF_W      2
#define PF_R      4

static uint8_t img[IMG_MAX];
static size_t img_len;

/* The Carapace note values of the next image, and which notes it has. */
struct tnotes {
    uint32_t abi;
    uint64_t entry, hc, vb;
    unsigned mask; /* ELF_NOTE_BIT of each note to write */
};

#define ALL_NOTES                                                              \
    (ELF_NOTE_BIT(CARAPACE_NOTE_ABI_VERSION) |                                 \
     ELF_NOTE_BIT(CARAPACE_NOTE_ENTRY) |                                       \
     ELF_NOTE_BIT(CARAPACE_NOTE_HYPERCALL_PAGE) |                              \
     ELF_NOTE_BIT(CARAPACE_NOTE_VIRT_BASE))

static const struct tnotes default_notes = {
    CARAPACE_ABI_VERSION, ENTRY_VA, HC_VA, VBASE, ALL_NOTES,
};

static void put(size_t off, uint64_t v, unsigned width)
{
    memcpy(img + off, &v, width); /* little-endian host */
}

/* One note at off; returns where the next one starts. */
static size_t note_put(size_t off, const char *name, uint32_t namesz,
                       uint32_t type, uint64_t desc, uint32_t descsz,
                       unsigned align)
{
    size_t d;

    put(off, namesz, 4);
    put(off + 4, descsz, 4);
    put(off + 8, type, 4);
    memcpy(img + off + 12, name, namesz);
    d = (off + 12 + namesz + align - 1) / align * align;
    memcpy(img + d, &desc, descsz < 8 ? descsz : 8);
    return (d + descsz + align - 1) / align * align;
}

static size_t carapace_note(size_t off, uint32_t type, uint64_t v,
                            uint32_t descsz, unsigned align)
{
    return note_put(off, CARAPACE_NOTE_NAME, sizeof(CARAPACE_NOTE_NAME), type,
                    v, descsz, align);
}

/* The note segment (program header 0) with n's notes, padded to align. */
static void make_notes(const struct tnotes *n, unsigned align)
{
    size_t off = NOTE_OFF;

    memset(img + NOTE_OFF, 0, 0x100);
    off = note_put(off, "GNU", 4, 3, 0x12345678, 4, align);
    if (n->mask & ELF_NOTE_BIT(CARAPACE_NOTE_ABI_VERSION))
        off = carapace_note(off, CARAPACE_NOTE_ABI_VERSION, n->abi, 4, align);
    if (n->mask & ELF_NOTE_BIT(CARAPACE_NOTE_ENTRY))
        off = carapace_note(off, CARAPACE_NOTE_ENTRY, n->entry, 8, align);
    if (n->mask & ELF_NOTE_BIT(CARAPACE_NOTE_HYPERCALL_PAGE))
        off = carapace_note(off, CARAPACE_NOTE_HYPERCALL_PAGE, n->hc, 8, align);
    if (n->mask & ELF_NOTE_BIT(CARAPACE_NOTE_VIRT_BASE))
        off = carapace_note(off, CARAPACE_NOTE_VIRT_BASE, n->vb, 8, align);
    put(PH(0, PH_FILESZ), off - NOTE_OFF, 8);
    put(PH(0, PH_ALIGN), align, 8);
}

static void make_phdr(unsigned i, uint32_t type, uint32_t flags, uint64_t off,
                      uint64_t va, uint64_t filesz, uint64_t memsz)
{
    put(PH(i, PH_TYPE), type, 4);
    put(PH(i, PH_FLAGS), flags, 4);
    put(PH(i, PH_OFFSET), off, 8);
    put(PH(i, PH_VADDR), va, 8);
    put(PH(i, 24), va, 8); /* p_paddr: never read */
    put(PH(i, PH_FILESZ), filesz, 8);
    put(PH(i, PH_MEMSZ), memsz, 8);
    put(PH(i, PH_ALIGN), 0x1000, 8);
}

/* The valid image described at the top. */
static void make_image(void)
{
    static const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    size_t i;

    memset(img, 0, sizeof(img));
    img_len = IMG_LEN;
    memcpy(img, ident, sizeof(ident));
    put(EH_TYPE, 2, 2);
    put(EH_MACHINE, 62, 2);
    put(EH_VERSION, 1, 4);
    put(EH_ENTRY, E_ENTRY, 8);
    put(EH_PHOFF, 64, 8);
    put(EH_EHSIZE, 64, 2);
    put(EH_PHENTSIZE, 56, 2);
    put(EH_PHNUM, 3, 2);
    put(58, 64, 2); /* e_shentsize, no section headers */
    make_phdr(0, PT_NOTE, PF_R, NOTE_OFF, 0, 0, 0);
    make_phdr(1, PT_LOAD, PF_R | PF_X, 0x1000, TEXT_VA, 0x2000, 0x2000);
    make_phdr(2, PT_LOAD, PF_R | PF_W, 0x3000, DATA_VA, 0x100, 0x5000);
    make_notes(&default_notes, 4);
    for (i = 0x1000; i < IMG_LEN; i++)
        img[i] = (uint8_t)(i * 7 + 1);
}

/* Parse img[0..len) from an exact-size heap copy; *copy is left to free. */
static int parse_len(size_t len, struct elf_image *out, uint8_t **copy)
{
    *copy = malloc(len ? len : 1);
    memcpy(*copy, img, len);
    return elf_parse(*copy, len, out);
}

/* Parse the current image: expect err and a reason containing why. */
static void expect_at(int line, int err, const char *why)
{
    struct elf_image im;
    uint8_t *copy;
    int got = parse_len(img_len, &im, &copy);

    check_count++;
    if (got != err || (err && !strstr(im.why, why)) || (!err && im.why[0]) ||
        (err && elf_segment_count(&im) != 0)) {
        check_failures++;
        printf("elf_test.c:%d: got %d \"%s\", want %d \"%s\"\n", line, got,
               im.why, err, err ? why : "");
    }
    free(copy);
}

#define EXPECT(err, why) expect_at(__LINE__, err, why)
#define EXPECT_OK()      expect_at(__LINE__, 0, "")

static void test_valid(void)
{
    struct elf_image im;
    struct elf_segment s;
    uint8_t *copy;

    make_image();
    CHECK_EQ(parse_len(img_len, &im, &copy), 0);
    CHECK_STR(im.why, "");
    CHECK_EQ(im.entry, ENTRY_VA);
    CHECK_EQ(im.lo, TEXT_VA);
    CHECK_EQ(im.hi, DATA_VA + 0x5000);
    CHECK_EQ(im.abi_version, CARAPACE_ABI_VERSION);
    CHECK_EQ(im.hypercall_page, HC_VA);
    CHECK_EQ(im.virt_base, VBASE);
    CHECK_EQ(im.notes, ALL_NOTES);
    CHECK_EQ(elf_segment_count(&im), 2);
    CHECK_EQ(elf_segment_get(&im, 0, &s), 0);
    CHECK(s.vaddr == TEXT_VA && s.memsz == 0x2000 && s.filesz == 0x2000);
    CHECK(s.data == copy + 0x1000 && s.flags == (ELF_SEG_R | ELF_SEG_X));
    CHECK_EQ(elf_segment_get(&im, 1, &s), 0);
    CHECK(s.vaddr == DATA_VA && s.memsz == 0x5000 && s.filesz == 0x100);
    CHECK(s.data == copy + 0x3000 && s.flags == (ELF_SEG_R | ELF_SEG_W));
    CHECK_EQ(elf_segment_get(&im, 2, &s), -ENOENT);
    CHECK_EQ(elf_segment_get(&im, -1, &s), -ENOENT);
    /* The buffer changes after parsing: refused, never out of bounds. */
    memcpy(copy + PH(2, PH_OFFSET), &(uint64_t){0x4000}, 8);
    CHECK_EQ(elf_segment_get(&im, 1, &s), -EINVAL);
    memcpy(copy + PH(1, PH_VADDR), &(uint64_t){0x100000}, 8);
    CHECK_EQ(elf_segment_get(&im, 0, &s), -EINVAL);
    memcpy(copy + PH(1, PH_VADDR), &(uint64_t){DATA_VA + 0x4000}, 8);
    CHECK_EQ(elf_segment_get(&im, 0, &s), -EINVAL);
    memset(copy + PH(2, PH_TYPE), 0, 4);
    CHECK_EQ(elf_segment_get(&im, 1, &s), -ENOENT);
    free(copy);
}

/* No ENTRY or VIRT_BASE note; an unaligned buffer. */
static void test_defaults(void)
{
    struct tnotes n = default_notes;
    struct elf_image im;
    struct elf_segment s;
    uint8_t *buf;

    make_image();
    n.mask &= ~(ELF_NOTE_BIT(CARAPACE_NOTE_ENTRY) |
                ELF_NOTE_BIT(CARAPACE_NOTE_VIRT_BASE));
    make_notes(&n, 4);
    buf = malloc(img_len + 1);
    memcpy(buf + 1, img, img_len);
    CHECK_EQ(elf_parse(buf + 1, img_len, &im), 0);
    CHECK_EQ(im.entry, E_ENTRY);
    CHECK_EQ(im.virt_base, TEXT_VA);
    CHECK_EQ(im.notes, ELF_NOTE_BIT(CARAPACE_NOTE_ABI_VERSION) |
                           ELF_NOTE_BIT(CARAPACE_NOTE_HYPERCALL_PAGE));
    CHECK_EQ(elf_segment_get(&im, 1, &s), 0);
    CHECK(s.data == buf + 1 + 0x3000);
    free(buf);
    /* The lowest segment starts mid-page: virt_base rounds down. */
    put(PH(1, PH_OFFSET), 0x1010, 8);
    put(PH(1, PH_VADDR), TEXT_VA + 0x10, 8);
    put(PH(1, PH_FILESZ), 0x1ff0, 8);
    put(PH(1, PH_MEMSZ), 0x1ff0, 8);
    CHECK_EQ(parse_len(img_len, &im, &buf), 0);
    CHECK_EQ(im.virt_base, TEXT_VA);
    CHECK_EQ(im.lo, TEXT_VA + 0x10);
    free(buf);
    /* An 8-aligned note segment pads names and descriptors to 8. */
    make_image();
    make_notes(&default_notes, 8);
    CHECK_EQ(parse_len(img_len, &im, &buf), 0);
    CHECK_EQ(im.notes, ALL_NOTES);
    CHECK_EQ(im.hypercall_page, HC_VA);
    free(buf);
}

static void test_ident(void)
{
    make_image();
    img[0] = 0;
    EXPECT(-EINVAL, "bad magic");
    make_image();
    img[3] = 'G';
    EXPECT(-EINVAL, "bad magic");
    make_image();
    img[4] = 1;
    EXPECT(-EINVAL, "not ELF64");
    make_image();
    img[5] = 2;
    EXPECT(-EINVAL, "little-endian");
    make_image();
    img[6] = 2;
    EXPECT(-EINVAL, "ELF version 2 in e_ident");
}

static void test_header(void)
{
    make_image();
    put(EH_MACHINE, 3, 2);
    EXPECT(-EINVAL, "not for x86_64");
    make_image();
    put(EH_TYPE, 3, 2);
    EXPECT(-EINVAL, "not an executable");
    make_image();
    put(EH_VERSION, 0, 4);
    EXPECT(-EINVAL, "unknown ELF version 0");
    make_image();
    put(EH_EHSIZE, 52, 2);
    EXPECT(-EINVAL, "ELF header size 52");
    make_image();
    put(EH_PHENTSIZE, 32, 2);
    EXPECT(-EINVAL, "program header size 32");
    make_image();
    put(EH_PHNUM, 65, 2);
    EXPECT(-E2BIG, "65 program headers");
    make_image();
    put(EH_PHNUM, 0xffff, 2);
    EXPECT(-E2BIG, "program headers");
    make_image();
    put(EH_PHNUM, 0, 2);
    EXPECT(-ENOENT, "no loadable segment");
    make_image();
    put(EH_PHOFF, IMG_LEN - 56 * 3 + 1, 8);
    EXPECT(-EINVAL, "program headers extend past the end");
    make_image();
    put(EH_PHOFF, UINT64_MAX - 8, 8);
    EXPECT(-EINVAL, "program headers extend past the end");
    make_image();
    put(EH_PHNUM, 64, 2);
    put(EH_PHOFF, IMG_LEN - 56 * 63, 8);
    EXPECT(-EINVAL, "program headers extend past the end");
}

static void test_segments(void)
{
    make_image();
    put(PH(2, PH_FILESZ), 0x5001, 8);
    EXPECT(-EINVAL, "segment 2: file size 0x5001 exceeds memory size 0x5000");
    make_image();
    put(PH(2, PH_OFFSET), 0x4000, 8);
    EXPECT(-EINVAL, "segment 2 extends past the end of the file");
    make_image();
    put(PH(2, PH_FILESZ), 0x101, 8);
    EXPECT(-EINVAL, "segment 2 extends past the end of the file");
    make_image();
    put(PH(1, PH_FILESZ), UINT64_MAX, 8);
    put(PH(1, PH_MEMSZ), UINT64_MAX, 8);
    EXPECT(-EINVAL, "segment 1 extends past the end of the file");
    make_image();
    put(PH(2, PH_OFFSET), UINT64_MAX - 0xfff, 8);
    EXPECT(-EINVAL, "segment 2 extends past the end of the file");
    make_image();
    put(PH(2, PH_VADDR), 0xfffffffffffff000ULL, 8);
    EXPECT(-ERANGE, "segment 2: address range overflows");
    make_image();
    put(PH(2, PH_MEMSZ), UINT64_MAX, 8);
    EXPECT(-ERANGE, "segment 2: address range overflows");
    make_image();
    put(PH(2, PH_VADDR), 0xffff800000003000ULL, 8);
    EXPECT(-ERANGE, "segment 2 at 0xffff800000003000 is outside the lower");
    make_image();
    put(PH(2, PH_VADDR), ELF_USER_END - 0x4000, 8);
    EXPECT(-ERANGE, "outside the lower half");
    make_image();
    put(PH(2, PH_VADDR), DATA_VA + 0x800, 8);
    EXPECT(-EINVAL, "segment 2: address and offset differ modulo 4096");
    make_image();
    put(PH(2, PH_MEMSZ), 0, 8);
    put(PH(2, PH_FILESZ), 0, 8);
    EXPECT(-EINVAL, "segment 2 is empty");
    make_image();
    put(PH(0, PH_TYPE), PT_INTERP, 4);
    EXPECT(-EINVAL, "segment 0 asks for a program interpreter");
    make_image();
    put(PH(1, PH_TYPE), 6, 4);
    put(PH(2, PH_TYPE), 0x6474e551, 4); /* PT_PHDR, PT_GNU_STACK */
    EXPECT(-ENOENT, "no loadable segment");
}

static void test_overlap_span(void)
{
    make_image();
    put(PH(2, PH_VADDR), DATA_VA - 0x1000, 8);
    EXPECT(-EINVAL, "segments 1 and 2 overlap");
    make_image();
    put(PH(2, PH_VADDR), TEXT_VA - 0x2000, 8); /* contains segment 1 */
    EXPECT(-EINVAL, "segments 1 and 2 overlap");
    make_image();
    put(PH(2, PH_VADDR), TEXT_VA + 0x1000, 8);
    put(PH(2, PH_MEMSZ), 0x1000, 8); /* inside segment 1 */
    EXPECT(-EINVAL, "segments 1 and 2 overlap");
    make_image();
    make_phdr(0, PT_LOAD, PF_R, 0x1fff, TEXT_VA + 0x1fff, 1, 1);
    EXPECT(-EINVAL, "overlap"); /* the last byte of segment 1 */
    /* Segments span exactly 1 GiB: fine, unless virt_base is lower. */
    make_image();
    put(PH(2, PH_VADDR), TEXT_VA + ELF_MAX_SPAN - 0x5000, 8);
    EXPECT(-E2BIG, "image spans 0x40001000 bytes from virt_base");
    make_image();
    put(PH(2, PH_VADDR), TEXT_VA + ELF_MAX_SPAN - 0x5000, 8);
    make_notes(
        &(struct tnotes){CARAPACE_ABI_VERSION, ENTRY_VA, HC_VA, 0,
                         ALL_NOTES & ~ELF_NOTE_BIT(CARAPACE_NOTE_VIRT_BASE)},
        4);
    EXPECT_OK();
    put(PH(2, PH_VADDR), TEXT_VA + ELF_MAX_SPAN - 0x4000, 8);
    EXPECT(-E2BIG, "segments span 0x40001000 bytes");
}

/* Both segments at the very top of the lower half: allowed. */
static void test_top(void)
{
    uint64_t text = ELF_USER_END - 0x3000;

    make_image();
    put(PH(1, PH_VADDR), text, 8);
    put(PH(2, PH_VADDR), text + 0x2000, 8);
    put(PH(2, PH_MEMSZ), 0x1000, 8);
    make_notes(&(struct tnotes){CARAPACE_ABI_VERSION, text, text + 0x1000,
                                text - 0x1000, ALL_NOTES},
               4);
    EXPECT_OK();
    put(PH(2, PH_MEMSZ), 0x1001, 8);
    EXPECT(-ERANGE, "outside the lower half");
}

static void notes_with(uint32_t abi, uint64_t entry, uint64_t hc, uint64_t vb,
                       unsigned mask)
{
    make_image();
    make_notes(&(struct tnotes){abi, entry, hc, vb, mask}, 4);
}

static void test_notes_values(void)
{
    const uint32_t v = CARAPACE_ABI_VERSION;

    notes_with(v, ENTRY_VA, HC_VA, VBASE,
               ALL_NOTES & ~ELF_NOTE_BIT(CARAPACE_NOTE_ABI_VERSION));
    EXPECT(-ENOENT, "no Carapace ABI version note");
    notes_with(2 << 16 | 3, ENTRY_VA, HC_VA, VBASE, ALL_NOTES);
    {
        char why[64];

        snprintf(why, sizeof(why), "built for ABI 2.3, hypervisor speaks %d.%d",
                 CARAPACE_ABI_MAJOR, CARAPACE_ABI_MINOR);
        EXPECT(-EINVAL, why);
    }
    notes_with(0, ENTRY_VA, HC_VA, VBASE, ALL_NOTES);
    EXPECT(-EINVAL, "built for ABI 0.0");
    notes_with(v | 7, ENTRY_VA, HC_VA, VBASE, ALL_NOTES);
    EXPECT_OK(); /* another minor is fine */
    notes_with(v, DATA_VA, HC_VA, VBASE, ALL_NOTES);
    EXPECT(-ERANGE, "entry point 0x203000 is not in an executable segment");
    notes_with(v, DATA_VA - 1, HC_VA, VBASE, ALL_NOTES);
    EXPECT_OK(); /* the last byte of the text */
    notes_with(v, TEXT_VA - 1, HC_VA, VBASE, ALL_NOTES);
    EXPECT(-ERANGE, "entry point");
    notes_with(v, 0, HC_VA, VBASE,
               ALL_NOTES & ~ELF_NOTE_BIT(CARAPACE_NOTE_ENTRY));
    put(EH_ENTRY, DATA_VA + 8, 8);
    EXPECT(-ERANGE, "entry point 0x203008");
    make_image();
    put(PH(1, PH_FLAGS), PF_R, 4);
    EXPECT(-ERANGE, "entry point");
    notes_with(v, ENTRY_VA, HC_VA, VBASE,
               ALL_NOTES & ~ELF_NOTE_BIT(CARAPACE_NOTE_HYPERCALL_PAGE));
    EXPECT(-ENOENT, "no hypercall page note");
    notes_with(v, ENTRY_VA, HC_VA + 8, VBASE, ALL_NOTES);
    EXPECT(-EINVAL, "hypercall page 0x202008 is not page-aligned");
    notes_with(v, ENTRY_VA, 0x300000, VBASE, ALL_NOTES);
    EXPECT(-ERANGE, "hypercall page 0x300000 is not inside a segment");
    notes_with(v, ENTRY_VA, DATA_VA + 0x4000, VBASE, ALL_NOTES);
    EXPECT_OK(); /* the last page of the bss */
    notes_with(v, ENTRY_VA, DATA_VA + 0x5000, VBASE, ALL_NOTES);
    EXPECT(-ERANGE, "not inside a segment");
    notes_with(v, ENTRY_VA, DATA_VA + 0x4000, VBASE, ALL_NOTES);
    put(PH(2, PH_MEMSZ), 0x4800, 8); /* the page sticks out */
    EXPECT(-ERANGE, "not inside a segment");
    notes_with(v, ENTRY_VA, HC_VA, VBASE + 0x800, ALL_NOTES);
    EXPECT(-EINVAL, "virt_base 0x200800 is not page-aligned");
    notes_with(v, ENTRY_VA, HC_VA, TEXT_VA + 0x1000, ALL_NOTES);
    EXPECT(-ERANGE, "virt_base 0x202000 is above the lowest segment");
    notes_with(v, ENTRY_VA, HC_VA, TEXT_VA, ALL_NOTES);
    EXPECT_OK();
    notes_with(v, ENTRY_VA, HC_VA, 0, ALL_NOTES);
    EXPECT_OK(); /* 2 MiB below: within the span */
}

/* Rewrite the note segment with the notes written by f. */
static void notes_raw(size_t (*f)(size_t off))
{
    size_t end;

    make_image();
    memset(img + NOTE_OFF, 0, 0x100);
    end = f(NOTE_OFF);
    put(PH(0, PH_FILESZ), end - NOTE_OFF, 8);
}

static size_t raw_valid_start(size_t off)
{
    off = carapace_note(off, CARAPACE_NOTE_HYPERCALL_PAGE, HC_VA, 8, 4);
    return carapace_note(off, CARAPACE_NOTE_ABI_VERSION, CARAPACE_ABI_VERSION,
                         4, 4);
}

static size_t raw_dup(size_t off)
{
    off = raw_valid_start(off);
    return carapace_note(off, CARAPACE_NOTE_HYPERCALL_PAGE, HC_VA, 8, 4);
}

static size_t raw_abi_8(size_t off)
{
    off = carapace_note(off, CARAPACE_NOTE_HYPERCALL_PAGE, HC_VA, 8, 4);
    return carapace_note(off, CARAPACE_NOTE_ABI_VERSION, CARAPACE_ABI_VERSION,
                         8, 4);
}

static size_t raw_entry_4(size_t off)
{
    off = raw_valid_start(off);
    return carapace_note(off, CARAPACE_NOTE_ENTRY, ENTRY_VA, 4, 4);
}

static size_t raw_vb_0(size_t off)
{
    off = raw_valid_start(off);
    return carapace_note(off, CARAPACE_NOTE_VIRT_BASE, 0, 0, 4);
}

static size_t raw_unknown(size_t off)
{
    off = raw_valid_start(off);
    return carapace_note(off, 99, 0xdead, 3, 4);
}

/* The ABI note under another name: someone else's, so missing. */
static size_t raw_bad_name(size_t off)
{
    off = carapace_note(off, CARAPACE_NOTE_HYPERCALL_PAGE, HC_VA, 8, 4);
    return note_put(off, "Carapacf", 9, CARAPACE_NOTE_ABI_VERSION,
                    CARAPACE_ABI_VERSION, 4, 4);
}

static size_t raw_no_nul(size_t off)
{
    off = carapace_note(off, CARAPACE_NOTE_HYPERCALL_PAGE, HC_VA, 8, 4);
    return note_put(off, "Carapace", 8, CARAPACE_NOTE_ABI_VERSION,
                    CARAPACE_ABI_VERSION, 4, 4);
}

static size_t raw_huge_name(size_t off)
{
    off = raw_valid_start(off);
    put(off, 0xffffffff, 4);
    return off + 24;
}

static size_t raw_huge_desc(size_t off)
{
    off = raw_valid_start(off);
    put(off, 4, 4);
    put(off + 4, 0xfffffffd, 4);
    return off + 24;
}

/* A last note whose descriptor padding is cut off. */
static size_t raw_no_pad(size_t off)
{
    off = raw_unknown(off);
    return off - 1;
}

static size_t raw_trailing(size_t off)
{
    return raw_valid_start(off) + 8;
}

static void test_notes_format(void)
{
    notes_raw(raw_valid_start);
    EXPECT_OK();
    notes_raw(raw_dup);
    EXPECT(-EINVAL, "Carapace note 3 appears twice");
    notes_raw(raw_abi_8);
    EXPECT(-EINVAL, "Carapace note 1: descriptor of 8 bytes, expected 4");
    notes_raw(raw_entry_4);
    EXPECT(-EINVAL, "Carapace note 2: descriptor of 4 bytes, expected 8");
    notes_raw(raw_vb_0);
    EXPECT(-EINVAL, "Carapace note 4: descriptor of 0 bytes, expected 8");
    notes_raw(raw_unknown);
    EXPECT_OK();
    notes_raw(raw_bad_name);
    EXPECT(-ENOENT, "no Carapace ABI version note");
    notes_raw(raw_no_nul);
    EXPECT(-ENOENT, "no Carapace ABI version note");
    notes_raw(raw_huge_name);
    EXPECT(-EINVAL, "note segment 0: name runs past the segment");
    notes_raw(raw_huge_desc);
    EXPECT(-EINVAL, "note segment 0: descriptor runs past the segment");
    notes_raw(raw_no_pad);
    EXPECT(-EINVAL, "descriptor runs past the segment");
    notes_raw(raw_trailing);
    EXPECT(-EINVAL, "note segment 0: truncated note");
    make_image();
    put(PH(0, PH_OFFSET), NOTE_OFF + 2, 8);
    EXPECT(-EINVAL, "note segment 0 is not 4-aligned");
    make_image();
    put(PH(0, PH_ALIGN), 8, 8);
    put(PH(0, PH_OFFSET), NOTE_OFF + 4, 8);
    EXPECT(-EINVAL, "note segment 0 is not 8-aligned");
    make_image();
    put(PH(0, PH_OFFSET), IMG_LEN - 0x10, 8);
    EXPECT(-EINVAL, "note segment 0 extends past the end of the file");
    make_image();
    put(PH(0, PH_FILESZ), UINT64_MAX - 0x80, 8);
    EXPECT(-EINVAL, "note segment 0 extends past the end of the file");
}

/* Notes split over two PT_NOTE segments count together. */
static void test_two_note_segments(void)
{
    size_t off;

    make_image();
    put(EH_PHNUM, 4, 2);
    make_notes(&(struct tnotes){CARAPACE_ABI_VERSION, 0, 0, 0,
                                ELF_NOTE_BIT(CARAPACE_NOTE_ABI_VERSION)},
               4);
    off = carapace_note(0x280, CARAPACE_NOTE_HYPERCALL_PAGE, HC_VA, 8, 4);
    make_phdr(3, PT_NOTE, PF_R, 0x280, 0, off - 0x280, 0);
    EXPECT_OK();
    off = carapace_note(off, CARAPACE_NOTE_ABI_VERSION, CARAPACE_ABI_VERSION, 4,
                        4);
    put(PH(3, PH_FILESZ), off - 0x280, 8);
    EXPECT(-EINVAL, "Carapace note 1 appears twice");
}

/* Any prefix of the image is refused. */
static void test_truncated(void)
{
    struct elf_image im;
    uint8_t *copy;
    unsigned bad = 0;
    size_t len;

    make_image();
    for (len = 0; len < img_len; len++) {
        if (parse_len(len, &im, &copy) >= 0 || !im.why[0])
            bad++;
        free(copy);
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(elf_parse(NULL, 100, &im), -EINVAL);
    CHECK(strstr(im.why, "truncated: 0 bytes") != NULL);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* What a successful parse promises, checked on a fuzzed image. */
static bool fuzz_sound(const struct elf_image *im, const uint8_t *buf,
                       size_t len)
{
    struct elf_segment s;
    bool entry_ok = false, hc_ok = false;
    int i, n = elf_segment_count(im);

    if (n < 1 || im->virt_base % 4096 || im->virt_base > im->lo ||
        im->hi - im->virt_base > ELF_MAX_SPAN || im->hi > ELF_USER_END ||
        im->abi_version >> 16 != CARAPACE_ABI_MAJOR)
        return false;
    for (i = 0; i < n; i++) {
        if (elf_segment_get(im, i, &s) || s.filesz > s.memsz ||
            s.vaddr < im->lo || s.vaddr + s.memsz > im->hi)
            return false;
        if (s.filesz && ((const uint8_t *)s.data < buf ||
                         (const uint8_t *)s.data + s.filesz > buf + len))
            return false;
        if ((s.flags & ELF_SEG_X) && im->entry >= s.vaddr &&
            im->entry < s.vaddr + s.memsz)
            entry_ok = true;
        if (im->hypercall_page >= s.vaddr &&
            im->hypercall_page + 4096 <= s.vaddr + s.memsz)
            hc_ok = true;
    }
    return entry_ok && hc_ok && im->hypercall_page % 4096 == 0;
}

/* Flip random bytes, mostly in the headers and notes; never a crash. */
static void test_fuzz(void)
{
    struct elf_image im;
    unsigned it, k, nflip, ok = 0, bad = 0;
    uint8_t *buf;
    size_t pos, len;
    int err;

    make_image();
    for (it = 0; it < 20000; it++) {
        len = rng() % 16 ? IMG_LEN : rng() % IMG_LEN;
        buf = malloc(len ? len : 1);
        memcpy(buf, img, len);
        nflip = 1 + rng() % 4;
        for (k = 0; k < nflip && len; k++) {
            pos = rng() % 8 ? rng() % 0x210 : rng() % len;
            if (pos < len)
                buf[pos] ^= (uint8_t)(1 + rng() % 255);
        }
        err = elf_parse(buf, len, &im);
        if (err == 0)
            ok++, bad += !fuzz_sound(&im, buf, len);
        else if ((err != -EINVAL && err != -E2BIG && err != -ERANGE &&
                  err != -ENOENT) ||
                 !im.why[0] || elf_segment_count(&im) != 0)
            bad++;
        free(buf);
    }
    printf("fuzz: 20000 images, %u parsed\n", ok);
    CHECK_EQ(bad, 0);
    CHECK(ok > 0);
}

/* A plain program: no Carapace notes needed; the entry is e_entry. */
static void test_program(void)
{
    struct tnotes none = default_notes;
    struct elf_image im;

    make_image();
    none.mask = 0;
    make_notes(&none, 4);
    CHECK_EQ(elf_parse(img, img_len, &im), -ENOENT);
    CHECK(strstr(im.why, "ABI version note") != NULL);
    CHECK_EQ(elf_parse_program(img, img_len, &im), 0);
    CHECK_STR(im.why, "");
    CHECK_EQ(im.entry, E_ENTRY);
    CHECK_EQ(im.abi_version, 0);
    CHECK_EQ(im.hypercall_page, 0);
    CHECK_EQ(elf_segment_count(&im), 2);
    /* An entry outside the executable segment. */
    put(EH_ENTRY, DATA_VA, 8);
    CHECK_EQ(elf_parse_program(img, img_len, &im), -ERANGE);
    CHECK(strstr(im.why, "not in an executable segment") != NULL);
    CHECK_EQ(elf_segment_count(&im), 0);
    /* The header checks are the same as a kernel's. */
    make_image();
    put(EH_MACHINE, 3, 2);
    CHECK_EQ(elf_parse_program(img, img_len, &im), -EINVAL);
    CHECK(strstr(im.why, "not for x86_64") != NULL);
}

int main(void)
{
    test_program();
    test_valid();
    test_defaults();
    test_ident();
    test_header();
    test_segments();
    test_overlap_span();
    test_top();
    test_notes_values();
    test_notes_format();
    test_two_note_segments();
    test_truncated();
    test_fuzz();
    return check_finish();
}
