/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Multiboot (v1) headers and the layout of an hvm domain (multiboot.h).
 * Every field of the header is untrusted: each address is checked against
 * the file and the guest range before anyone copies a byte.
 */
#include <carapace/errno.h>
#include <carapace/startinfo.h>

#include "multiboot.h"

#define MB_PAGE 4096ULL

struct mb_header {
    uint32_t magic, flags, checksum;
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

static uint32_t mb_read32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static int mb_refuse(struct multiboot_image *img, const char *why)
{
    img->why = why;
    return -CARAPACE_EINVAL;
}

/* The header at offset off, read field by field (no unaligned access). */
static void mb_header_at(const uint8_t *p, struct mb_header *h)
{
    uint32_t *f = &h->magic;

    for (unsigned i = 0; i < sizeof(*h) / 4; i++)
        f[i] = mb_read32(p + 4 * i);
}

static int mb_find(const uint8_t *p, size_t size, size_t *off)
{
    size_t end = size < MULTIBOOT_SEARCH ? size : MULTIBOOT_SEARCH;

    for (size_t o = 0; o + 12 <= end; o += 4) {
        uint32_t magic = mb_read32(p + o), flags = mb_read32(p + o + 4);

        if (magic == MULTIBOOT_HEADER_MAGIC &&
            (uint32_t)(magic + flags + mb_read32(p + o + 8)) == 0) {
            *off = o;
            return 0;
        }
    }
    return -CARAPACE_ENOENT;
}

int multiboot_parse(const void *image, size_t size, struct multiboot_image *img)
{
    const uint8_t *p = image;
    struct mb_header h;
    uint64_t start, end;
    size_t off;

    *img = (struct multiboot_image){0};
    if (!p || mb_find(p, size, &off))
        return mb_refuse(img, "no Multiboot header in its first 8 KiB");
    if (off + sizeof(h) > size)
        return mb_refuse(img, "the Multiboot header is cut short");
    /* The search finds the magic in the first 8 KiB, but the specification
     * wants the whole header there (QEMU's loader searches only to 8 KiB
     * less 48 bytes). */
    if (off + sizeof(h) > MULTIBOOT_SEARCH)
        return mb_refuse(img, "the Multiboot header runs past the first 8 KiB");
    mb_header_at(p + off, &h);
    if (!(h.flags & MULTIBOOT_F_ADDRESSES))
        return mb_refuse(img, "the Multiboot header carries no load "
                              "addresses (flag bit 16)");
    if (h.flags & 0x4)
        return mb_refuse(img, "the image asks for a video mode");
    if (h.header_addr < h.load_addr || h.header_addr - h.load_addr > off)
        return mb_refuse(img, "header_addr is before load_addr, or further "
                              "from it than the file allows");
    start = off - (h.header_addr - h.load_addr);
    end = h.load_end_addr ? (uint64_t)h.load_end_addr - h.load_addr + start
                          : size;
    if (h.load_end_addr && h.load_end_addr < h.load_addr)
        return mb_refuse(img, "load_end_addr is below load_addr");
    if (end > size || end <= start)
        return mb_refuse(img, "the load range is outside the file");
    img->file_offset = start;
    img->load_size = end - start;
    img->load_addr = h.load_addr;
    img->bss_end =
        h.bss_end_addr ? h.bss_end_addr : h.load_addr + img->load_size;
    if (img->bss_end < h.load_addr + img->load_size)
        return mb_refuse(img, "bss_end_addr is below the loaded bytes");
    if (h.load_addr < 0x100000 || h.load_addr % MB_PAGE)
        return mb_refuse(img, "load_addr is below 1 MiB or not page-aligned");
    if (h.entry_addr < h.load_addr ||
        h.entry_addr >= h.load_addr + img->load_size)
        return mb_refuse(img, "entry_addr is outside the loaded bytes");
    img->entry = h.entry_addr;
    return 0;
}

int multiboot_layout(const struct multiboot_image *img, uint64_t memory_bytes,
                     uint64_t mod_size, size_t cmdline_len,
                     size_t mod_cmdline_len, struct multiboot_layout *l)
{
    uint64_t img_end, mod_end, strings;

    *l = (struct multiboot_layout){0};
    if (memory_bytes % MB_PAGE || memory_bytes < MULTIBOOT_HVM_MIN ||
        memory_bytes > MULTIBOOT_HVM_MAX)
        return -CARAPACE_EINVAL;
    strings = MULTIBOOT_INFO_GPA + sizeof(struct multiboot_info) +
              sizeof(struct multiboot_module);
    if (cmdline_len > 4096 || mod_cmdline_len > 4096)
        return -CARAPACE_EINVAL;
    l->nr = memory_bytes / MB_PAGE;
    l->ram_frames = l->nr - 2;
    l->shared_gfn = l->nr - 2;
    l->console_gfn = l->nr - 1;
    l->info_gpa = MULTIBOOT_INFO_GPA;
    l->cmdline_gpa = strings;
    l->mod_cmdline_gpa = strings + cmdline_len + 1;
    /* A module larger than the domain cannot fit; refusing it here also
     * keeps its rounding up to pages below from wrapping to 0. */
    if (mod_size > memory_bytes)
        return -CARAPACE_ENOMEM;
    img_end = (img->bss_end + MB_PAGE - 1) & ~(MB_PAGE - 1);
    l->mod_gpa = mod_size ? img_end : 0;
    mod_end = img_end + ((mod_size + MB_PAGE - 1) & ~(MB_PAGE - 1));
    if (mod_end > l->ram_frames * MB_PAGE || img->bss_end > mod_end)
        return -CARAPACE_ENOMEM;
    return 0;
}

void multiboot_info_fill(const struct multiboot_layout *l, uint64_t mod_size,
                         struct multiboot_info *info,
                         struct multiboot_module *mod)
{
    uint64_t ram = l->ram_frames * MB_PAGE;

