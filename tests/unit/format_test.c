/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * format_snprintf against the host's snprintf: every combination of flags,
 * widths, precisions, length modifiers and a set of awkward values, then
 * truncation at every buffer size, then what the host does differently on
 * purpose (%p, NULL %s, unsupported conversions).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "format.h"

#define BUF 512

/* Mismatches are listed, but only the first few: one bug fails thousands. */
static unsigned test_reported;

static void test_mismatch(const char *fmt, size_t size, int ra, int rb,
                          const char *a, const char *b)
{
    check_failures++;
    if (test_reported++ < 20)
        printf("mismatch: fmt \"%s\" size %zu: ours %d \"%s\", host %d "
               "\"%s\"\n",
               fmt, size, ra, a, rb, b);
}

/*
 * Compare one result pair. Both buffers were filled with 0x55 first: the
 * bytes up to size must be identical (including the NUL and any %c NUL),
 * and ours must be untouched past size.
 */
static void test_compare(const char *fmt, size_t size, int ra, int rb,
                         const char *a, const char *b)
{
    size_t i;

    check_count++;
    if (ra != rb || memcmp(a, b, size) != 0) {
        test_mismatch(fmt, size, ra, rb, a, b);
        return;
    }
    for (i = size; i < BUF; i++) {
        if ((unsigned char)a[i] != 0x55) {
            test_mismatch(fmt, size, ra, rb, "(wrote past size)", b);
            return;
        }
    }
}

/*
 * Call f with the arguments the '*'s in the format need, then the value. A
 * macro, because the value has a different type in every caller.
 */
#define TEST_CALL(f, buf, size, fmt, ws, ps, w, p, v)                          \
    ((ws) && (ps) ? f(buf, size, fmt, w, p, v)                                 \
     : (ws)       ? f(buf, size, fmt, w, v)                                    \
     : (ps)       ? f(buf, size, fmt, p, v)                                    \
                  : f(buf, size, fmt, v))

#define TEST_ONE(fmt, ws, ps, w, p, v)                                         \
    do {                                                                       \
        char a_[BUF], b_[BUF];                                                 \
        int ra_, rb_;                                                          \
        memset(a_, 0x55, sizeof(a_));                                          \
        memset(b_, 0x55, sizeof(b_));                                          \
        ra_ = TEST_CALL(format_snprintf, a_, BUF, fmt, ws, ps, w, p, v);       \
        rb_ = TEST_CALL(snprintf, b_, BUF, fmt, ws, ps, w, p, v);              \
        test_compare(fmt, rb_ >= 0 && rb_ < BUF ? (size_t)rb_ + 1 : BUF, ra_,  \
                     rb_, a_, b_);                                             \
    } while (0)

static const char *const test_flags[] = {"", "-", "0", "+", " ", "#"};
static const char *const test_widths[] = {"", "1", "5", "12", "25", "*"};
static const char *const test_precs[] = {"",   ".",   ".0", ".1",
                                         ".5", ".20", ".*"};
static const int test_star_w[] = {7, -9, 0};
static const int test_star_p[] = {3, -1, 0};

/* Integer values, cast by each length modifier's caller to its type. */
static const long long test_values[] = {
    0,         1,         -1,         7,           -8,         42,
    -42,       127,       -128,       255,         256,        32767,
    -32768,    65535,     INT_MAX,    INT_MIN,     UINT_MAX,   0x123456789,
    LLONG_MAX, LLONG_MIN, -0x10000LL, 01234567012, 0xdeadbeef,
};

#define NVALUES (sizeof(test_values) / sizeof(test_values[0]))

