/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest image, as the domain builder needs it (docs/abi.md "Start of
 * day"): an ELF64 x86-64 ET_EXEC whose PT_LOAD segments lie in the lower
 * half, and its "Carapace" notes (ABI version, entry, hypercall page,
 * virt base). Every offset and size is checked against the file.
 */
#ifndef CAP_ELF_H
#define CAP_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16

struct elf_seg {
    uint64_t vaddr, filesz, memsz, offset;
};

struct elf_image {
    const uint8_t *data;
    size_t size;
    uint32_t abi_version;
    uint64_t entry, hypercall_page, virt_base;
    uint64_t lo, hi; /* lowest and end of the highest PT_LOAD */
    unsigned nseg;
    struct elf_seg seg[ELF_MAX_SEGMENTS];
};

/* 0, or -1 with the reason in err. */
int elf_parse(const void *data, size_t size, struct elf_image *img, char *err,
              size_t errlen);

#endif /* CAP_ELF_H */
