/* SPDX-License-Identifier: BSD-2-Clause */
/* printf-style formatting: the few conversions a kernel's messages use. */
#include <stdbool.h>
#include <stdint.h>

#include "format.h"

struct format_out {
    char *buf;
    size_t size;
    size_t len; /* what would have been written */
};

struct format_spec {
    bool left, zero;
    int width, prec;
};

static void format_put(struct format_out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void format_pad(struct format_out *o, int n, char c)
{
    while (n-- > 0)
        format_put(o, c);
}

static void format_str(struct format_out *o, const struct format_spec *s,
                       const char *str)
{
    int n = 0;

    if (!str)
        str = "(null)";
    while (str[n] && (s->prec < 0 || n < s->prec))
        n++;
    if (!s->left)
        format_pad(o, s->width - n, ' ');
    for (int i = 0; i < n; i++)
        format_put(o, str[i]);
    if (s->left)
        format_pad(o, s->width - n, ' ');
}

static void format_num(struct format_out *o, const struct format_spec *s,
                       uint64_t v, unsigned base, bool neg, const char *prefix,
                       bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, extra;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    extra = (neg ? 1 : 0) + (int)__builtin_strlen(prefix);
    if (!s->left && !s->zero)
        format_pad(o, s->width - n - extra, ' ');
    if (neg)
        format_put(o, '-');
    while (*prefix)
        format_put(o, *prefix++);
    if (!s->left && s->zero)
        format_pad(o, s->width - n - extra, '0');
    while (n)
        format_put(o, tmp[--n]);
    if (s->left)
        format_pad(o, s->width - n - extra, ' ');
}

/* Reads flags, width and precision; returns the pointer past them. */
static const char *format_parse(const char *f, struct format_spec *s,
                                va_list *ap)
{
    *s = (struct format_spec){.prec = -1};
    for (;; f++) {
        if (*f == '-')
            s->left = true;
        else if (*f == '0')
            s->zero = true;
        else
            break;
    }
    if (*f == '*') {
        s->width = va_arg(*ap, int);
        f++;
    }
    while (*f >= '0' && *f <= '9')
        s->width = s->width * 10 + (*f++ - '0');
    if (*f == '.') {
        s->prec = 0;
        if (*++f == '*') {
            s->prec = va_arg(*ap, int);
            f++;
        }
        while (*f >= '0' && *f <= '9')
            s->prec = s->prec * 10 + (*f++ - '0');
    }
    return f;
}

static void format_conv(struct format_out *o, const struct format_spec *s,
                        char c, int lng, va_list *ap)
{
    uint64_t u;
    int64_t d;

    switch (c) {
    case 'd':
    case 'i':
        d = lng ? va_arg(*ap, int64_t) : va_arg(*ap, int);
        u = d < 0 ? -(uint64_t)d : (uint64_t)d;
        format_num(o, s, u, 10, d < 0, "", false);
        break;
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        u = lng ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned int);
        format_num(o, s, u,
                   c == 'u'   ? 10
                   : c == 'o' ? 8
                              : 16,
                   false, "", c == 'X');
        break;
    case 'p':
        format_num(o, s, (uint64_t)(uintptr_t)va_arg(*ap, void *), 16, false,
                   "0x", false);
        break;
    case 'c':
        format_put(o, (char)va_arg(*ap, int));
        break;
    case 's':
        format_str(o, s, va_arg(*ap, const char *));
        break;
    default:
        format_put(o, '%');
        format_put(o, c);
    }
}

int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct format_out o = {.buf = buf, .size = size};
    struct format_spec s;
    va_list aq;

    va_copy(aq, ap);
    while (*fmt) {
        int lng = 0;
        bool alt = false;

        if (*fmt != '%') {
            format_put(&o, *fmt++);
            continue;
        }
        fmt++;
        if (*fmt == '#') {
            alt = true;
            fmt++;
        }
        fmt = format_parse(fmt, &s, &aq);
        while (*fmt == 'l' || *fmt == 'z') {
            lng = 1;
            fmt++;
        }
        if (!*fmt)
            break;
        if (alt && (*fmt == 'x' || *fmt == 'X')) {
            uint64_t u = lng ? va_arg(aq, uint64_t) : va_arg(aq, unsigned int);
            format_num(&o, &s, u, 16, false, "0x", *fmt == 'X');
        } else {
            format_conv(&o, &s, *fmt, lng, &aq);
        }
        fmt++;
    }
    va_end(aq);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int format_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = format_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
