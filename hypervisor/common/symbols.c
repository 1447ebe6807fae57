/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Address-to-name lookup over the table scripts/gensyms.py generates: the
 * function start addresses in ascending order, an offset per function into
 * one block of NUL-terminated names.
 */
#include <stddef.h>

#include "symbols.h"

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const uint32_t ksyms_offsets[];
extern const char ksyms_names[];
extern const char _image_start[], _text_end[];

const char *symbols_lookup(uint64_t addr, uint64_t *offset)
{
    uint64_t lo = 0, hi = ksyms_count;

    if (addr < (uint64_t)_image_start || addr >= (uint64_t)_text_end)
        return NULL;
    if (ksyms_count == 0 || addr < ksyms_addrs[0])
        return NULL;
    /* Find the last entry whose address is <= addr. */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ksyms_addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *offset = addr - ksyms_addrs[lo];
    return &ksyms_names[ksyms_offsets[lo]];
}
