/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ELF64 x86_64 executables, checked as hostile input: guest kernel images
 * (elf_parse: with their Carapace notes) for the hypervisor's and the
 * toolstack's domain builders, and plain static programs
 * (elf_parse_program) for the guest kernel's exec.
 *
 * Every read from the image goes through elf_read(), which refuses any range
 * outside the buffer, so even a check forgotten here cannot turn into an
 * out-of-bounds read; the checks proper then give each problem its own
 * reason. Offsets and sizes are 64-bit file values: every sum is checked
 * for overflow by comparing against what is left instead of adding.
 *
 * Section headers are never read: loading needs only program headers, and
 * fewer fields read means fewer fields a hostile image can play with.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <carapace/abi.h>
#include <carapace/errno.h>
#include <carapace/startinfo.h>

#include "elf.h"
#include "format.h"
#include "lib.h"

/* The file's structures. Both x86_64 and the images are little-endian. */
struct elf_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct elf_nhdr {
    uint32_t namesz, descsz, type;
};

_Static_assert(sizeof(struct elf_ehdr) == 64, "sizeof(struct elf_ehdr) == 64");
_Static_assert(sizeof(struct elf_phdr) == 56, "sizeof(struct elf_phdr) == 56");
_Static_assert(sizeof(struct elf_nhdr) == 12, "sizeof(struct elf_nhdr) == 12");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__");

#define ELF_CLASS64    2
#define ELF_DATA2LSB   1
#define ELF_EV_CURRENT 1
#define ELF_ET_EXEC    2
#define ELF_EM_X86_64  62
#define ELF_PT_LOAD    1
#define ELF_PT_INTERP  3
#define ELF_PT_NOTE    4

/* Record why parsing failed; returns err so callers can `return elf_fail`. */
__attribute__((format(printf, 3, 4))) static int
elf_fail(struct elf_image *img, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    format_vsnprintf(img->why, sizeof(img->why), fmt, ap);
    va_end(ap);
    return err;
}

/* Whether [off, off + len) lies inside a file of size bytes, overflow-free. */
static bool elf_in_file(uint64_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

/* Copy len bytes at file offset off to dst: the only reader of the image. */
static bool elf_read(const struct elf_image *img, uint64_t off, void *dst,
                     size_t len)
{
    if (!elf_in_file(img->size, off, len))
        return false;
    memcpy(dst, img->data + off, len);
    return true;
}

static uint64_t elf_align_up(uint64_t v, uint64_t align)
{
    return (v + align - 1) & ~(align - 1);
}

/* Program header i; elf_check_header has made sure all of them are there. */
static void elf_phdr_get(const struct elf_image *img, unsigned i,
                         struct elf_phdr *ph)
{
    bool ok;

    LIB_ASSERT(i < img->phnum);
    ok = elf_read(img, img->phoff + (uint64_t)i * sizeof(*ph), ph, sizeof(*ph));
    LIB_ASSERT(ok);
}

static int elf_check_ident(struct elf_image *img, const struct elf_ehdr *eh)
{
    static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};

    if (memcmp(eh->ident, magic, sizeof(magic)) != 0)
        return elf_fail(img, -CARAPACE_EINVAL, "not an ELF file (bad magic)");
    if (eh->ident[4] != ELF_CLASS64)
        return elf_fail(img, -CARAPACE_EINVAL, "not ELF64 (class %u)",
                        eh->ident[4]);
    if (eh->ident[5] != ELF_DATA2LSB)
        return elf_fail(img, -CARAPACE_EINVAL,
                        "not little-endian (data encoding %u)", eh->ident[5]);
    if (eh->ident[6] != ELF_EV_CURRENT)
        return elf_fail(img, -CARAPACE_EINVAL,
                        "unknown ELF version %u in e_ident", eh->ident[6]);
    return 0;
}

