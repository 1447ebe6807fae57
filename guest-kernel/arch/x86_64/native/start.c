/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * From Multiboot to kmain: what the hypervisor's domain builder does for a
 * pv kernel, done by the native kernel for itself. It reads the Multiboot
 * information (memory size, command line, the ramdisk module), builds the
 * guest-frame-to-machine-frame table (an offset: frame g is physical
 * NATIVE_PHYS_BASE + g * 4096) and the start-info device tree that kmain
 * reads on every backend, drops the boot identity map and enters kmain.
 */
#include <libfdt.h>
#include <string.h>

#include <carapace/startinfo.h>

#include "arch.h"
#include "cpu.h"
#include "native.h"
#include "print.h"

#define MB_MAGIC     0x2badb002u
#define MB_INFO_MEM  0x001u
#define MB_INFO_CMD  0x004u
#define MB_INFO_MODS 0x008u

#define START_IDENT_END 0x40000000ULL /* boot.S maps the low GiB 1:1 */
#define START_MAX_FRAMES                                                       \
    (512ULL * 512 - 512) /* the kernel's GiB, less 2 MiB                       \
                          */

struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr;
};

struct mb_module {
    uint32_t start, end, string, reserved;
};

void native_start(uint32_t magic, uint32_t info);
void kmain(const void *fdt);
extern char _end[];

static char start_cmdline[512];
static uint8_t start_fdt[4096] __attribute__((aligned(8)));

static void start_early_fail(const char *why)
{
    native_serial_write(why, strlen(why));
    native_exit(2);
}

/* The end of the memory QEMU wrote the image, modules and strings to. */
static uint64_t start_read_info(uint32_t info, uint64_t *top, uint64_t *rd,
                                uint64_t *rd_size)
{
    const struct mb_info *mb = (const void *)(uint64_t)info;
    uint64_t used = native_phys(_end);

    if (!(mb->flags & MB_INFO_MEM))
        start_early_fail("native: no memory size from the boot loader\n");
    *top = 0x100000ULL + (uint64_t)mb->mem_upper * 1024;
    if ((mb->flags & MB_INFO_CMD) && mb->cmdline < START_IDENT_END) {
        const char *c = (const char *)(uint64_t)mb->cmdline;

        memcpy(start_cmdline, c, strnlen(c, sizeof(start_cmdline) - 1));
    }
    *rd = *rd_size = 0;
    if ((mb->flags & MB_INFO_MODS) && mb->mods_count > 0) {
        const struct mb_module *m = (const void *)(uint64_t)mb->mods_addr;

        if (m->start < NATIVE_PHYS_BASE || m->end < m->start || m->end > *top)
            start_early_fail("native: the ramdisk module is out of reach\n");
        *rd = m->start - NATIVE_PHYS_BASE + NATIVE_VIRT_BASE;
        *rd_size = m->end - m->start;
        if (m->end > used)
            used = m->end;
    }
    return used;
}

static void start_fdt_build(uint64_t nr, uint64_t p2m, uint64_t first_free,
                            uint64_t rd, uint64_t rd_size)
{
    void *t = start_fdt;
    fdt64_t reg[2] = {cpu_to_fdt64(rd), cpu_to_fdt64(rd_size)};
    int node, err;

    err = fdt_create_empty_tree(t, sizeof(start_fdt));
    err = err ?: fdt_setprop_string(t, 0, "compatible", CARAPACE_SI_COMPATIBLE);
    err = err ?: fdt_setprop_u32(t, 0, CARAPACE_SI_FLAGS, 0);
    err = err ?: fdt_setprop_string(t, 0, CARAPACE_SI_NAME, "native");
    err = err ?: fdt_setprop_string(t, 0, CARAPACE_SI_BOOTARGS, start_cmdline);
    err = err ?: fdt_setprop_u64(t, 0, CARAPACE_SI_MEMORY, nr << 12);
    err = err ?: fdt_setprop_u64(t, 0, CARAPACE_SI_VIRT_BASE, NATIVE_VIRT_BASE);
    err = err ?: fdt_setprop_u64(t, 0, CARAPACE_SI_NR_FRAMES, nr);
    err = err ?: fdt_setprop_u64(t, 0, CARAPACE_SI_P2M, p2m);
    err = err ?: fdt_setprop_u64(t, 0, CARAPACE_SI_SHARED, 0);
    err = err ?: fdt_setprop_u64(t, 0, CARAPACE_SI_FREE_GFN, first_free);
    err = err
              ?: fdt_setprop_u64(t, 0, CARAPACE_SI_PT_BASE,
                                 (uint64_t)native_boot_l4);
    err = err ?: fdt_setprop_string(t, 0, CARAPACE_SI_CONSOLE, "hypervisor");
    if (!err && rd_size) {
        node = fdt_add_subnode(t, 0, "module@0");
        err = node < 0 ? node : fdt_setprop(t, node, "reg", reg, sizeof(reg));
    }
    if (err)
        start_early_fail("native: cannot build the start info\n");
}

void native_start(uint32_t magic, uint32_t info)
{
    uint64_t top, rd, rd_size, used, nr, first, *p2m;

    arch_early_init(); /* libfdt's stack protector, below */
    native_dev_init();
    if (magic != MB_MAGIC)
        start_early_fail("native: not started by a Multiboot loader\n");
    used = start_read_info(info, &top, &rd, &rd_size);
    nr = (top - NATIVE_PHYS_BASE) >> ARCH_PAGE_SHIFT;
    if (nr > START_MAX_FRAMES)
        nr = START_MAX_FRAMES;
    /* The boot identity map goes: nothing below NATIVE_PHYS_BASE is
     * needed any more, and the kernel's GiB stops where memory does. */
    native_boot_l3[0] = 0;
    for (uint64_t i = (nr + 511) / 512; i < 512; i++)
        native_kernel_l2[i] = 0;
    asm volatile("mov %0, %%cr3" ::"r"(native_phys(native_boot_l4)) : "memory");
    native_cpu_init();
    /* The p2m table goes in the first frames after everything loaded. */
    first = (used - NATIVE_PHYS_BASE + ARCH_PAGE_SIZE - 1) >> ARCH_PAGE_SHIFT;
    p2m = (uint64_t *)(NATIVE_VIRT_BASE + (first << ARCH_PAGE_SHIFT));
    for (uint64_t g = 0; g < nr; g++)
        p2m[g] = g + (NATIVE_PHYS_BASE >> ARCH_PAGE_SHIFT);
    first += (nr * 8 + ARCH_PAGE_SIZE - 1) >> ARCH_PAGE_SHIFT;
    if (first >= nr)
        start_early_fail("native: not enough memory\n");
    start_fdt_build(nr, (uint64_t)p2m, first, rd, rd_size);
    kmain(start_fdt);
}
