/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A reader of cpio "newc" archives (lib/cpio.c), the ramdisk format.
 * Each entry: a 110-byte header of ASCII hex fields after the magic
 * "070701", the name (NUL-terminated, header + name padded to 4 bytes),
 * the data (padded to 4). The entry named "TRAILER!!!" ends the archive.
 * Every field is checked against the archive's size: the archive comes
 * from outside the kernel. Plain C with no kernel headers: also built and
 * tested on the host (tests/unit/cpio_test.c).
 */
#ifndef CARAPACE_CPIO_H
#define CARAPACE_CPIO_H

#include <stddef.h>
#include <stdint.h>

#define CPIO_HEADER_SIZE 110

/* Errors (negative returns of cpio_next). */
#define CPIO_ETRUNC 1 /* the archive ends inside a header, name or data */
#define CPIO_EMAGIC 2 /* not "070701" */
#define CPIO_EFIELD 3 /* a header field is not 8 hex digits */
#define CPIO_ENAME  4 /* name size 0, or the name is not NUL-terminated */

#define CPIO_MODE_TYPE 0170000
#define CPIO_MODE_DIR  0040000
#define CPIO_MODE_REG  0100000

struct cpio {
    const uint8_t *base;
    size_t size;
    size_t off; /* of the next header */
};

struct cpio_entry {
    const char *name; /* NUL-terminated, inside the archive */
    size_t name_len;  /* without the NUL */
    uint32_t mode;
    const void *data;
    size_t size;
};

void cpio_init(struct cpio *c, const void *archive, size_t size);
/* 1: *e is the next entry; 0: the trailer was reached; < 0: -CPIO_E*. */
int cpio_next(struct cpio *c, struct cpio_entry *e);
const char *cpio_strerror(int err);

#endif /* CARAPACE_CPIO_H */