static int elf_check_header(struct elf_image *img, const struct elf_ehdr *eh)
{
    if (eh->machine != ELF_EM_X86_64)
        return elf_fail(img, -CARAPACE_EINVAL, "not for x86_64 (machine %u)",
                        eh->machine);
    if (eh->type != ELF_ET_EXEC)
        return elf_fail(img, -CARAPACE_EINVAL, "not an executable (type %u)",
                        eh->type);
    if (eh->version != ELF_EV_CURRENT)
        return elf_fail(img, -CARAPACE_EINVAL, "unknown ELF version %u",
                        eh->version);
    if (eh->ehsize != sizeof(struct elf_ehdr))
        return elf_fail(img, -CARAPACE_EINVAL,
                        "ELF header size %u, expected 64", eh->ehsize);
    if (eh->phentsize != sizeof(struct elf_phdr))
        return elf_fail(img, -CARAPACE_EINVAL,
                        "program header size %u, expected 56", eh->phentsize);
    if (eh->phnum > ELF_MAX_PHDRS)
        return elf_fail(img, -CARAPACE_E2BIG,
                        "%u program headers, at most %u allowed", eh->phnum,
                        ELF_MAX_PHDRS);
    if (!elf_in_file(img->size, eh->phoff,
                     (uint64_t)eh->phnum * sizeof(struct elf_phdr)))
        return elf_fail(img, -CARAPACE_EINVAL,
                        "program headers extend past the end of the file");
    img->phoff = eh->phoff;
    img->phnum = eh->phnum;
    img->entry = eh->entry;
    return 0;
}

/* The checks of one PT_LOAD segment on its own. */
static int elf_check_load(struct elf_image *img, unsigned i,
                          const struct elf_phdr *ph)
{
    if (ph->memsz == 0)
        return elf_fail(img, -CARAPACE_EINVAL, "segment %u is empty", i);
    if (ph->filesz > ph->memsz)
        return elf_fail(img, -CARAPACE_EINVAL,
                        "segment %u: file size 0x%llx exceeds memory size "
                        "0x%llx",
                        i, (unsigned long long)ph->filesz,
                        (unsigned long long)ph->memsz);
    if (!elf_in_file(img->size, ph->offset, ph->filesz))
        return elf_fail(img, -CARAPACE_EINVAL,
                        "segment %u extends past the end of the file", i);
    if (ph->memsz > UINT64_MAX - ph->vaddr)
        return elf_fail(img, -CARAPACE_ERANGE,
                        "segment %u: address range overflows", i);
    if (ph->vaddr + ph->memsz > ELF_USER_END)
        return elf_fail(img, -CARAPACE_ERANGE,
                        "segment %u at 0x%llx is outside the lower half", i,
                        (unsigned long long)ph->vaddr);
    /* Otherwise the file's pages cannot be mapped as they are. */
    if ((ph->vaddr - ph->offset) % ELF_PAGE)
        return elf_fail(img, -CARAPACE_EINVAL,
                        "segment %u: address and offset differ modulo 4096", i);
    return 0;
}

/* Segment i against the PT_LOAD segments before it (all sound already). */
static int elf_check_overlap(struct elf_image *img, unsigned i,
                             const struct elf_phdr *ph)
{
    struct elf_phdr other;
    unsigned j;

    for (j = 0; j < i; j++) {
        elf_phdr_get(img, j, &other);
        if (other.type != ELF_PT_LOAD)
            continue;
        if (ph->vaddr < other.vaddr + other.memsz &&
            other.vaddr < ph->vaddr + ph->memsz)
            return elf_fail(img, -CARAPACE_EINVAL, "segments %u and %u overlap",
                            j, i);
    }
    return 0;
}