    *info = (struct multiboot_info){
        .flags = MULTIBOOT_INFO_MEM | MULTIBOOT_INFO_CMDLINE,
        .mem_lower = 640,
        .mem_upper = (uint32_t)((ram - 0x100000) / 1024),
        .cmdline = (uint32_t)l->cmdline_gpa,
    };
    *mod = (struct multiboot_module){0};
    if (l->mod_gpa) {
        info->flags |= MULTIBOOT_INFO_MODS;
        info->mods_count = 1;
        info->mods_addr = (uint32_t)(MULTIBOOT_INFO_GPA + sizeof(*info));
        *mod = (struct multiboot_module){
            .start = (uint32_t)l->mod_gpa,
            .end = (uint32_t)(l->mod_gpa + mod_size),
            .string = (uint32_t)l->mod_cmdline_gpa,
        };
    }
}

/* --- The long-mode entry note (trap domains) ------------------------------ */

#define MB_ELF_PHENT   56
#define MB_ELF_PHMAX   64
#define MB_ELF_PT_NOTE 4
#define MB_NOTE_NAMESZ 9 /* "Carapace" and its NUL */

static uint64_t mb_read64(const uint8_t *p)
{
    return mb_read32(p) | (uint64_t)mb_read32(p + 4) << 32;
}

/* The note in [off, off + len) of the file, if it is there. */
static int mb_note_scan(const uint8_t *p, uint64_t off, uint64_t len,
                        struct multiboot_long_entry *out)
{
    uint64_t at = off, end = off + len;

    while (end - at >= 12) {
        uint32_t namesz = mb_read32(p + at), descsz = mb_read32(p + at + 4);
        uint32_t type = mb_read32(p + at + 8);
        uint64_t name = at + 12, desc = name + ((namesz + 3ULL) & ~3ULL);
        uint64_t next = desc + ((descsz + 3ULL) & ~3ULL);

        if (next > end)
            return -CARAPACE_EINVAL;
        if (namesz == MB_NOTE_NAMESZ && type == CARAPACE_NOTE_TRAP_ENTRY &&
            mb_read32(p + name) == 0x61726143 &&     /* "Cara" */
            mb_read32(p + name + 4) == 0x65636170 && /* "pace" */
            p[name + 8] == 0) {
            if (descsz != 16)
                return -CARAPACE_EINVAL;
            out->entry = mb_read64(p + desc);
            out->l4 = mb_read64(p + desc + 8);
            return 0;
        }
        at = next;
    }
    return -CARAPACE_ENOENT;
}

/* Every PT_NOTE segment of the ELF64 file, in the file's bounds. */
static int mb_note_find(const uint8_t *p, size_t size,
                        struct multiboot_long_entry *out)
{
    uint64_t phoff;
    unsigned phnum;

    if (size < 64 || mb_read32(p) != 0x464c457f || p[4] != 2 || p[5] != 1)
        return -CARAPACE_ENOENT; /* not a little-endian ELF64 file */
    phoff = mb_read64(p + 0x20);
    phnum = (unsigned)(p[0x38] | p[0x39] << 8);
    if ((p[0x36] | p[0x37] << 8) != MB_ELF_PHENT || phnum > MB_ELF_PHMAX ||
        phoff > size || (uint64_t)phnum * MB_ELF_PHENT > size - phoff)
        return -CARAPACE_EINVAL;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = p + phoff + (uint64_t)i * MB_ELF_PHENT;
        uint64_t off = mb_read64(ph + 8), len = mb_read64(ph + 32);
        int err;

        if (mb_read32(ph) != MB_ELF_PT_NOTE)
            continue;
        if (off > size || len > size - off)
            return -CARAPACE_EINVAL;
        err = mb_note_scan(p, off, len, out);
        if (err != -CARAPACE_ENOENT)
            return err;
    }
    return -CARAPACE_ENOENT;
}

int multiboot_long_entry(const void *image, size_t size,
                         struct multiboot_image *img,
                         struct multiboot_long_entry *out)
{
    int err;

    *out = (struct multiboot_long_entry){0};
    if (!image)
        return -CARAPACE_ENOENT;
    err = mb_note_find(image, size, out);
    if (err == -CARAPACE_EINVAL)
        return mb_refuse(img, "its ELF program headers or notes are "
                              "malformed");
    if (err)
        return err;
    if (out->entry < img->load_addr ||
        out->entry >= img->load_addr + img->load_size)
        return mb_refuse(img, "the long-mode entry is outside the loaded "
                              "bytes");
    if (out->l4 % MB_PAGE || out->l4 < img->load_addr ||
        out->l4 >= img->bss_end)
        return mb_refuse(img, "the long-mode L4 is not a page of the image");
    return 0;
}
