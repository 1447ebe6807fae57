/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86_64 start of day, entered from boot.S in long mode on the boot stack
 * with the per-CPU block and stack canary in place. Brings up what every
 * later step relies on (console, GDT and TSS, IDT), turns the loader's
 * information into the boot device tree, then hands over to the generic
 * start_of_day().
 */
#include <stdint.h>

#include "arch.h"
#include "main.h"
#include "panic.h"
#include <arch/cpu.h>
#include <arch/gdt.h>
#include <arch/layout.h>
#include <arch/multiboot.h>
#include <arch/percpu.h>
#include <arch/pv.h>
#include <arch/serial.h>
#include <arch/setup.h>
#include <arch/trap.h>

#define SETUP_FDT_SIZE 16384

struct percpu percpu_boot __attribute__((aligned(64)));
uint64_t setup_boot_tsc;

/* Saved by boot.S from the loader's registers. */
extern uint32_t boot_mb_magic, boot_mb_info;

static uint64_t
    setup_fdt[SETUP_FDT_SIZE / 8]; /* 8-byte aligned, as libfdt wants */

void arch_setup(void)
{
    int err;

    setup_boot_tsc = rdtsc();
    serial_init();
    gdt_init();
    trap_init();
    pv_init();
    err = multiboot_to_bootinfo(boot_mb_magic, boot_mb_info, setup_fdt,
                                sizeof(setup_fdt));
    if (err)
        panic("cannot build the boot information (error %d)", err);
    start_of_day(setup_fdt);
}

int arch_mm_reserved(struct memrange_set *reserved)
{
    extern char _image_end[];
    /* The first MiB holds the real-mode IVT, BIOS data and the EBDA; keep
     * it all, as every x86 kernel does. Then our own image. */
    int err = memrange_add(reserved, 0, KERNEL_PHYS);

    if (!err)
        err = memrange_add(reserved, KERNEL_PHYS,
                           (uint64_t)_image_end - KERNEL_VMA);
    return err;
}