static int elf_scan_load(struct elf_image *img)
{
    struct elf_phdr ph;
    unsigned i;
    int err;

    for (i = 0; i < img->phnum; i++) {
        elf_phdr_get(img, i, &ph);
        /* A dynamically linked program, not a kernel. */
        if (ph.type == ELF_PT_INTERP)
            return elf_fail(img, -CARAPACE_EINVAL,
                            "segment %u asks for a program interpreter", i);
        if (ph.type != ELF_PT_LOAD)
            continue;
        err = elf_check_load(img, i, &ph);
        if (!err)
            err = elf_check_overlap(img, i, &ph);
        if (err)
            return err;
        if (!img->nload || ph.vaddr < img->lo)
            img->lo = ph.vaddr;
        if (ph.vaddr + ph.memsz > img->hi)
            img->hi = ph.vaddr + ph.memsz;
        img->nload++;
    }
    if (!img->nload)
        return elf_fail(img, -CARAPACE_ENOENT, "no loadable segment");
    if (img->hi - img->lo > ELF_MAX_SPAN)
        return elf_fail(img, -CARAPACE_E2BIG,
                        "segments span 0x%llx bytes, over 1 GiB",
                        (unsigned long long)(img->hi - img->lo));
    return 0;
}

/* Whether the note name at off (namesz bytes) is CARAPACE_NOTE_NAME. */
static bool elf_note_ours(const struct elf_image *img, uint64_t off,
                          uint32_t namesz)
{
    char name[sizeof(CARAPACE_NOTE_NAME)];

    return namesz == sizeof(name) && elf_read(img, off, name, sizeof(name)) &&
           memcmp(name, CARAPACE_NOTE_NAME, sizeof(name)) == 0;
}

/* Take in one Carapace note; other types are for later minor versions. */
static int elf_note_use(struct elf_image *img, uint32_t type, uint64_t desc,
                        uint32_t descsz)
{
    uint64_t val = 0;
    uint32_t want;

    if (type == CARAPACE_NOTE_ABI_VERSION)
        want = 4;
    else if (type == CARAPACE_NOTE_ENTRY ||
             type == CARAPACE_NOTE_HYPERCALL_PAGE ||
             type == CARAPACE_NOTE_VIRT_BASE)
        want = 8;
    else
        return 0;
    if (img->notes & ELF_NOTE_BIT(type))
        return elf_fail(img, -CARAPACE_EINVAL, "Carapace note %u appears twice",
                        type);
    if (descsz != want || !elf_read(img, desc, &val, want))
        return elf_fail(img, -CARAPACE_EINVAL,
                        "Carapace note %u: descriptor of %u bytes, expected %u",
                        type, descsz, want);
    img->notes |= ELF_NOTE_BIT(type);
    if (type == CARAPACE_NOTE_ABI_VERSION)
        img->abi_version = (uint32_t)val;
    else if (type == CARAPACE_NOTE_ENTRY)
        img->entry = val;
    else if (type == CARAPACE_NOTE_HYPERCALL_PAGE)
        img->hypercall_page = val;
    else
        img->virt_base = val;
    return 0;
}

/*
 * The note at off, in a note segment ending at end, with name and
 * descriptor each padded to align. *next is where the next note starts.
 */
static int elf_note_one(struct elf_image *img, unsigned seg, uint64_t off,
                        uint64_t end, uint64_t align, uint64_t *next)
{
    struct elf_nhdr nh;
    uint64_t desc, rel;

    if (end - off < sizeof(nh) || !elf_read(img, off, &nh, sizeof(nh)))
        return elf_fail(img, -CARAPACE_EINVAL,
                        "note segment %u: truncated note", seg);
    /* 32-bit sizes: no overflow in 64 bits, checked against what is left. */
    rel = elf_align_up(sizeof(nh) + (uint64_t)nh.namesz, align);
    if (rel > end - off)
        return elf_fail(img, -CARAPACE_EINVAL,
                        "note segment %u: name runs past the segment", seg);
    desc = off + rel;
    rel = elf_align_up(nh.descsz, align);
    if (rel > end - desc)
        return elf_fail(img, -CARAPACE_EINVAL,
                        "note segment %u: descriptor runs past the segment",
                        seg);
    *next = desc + rel;
    if (!elf_note_ours(img, off + sizeof(nh), nh.namesz))
        return 0; /* someone else's note, e.g. GNU build-id */
    return elf_note_use(img, nh.type, desc, nh.descsz);
}

