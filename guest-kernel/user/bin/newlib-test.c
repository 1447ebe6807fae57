/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * newlib-test: checks that newlib works on the Carapace kernel: formatted
 * output of integers and floating point, malloc and free of many sizes,
 * reading a file from the ramdisk with stdio (fopen, fgets, fseek, ftell,
 * fread), strtod, qsort, libm, and the string functions. Its last line is
 * "Test result: SUCCESS" or "Test result: FAILURE (...)"; it exits 0 or 1.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int checks, failures;

static void check(int ok, const char *what)
{
    checks++;
    if (!ok) {
        failures++;
        printf("newlib-test: FAILED: %s\n", what);
    }
}

/* Formats with snprintf and compares with what C says it must print. */
#define EXPECT_FMT(want, ...)                                                  \
    do {                                                                       \
        char got_[128];                                                        \
        snprintf(got_, sizeof(got_), __VA_ARGS__);                             \
        checks++;                                                              \
        if (strcmp(got_, want) != 0) {                                         \
            failures++;                                                        \
            printf("newlib-test: FAILED: %s gave \"%s\", expected \"%s\"\n",   \
                   #__VA_ARGS__, got_, want);                                  \
        }                                                                      \
    } while (0)

static void test_printf(void)
{
    EXPECT_FMT("42 -7 ff 0777", "%d %i %x %04o", 42, -7, 255u, 0777u);
    EXPECT_FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
    EXPECT_FMT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
    EXPECT_FMT("[   ab] [ab   ] [c]", "[%5s] [%-5s] [%c]", "ab", "ab", 'c');
    EXPECT_FMT("3.141593", "%f", 3.14159265358979);
    EXPECT_FMT("-0.50", "%.2f", -0.5);
    EXPECT_FMT("1.234568e+08", "%e", 123456789.0);
    EXPECT_FMT("1.5e-07", "%g", 1.5e-7);
    EXPECT_FMT("100000", "%g", 1e5);
    EXPECT_FMT("1e+06", "%g", 1e6);
    EXPECT_FMT("inf nan", "%g %g", INFINITY, NAN);
    printf("newlib-test: printf: %d %f %e %g\n", -12345, 2.5, 6.02214076e23,
           0.0001);
}

static void test_malloc(void)
{
    enum { N = 200 };
    static unsigned char *blocks[N];
    static size_t sizes[N];
    unsigned seed = 12345;
    int bad = 0;

    /* Three rounds: allocate varied sizes with a pattern, free every
     * other block, check the survivors, free the rest. */
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            seed = seed * 1103515245u + 12345u;
            sizes[i] = 1 + (seed >> 8) % (i % 10 == 0 ? 65536 : 512);
            blocks[i] = malloc(sizes[i]);
            if (!blocks[i]) {
                bad++;
                continue;
            }
            memset(blocks[i], (i + round) & 0xff, sizes[i]);
        }
        for (int i = 0; i < N; i += 2) {
            free(blocks[i]);
            blocks[i] = NULL;
        }
        for (int i = 1; i < N; i += 2) {
            for (size_t j = 0; blocks[i] && j < sizes[i]; j++) {
                if (blocks[i][j] != ((i + round) & 0xff)) {
                    bad++;
                    break;
                }
            }
            free(blocks[i]);
        }
    }
    check(bad == 0, "malloc'd blocks keep their contents");

    unsigned char *big = malloc(4 << 20);
    check(big != NULL, "malloc(4 MiB)");
    if (big) {
        big[0] = 1;
        big[(4 << 20) - 1] = 2;
        unsigned char *bigger = realloc(big, 8 << 20);
        check(bigger && bigger[0] == 1 && bigger[(4 << 20) - 1] == 2,
              "realloc keeps the contents");
        free(bigger ? bigger : big);
    }
    int *zeros = calloc(1000, sizeof(int));
    int nonzero = 0;
    for (int i = 0; zeros && i < 1000; i++)
        nonzero |= zeros[i];
    check(zeros && !nonzero, "calloc zero-fills");
    free(zeros);
}

static void test_file(void)
{
    static const char path[] = "/etc/newlib-test.txt";
    char line[128], want[128];
    int lines = 0, bad = 0;
    struct stat st;

    FILE *f = fopen(path, "r");
    check(f != NULL, "fopen /etc/newlib-test.txt");
    if (!f) {
        printf("newlib-test: %s: %s\n", path, strerror(errno));
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        lines++;
        snprintf(want, sizeof(want),
                 "line %03d: the quick brown fox jumps over the lazy dog\n",
                 lines);
        bad += strcmp(line, want) != 0;
    }
    check(lines == 100 && bad == 0, "the file has the expected 100 lines");
    long size = ftell(f);
    check(size == 100 * 54, "ftell at the end is the file size");
    check(fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
              st.st_size == size,
          "fstat gives a regular file of the right size");
    check(fseek(f, 54 * 41 + 5, SEEK_SET) == 0 && fread(line, 1, 3, f) == 3 &&
              memcmp(line, "042", 3) == 0,
          "fseek and fread in the middle of the file");
    fclose(f);
    printf("newlib-test: read %d lines (%ld bytes) from %s\n", lines, size,
           path);

    errno = 0;
    check(fopen("/etc/no-such-file", "r") == NULL && errno == ENOENT,
          "fopen of a missing file fails with ENOENT");
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void test_libc_libm(void)
{
    char *end;
    double d = strtod("  -1.25e3xyz", &end);
    check(d == -1250.0 && strcmp(end, "xyz") == 0, "strtod");
    check(strtol("0x7fff", NULL, 16) == 0x7fff, "strtol");

    int v[64];
    unsigned seed = 7;
    for (int i = 0; i < 64; i++) {
        seed = seed * 1103515245u + 12345u;
        v[i] = (int)(seed >> 16) % 1000 - 500;
    }
    qsort(v, 64, sizeof(v[0]), cmp_int);
    int sorted = 1;
    for (int i = 1; i < 64; i++)
        sorted &= v[i - 1] <= v[i];
    check(sorted, "qsort sorts");

    check(fabs(sqrt(2.0) - 1.41421356237309505) < 1e-15, "sqrt(2)");
    check(fabs(sin(M_PI / 6) - 0.5) < 1e-15, "sin(pi/6)");
    check(fabs(exp(log(10.0)) - 10.0) < 1e-13, "exp(log(10))");
    EXPECT_FMT("1.414214 0.500000", "%f %f", sqrt(2.0), sin(M_PI / 6));

    char buf[32];
    check(strlen("carapace") == 8, "strlen");
    check(strcmp("abc", "abd") < 0 && strncmp("abcx", "abcy", 3) == 0,
          "strcmp and strncmp");
    check(strchr("hello", 'l') - "hello" == 2 && strrchr("hello", 'l') &&
              strstr("hypervisor", "visor") != NULL,
          "strchr, strrchr and strstr");
    strcpy(buf, "para");
    strcat(buf, "virtual");
    check(strcmp(buf, "paravirtual") == 0, "strcpy and strcat");
    memmove(buf + 2, buf, 5);
    check(memcmp(buf, "paparavtual", 11) == 0, "overlapping memmove");
}

int main(void)
{
    test_printf();
    test_malloc();
    test_file();
    test_libc_libm();

    printf("newlib-test: %d checks, %d failed\n", checks, failures);
    if (failures)
        printf("Test result: FAILURE (%d of %d checks failed)\n", failures,
               checks);
    else
        printf("Test result: SUCCESS\n");
    return failures != 0;
}
