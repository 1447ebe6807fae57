/* SPDX-License-Identifier: BSD-2-Clause */
/* Multiboot (v1) boot information, turned into the boot device tree. */
#ifndef CARAPACE_ARCH_MULTIBOOT_H
#define CARAPACE_ARCH_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

/* Build the boot information tree in fdt[0..fdt_size) from the loader's
 * magic value and information block. Returns 0 or a negative error. */
int multiboot_to_bootinfo(uint32_t magic, uint32_t info_pa, void *fdt,
                          size_t fdt_size);

#endif /* CARAPACE_ARCH_MULTIBOOT_H */