/*
 * Notes are 4-byte aligned as in the ELF spec; an 8-aligned note segment
 * (p_align 8, like .note.gnu.property) pads to 8 instead.
 */
static int elf_note_walk(struct elf_image *img, unsigned i,
                         const struct elf_phdr *ph)
{
    uint64_t align = ph->align == 8 ? 8 : 4, off = ph->offset, end;
    int err;

    if (!elf_in_file(img->size, ph->offset, ph->filesz))
        return elf_fail(img, -CARAPACE_EINVAL,
                        "note segment %u extends past the end of the file", i);
    if (ph->offset % align)
        return elf_fail(img, -CARAPACE_EINVAL,
                        "note segment %u is not %u-aligned", i,
                        (unsigned)align);
    end = ph->offset + ph->filesz;
    while (off < end) {
        err = elf_note_one(img, i, off, end, align, &off);
        if (err)
            return err;
    }
    return 0;
}

static int elf_scan_notes(struct elf_image *img)
{
    struct elf_phdr ph;
    unsigned i;
    int err;

    for (i = 0; i < img->phnum; i++) {
        elf_phdr_get(img, i, &ph);
        if (ph.type != ELF_PT_NOTE)
            continue;
        err = elf_note_walk(img, i, &ph);
        if (err)
            return err;
    }
    return 0;
}

/* Whether [va, va + len) lies in one PT_LOAD segment with all of flags. */
static bool elf_in_load(const struct elf_image *img, uint64_t va, uint64_t len,
                        unsigned flags)
{
    struct elf_phdr ph;
    unsigned i;

    for (i = 0; i < img->phnum; i++) {
        elf_phdr_get(img, i, &ph);
        if (ph.type == ELF_PT_LOAD && (ph.flags & flags) == flags &&
            va >= ph.vaddr && len <= ph.memsz &&
            va - ph.vaddr <= ph.memsz - len)
            return true;
    }
    return false;
}

static int elf_check_abi(struct elf_image *img)
{
    uint32_t v = img->abi_version;

    if (!(img->notes & ELF_NOTE_BIT(CARAPACE_NOTE_ABI_VERSION)))
        return elf_fail(img, -CARAPACE_ENOENT, "no Carapace ABI version note");
    if (v >> 16 != CARAPACE_ABI_MAJOR)
        return elf_fail(img, -CARAPACE_EINVAL,
                        "built for ABI %u.%u, hypervisor speaks %u.%u", v >> 16,
                        v & 0xffff, CARAPACE_ABI_MAJOR, CARAPACE_ABI_MINOR);
    return 0;
}

static int elf_check_entry(struct elf_image *img)
{
    if (!elf_in_load(img, img->entry, 1, ELF_SEG_X))
        return elf_fail(img, -CARAPACE_ERANGE,
                        "entry point 0x%llx is not in an executable segment",
                        (unsigned long long)img->entry);
    return 0;
}

/* The hypervisor writes the whole page: all of it must be the image's. */
static int elf_check_hypercall(struct elf_image *img)
{
    uint64_t va = img->hypercall_page;

    if (!(img->notes & ELF_NOTE_BIT(CARAPACE_NOTE_HYPERCALL_PAGE)))
        return elf_fail(img, -CARAPACE_ENOENT, "no hypercall page note");
    if (va % ELF_PAGE)
        return elf_fail(img, -CARAPACE_EINVAL,
                        "hypercall page 0x%llx is not page-aligned",
                        (unsigned long long)va);
    if (!elf_in_load(img, va, ELF_PAGE, 0))
        return elf_fail(img, -CARAPACE_ERANGE,
                        "hypercall page 0x%llx is not inside a segment",
                        (unsigned long long)va);
    return 0;
}

