/* SPDX-License-Identifier: BSD-2-Clause */
/* Command line parsing: cmdline_get, cmdline_has, cmdline_get_u64. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cmdline.h"

static const char test_line[] =
    "loglvl=info noapic dom0_mem=64M  console=com1,vga\t"
    "dom0_args=\"console=hvc0 quiet\" empty= loglvl=debug "
    "mid=a\"b c\"d open=\"to the end";

static void test_get(void)
{
    char v[64];

    CHECK_EQ(cmdline_get(test_line, "loglvl", v, sizeof(v)), 5);
    CHECK_STR(v, "debug"); /* the last occurrence wins */
    CHECK_EQ(cmdline_get(test_line, "noapic", v, sizeof(v)), 0);
    CHECK_STR(v, "");
    CHECK_EQ(cmdline_get(test_line, "dom0_mem", v, sizeof(v)), 3);
    CHECK_STR(v, "64M");
    CHECK_EQ(cmdline_get(test_line, "console", v, sizeof(v)), 8);
    CHECK_STR(v, "com1,vga");
    CHECK_EQ(cmdline_get(test_line, "dom0_args", v, sizeof(v)), 18);
    CHECK_STR(v, "console=hvc0 quiet");
    CHECK_EQ(cmdline_get(test_line, "empty", v, sizeof(v)), 0);
    CHECK_STR(v, "");
    CHECK_EQ(cmdline_get(test_line, "mid", v, sizeof(v)), 5);
    CHECK_STR(v, "ab cd");
    CHECK_EQ(cmdline_get(test_line, "open", v, sizeof(v)), 10);
    CHECK_STR(v, "to the end");
    /* Words inside a quoted value are not keys. */
    CHECK_EQ(cmdline_get(test_line, "quiet", v, sizeof(v)), -ENOENT);
    CHECK_EQ(cmdline_get(test_line, "the", v, sizeof(v)), -ENOENT);
    /* Prefixes and extensions of a key are other keys. */
    CHECK_EQ(cmdline_get(test_line, "dom0", v, sizeof(v)), -ENOENT);
    CHECK_EQ(cmdline_get(test_line, "noapicx", v, sizeof(v)), -ENOENT);
    CHECK_EQ(cmdline_get(test_line, "log", v, sizeof(v)), -ENOENT);
    CHECK_EQ(cmdline_get(test_line, "", v, sizeof(v)), -EINVAL);
    CHECK_EQ(cmdline_get(test_line, NULL, v, sizeof(v)), -EINVAL);
    CHECK_EQ(cmdline_get(NULL, "loglvl", v, sizeof(v)), -ENOENT);
    CHECK_EQ(cmdline_get("", "loglvl", v, sizeof(v)), -ENOENT);
    CHECK_EQ(cmdline_get("   \t\n", "loglvl", v, sizeof(v)), -ENOENT);
    CHECK_EQ(cmdline_get("=x a=1", "a", v, sizeof(v)), 1);
}

/* Values cut to fit, at every buffer size around the value's length. */
static void test_truncate(void)
{
    char v[16];
    size_t size, i;
    int ret;

    for (size = 0; size <= 8; size++) {
        memset(v, 'Z', sizeof(v));
        ret = cmdline_get("a=1 key=\"ab cd\" z", "key", v, size);
        CHECK_EQ(ret, size > 5 ? 5 : -ENOSPC);
        if (size > 0)
            CHECK(strncmp(v, "ab cd", size - 1) == 0 &&
                  v[size > 5 ? 5 : size - 1] == '\0');
        for (i = size; i < sizeof(v); i++)
            CHECK(v[i] == 'Z'); /* nothing written past size */
    }
    /* A NULL buffer is fine with size 0. */
    CHECK_EQ(cmdline_get("a=1", "a", NULL, 0), -ENOSPC);
}

static void test_has(void)
{
    CHECK(cmdline_has(test_line, "noapic"));
    CHECK(cmdline_has(test_line, "loglvl"));
    CHECK(cmdline_has(test_line, "empty"));
    CHECK(!cmdline_has(test_line, "quiet"));
    CHECK(!cmdline_has(test_line, "noap"));
    CHECK(!cmdline_has(NULL, "noapic"));
    CHECK(!cmdline_has(test_line, ""));
    CHECK(!cmdline_has(test_line, NULL));
}

struct test_num {
    const char *line;
    int ret;
    uint64_t val;
};

static const struct test_num test_nums[] = {
    {"n=0", 0, 0},
    {"n=42", 0, 42},
    {"n=010", 0, 10}, /* decimal, not octal */
    {"n=0x10", 0, 16},
    {"n=0XfF", 0, 255},
    {"n=64M", 0, 64ULL << 20},
    {"n=64m", 0, 64ULL << 20},
    {"n=1k", 0, 1024},
    {"n=4G", 0, 4ULL << 30},
    {"n=2T", 0, 2ULL << 40},
    {"n=0x10M", 0, 16ULL << 20},
    {"n=\"12K\"", 0, 12288},
    {"n=1 n=2", 0, 2},
    {"n=18446744073709551615", 0, UINT64_MAX},
    {"n=0xffffffffffffffff", 0, UINT64_MAX},
    {"n=16777215T", 0, 16777215ULL << 40},
    {"n=18446744073709551616", -EINVAL, 0},
    {"n=0x10000000000000000", -EINVAL, 0},
    {"n=16777216T", -EINVAL, 0},
    {"n=17179869184G", -EINVAL, 0},
    {"n=", -EINVAL, 0},
    {"n", -EINVAL, 0},
    {"n=0x", -EINVAL, 0},
    {"n=M", -EINVAL, 0},
    {"n=-1", -EINVAL, 0},
    {"n=+1", -EINVAL, 0},
    {"n=12KB", -EINVAL, 0},
    {"n=12X", -EINVAL, 0},
    {"n=1.5G", -EINVAL, 0},
    {"n=\" 1\"", -EINVAL, 0},
    {"n=0x1g", 0, 1ULL << 30},
    {"n=0x1z", -EINVAL, 0},
    {"n=00000000000000000000000000000000000000000000000000000000000000001",
     -EINVAL, 0}, /* longer than any number we take */
    {"m=1", -ENOENT, 0},
};

static void test_u64(void)
{
    unsigned i;
    uint64_t v;

    for (i = 0; i < sizeof(test_nums) / sizeof(test_nums[0]); i++) {
        const struct test_num *t = &test_nums[i];
        int ret;

        v = 0x5a5a;
        ret = cmdline_get_u64(t->line, "n", &v);
        CHECK_EQ(ret, t->ret);
        CHECK_EQ(v, t->ret == 0 ? t->val : 0x5a5a);
        if (ret != t->ret)
            printf("  (line \"%s\")\n", t->line);
    }
}

int main(void)
{
    test_get();
    test_truncate();
    test_has();
    test_u64();
    return check_finish();
}