/* One integer value through every length modifier of conversion conv. */
static void test_int_value(const char *spec, char conv, bool ws, bool ps, int w,
                           int p, long long v)
{
    static const char *const lens[] = {"", "hh", "h", "l", "ll", "z", "t", "j"};
    char fmt[64];
    unsigned i;
    bool sgn = conv == 'd' || conv == 'i';

    for (i = 0; i < 8; i++) {
        snprintf(fmt, sizeof(fmt), "[%%%s%s%c]", spec, lens[i], conv);
        switch (i) {
        case 0: /* hh and h take an int too: the value is converted */
        case 1:
        case 2:
            if (sgn)
                TEST_ONE(fmt, ws, ps, w, p, (int)v);
            else
                TEST_ONE(fmt, ws, ps, w, p, (unsigned)v);
            break;
        case 3:
            if (sgn)
                TEST_ONE(fmt, ws, ps, w, p, (long)v);
            else
                TEST_ONE(fmt, ws, ps, w, p, (unsigned long)v);
            break;
        case 4:
            if (sgn)
                TEST_ONE(fmt, ws, ps, w, p, v);
            else
                TEST_ONE(fmt, ws, ps, w, p, (unsigned long long)v);
            break;
        case 5:
            if (sgn)
                TEST_ONE(fmt, ws, ps, w, p, (ptrdiff_t)v);
            else
                TEST_ONE(fmt, ws, ps, w, p, (size_t)v);
            break;
        case 6:
            if (sgn)
                TEST_ONE(fmt, ws, ps, w, p, (ptrdiff_t)v);
            else
                TEST_ONE(fmt, ws, ps, w, p, (size_t)v);
            break;
        default:
            if (sgn)
                TEST_ONE(fmt, ws, ps, w, p, (intmax_t)v);
            else
                TEST_ONE(fmt, ws, ps, w, p, (uintmax_t)v);
            break;
        }
    }
}

/* All star argument choices for one "flags width precision" spec. */
static void test_int_spec(const char *spec, char conv, bool ws, bool ps)
{
    unsigned wi, pi, vi;

    for (wi = 0; wi < (ws ? 3u : 1u); wi++)
        for (pi = 0; pi < (ps ? 3u : 1u); pi++)
            for (vi = 0; vi < NVALUES; vi++)
                test_int_value(spec, conv, ws, ps, test_star_w[wi],
                               test_star_p[pi], test_values[vi]);
}

/* Flags are combined as subsets (bit i of mask = test_flags[i + 1]). */
static void test_build_flags(char *out, unsigned mask)
{
    unsigned i;

    out[0] = '\0';
    for (i = 0; i < 5; i++)
        if (mask & (1u << i))
            strcat(out, test_flags[i + 1]);
}

static void test_integers(void)
{
    static const char convs[] = "diuxXo";
    char flags[8], spec[32];
    unsigned m, wi, pi, ci;

    for (ci = 0; convs[ci]; ci++)
        for (m = 0; m < 32; m++)
            for (wi = 0; wi < 6; wi++)
                for (pi = 0; pi < 7; pi++) {
                    test_build_flags(flags, m);
                    snprintf(spec, sizeof(spec), "%s%s%s", flags,
                             test_widths[wi], test_precs[pi]);
                    test_int_spec(spec, convs[ci], wi == 5, pi == 6);
                }
}

/* %s and %c: only '-' is defined for them (0, +, space and # are not). */
static void test_strings(void)
{
    static const char *const strs[] = {"", "a", "hello", "hello, world!",
                                       "0123456789abcdefghijklmnopqrstuvwxyz"};
    char fmt[64];
    unsigned f, wi, pi, si, k;

    for (f = 0; f < 2; f++)
        for (wi = 0; wi < 6; wi++)
            for (pi = 0; pi < 7; pi++) {
                snprintf(fmt, sizeof(fmt), "<%%%s%s%ss>", f ? "-" : "",
                         test_widths[wi], test_precs[pi]);
                for (k = 0; k < 3; k++)
                    for (si = 0; si < 5; si++)
                        TEST_ONE(fmt, wi == 5, pi == 6, test_star_w[k],
                                 test_star_p[k], strs[si]);
                if (pi != 0)
                    continue; /* precision with %c is undefined */
                snprintf(fmt, sizeof(fmt), "<%%%s%sc>", f ? "-" : "",
                         test_widths[wi]);
                for (k = 0; k < 3; k++) {
                    TEST_ONE(fmt, wi == 5, false, test_star_w[k], 0, 'x');
                    TEST_ONE(fmt, wi == 5, false, test_star_w[k], 0, 0);
                }
            }
}

/* Several conversions in one format, cut at every buffer size. */
static void test_truncation(void)
{
    const char *fmt = "%s=%-6d|%#08x|%c|%+.3i|%5.1s|%%|%llu|%o|%zx";
    char a[BUF], b[BUF];
    int ra, rb;
    size_t size;

    rb = snprintf(b, BUF, fmt, "key", -42, 0xbeef, 'q', 7, "xyz", ULLONG_MAX, 8,
                  (size_t)SIZE_MAX);
    CHECK(rb > 40 && rb < BUF - 4);
    for (size = 0; size <= (size_t)rb + 3; size++) {
        memset(a, 0x55, sizeof(a));
        memset(b, 0x55, sizeof(b));
        ra = format_snprintf(a, size, fmt, "key", -42, 0xbeef, 'q', 7, "xyz",
                             ULLONG_MAX, 8, (size_t)SIZE_MAX);
        rb = snprintf(b, size, fmt, "key", -42, 0xbeef, 'q', 7, "xyz",
                      ULLONG_MAX, 8, (size_t)SIZE_MAX);
        test_compare(fmt, size, ra, rb, a, b);
    }
    /* C99: with size 0 the buffer may be NULL; only the length comes back. */
    CHECK_EQ(format_snprintf(NULL, 0, "%d%s", 12345, "abc"), 8);
}

