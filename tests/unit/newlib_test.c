/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Smoke test of the cached newlib (build/newlib/install): a static Linux
 * program built against newlib's headers and libc.a/libm.a only, with the
 * crt0 and OS hooks of tests/newlib/. Every result is compared with the
 * text or value it must have; check_finish() prints the result line.
 *
 * `newlib_test --inject-failure` adds one check that must fail, to show
 * that the test can fail.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define CHECK_NEAR(got, want, tol)                                             \
    do {                                                                       \
        double near_got_ = (got), near_want_ = (want);                         \
        check_count++;                                                         \
        if (!(fabs(near_got_ - near_want_) <= (tol))) {                        \
            check_failures++;                                                  \
            printf("%s:%d: check failed: %s ~= %s (%.17g != %.17g)\n",         \
                   __FILE__, __LINE__, #got, #want, near_got_, near_want_);    \
        }                                                                      \
    } while (0)

/* Set by a constructor: proves crt0 ran __libc_init_array. */
static int constructor_ran;

__attribute__((constructor)) static void mark_constructor(void)
{
    constructor_ran = 42;
}

/* Inputs read through volatile so that gcc cannot fold the calls below
 * into constants at compile time: the code under test must run. */
static volatile double v_two = 2.0;
static volatile double v_pi_6 = 0.52359877559829887; /* pi / 6 */
static volatile double v_one = 1.0;

static void test_snprintf(void)
{
    char buf[128];
    int n;

    n = snprintf(buf, sizeof(buf), "%d", -42);
    CHECK_STR(buf, "-42");
    CHECK_EQ(n, 3);

    snprintf(buf, sizeof(buf), "%lld", -9007199254740993LL);
    CHECK_STR(buf, "-9007199254740993");
    snprintf(buf, sizeof(buf), "%llu", 18446744073709551615ULL);
    CHECK_STR(buf, "18446744073709551615");

    snprintf(buf, sizeof(buf), "%x %X %#x", 0xdeadbeefu, 0xcafeu, 255u);
    CHECK_STR(buf, "deadbeef CAFE 0xff");

    snprintf(buf, sizeof(buf), "%f|%.3f|%8.2f", 1.5, 3.14159, -2.0);
    CHECK_STR(buf, "1.500000|3.142|   -2.00");

    snprintf(buf, sizeof(buf), "%e|%.2E", 12345.678, 0.000123);
    CHECK_STR(buf, "1.234568e+04|1.23E-04");

    snprintf(buf, sizeof(buf), "%g %g", 100000.0, 1e-5);
    CHECK_STR(buf, "100000 1e-05");

    snprintf(buf, sizeof(buf), "[%s|%-10s|%5s]", "carapace", "hv", "pv");
    CHECK_STR(buf, "[carapace|hv        |   pv]");

    /* C99 formats (--enable-newlib-io-c99-formats). */
    snprintf(buf, sizeof(buf), "%zu %hhd %jd", sizeof(uint64_t), (char)-1,
             (intmax_t)-7);
    CHECK_STR(buf, "8 -1 -7");

    /* Truncation: returns the untruncated length, always terminates. */
    n = snprintf(buf, 5, "%s", "abcdefgh");
    CHECK_EQ(n, 8);
    CHECK_STR(buf, "abcd");
}

static void test_printf(void)
{
    /* printf goes through stdout, __sfvwrite and the write hook; its
     * return value counts what it formatted. */
    int n = printf("newlib printf: %d %lld %x %.2f %.1e %s\n", 7, 1LL << 40,
                   0xabcu, 2.5, 1000.0, "ok");
    CHECK_EQ(n, (int)strlen("newlib printf: 7 1099511627776 abc 2.50 1.0e+03 "
                            "ok\n"));
    CHECK_EQ(fflush(stdout), 0);
}

static void test_malloc(void)
{
    enum { NBLOCKS = 2000 };
    static unsigned char *blocks[NBLOCKS];
    int bad = 0;

    for (int i = 0; i < NBLOCKS; i++) {
        size_t size = 1 + (size_t)(i * 37) % 700;
        blocks[i] = malloc(size);
        if (!blocks[i] || ((uintptr_t)blocks[i] & 15) != 0) {
            bad++;
            continue;
        }
        memset(blocks[i], i & 0xff, size);
    }
    CHECK_EQ(bad, 0);

    /* Free every other block, then allocate into the holes. */
    for (int i = 0; i < NBLOCKS; i += 2) {
        free(blocks[i]);
        blocks[i] = NULL;
    }
    for (int i = 0; i < NBLOCKS; i += 2) {
        blocks[i] = malloc(64);
        if (blocks[i])
            memset(blocks[i], i & 0xff, 64);
    }

    /* No block may have been overwritten by another. */
    for (int i = 0; i < NBLOCKS; i++) {
        size_t size = (i % 2 == 0) ? 64 : 1 + (size_t)(i * 37) % 700;
        if (!blocks[i]) {
            bad++;
            continue;
        }
        for (size_t j = 0; j < size; j++) {
            if (blocks[i][j] != (unsigned char)(i & 0xff)) {
                bad++;
                break;
            }
        }
    }
    CHECK_EQ(bad, 0);

    unsigned char *p = realloc(blocks[1], 5000);
    CHECK(p != NULL);
    if (p) {
        CHECK_EQ(p[0], 1);
        CHECK_EQ(p[37], 1);
        blocks[1] = p;
    }

    for (int i = 0; i < NBLOCKS; i++)
        free(blocks[i]);

    /* A big block after all that freeing: the heap coalesced. */
    void *big = malloc(4u << 20);
    CHECK(big != NULL);
    free(big);

    /* The 8 MiB arena runs out: malloc reports it, it does not crash. */
    void *huge = malloc(64u << 20);
    CHECK(huge == NULL);

    int *zeros = calloc(1000, sizeof(int));
    CHECK(zeros != NULL);
    if (zeros) {
        int sum = 0;
        for (int i = 0; i < 1000; i++)
            sum |= zeros[i];
        CHECK_EQ(sum, 0);
    }
    free(zeros);
}

static void test_strtod(void)
{
    char *end;

    CHECK(strtod("2.5e3xyz", &end) == 2500.0);
    CHECK_STR(end, "xyz");
    CHECK(strtod("-0.125", NULL) == -0.125);
    CHECK(strtod("0x1p-2", NULL) == 0.25);
    CHECK_NEAR(strtod("3.141592653589793", NULL), 3.141592653589793, 0.0);
    CHECK_EQ(strtol("-1234", NULL, 10), -1234);
    CHECK_EQ(strtoull("ffffffffffffffff", NULL, 16), UINT64_MAX);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_qsort(void)
{
    enum { N = 500 };
    static int v[N];
    uint32_t seed = 12345;
    long sum_before = 0, sum_after = 0;
    int unsorted = 0;

    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        v[i] = (int)(seed >> 16) % 1000 - 500;
        sum_before += v[i];
    }
    qsort(v, N, sizeof(v[0]), cmp_int);
    for (int i = 0; i < N; i++) {
        sum_after += v[i];
        if (i > 0 && v[i - 1] > v[i])
            unsorted++;
    }
    CHECK_EQ(unsorted, 0);
    CHECK_EQ(sum_before, sum_after);

    const char *words[] = {"vmexit", "guest", "hypercall", "ept", "apic"};
    char joined[64] = "";
    qsort(words, 5, sizeof(words[0]), cmp_str);
    for (int i = 0; i < 5; i++) {
        strcat(joined, words[i]);
        strcat(joined, i < 4 ? "," : "");
    }
    CHECK_STR(joined, "apic,ept,guest,hypercall,vmexit");
}

static void test_libm(void)
{
    char buf[64];

    CHECK_NEAR(sqrt(v_two), 1.4142135623730951, 1e-15);
    CHECK_NEAR(sin(v_pi_6), 0.5, 1e-15);
    CHECK_NEAR(cos(v_pi_6 * 2.0), 0.5, 1e-15);
    CHECK_NEAR(exp(v_one), 2.718281828459045, 1e-15);
    CHECK_NEAR(log(v_two), 0.6931471805599453, 1e-15);
    CHECK_NEAR(pow(v_two, 10.0), 1024.0, 0.0);
    snprintf(buf, sizeof(buf), "%.6f %.6f", sin(v_one), sqrt(v_two * 8.0));
    CHECK_STR(buf, "0.841471 4.000000");
}

int main(int argc, char **argv)
{
    CHECK_EQ(constructor_ran, 42);
    test_snprintf();
    test_printf();
    test_malloc();
    test_strtod();
    test_qsort();
    test_libm();

    if (argc > 1 && strcmp(argv[1], "--inject-failure") == 0) {
        char buf[16];
        snprintf(buf, sizeof(buf), "%d", 6 * 7);
        CHECK_STR(buf, "41");
    }
    return check_finish();
}
