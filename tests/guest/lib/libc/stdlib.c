/* SPDX-License-Identifier: BSD-2-Clause */
/* strtoul: what libfdt needs to parse unit addresses. */
#include <limits.h>
#include <stdlib.h>

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    const char *p = s;
    unsigned long value = 0;
    int negative = 0, overflow = 0, any = 0;

    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        p++;
    if (*p == '+' || *p == '-')
        negative = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' &&
        (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    if (base < 2 || base > 36) {
        if (end)
            *end = (char *)s;
        return 0;
    }
    for (;; p++) {
        int d = digit_value(*p);

        if (d >= base)
            break;
        any = 1;
        if (value > (ULONG_MAX - (unsigned long)d) / (unsigned long)base)
            overflow = 1;
        value = value * (unsigned long)base + (unsigned long)d;
    }
    if (end)
        *end = (char *)(any ? p : s);
    if (overflow)
        return ULONG_MAX;
    return negative ? -value : value;
}
