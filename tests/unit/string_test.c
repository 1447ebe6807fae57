/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hypervisor's string.c against the host C library. string.c defines the
 * standard names, so lib.ninja builds a host object of it with every name
 * renamed to hv_NAME (-Dmemcpy=hv_memcpy ...) against the hypervisor's own
 * libc headers; here the same renames apply while those headers are read,
 * and are undone before the host's <string.h> comes in.
 */
#define memcpy  hv_memcpy
#define memmove hv_memmove
#define memset  hv_memset
#define memcmp  hv_memcmp
#define memchr  hv_memchr
#define strlen  hv_strlen
#define strnlen hv_strnlen
#define strchr  hv_strchr
#define strrchr hv_strrchr
#define strcmp  hv_strcmp
#define strncmp hv_strncmp
#define strtoul hv_strtoul
#include "libc/stdlib.h"
#include "libc/string.h"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strchr
#undef strrchr
#undef strcmp
#undef strncmp
#undef strtoul

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Only the sign of a comparison is specified. */
static int test_sign(int v)
{
    return (v > 0) - (v < 0);
}

/* Bytes that differ in their top bit: char signedness must not matter. */
static const char *const test_strs[] = {
    "",        "a",    "b",     "ab",   "abc",         "abd",    "abc\x80",
    "abc\x7f", "\xff", "hello", "hell", "hello world", "a\tb c",
};

#define NSTRS (sizeof(test_strs) / sizeof(test_strs[0]))

static void test_compare(void)
{
    unsigned i, j;
    size_t n;

    for (i = 0; i < NSTRS; i++) {
        for (j = 0; j < NSTRS; j++) {
            const char *a = test_strs[i], *b = test_strs[j];
            size_t la = strlen(a) + 1, lb = strlen(b) + 1;

            CHECK_EQ(test_sign(hv_strcmp(a, b)), test_sign(strcmp(a, b)));
            for (n = 0; n <= 13; n++) {
                CHECK_EQ(test_sign(hv_strncmp(a, b, n)),
                         test_sign(strncmp(a, b, n)));
                if (n <= la && n <= lb)
                    CHECK_EQ(test_sign(hv_memcmp(a, b, n)),
                             test_sign(memcmp(a, b, n)));
            }
        }
    }
}

static void test_search(void)
{
    static const int chars[] = {
        'a', 'b',  'l',  'o', ' ',
        0,   0x80, 0xff, -1,  0x161 /* 'a' + 256: only the low byte counts */};
    unsigned i, j;
    size_t n;

    for (i = 0; i < NSTRS; i++) {
        const char *s = test_strs[i];
        size_t len = strlen(s);

        CHECK_EQ(hv_strlen(s), len);
        for (n = 0; n <= len + 1; n++)
            CHECK_EQ(hv_strnlen(s, n), strnlen(s, n));
        for (j = 0; j < sizeof(chars) / sizeof(chars[0]); j++) {
            CHECK(hv_strchr(s, chars[j]) == strchr(s, chars[j]));
            CHECK(hv_strrchr(s, chars[j]) == strrchr(s, chars[j]));
            for (n = 0; n <= len + 1; n++)
                CHECK(hv_memchr(s, chars[j], n) == memchr(s, chars[j], n));
        }
    }
    /* strnlen must not read past max: ASan watches this heap block. */
    char *raw = malloc(4);
    memcpy(raw, "abcd", 4);
    CHECK_EQ(hv_strnlen(raw, 4), 4);
    free(raw);
}

static void test_fill(void)
{
    unsigned char a[64], b[64];
    size_t off, n;

    for (off = 0; off < 8; off++) {
        for (n = 0; n + off <= 40; n++) {
            memset(a, 0x11, sizeof(a));
            memset(b, 0x11, sizeof(b));
            CHECK(hv_memset(a + off, 0x1a5, n) == a + off);
            memset(b + off, 0x1a5, n);
            CHECK(memcmp(a, b, sizeof(a)) == 0);
        }
    }
}

/* memcpy and memmove into a second buffer, memmove within one. */
static void test_copy(void)
{
    unsigned char src[64], a[64], b[64];
    size_t so, d, n, i;

    for (i = 0; i < sizeof(src); i++)
        src[i] = (unsigned char)(i * 7 + 1);
    for (n = 0; n <= 24; n++) {
        memset(a, 0, sizeof(a));
        CHECK(hv_memcpy(a + 3, src, n) == a + 3);
        CHECK(memcmp(a + 3, src, n) == 0 && a[3 + n] == 0 && a[2] == 0);
        /* Every overlap: destination before, on and after the source. */
        for (so = 0; so <= 16; so++) {
            for (d = 0; d <= 16; d++) {
                memcpy(a, src, sizeof(a));
                memcpy(b, src, sizeof(b));
                CHECK(hv_memmove(a + d, a + so, n) == a + d);
                memmove(b + d, b + so, n);
                CHECK(memcmp(a, b, sizeof(a)) == 0);
            }
        }
    }
}

/* One strtoul case, compared with the host for value and end pointer. */
static void test_strtoul_one(const char *s, int base)
{
    char *e1 = NULL, *e2 = NULL;
    unsigned long v1, v2;

    v1 = hv_strtoul(s, &e1, base);
    errno = 0;
    v2 = strtoul(s, &e2, base);
    check_count++;
    if (v1 != v2 || e1 != e2) {
        check_failures++;
        printf("strtoul(\"%s\", %d): ours %lu end +%td, host %lu end +%td\n", s,
               base, v1, e1 - s, v2, e2 - s);
    }
    /* A NULL end pointer is allowed. */
    CHECK_EQ(hv_strtoul(s, NULL, base), v2);
}

static void test_strtoul(void)
{
    static const char *const strs[] = {
        "0",
        "1",
        "42",
        "  42",
        "\t\n\v\f\r 42",
        "+42",
        "-42",
        "- 42",
        "+-1",
        "",
        " ",
        "+",
        "-",
        "x",
        "0x",
        "0X",
        "0x1f",
        "0X1F",
        "0xg",
        " 0x",
        "-0x10",
        "010",
        "08",
        "0b101",
        "z",
        "Zz",
        "123abc",
        "18446744073709551615",
        "18446744073709551616",
        "99999999999999999999999",
        "-1",
        "-18446744073709551615",
        "-18446744073709551616",
        "0xffffffffffffffff",
        "0x10000000000000000",
        "01777777777777777777777",
        "02000000000000000000000",
        "1234567890123456789",
        "00000000000000000007",
        "0x0000000000000000000000001",
        "7fffffffffffffff",
        "\x80"
        "1",
        "1 2",
        "12\n",
    };
    static const int bases[] = {0, 2, 8, 10, 16, 36};
    unsigned i, j;

    for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
        for (j = 0; j < sizeof(bases) / sizeof(bases[0]); j++)
            test_strtoul_one(strs[i], bases[j]);
    /* Invalid bases: 0, and *end = s as for any failed conversion. */
    char *e = NULL;
    const char *s = "123";
    CHECK_EQ(hv_strtoul(s, &e, 1), 0);
    CHECK(e == s);
    CHECK_EQ(hv_strtoul(s, &e, 37), 0);
    CHECK(e == s);
    CHECK_EQ(hv_strtoul(s, &e, -2), 0);
    CHECK(e == s);
}

int main(void)
{
    test_compare();
    test_search();
    test_fill();
    test_copy();
    test_strtoul();
    return check_finish();
}