/* Through a function, so that gcc does not check the (bad) formats. */
static int test_vformat(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = format_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* Where we differ from glibc on purpose. */
static void test_own_rules(void)
{
    char buf[64];

    CHECK_EQ(format_snprintf(buf, sizeof(buf), "%p", (void *)0), 18);
    CHECK_STR(buf, "0x0000000000000000");
    format_snprintf(buf, sizeof(buf), "%p", (void *)0xffffffff80001234UL);
    CHECK_STR(buf, "0xffffffff80001234");
    format_snprintf(buf, sizeof(buf), "[%20p]", (void *)0x1234);
    CHECK_STR(buf, "[  0x0000000000001234]");
    format_snprintf(buf, sizeof(buf), "[%-20p]", (void *)0x1234);
    CHECK_STR(buf, "[0x0000000000001234  ]");
    format_snprintf(buf, 7, "%p", (void *)0x1234);
    CHECK_STR(buf, "0x0000");
    test_vformat(buf, sizeof(buf), "[%s]", (char *)NULL);
    CHECK_STR(buf, "[(null)]");
    test_vformat(buf, sizeof(buf), "[%8s|%.3s]", (char *)NULL, (char *)NULL);
    CHECK_STR(buf, "[  (null)|(nu]");
}

/* A %s precision bounds the read: the string need not be terminated. */
static void test_unterminated(void)
{
    char buf[16];
    char raw[3] = {'a', 'b', 'c'}; /* no NUL: ASan checks we stop at 3 */

    CHECK_EQ(format_snprintf(buf, sizeof(buf), "%.3s", raw), 3);
    CHECK_STR(buf, "abc");
    CHECK_EQ(format_snprintf(buf, sizeof(buf), "%.*s", 2, raw), 2);
    CHECK_STR(buf, "ab");
}

#define TEST_LITERAL(fmt, want)                                                \
    do {                                                                       \
        char b_[64];                                                           \
        CHECK_EQ(test_vformat(b_, sizeof(b_), fmt), strlen(want));             \
        CHECK_STR(b_, want);                                                   \
    } while (0)

/* Unsupported conversions and formats that end inside a specification. */
static void test_literals(void)
{
    int n = 5;

    TEST_LITERAL("%f", "%f");
    TEST_LITERAL("x=%5.2f!", "x=%5.2f!");
    TEST_LITERAL("%e %g %a", "%e %g %a");
    TEST_LITERAL("%lf", "%lf");
    TEST_LITERAL("%Lf", "%Lf");
    TEST_LITERAL("abc%", "abc%");
    TEST_LITERAL("abc%-08", "abc%-08");
    TEST_LITERAL("%5.3", "%5.3");
    TEST_LITERAL("%ll", "%ll");
    TEST_LITERAL("%q%w", "%q%w");
    TEST_LITERAL("100%%", "100%");
    /* %n writes through its argument: never supported. */
    CHECK_EQ(test_vformat(NULL, 0, "ab%n", &n), 4);
    CHECK_EQ(n, 5);
}

/* Huge widths are counted, not written, and the int result saturates. */
static void test_huge(void)
{
    char buf[8];

    CHECK_EQ(test_vformat(buf, sizeof(buf), "%2000000000d", 1), 2000000000);
    CHECK_STR(buf, "       ");
    CHECK_EQ(test_vformat(buf, sizeof(buf), "%*d", INT_MIN, 1), INT_MAX);
    CHECK(test_vformat(buf, sizeof(buf), "%99999999999999d", 1) == INT_MAX);
    CHECK(test_vformat(buf, sizeof(buf), "%2000000000d%2000000000d", 1, 2) < 0);
    CHECK_STR(buf, "       ");
}

int main(void)
{
    test_integers();
    test_strings();
    test_truncation();
    test_own_rules();
    test_unterminated();
    test_literals();
    test_huge();
    return check_finish();
}
