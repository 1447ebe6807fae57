/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Multiboot (v1) information -> boot information device tree. This is the
 * only code that knows the loader's format; everything after it reads the
 * tree (bootinfo.h). The loader is trusted, but its tables are still read
 * defensively: every address must lie inside the early direct map and every
 * count is bounded, so a broken loader gives a message, not a wild read.
 */
#include <stdint.h>
#include <string.h>

#include <carapace/errno.h>

#include "arch.h"
#include "bootinfo.h"
#include "log.h"
#include <arch/multiboot.h>

#define MB_LOADER_MAGIC 0x2badb002
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MODS    (1u << 3)
#define MB_INFO_MMAP    (1u << 6)
#define MB_MMAP_RAM     1

#define MB_MAX_RANGES  64
#define MB_MAX_MODULES 16
#define MB_MAX_STRING  4096

struct mb_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_module {
    uint32_t start, end;
    uint32_t string;
    uint32_t reserved;
} __attribute__((packed));

struct mb_mmap_entry {
    uint32_t size; /* of the rest of the entry */
    uint64_t addr, len;
    uint32_t type;
} __attribute__((packed));

/* The loader's tables, resolved to pointers. */
struct multiboot_parse {
    struct bootinfo_range ram[MB_MAX_RANGES], reserved[MB_MAX_RANGES];
    struct bootinfo_module modules[MB_MAX_MODULES];
    struct bootinfo_desc desc;
};

static const void *multiboot_ptr(uint64_t pa, uint64_t len)
{
    if (pa == 0 || pa >= arch_mm_early_limit() ||
        len > arch_mm_early_limit() - pa)
        return NULL;
    return arch_phys_to_virt(pa);
}

static const char *multiboot_string(uint32_t pa)
{
    const char *s = multiboot_ptr(pa, MB_MAX_STRING);

    if (!s || strnlen(s, MB_MAX_STRING) == MB_MAX_STRING)
        return NULL;
    return s;
}

static int multiboot_mmap(const struct mb_info *mbi, struct multiboot_parse *p)
{
    const uint8_t *map = multiboot_ptr(mbi->mmap_addr, mbi->mmap_length);
    uint32_t off = 0;

    if (!(mbi->flags & MB_INFO_MMAP) || !map) {
        log_err("Multiboot: the loader gave no memory map\n");
        return -CARAPACE_EINVAL;
    }
    while (off + sizeof(struct mb_mmap_entry) <= mbi->mmap_length) {
        const struct mb_mmap_entry *e = (const void *)(map + off);
        bool ram = e->type == MB_MMAP_RAM;
        unsigned *n = ram ? &p->desc.nram : &p->desc.nreserved;
        struct bootinfo_range *r = ram ? p->ram : p->reserved;

        if (e->len && *n < MB_MAX_RANGES)
            r[(*n)++] = (struct bootinfo_range){e->addr, e->len};
        else if (e->len)
            log_warn("Multiboot: memory map entry %#lx+%#lx ignored "
                     "(more than %d)\n",
                     e->addr, e->len, MB_MAX_RANGES);
        off += e->size + 4;
    }
    return 0;
}

static int multiboot_modules(const struct mb_info *mbi,
                             struct multiboot_parse *p)
{
    const struct mb_module *mods;

    if (!(mbi->flags & MB_INFO_MODS) || mbi->mods_count == 0)
        return 0;
    if (mbi->mods_count > MB_MAX_MODULES) {
        log_err("Multiboot: %u modules, at most %d supported\n",
                mbi->mods_count, MB_MAX_MODULES);
        return -CARAPACE_E2BIG;
    }
    mods = multiboot_ptr(mbi->mods_addr, mbi->mods_count * sizeof(*mods));
    if (!mods)
        return -CARAPACE_EINVAL;
    for (uint32_t i = 0; i < mbi->mods_count; i++) {
        const char *s = multiboot_string(mods[i].string);

        if (mods[i].end < mods[i].start) {
            log_err("Multiboot: module %u ends before it starts\n", i);
            return -CARAPACE_EINVAL;
        }
        p->modules[i] = (struct bootinfo_module){
            mods[i].start, mods[i].end - mods[i].start, s ? s : ""};
    }
    p->desc.nmodules = mbi->mods_count;
    return 0;
}

int multiboot_to_bootinfo(uint32_t magic, uint32_t info_pa, void *fdt,
                          size_t fdt_size)
{
    static struct multiboot_parse p; /* large: not on the boot stack */
    const struct mb_info *mbi = multiboot_ptr(info_pa, sizeof(*mbi));
    int err;

    if (magic != MB_LOADER_MAGIC || !mbi) {
        log_err("Multiboot: bad magic %#x or info at %#x: not booted by a "
                "Multiboot loader?\n",
                magic, info_pa);
        return -CARAPACE_EINVAL;
    }
    p.desc = (struct bootinfo_desc){.loader = "multiboot",
                                    .ram = p.ram,
                                    .reserved = p.reserved,
                                    .modules = p.modules,
                                    .cmdline = ""};
    if (mbi->flags & MB_INFO_CMDLINE) {
        const char *c = multiboot_string(mbi->cmdline);
        p.desc.cmdline = c ? c : "";
    }
    err = multiboot_mmap(mbi, &p);
    if (!err)
        err = multiboot_modules(mbi, &p);
    if (!err)
        err = bootinfo_build(fdt, fdt_size, &p.desc);
    return err;
}