static int elf_check_virt_base(struct elf_image *img)
{
    uint64_t vb = img->virt_base;

    if (!(img->notes & ELF_NOTE_BIT(CARAPACE_NOTE_VIRT_BASE)))
        vb = img->virt_base = img->lo & ~(ELF_PAGE - 1);
    if (vb % ELF_PAGE)
        return elf_fail(img, -CARAPACE_EINVAL,
                        "virt_base 0x%llx is not page-aligned",
                        (unsigned long long)vb);
    if (vb > img->lo)
        return elf_fail(img, -CARAPACE_ERANGE,
                        "virt_base 0x%llx is above the lowest segment 0x%llx",
                        (unsigned long long)vb, (unsigned long long)img->lo);
    /* All of it becomes guest memory, frame 0 at virt_base. */
    if (img->hi - vb > ELF_MAX_SPAN)
        return elf_fail(img, -CARAPACE_E2BIG,
                        "image spans 0x%llx bytes from virt_base, over 1 GiB",
                        (unsigned long long)(img->hi - vb));
    return 0;
}

/* The checks of every executable: header, segments, entry (e_entry). */
static int elf_parse_common(const void *data, size_t size,
                            struct elf_image *out)
{
    struct elf_ehdr eh;
    int err;

    LIB_ASSERT(out);
    memset(out, 0, sizeof(*out));
    out->data = data;
    out->size = data ? size : 0;
    if (!elf_read(out, 0, &eh, sizeof(eh)))
        return elf_fail(out, -CARAPACE_EINVAL,
                        "truncated: %zu bytes, too short for "
                        "an ELF header",
                        out->size);
    err = elf_check_ident(out, &eh);
    if (!err)
        err = elf_check_header(out, &eh);
    if (!err)
        err = elf_scan_load(out);
    return err;
}

/* So that a caller ignoring the error gets no segments either. */
static int elf_parse_end(struct elf_image *out, int err)
{
    if (err) {
        out->phnum = 0;
        out->nload = 0;
    }
    return err;
}

int elf_parse_program(const void *data, size_t size, struct elf_image *out)
{
    int err = elf_parse_common(data, size, out);

    if (!err)
        err = elf_check_entry(out);
    return elf_parse_end(out, err);
}

int elf_parse(const void *data, size_t size, struct elf_image *out)
{
    int err = elf_parse_common(data, size, out);

    if (!err)
        err = elf_scan_notes(out);
    if (!err)
        err = elf_check_abi(out);
    if (!err)
        err = elf_check_entry(out);
    if (!err)
        err = elf_check_hypercall(out);
    if (!err)
        err = elf_check_virt_base(out);
    return elf_parse_end(out, err);
}

int elf_segment_count(const struct elf_image *img)
{
    return (int)img->nload;
}

/* What elf_parse checked of a segment, again, should the buffer change. */
static bool elf_segment_sound(const struct elf_image *img,
                              const struct elf_phdr *ph)
{
    return ph->filesz <= ph->memsz &&
           elf_in_file(img->size, ph->offset, ph->filesz) &&
           ph->vaddr >= img->lo && ph->vaddr <= img->hi &&
           ph->memsz <= img->hi - ph->vaddr;
}

int elf_segment_get(const struct elf_image *img, int i, struct elf_segment *out)
{
    struct elf_phdr ph;
    unsigned n, seen = 0;

    if (i < 0 || (unsigned)i >= img->nload)
        return -CARAPACE_ENOENT;
    for (n = 0; n < img->phnum; n++) {
        elf_phdr_get(img, n, &ph);
        if (ph.type != ELF_PT_LOAD || seen++ != (unsigned)i)
            continue;
        if (!elf_segment_sound(img, &ph))
            return -CARAPACE_EINVAL;
        out->vaddr = ph.vaddr;
        out->memsz = ph.memsz;
        out->filesz = ph.filesz;
        out->data = ph.filesz ? img->data + ph.offset : NULL;
        out->flags = ph.flags & (ELF_SEG_R | ELF_SEG_W | ELF_SEG_X);
        return 0;
    }
    return -CARAPACE_ENOENT;
}
