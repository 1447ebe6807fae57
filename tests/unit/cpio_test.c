/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest kernel's cpio "newc" reader (guest-kernel/kernel/cpio.c):
 * well-formed archives, and malformed ones that must be refused without
 * reading a byte past the end (every buffer is malloc'ed to its exact size,
 * so AddressSanitizer catches an overread).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cpio.h"

struct archive {
    uint8_t buf[4096];
    size_t len;
};

static void put_entry(struct archive *a, const char *name, uint32_t mode,
                      const char *data, size_t size)
{
    size_t namesize = strlen(name) + 1;
    char hdr[CPIO_HEADER_SIZE + 32];

    snprintf(hdr, sizeof(hdr),
             "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", 1u,
             mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u, namesize, 0u);
    memcpy(a->buf + a->len, hdr, CPIO_HEADER_SIZE);
    a->len += CPIO_HEADER_SIZE;
    memcpy(a->buf + a->len, name, namesize);
    a->len += namesize;
    while (a->len % 4)
        a->buf[a->len++] = 0;
    memcpy(a->buf + a->len, data, size);
    a->len += size;
    while (a->len % 4)
        a->buf[a->len++] = 0;
}

static void put_trailer(struct archive *a)
{
    put_entry(a, "TRAILER!!!", 0, "", 0);
}

/* A copy of the first len bytes in a buffer of exactly that size. */
static uint8_t *exact(const struct archive *a, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);

    memcpy(p, a->buf, len);
    return p;
}

/* Runs the reader to its end: the last return value and the entry count. */
static int walk(const uint8_t *p, size_t len, int *entries)
{
    struct cpio c;
    struct cpio_entry e;
    int rc;

    *entries = 0;
    cpio_init(&c, p, len);
    while ((rc = cpio_next(&c, &e)) > 0)
        (*entries)++;
    return rc;
}

static void test_good(void)
{
    struct archive a = {0};
    struct cpio c;
    struct cpio_entry e;
    uint8_t *p;

    put_entry(&a, "bin", CPIO_MODE_DIR | 0755, "", 0);
    put_entry(&a, "bin/sh", CPIO_MODE_REG | 0755, "#!shell", 7);
    put_entry(&a, "etc/motd", CPIO_MODE_REG | 0644, "hello\n", 6);
    put_entry(&a, "e", CPIO_MODE_REG | 0644, "", 0);
    put_entry(&a, "ab", CPIO_MODE_REG | 0644, "xy", 2);
    put_trailer(&a);
    p = exact(&a, a.len);
    cpio_init(&c, p, a.len);
    CHECK_EQ(cpio_next(&c, &e), 1);
    CHECK_STR(e.name, "bin");
    CHECK_EQ(e.name_len, 3);
    CHECK_EQ(e.mode & CPIO_MODE_TYPE, CPIO_MODE_DIR);
    CHECK_EQ(e.size, 0);
    CHECK_EQ(cpio_next(&c, &e), 1);
    CHECK_STR(e.name, "bin/sh");
    CHECK_EQ(e.mode, CPIO_MODE_REG | 0755);
    CHECK_EQ(e.size, 7);
    CHECK(memcmp(e.data, "#!shell", 7) == 0);
    CHECK_EQ(cpio_next(&c, &e), 1);
    CHECK_STR(e.name, "etc/motd");
    CHECK(memcmp(e.data, "hello\n", 6) == 0);
    CHECK_EQ(cpio_next(&c, &e), 1);
    CHECK_STR(e.name, "e");
    CHECK_EQ(e.size, 0);
    CHECK_EQ(cpio_next(&c, &e), 1);
    CHECK_STR(e.name, "ab");
    CHECK(memcmp(e.data, "xy", 2) == 0);
    CHECK_EQ(cpio_next(&c, &e), 0);
    free(p);
}

/* Every prefix of a good archive is refused, or (once the trailer's
 * header and name are complete) ends normally; never an overread. */
static void test_truncated(void)
{
    struct archive a = {0};
    size_t trailer_end;
    int entries, rc;

    put_entry(&a, "bin/hello", CPIO_MODE_REG | 0755, "0123456789", 10);
    put_entry(&a, "x", CPIO_MODE_REG | 0644, "abc", 3);
    trailer_end = a.len + CPIO_HEADER_SIZE + sizeof("TRAILER!!!");
    put_trailer(&a);
    for (size_t len = 0; len < a.len; len++) {
        uint8_t *p = exact(&a, len);

        rc = walk(p, len, &entries);
        if (len >= trailer_end)
            CHECK_EQ(rc, 0);
        else
            CHECK_EQ(rc, -CPIO_ETRUNC);
        free(p);
    }
    CHECK_EQ(walk(a.buf, a.len, &entries), 0);
    CHECK_EQ(entries, 2);
}

static void test_bad_magic(void)
{
    struct archive a = {0};
    int entries;

    put_entry(&a, "f", CPIO_MODE_REG, "data", 4);
    put_trailer(&a);
    memcpy(a.buf, "070707", 6); /* the old binary-ish "odc" magic */
    CHECK_EQ(walk(a.buf, a.len, &entries), -CPIO_EMAGIC);
    CHECK_EQ(entries, 0);
}

static void test_bad_field(void)
{
    struct archive a = {0};
    int entries;

    put_entry(&a, "f", CPIO_MODE_REG, "data", 4);
    put_trailer(&a);
    a.buf[54 + 3] = 'g'; /* filesize */
    CHECK_EQ(walk(a.buf, a.len, &entries), -CPIO_EFIELD);
}

static void test_bad_names(void)
{
    struct archive a = {0};
    int entries;

    /* namesize 0 */
    put_entry(&a, "f", CPIO_MODE_REG, "data", 4);
    put_trailer(&a);
    memcpy(a.buf + 94, "00000000", 8);
    CHECK_EQ(walk(a.buf, a.len, &entries), -CPIO_ENAME);
    /* the name runs past the end of the archive */
    memcpy(a.buf + 94, "0000FFFF", 8);
    CHECK_EQ(walk(a.buf, a.len, &entries), -CPIO_ETRUNC);
    memcpy(a.buf + 94, "FFFFFFFF", 8);
    CHECK_EQ(walk(a.buf, a.len, &entries), -CPIO_ETRUNC);
    /* not NUL-terminated where namesize says */
    memcpy(a.buf + 94, "00000001", 8);
    CHECK_EQ(walk(a.buf, a.len, &entries), -CPIO_ENAME);
}

static void test_size_past_end(void)
{
    struct archive a = {0};
    int entries;

    put_entry(&a, "f", CPIO_MODE_REG, "data", 4);
    put_trailer(&a);
    memcpy(a.buf + 54, "00001000", 8);
    CHECK_EQ(walk(a.buf, a.len, &entries), -CPIO_ETRUNC);
    memcpy(a.buf + 54, "FFFFFFFF", 8);
    CHECK_EQ(walk(a.buf, a.len, &entries), -CPIO_ETRUNC);
    CHECK_EQ(entries, 0);
}

static void test_no_trailer(void)
{
    struct archive a = {0};
    int entries;

    put_entry(&a, "f", CPIO_MODE_REG, "data", 4);
    CHECK_EQ(walk(a.buf, a.len, &entries), -CPIO_ETRUNC);
    CHECK_EQ(entries, 1);
    CHECK_STR(cpio_strerror(-CPIO_ETRUNC), "truncated archive");
}

int main(void)
{
    test_good();
    test_truncated();
    test_bad_magic();
    test_bad_field();
    test_bad_names();
    test_size_past_end();
    test_no_trailer();
    return check_finish();
}
