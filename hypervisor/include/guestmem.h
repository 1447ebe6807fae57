/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading and writing guest memory by guest virtual address, in the
 * current vCPU's address space. Only guest addresses are accepted (the
 * lower canonical half); a fault on the way is caught and becomes -EFAULT.
 */
#ifndef CARAPACE_GUESTMEM_H
#define CARAPACE_GUESTMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* True if [va, va + len) lies wholly in guest address space. */
bool guestmem_range_ok(gva_t va, uint64_t len);
int guestmem_read(void *dst, gva_t va, size_t len);
int guestmem_write(gva_t va, const void *src, size_t len);

#endif /* CARAPACE_GUESTMEM_H */
