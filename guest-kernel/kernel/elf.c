/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Static ELF64 loader. The file comes from the ramdisk, which anybody may
 * have built: every offset and size is checked against the file and every
 * address against the user range before a byte is copied.
 */
#include <string.h>

#include "elf.h"
#include "frame.h"
#include "uapi/sys.h"

#define ELF_PT_LOAD   1
#define ELF_PF_X      1
#define ELF_PF_W      2
#define ELF_ET_EXEC   2
#define ELF_EM_X8664  62
#define ELF_PHNUM_MAX 16
#define ELF_PAGE      ARCH_PAGE_SIZE
#define ELF_LOAD_END  (SYS_USER_TOP - SYS_STACK_MAX)

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

static bool elf_header_ok(const struct elf_ehdr *h, size_t size)
{
    return size >= sizeof(*h) && memcmp(h->ident, "\177ELF", 4) == 0 &&
           h->ident[4] == 2 /* 64-bit */ && h->ident[5] == 1 /* LE */ &&
           h->type == ELF_ET_EXEC && h->machine == ELF_EM_X8664 &&
           h->phentsize == sizeof(struct elf_phdr) && h->phnum > 0 &&
           h->phnum <= ELF_PHNUM_MAX && h->phoff < size &&
           size - h->phoff >= (uint64_t)h->phnum * sizeof(struct elf_phdr);
}

static bool elf_segment_ok(const struct elf_phdr *p, size_t size)
{
    return p->filesz <= p->memsz && p->offset <= size &&
           p->filesz <= size - p->offset && p->vaddr >= SYS_USER_BASE &&
           p->vaddr < ELF_LOAD_END && p->memsz <= ELF_LOAD_END - p->vaddr;
}

/* The frame for the page at va: the one an earlier segment mapped (two
 * segments may share a page), or a new zeroed one. */
static uint32_t elf_page(struct vm *vm, uint64_t va, unsigned int flags)
{
    unsigned int old;
    uint32_t gfn = arch_space_lookup(&vm->space, va, &old);

    if (gfn) {
        if ((old | flags) != old)
            arch_space_map(&vm->space, va, gfn, old | flags);
        return gfn;
    }
    return vm_map_new(vm, va, flags);
}

static int elf_load_segment(struct vm *vm, const uint8_t *file,
                            const struct elf_phdr *p)
{
    unsigned int flags = (p->flags & ELF_PF_W ? ARCH_MAP_WRITE : 0) |
                         (p->flags & ELF_PF_X ? ARCH_MAP_EXEC : 0);
    uint64_t start = p->vaddr & ~(ELF_PAGE - 1);

    for (uint64_t va = start; va < p->vaddr + p->memsz; va += ELF_PAGE) {
        uint32_t gfn = elf_page(vm, va, flags);
        uint64_t lo = va > p->vaddr ? va : p->vaddr;
        uint64_t hi = va + ELF_PAGE;

        if (!gfn)
            return -SYS_ENOMEM;
        if (hi > p->vaddr + p->filesz)
            hi = p->vaddr + p->filesz;
        if (lo < hi)
            memcpy((uint8_t *)frame_va(gfn) + (lo - va),
                   file + p->offset + (lo - p->vaddr), hi - lo);
    }
    return 0;
}

int elf_load(struct vm *vm, const void *image, size_t size, uint64_t *entry)
{
    const struct elf_ehdr *h = image;
    const struct elf_phdr *ph;
    uint64_t end = 0;
    int loaded = 0;

    if (!elf_header_ok(h, size) || h->entry < SYS_USER_BASE ||
        h->entry >= ELF_LOAD_END)
        return -SYS_ENOEXEC;
    ph = (const struct elf_phdr *)((const uint8_t *)image + h->phoff);
    for (unsigned int i = 0; i < h->phnum; i++) {
        int rc;

        if (ph[i].type != ELF_PT_LOAD)
            continue;
        if (!elf_segment_ok(&ph[i], size))
            return -SYS_ENOEXEC;
        rc = elf_load_segment(vm, image, &ph[i]);
        if (rc)
            return rc;
        if (ph[i].vaddr + ph[i].memsz > end)
            end = ph[i].vaddr + ph[i].memsz;
        loaded++;
    }
    if (!loaded)
        return -SYS_ENOEXEC;
    vm->heap_start = vm->brk = (end + ELF_PAGE - 1) & ~(ELF_PAGE - 1);
    *entry = h->entry;
    return 0;
}
