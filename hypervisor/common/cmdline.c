/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading options from the hypervisor command line (syntax in cmdline.h).
 *
 * Nothing is parsed ahead of time and nothing is stored: every query scans
 * the string again. Queries happen a handful of times at boot, and this way
 * no table can fill up and no early allocator is needed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <carapace/errno.h>

#include "cmdline.h"

/* Longest number cmdline_get_u64 accepts, in characters. */
#define CMDLINE_NUM_MAX 64

/* One word of the command line. val is NULL for a bare key. */
struct cmdline_word {
    const char *key;
    size_t keylen;
    const char *val; /* raw: still with its quotes */
    size_t vallen;
};

static bool cmdline_isspace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Split off the word that starts at or after p into w. Returns where the
 * scan continues, or NULL when no word is left.
 */
static const char *cmdline_next(const char *p, struct cmdline_word *w)
{
    const char *start, *eq = NULL;
    bool quoted = false;

    while (cmdline_isspace(*p))
        p++;
    if (!*p)
        return NULL;
    /* An unterminated quote runs to the end of the line, as in Linux. */
    for (start = p; *p && (quoted || !cmdline_isspace(*p)); p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == '=' && !eq)
            eq = p;
    }
    w->key = start;
    w->keylen = (size_t)((eq ? eq : p) - start);
    w->val = eq ? eq + 1 : NULL;
    w->vallen = eq ? (size_t)(p - eq - 1) : 0;
    return p;
}

/* Find the last occurrence of key; false if there is none. */
static bool cmdline_find(const char *cmdline, const char *key,
                         struct cmdline_word *found)
{
    struct cmdline_word w;
    size_t keylen = strlen(key);
    const char *p = cmdline;
    bool any = false;

    if (!cmdline)
        return false;
    while ((p = cmdline_next(p, &w)) != NULL) {
        if (w.keylen == keylen && memcmp(w.key, key, keylen) == 0) {
            *found = w;
            any = true;
        }
    }
    return any;
}

int cmdline_get(const char *cmdline, const char *key, char *val, size_t valsize)
{
    struct cmdline_word w;
    size_t i, n = 0;

    if (!key || !*key)
        return -CARAPACE_EINVAL;
    if (!cmdline_find(cmdline, key, &w))
        return -CARAPACE_ENOENT;
    /* Copy without the quotes; count on past valsize to report -ENOSPC. */
    for (i = 0; i < w.vallen; i++) {
        if (w.val[i] == '"')
            continue;
        if (n + 1 < valsize)
            val[n] = w.val[i];
        n++;
    }
    if (valsize)
        val[n < valsize ? n : valsize - 1] = '\0';
    if (n >= valsize || n > __INT_MAX__)
        return -CARAPACE_ENOSPC;
    return (int)n;
}

bool cmdline_has(const char *cmdline, const char *key)
{
    struct cmdline_word w;

    return key && *key && cmdline_find(cmdline, key, &w);
}

/* The value of digit c in bases up to 16, or 16 if c is none. */
static unsigned cmdline_digit(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (unsigned)(c - 'a') + 10;
    if (c >= 'A' && c <= 'F')
        return (unsigned)(c - 'A') + 10;
    return 16;
}

/* The shift a size suffix stands for, or 0 if c is not one. */
static unsigned cmdline_suffix(char c)
{
    switch (c) {
    case 'k':
    case 'K':
        return 10;
    case 'm':
    case 'M':
        return 20;
    case 'g':
    case 'G':
        return 30;
    case 't':
    case 'T':
        return 40;
    default:
        return 0;
    }
}

/*
 * Unlike strtoul, reject rather than stop at trailing garbage, and do not
 * read a leading 0 as octal: "dom0_mem=010M" means ten megabytes.
 */
static int cmdline_parse_u64(const char *s, uint64_t *out)
{
    const char *p = s, *digits;
    unsigned base = 10, d, shift;
    uint64_t v = 0;

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    for (digits = p; (d = cmdline_digit(*p)) < base; p++) {
        if (v > (UINT64_MAX - d) / base)
            return -CARAPACE_EINVAL;
        v = v * base + d;
    }
    if (p == digits)
        return -CARAPACE_EINVAL;
    shift = cmdline_suffix(*p);
    if (shift)
        p++;
    if (*p || v > (UINT64_MAX >> shift))
        return -CARAPACE_EINVAL;
    *out = v << shift;
    return 0;
}

int cmdline_get_u64(const char *cmdline, const char *key, uint64_t *out)
{
    char buf[CMDLINE_NUM_MAX];
    int ret;

    ret = cmdline_get(cmdline, key, buf, sizeof(buf));
    if (ret == -CARAPACE_ENOSPC)
        return -CARAPACE_EINVAL; /* far too long to be a number */
    if (ret < 0)
        return ret;
    return cmdline_parse_u64(buf, out);
}
