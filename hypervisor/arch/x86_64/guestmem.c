/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Guest memory access by guest virtual address. Guests own the lower
 * canonical half; anything else (the hypervisor's half, non-canonical
 * addresses, ranges that wrap) is refused before it is touched, and a page
 * fault during the copy is caught (guestmem_copy.S) and becomes -EFAULT.
 */
#include <carapace/errno.h>

#include "guestmem.h"

#define GUEST_VA_LIMIT 0x0000800000000000ULL

long guestmem_copy(void *dst, const void *src, size_t len);

bool guestmem_range_ok(uint64_t va, uint64_t len)
{
    return va <= GUEST_VA_LIMIT && len <= GUEST_VA_LIMIT - va;
}

int guestmem_read(void *dst, uint64_t va, size_t len)
{
    if (!guestmem_range_ok(va, len))
        return -CARAPACE_EFAULT;
    return (int)guestmem_copy(dst, (const void *)va, len);
}

int guestmem_write(uint64_t va, const void *src, size_t len)
{
    if (!guestmem_range_ok(va, len))
        return -CARAPACE_EFAULT;
    return (int)guestmem_copy((void *)va, src, len);
}
