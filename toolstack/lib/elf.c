/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Guest ELF images for the domain builder (elf.h). Written from the ELF
 * specification and docs/abi.md; the header fields are read with memcpy
 * at checked offsets, never through a pointer into the file.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <carapace/abi.h>
#include <carapace/startinfo.h>

#include "elf.h"

#define EH_SIZE   64
#define PH_SIZE   56
#define PT_LOAD   1
#define PT_NOTE   4
#define PF_X      1
#define ET_EXEC   2
#define EM_X86_64 62
#define PAGE      4096ull
#define USER_END  0x0000800000000000ull
#define MAX_SPAN  (1ull << 30)

__attribute__((format(printf, 3, 4))) static int
elf_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static uint64_t rd(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    memcpy(&v, p, n); /* little-endian host and file */
    return v;
}

/* The notes in [off, off + len) of the file. */
static int elf_notes(struct elf_image *img, uint64_t off, uint64_t len,
                     bool *has_abi, bool *has_hc, bool *has_entry, bool *has_vb,
                     char *err, size_t errlen)
{
    const uint8_t *p = img->data + off, *end = p + len;

    while (end - p >= 12) {
        uint64_t namesz = rd(p, 4), descsz = rd(p + 4, 4), type = rd(p + 8, 4);
        uint64_t nlen = (namesz + 3) & ~3ull, dlen = (descsz + 3) & ~3ull;
        const uint8_t *name = p + 12, *desc = name + nlen;

        if (nlen > (uint64_t)(end - name) ||
            dlen > (uint64_t)(end - name) - nlen)
            return elf_fail(err, errlen, "a note runs past its segment");
        p = desc + dlen;
        if (namesz != sizeof(CARAPACE_NOTE_NAME) ||
            memcmp(name, CARAPACE_NOTE_NAME, namesz) != 0)
            continue;
        switch (type) {
        case CARAPACE_NOTE_ABI_VERSION:
            if (descsz != 4)
                return elf_fail(err, errlen, "ABI version note: bad size");
            img->abi_version = (uint32_t)rd(desc, 4);
            *has_abi = true;
            break;
        case CARAPACE_NOTE_ENTRY:
        case CARAPACE_NOTE_HYPERCALL_PAGE:
        case CARAPACE_NOTE_VIRT_BASE:
            if (descsz != 8)
                return elf_fail(err, errlen, "note %u: bad size",
                                (unsigned)type);
            if (type == CARAPACE_NOTE_ENTRY) {
                img->entry = rd(desc, 8);
                *has_entry = true;
            } else if (type == CARAPACE_NOTE_HYPERCALL_PAGE) {
                img->hypercall_page = rd(desc, 8);
                *has_hc = true;
            } else {
                img->virt_base = rd(desc, 8);
                *has_vb = true;
            }
            break;
        default:
            break; /* a later ABI's note */
        }
    }
    return 0;
}

static bool elf_inside(const struct elf_image *img, uint64_t va, bool exec,
                       const uint32_t *flags)
{
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct elf_seg *s = &img->seg[i];

        if (va >= s->vaddr && va - s->vaddr < s->memsz &&
            (!exec || (flags[i] & PF_X)))
            return true;
    }
    return false;
}

int elf_parse(const void *data, size_t size, struct elf_image *img, char *err,
              size_t errlen)
{
    const uint8_t *d = data;
    bool has_abi = false, has_hc = false, has_entry = false, has_vb = false;
    uint32_t flags[ELF_MAX_SEGMENTS];
    uint64_t phoff, phnum;

    memset(img, 0, sizeof(*img));
    img->data = d;
    img->size = size;
    if (size < EH_SIZE || memcmp(d, "\177ELF", 4) != 0)
        return elf_fail(err, errlen, "not an ELF file");
    if (d[4] != 2 || d[5] != 1)
        return elf_fail(err, errlen, "not a little-endian ELF64 file");
    if (rd(d + 16, 2) != ET_EXEC || rd(d + 18, 2) != EM_X86_64)
        return elf_fail(err, errlen, "not an x86-64 executable (ET_EXEC)");
    phoff = rd(d + 32, 8);
    phnum = rd(d + 56, 2);
    if (rd(d + 54, 2) != PH_SIZE || phoff > size ||
        phnum > (size - phoff) / PH_SIZE)
        return elf_fail(err, errlen, "program headers outside the file");
    img->entry = rd(d + 24, 8);
    img->lo = ~0ull;
    for (uint64_t i = 0; i < phnum; i++) {
        const uint8_t *ph = d + phoff + i * PH_SIZE;
        uint64_t type = rd(ph, 4), off = rd(ph + 8, 8), va = rd(ph + 16, 8);
        uint64_t filesz = rd(ph + 32, 8), memsz = rd(ph + 40, 8);

        if ((type == PT_LOAD || type == PT_NOTE) &&
            (off > size || filesz > size - off))
            return elf_fail(err, errlen, "segment %u outside the file",
                            (unsigned)i);
        if (type == PT_NOTE && elf_notes(img, off, filesz, &has_abi, &has_hc,
                                         &has_entry, &has_vb, err, errlen))
            return -1;
        if (type != PT_LOAD || memsz == 0)
            continue;
        if (filesz > memsz || va >= USER_END || memsz > USER_END - va)
            return elf_fail(err, errlen, "segment %u is not in the lower half",
                            (unsigned)i);
        if (img->nseg == ELF_MAX_SEGMENTS)
            return elf_fail(err, errlen, "more than %d segments",
                            ELF_MAX_SEGMENTS);
        flags[img->nseg] = (uint32_t)rd(ph + 4, 4);
        img->seg[img->nseg++] = (struct elf_seg){va, filesz, memsz, off};
        if (va < img->lo)
            img->lo = va;
        if (va + memsz > img->hi)
            img->hi = va + memsz;
    }
    if (img->nseg == 0)
        return elf_fail(err, errlen, "no loadable segment");
    if (!has_abi)
        return elf_fail(err, errlen, "no Carapace ABI version note");
    if ((img->abi_version >> 16) != CARAPACE_ABI_MAJOR)
        return elf_fail(err, errlen, "built for ABI %u.%u, not %u.x",
                        img->abi_version >> 16, img->abi_version & 0xffff,
                        CARAPACE_ABI_MAJOR);
    if (!has_hc)
        return elf_fail(err, errlen, "no hypercall page note");
    if ((img->hypercall_page & (PAGE - 1)) ||
        !elf_inside(img, img->hypercall_page, false, flags))
        return elf_fail(err, errlen,
                        "hypercall page %#llx is not a page in the image",
                        (unsigned long long)img->hypercall_page);
    (void)has_entry;
    if (!elf_inside(img, img->entry, true, flags))
        return elf_fail(err, errlen,
                        "entry %#llx is not in an executable segment",
                        (unsigned long long)img->entry);
    if (!has_vb)
        img->virt_base = img->lo & ~(PAGE - 1);
    if ((img->virt_base & (PAGE - 1)) || img->virt_base > img->lo)
        return elf_fail(err, errlen,
                        "virt base %#llx is unaligned or above the image",
                        (unsigned long long)img->virt_base);
    if (img->hi - img->virt_base > MAX_SPAN)
        return elf_fail(err, errlen, "the image spans more than 1 GiB");
    return 0;
}
