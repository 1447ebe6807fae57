/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Start-of-day boot information, kept as a flattened device tree (layout in
 * common/bootinfo.c). The arch code turns what its loader passed (Multiboot
 * info, ...) into a neutral struct bootinfo_desc and calls bootinfo_build();
 * every later stage reads the tree through the accessors below, so no code
 * after the entry path knows which loader booted us.
 *
 * The tree must sit at an 8-byte aligned address (libfdt requires it).
 * Accessors check the header and every length they read, and fail on a
 * malformed tree rather than read out of bounds; they trust only that the
 * buffer really holds the header's totalsize bytes.
 *
 * libfdt is user-space code (it uses the red zone): in the hypervisor, call
 * these only with interrupts disabled.
 */
#ifndef CARAPACE_BOOTINFO_H
#define CARAPACE_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>

/* The root node's compatible string, also the format's version. */
#define BOOTINFO_COMPATIBLE "carapace,bootinfo-v1"

struct bootinfo_range {
    uint64_t start, size;
};

struct bootinfo_module {
    uint64_t start, size;
    const char *cmdline; /* from bootinfo_module_get: points into the tree */
};

/* What the loader told us. NULL strings count as empty. */
struct bootinfo_desc {
    const char *loader;               /* e.g. "multiboot" */
    const char *cmdline;              /* the hypervisor's own command line */
    const struct bootinfo_range *ram; /* usable RAM */
    unsigned nram;
    const struct bootinfo_range *reserved; /* loader-reported reserved, ACPI */
    unsigned nreserved;
    const struct bootinfo_module *modules; /* in loader order: dom0's first */
    unsigned nmodules;
};

/*
 * Write the tree for d into fdt[0..size). 0 on success, -ENOSPC if it does
 * not fit, -EINVAL for an unaligned buffer or a bad description (a count
 * without its array, a range that wraps past 2^64).
 */
int bootinfo_build(void *fdt, size_t size, const struct bootinfo_desc *d);

/* 0 if fdt is a complete, well-formed tree of our format, else -EINVAL. */
int bootinfo_check(const void *fdt);

/* The hypervisor command line, or "" if there is none (or on error). */
const char *bootinfo_cmdline(const void *fdt);
/* The loader's name, or "" if unknown. */
const char *bootinfo_loader(const void *fdt);

/*
 * Counts return the number of entries (0 if there are none) or -EINVAL for
 * a malformed tree. Getters return 0, -ENOENT for an index out of range, or
 * -EINVAL for a malformed tree; *out is written only on success.
 */
int bootinfo_ram_count(const void *fdt);
int bootinfo_ram_get(const void *fdt, int i, struct bootinfo_range *out);
int bootinfo_reserved_count(const void *fdt);
int bootinfo_reserved_get(const void *fdt, int i, struct bootinfo_range *out);
int bootinfo_module_count(const void *fdt);
int bootinfo_module_get(const void *fdt, int i, struct bootinfo_module *out);

/* Print any device tree, DTS-like, at LOG_DEBUG. */
void bootinfo_dump(const void *fdt);

#endif /* CARAPACE_BOOTINFO_H */
