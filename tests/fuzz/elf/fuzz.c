/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: lib/elf.c. The input is an image, parsed both as a
 * guest kernel (elf_parse) and as a plain program (elf_parse_program); on
 * success every segment must read back inside the buffer, with its file
 * bytes no more than its memory size and inside [lo, hi).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_image(const uint8_t *data, size_t size,
                        const struct elf_image *img)
{
    struct elf_segment seg;
    int i, n = elf_segment_count(img);

    if (n < 1 || img->hi < img->lo || img->why[0] != '\0')
        abort();
    for (i = 0; i < n; i++) {
        if (elf_segment_get(img, i, &seg) != 0)
            abort();
        if (seg.filesz > seg.memsz || seg.vaddr < img->lo ||
            seg.vaddr + seg.memsz > img->hi ||
            seg.vaddr + seg.memsz < seg.vaddr)
            abort();
        if (seg.filesz != 0 &&
            ((const uint8_t *)seg.data < data ||
             (const uint8_t *)seg.data + seg.filesz > data + size))
            abort();
    }
    if (elf_segment_get(img, n, &seg) == 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_image img;

    memset(&img, 0xa5, sizeof(img));
    if (elf_parse(data, size, &img) == 0)
        check_image(data, size, &img);
    else if (memchr(img.why, '\0', sizeof(img.why)) == NULL || !img.why[0])
        abort(); /* a failure always says why, as a C string */
    memset(&img, 0xa5, sizeof(img));
    if (elf_parse_program(data, size, &img) == 0)
        check_image(data, size, &img);
    else if (memchr(img.why, '\0', sizeof(img.why)) == NULL || !img.why[0])
        abort();
    return 0;
}
