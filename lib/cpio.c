/* SPDX-License-Identifier: BSD-2-Clause */
/* cpio "newc" reader; see cpio.h. Sizes are compared by subtraction from
 * what is left, never by adding to an offset, so no field can overflow. */
#include <string.h>

#include "cpio.h"

#define CPIO_MAGIC "070701"
/* Field offsets in the header (each 8 hex digits). */
#define CPIO_F_MODE     14
#define CPIO_F_FILESIZE 54
#define CPIO_F_NAMESIZE 94

void cpio_init(struct cpio *c, const void *archive, size_t size)
{
    c->base = archive;
    c->size = size;
    c->off = 0;
}

static int cpio_hex(const uint8_t *p, uint32_t *out)
{
    uint32_t v = 0;

    for (int i = 0; i < 8; i++) {
        uint8_t ch = p[i];
        uint32_t d;

        if (ch >= '0' && ch <= '9')
            d = ch - '0';
        else if (ch >= 'a' && ch <= 'f')
            d = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F')
            d = ch - 'A' + 10;
        else
            return -CPIO_EFIELD;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

static size_t cpio_pad4(size_t n)
{
    return (4 - (n & 3)) & 3;
}

int cpio_next(struct cpio *c, struct cpio_entry *e)
{
    const uint8_t *h = c->base + c->off;
    size_t left = c->size - c->off, skip;
    uint32_t mode, filesize, namesize;

    if (c->off > c->size || left < CPIO_HEADER_SIZE)
        return -CPIO_ETRUNC;
    if (memcmp(h, CPIO_MAGIC, 6) != 0)
        return -CPIO_EMAGIC;
    if (cpio_hex(h + CPIO_F_MODE, &mode) ||
        cpio_hex(h + CPIO_F_FILESIZE, &filesize) ||
        cpio_hex(h + CPIO_F_NAMESIZE, &namesize))
        return -CPIO_EFIELD;
    left -= CPIO_HEADER_SIZE;
    if (namesize == 0)
        return -CPIO_ENAME;
    if (namesize > left)
        return -CPIO_ETRUNC;
    if (h[CPIO_HEADER_SIZE + namesize - 1] != '\0' ||
        memchr(h + CPIO_HEADER_SIZE, '\0', namesize - 1))
        return -CPIO_ENAME;
    e->name = (const char *)h + CPIO_HEADER_SIZE;
    e->name_len = namesize - 1;
    if (strcmp(e->name, "TRAILER!!!") == 0)
        return 0;
    skip = namesize + cpio_pad4(CPIO_HEADER_SIZE + namesize);
    if (skip > left || filesize > left - skip)
        return -CPIO_ETRUNC;
    left -= skip;
    e->mode = mode;
    e->data = h + CPIO_HEADER_SIZE + skip;
    e->size = filesize;
    skip += filesize + cpio_pad4(filesize);
    /* The data's padding may be missing at the very end of the archive:
     * the next cpio_next reports the truncation. */
    c->off += CPIO_HEADER_SIZE + skip;
    if (c->off > c->size)
        c->off = c->size;
    return 1;
}

const char *cpio_strerror(int err)
{
    switch (-err) {
    case CPIO_ETRUNC:
        return "truncated archive";
    case CPIO_EMAGIC:
        return "bad magic (not a newc archive)";
    case CPIO_EFIELD:
        return "bad header field";
    case CPIO_ENAME:
        return "bad name";
    default:
        return "no error";
    }
}
