/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: lib/cpio.c. The input is an archive, read entry by
 * entry to the trailer or the first error; every entry's name and data
 * must lie inside the archive, the name NUL-terminated at name_len.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(const uint8_t *data, size_t size, const void *p, size_t n)
{
    const uint8_t *q = p;

    return q >= data && n <= size && (size_t)(q - data) <= size - n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cpio c;
    struct cpio_entry e;
    int rc;

    cpio_init(&c, data, size);
    while ((rc = cpio_next(&c, &e)) == 1) {
        if (!inside(data, size, e.name, e.name_len + 1) ||
            e.name[e.name_len] != '\0' || strlen(e.name) != e.name_len)
            abort();
        if (e.size && !inside(data, size, e.data, e.size))
            abort();
    }
    if (rc < 0 && cpio_strerror(rc) == NULL)
        abort();
    return 0;
}
