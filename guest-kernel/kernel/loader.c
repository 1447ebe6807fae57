/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Static ELF64 loader. The file comes from the ramdisk, which anybody may
 * have built: lib/elf.c checks every offset and size against the file
 * (the parser the hypervisor and the toolstack use for kernel images),
 * and this checks every address against the user range before a byte is
 * copied.
 */
#include <string.h>

#include "elf.h"
#include "frame.h"
#include "loader.h"
#include "uapi/sys.h"

#define LOADER_PAGE ARCH_PAGE_SIZE
#define LOADER_END  (SYS_USER_TOP - SYS_STACK_MAX)

static bool loader_in_user(uint64_t va, uint64_t len)
{
    return va >= SYS_USER_BASE && va < LOADER_END && len <= LOADER_END - va;
}

/* The frame for the page at va: the one an earlier segment mapped (two
 * segments may share a page), or a new zeroed one. */
static uint32_t loader_page(struct vm *vm, uint64_t va, unsigned int flags)
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

static int loader_segment(struct vm *vm, const struct elf_segment *s)
{
    unsigned int flags = (s->flags & ELF_SEG_W ? ARCH_MAP_WRITE : 0) |
                         (s->flags & ELF_SEG_X ? ARCH_MAP_EXEC : 0);
    uint64_t start = s->vaddr & ~(LOADER_PAGE - 1);

    for (uint64_t va = start; va < s->vaddr + s->memsz; va += LOADER_PAGE) {
        uint32_t gfn = loader_page(vm, va, flags);
        uint64_t lo = va > s->vaddr ? va : s->vaddr;
        uint64_t hi = va + LOADER_PAGE;

        if (!gfn)
            return -SYS_ENOMEM;
        if (hi > s->vaddr + s->filesz)
            hi = s->vaddr + s->filesz;
        if (lo < hi)
            memcpy((uint8_t *)frame_va(gfn) + (lo - va),
                   (const uint8_t *)s->data + (lo - s->vaddr), hi - lo);
    }
    return 0;
}

int loader_load(struct vm *vm, const void *image, size_t size, uint64_t *entry)
{
    struct elf_image img;
    struct elf_segment s;

    if (elf_parse_program(image, size, &img) ||
        !loader_in_user(img.lo, img.hi - img.lo))
        return -SYS_ENOEXEC;
    for (int i = 0; i < elf_segment_count(&img); i++) {
        int rc;

        if (elf_segment_get(&img, i, &s))
            return -SYS_ENOEXEC;
        rc = loader_segment(vm, &s);
        if (rc)
            return rc;
    }
    vm->heap_start = vm->brk = (img.hi + LOADER_PAGE - 1) & ~(LOADER_PAGE - 1);
    *entry = img.entry;
    return 0;
}
