/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The x86_64 side of guest memory access (guestmem.c): a software walk of
 * a guest's page tables with ring-3 permissions, and a copy through it.
 */
#ifndef CARAPACE_ARCH_GUESTMEM_H
#define CARAPACE_ARCH_GUESTMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/*
 * Translate va in the tables rooted at machine address `root` as a ring-3
 * access would (present and user at every level, writable at every level
 * if `write`, no superpage): its machine address, or GUESTMEM_FAULT.
 */
#define GUESTMEM_FAULT (~0ULL)
uint64_t guestmem_walk(uint64_t root, gva_t va, bool write);

/* Copy len bytes between buf and guest va under `root`, page by page
 * through guestmem_walk(). 0 or -EFAULT (a copy may stop part-way). */
int guestmem_copy_root(uint64_t root, gva_t va, void *buf, size_t len,
                       bool write);

#endif /* CARAPACE_ARCH_GUESTMEM_H */
