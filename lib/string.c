/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The freestanding C library subset of every part (lib/): what generic
 * code and libfdt need, for the hypervisor, the guest kernel and the test
 * guests, each built with its own flags.
 *
 * Plain loops; memcpy and memset move whole words when both ends are
 * 8-byte aligned (the guest kernel copies and clears whole pages with
 * them), bytes otherwise (memcpy with rep movsb on x86_64). Clarity beats speed
 * elsewhere.
 *
 * The compiler recognizes loops such as "store c into n bytes" or "count
 * bytes up to a NUL" and may replace them with a call to memset() or
 * strlen() -- inside memset or strlen that would recurse forever. gcc does
 * not do it under -ffreestanding today, but nothing promises that, and the
 * host unit-test build of this file is not freestanding. The pragma below
 * switches the transformation off for the whole file, whatever flags it is
 * built with (checked with objdump: no function here calls another).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ULONG_MAX, without depending on <limits.h>. */
#define STRING_ULONG_MAX (~0UL)

#pragma GCC optimize("no-tree-loop-distribute-patterns")

/*
 * Whole words go with one string instruction, rep movsq / rep stosq: not
 * sensitive, fast on hardware for the page-sized copies and clears that
 * dominate (frames zeroed, images loaded), and under QEMU's -icount each
 * word is one instruction instead of a load, a store and the loop's
 * bookkeeping (about five), which is what the benchmarks count. The
 * direction flag is clear on every entry to C (the ABI; every trap entry
 * does cld). Not under AddressSanitizer: it cannot see into the asm.
 */
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define STRING_REP 1
#endif

/* A word that may alias anything (memcpy's and memset's fast path). */
typedef uint64_t __attribute__((may_alias)) string_word;

static bool string_aligned(const void *a, const void *b)
{
    return (((uintptr_t)a | (uintptr_t)b) & (sizeof(string_word) - 1)) == 0;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

#ifdef STRING_REP
    size_t words = n / sizeof(string_word);

    if (!string_aligned(d, s)) {
        /* Ends that cannot both be aligned (a cpio file's bytes are only
         * 4-aligned): rep movsb, one instruction a byte under icount
         * instead of about five. */
        __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
        return dst;
    }
    __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
    n %= sizeof(string_word);
#else
    if (string_aligned(d, s)) {
        for (; n >= sizeof(string_word); n -= sizeof(string_word)) {
            *(string_word *)d = *(const string_word *)s;
            d += sizeof(string_word);
            s += sizeof(string_word);
        }
    }
#endif
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    /*
     * Copy backwards when the destination starts inside the source, so
     * that each byte is read before it is overwritten. Comparing as
     * integers avoids comparing pointers into different objects.
     */
    if ((uintptr_t)d > (uintptr_t)s && (uintptr_t)d - (uintptr_t)s < n) {
        while (n--)
            d[n] = s[n];
    } else {
        while (n--)
            *d++ = *s++;
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;

    if (string_aligned(d, d)) {
        string_word w = (uint8_t)c * 0x0101010101010101ULL;
#ifdef STRING_REP
        size_t words = n / sizeof(string_word);

        __asm__ volatile("rep stosq"
                         : "+D"(d), "+c"(words)
                         : "a"(w)
                         : "memory");
        n %= sizeof(string_word);
#else
        for (; n >= sizeof(string_word); n -= sizeof(string_word)) {
            *(string_word *)d = w;
            d += sizeof(string_word);
        }
#endif
    }
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *pa = a, *pb = b;

    for (; n; n--, pa++, pb++) {
        if (*pa != *pb)
            return *pa < *pb ? -1 : 1;
    }
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for (; n; n--, p++) {
        if (*p == (unsigned char)c)
            return (void *)p;
    }
    return NULL;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    /* Never look at s[max]: the caller may own exactly max bytes. */
    while (n < max && s[n])
        n++;
    return n;
}

char *strchr(const char *s, int c)
{
    /* The terminating NUL counts as part of the string (strchr(s, 0)). */
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)last;
    }
}

int strcmp(const char *a, const char *b)
{
    /* C compares as unsigned char, whatever the signedness of char. */
    const unsigned char *pa = (const void *)a, *pb = (const void *)b;

    while (*pa && *pa == *pb) {
        pa++;
        pb++;
    }
    return *pa == *pb ? 0 : (*pa < *pb ? -1 : 1);
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *pa = (const void *)a, *pb = (const void *)b;

    for (; n; n--, pa++, pb++) {
        if (*pa != *pb)
            return *pa < *pb ? -1 : 1;
        if (!*pa)
            return 0;
    }
    return 0;
}

/* The value of digit character c, or 36 (larger than any base) if none. */
static unsigned string_digit(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'z')
        return (unsigned)(c - 'a') + 10;
    if (c >= 'A' && c <= 'Z')
        return (unsigned)(c - 'A') + 10;
    return 36;
}

static bool string_isspace(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * Detect the base and skip a "0x" prefix. The prefix only counts when a hex
 * digit follows: in "0xg" the number is the 0 and parsing stops at the x.
 */
static const char *string_prefix(const char *p, int *base)
{
    bool hex =
        p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && string_digit(p[2]) < 16;

    if ((*base == 0 || *base == 16) && hex) {
        *base = 16;
        return p + 2;
    }
    if (*base == 0)
        *base = p[0] == '0' ? 8 : 10;
    return p;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    const char *p = s, *digits;
    unsigned long val = 0;
    bool neg = false, overflow = false;
    unsigned d;

    if (base < 0 || base == 1 || base > 36)
        goto fail;
    while (string_isspace(*p))
        p++;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    p = string_prefix(p, &base);
    /* Keep consuming digits after an overflow: *end must pass them all. */
    for (digits = p; (d = string_digit(*p)) < (unsigned)base; p++) {
        if (val > (STRING_ULONG_MAX - d) / (unsigned long)base)
            overflow = true;
        val = val * (unsigned long)base + d;
    }
    if (p == digits)
        goto fail; /* no digits at all: C says *end = s */
    if (end)
        *end = (char *)p;
    if (overflow)
        return STRING_ULONG_MAX;
    return neg ? -val : val;
fail:
    if (end)
        *end = (char *)s;
    return 0;
}
