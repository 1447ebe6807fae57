/* SPDX-License-Identifier: BSD-2-Clause */
/* Checking an outside device tree before libfdt reads it (fdtcheck.h). */
#include <libfdt.h>
#include <string.h>

#include "fdtcheck.h"

/* Every property's name offset lies inside the strings block, and the name
 * ends there: what fdt_check_full fails to make sure of before it uses the
 * name. The tags themselves are bounds-checked by fdt_next_tag. */
static bool fdtcheck_names(const void *fdt)
{
    const char *strings = (const char *)fdt + fdt_off_dt_strings(fdt);
    uint32_t size = fdt_size_dt_strings(fdt);
    int offset = 0, next = 0;

    for (;;) {
        uint32_t tag = fdt_next_tag(fdt, offset, &next);

        /* A tag that does not move the walk on would loop for ever. */
        if (next < 0 || next <= offset)
            return false;
        if (tag == FDT_END)
            return true;
        if (tag == FDT_PROP) {
            /* tag, len, nameoff: 4 bytes each, maybe unaligned (the
             * blob is a boot module), so read as bytes. */
            const char *p = fdt_offset_ptr(fdt, offset, 12);
            uint32_t name;

            if (!p)
                return false;
            name = fdt32_ld((const fdt32_t *)(const void *)(p + 8));
            if (name >= size || !memchr(strings + name, '\0', size - name))
                return false;
        }
        offset = next;
    }
}

/* Trees of version 17 only, what dtc and libfdt's writer make: below 16,
 * libfdt 1.6.1 fdt_check_full reads address 0 when the root's name has no
 * '/' (fdt_get_name fails for old trees and it uses the name anyway), and
 * below 17 the header has no size of the structure block. */
#define FDTCHECK_VERSION 17

bool fdtcheck_sound(const void *blob, size_t size)
{
    if (!blob || size < sizeof(struct fdt_header) || fdt_check_header(blob) ||
        fdt_totalsize(blob) > size || fdt_version(blob) < FDTCHECK_VERSION)
        return false;
    if (fdt_off_dt_strings(blob) > fdt_totalsize(blob) ||
        fdt_size_dt_strings(blob) >
            fdt_totalsize(blob) - fdt_off_dt_strings(blob))
        return false;
    return fdtcheck_names(blob) && fdt_check_full(blob, size) == 0;
}
