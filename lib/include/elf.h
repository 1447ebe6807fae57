/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Parsing an ELF64 x86_64 executable: a guest kernel image with Carapace
 * notes (abi/include/carapace/startinfo.h), or a plain static program. The
 * image is hostile input: users hand images to the toolstack and programs
 * to the guest kernel. Part of lib/: the hypervisor's and the toolstack's
 * builders and the guest kernel's exec share it. elf_parse() checks every field
 * it uses and never reads outside [data, data + size); on failure it
 * returns a negative error code and explains why in out->why, e.g.
 * "segment 2 extends past the end of the file" (segments are numbered by
 * program header, as readelf does).
 *
 * Error codes (CARAPACE_E*, abi/include/carapace/errno.h):
 *   -EINVAL  malformed or unsupported file, bad note, wrong ABI major,
 *            misaligned hypercall page or virt_base
 *   -E2BIG   more than ELF_MAX_PHDRS program headers, span over ELF_MAX_SPAN
 *   -ERANGE  an address that overflows, leaves the lower half, or lies
 *            where it must not (entry, hypercall page, virt_base)
 *   -ENOENT  something required is missing: a PT_LOAD segment, the ABI
 *            version note, the hypercall page note
 *
 * The parsed image keeps pointing into the buffer. The buffer must not
 * change afterwards; should it, elf_segment_get() checks each segment again
 * and fails rather than hand out a range outside the buffer or outside
 * [lo, hi).
 */
#ifndef CARAPACE_ELF_H
#define CARAPACE_ELF_H

#include <stddef.h>
#include <stdint.h>

#include <carapace/startinfo.h>

/* Limits on what we accept. */
#define ELF_MAX_PHDRS 64
#define ELF_MAX_SPAN  (1ULL << 30) /* from virt_base to the end: 1 GiB */
/* Guests live in the lower canonical half; addresses end at or below this. */
#define ELF_USER_END 0x0000800000000000ULL
#define ELF_PAGE     4096ULL

/* Segment permissions (the values of the ELF p_flags bits). */
#define ELF_SEG_X 0x1
#define ELF_SEG_W 0x2
#define ELF_SEG_R 0x4

/* Bit (1 << CARAPACE_NOTE_x) of elf_image.notes: that note was present. */
#define ELF_NOTE_BIT(type) (1u << (type))

/* Room for a reason, including its numbers. */
#define ELF_WHY_LEN 96

struct elf_image {
    const uint8_t *data; /* the buffer elf_parse was given */
    size_t size;
    uint64_t entry;          /* the ENTRY note, else e_entry */
    uint64_t lo, hi;         /* lowest vaddr, end of the highest segment */
    uint32_t abi_version;    /* from the note: major << 16 | minor */
    uint64_t hypercall_page; /* virtual, page-aligned, inside a segment */
    uint64_t virt_base;      /* the note, else lo rounded down to a page */
    unsigned notes;          /* ELF_NOTE_BIT of each Carapace note seen */
    uint64_t phoff;          /* program headers, checked to be in the file */
    unsigned phnum;
    unsigned nload;        /* PT_LOAD segments */
    char why[ELF_WHY_LEN]; /* "" on success, else the reason */
};

/* One PT_LOAD segment: data[0..filesz) then zeroes up to memsz. */
struct elf_segment {
    uint64_t vaddr, memsz, filesz;
    const void *data; /* inside the image buffer; NULL if filesz == 0 */
    unsigned flags;   /* ELF_SEG_* */
};

/*
 * Check the guest kernel image in data[0..size) and describe it in *out.
 * 0 on success, else a negative code (above) with out->why set; out must
 * not be NULL. data needs no particular alignment.
 */
int elf_parse(const void *data, size_t size, struct elf_image *out);

/*
 * The same for a plain static program (no Carapace notes: abi_version,
 * hypercall_page and virt_base stay 0; the entry is e_entry, which must be
 * in an executable segment). Where its segments may go is the caller's
 * business (the lower half is all this checks).
 */
int elf_parse_program(const void *data, size_t size, struct elf_image *out);

/* Number of PT_LOAD segments of a parsed image (at least 1). */
int elf_segment_count(const struct elf_image *img);

/*
 * PT_LOAD segment i (in program header order) of a parsed image into *out:
 * 0, -ENOENT if there is no segment i, -EINVAL if the buffer changed since
 * elf_parse so that the segment is no longer sound.
 */
int elf_segment_get(const struct elf_image *img, int i,
                    struct elf_segment *out);

#endif /* CARAPACE_ELF_H */
