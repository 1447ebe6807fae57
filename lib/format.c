/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * printf-style formatting for the log and for building names: see format.h
 * for what is supported.
 *
 * Safety rules: the format string is read one character at a time and never
 * past its NUL, even when it ends in the middle of a conversion; the output
 * buffer is written only below size - 1, then terminated. Everything else
 * is only counted, so the caller learns the full length as C99 requires.
 *
 * Floating point: the hypervisor is built with -mgeneral-regs-only and cannot
 * even pass a double. %f, %e, %g, %a (and anything else unknown) are copied
 * out literally and take no argument. On x86-64 a double would travel in an
 * SSE register, apart from the integer arguments, so skipping it would not
 * shift the arguments of later conversions anyway.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "format.h"

/* Flags of one conversion specification. */
#define FORMAT_LEFT  0x01 /* '-': pad on the right */
#define FORMAT_ZERO  0x02 /* '0': pad numbers with zeros */
#define FORMAT_PLUS  0x04 /* '+': always print a sign */
#define FORMAT_SPACE 0x08 /* ' ': a space where '+' would be */
#define FORMAT_ALT   0x10 /* '#': 0x prefix, or a leading 0 for octal */

/* The hypervisor's libc has no <limits.h>; gcc predefines this. */
#define FORMAT_INT_MAX __INT_MAX__

/* %zd reads a size_t's signed twin and %tu a ptrdiff_t's unsigned twin. */
_Static_assert(sizeof(size_t) == sizeof(ptrdiff_t), "size_t vs ptrdiff_t");

enum format_length {
    FORMAT_LEN_NONE,
    FORMAT_LEN_HH,
    FORMAT_LEN_H,
    FORMAT_LEN_L,
    FORMAT_LEN_LL,
    FORMAT_LEN_Z,
    FORMAT_LEN_T,
    FORMAT_LEN_J,
};

struct format_spec {
    unsigned flags;
    int width; /* >= 0 */
    int prec;  /* < 0 when none was given */
    enum format_length length;
    char conv; /* the conversion character; '\0' if the format ended */
};

struct format_out {
    char *buf;
    size_t size;
    size_t len; /* the length of the complete output, written or not */
};

static void format_putc(struct format_out *o, char c)
{
    /* The last byte of the buffer is kept for the NUL. */
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void format_repeat(struct format_out *o, char c, size_t n)
{
    /* Once the buffer is full only count, so a huge width costs nothing. */
    while (n && o->len + 1 < o->size) {
        o->buf[o->len++] = c;
        n--;
    }
    o->len += n;
}

static void format_write(struct format_out *o, const char *s, size_t n)
{
    while (n--)
        format_putc(o, *s++);
}

/* Space padding for a field of len characters: before, or after for '-'. */
static void format_pad(struct format_out *o, const struct format_spec *sp,
                       size_t len, bool after)
{
    bool left = sp->flags & FORMAT_LEFT;

    if (left == after && (size_t)sp->width > len)
        format_repeat(o, ' ', (size_t)sp->width - len);
}

/* Parse a decimal number, saturating at INT_MAX instead of overflowing. */
static int format_parse_num(const char **pp)
{
    const char *p = *pp;
    int v = 0, d;

    for (; *p >= '0' && *p <= '9'; p++) {
        d = *p - '0';
        v = v > (FORMAT_INT_MAX - d) / 10 ? FORMAT_INT_MAX : v * 10 + d;
    }
    *pp = p;
    return v;
}

static const char *format_parse_flags(const char *p, unsigned *flags)
{
    for (;; p++) {
        switch (*p) {
        case '-':
            *flags |= FORMAT_LEFT;
            break;
        case '0':
            *flags |= FORMAT_ZERO;
            break;
        case '+':
            *flags |= FORMAT_PLUS;
            break;
        case ' ':
            *flags |= FORMAT_SPACE;
            break;
        case '#':
            *flags |= FORMAT_ALT;
            break;
        default:
            return p;
        }
    }
}

static const char *format_parse_length(const char *p, enum format_length *l)
{
    switch (*p) {
    case 'h':
        *l = p[1] == 'h' ? FORMAT_LEN_HH : FORMAT_LEN_H;
        return p + (p[1] == 'h') + 1;
    case 'l':
        *l = p[1] == 'l' ? FORMAT_LEN_LL : FORMAT_LEN_L;
        return p + (p[1] == 'l') + 1;
    case 'z':
        *l = FORMAT_LEN_Z;
        return p + 1;
    case 't':
        *l = FORMAT_LEN_T;
        return p + 1;
    case 'j':
        *l = FORMAT_LEN_J;
        return p + 1;
    default:
        *l = FORMAT_LEN_NONE;
        return p;
    }
}

/* Width and precision: digits, or '*' to take an int argument. */
static const char *format_parse_width(const char *p, struct format_spec *sp,
                                      va_list *ap)
{
    int w;

    if (*p == '*') {
        w = va_arg(*ap, int);
        /* A negative width argument means '-' and its absolute value. */
        if (w < 0) {
            sp->flags |= FORMAT_LEFT;
            w = w == -FORMAT_INT_MAX - 1 ? FORMAT_INT_MAX : -w;
        }
        sp->width = w;
        p++;
    } else {
        sp->width = format_parse_num(&p);
    }
    sp->prec = -1;
    if (*p != '.')
        return p;
    p++;
    if (*p == '*') {
        /* A negative precision argument counts as none given. */
        sp->prec = va_arg(*ap, int);
        if (sp->prec < 0)
            sp->prec = -1;
        return p + 1;
    }
    sp->prec = format_parse_num(&p);
    return p;
}

/*
 * Parse the specification after a '%'. Returns a pointer to the conversion
 * character, or to the terminating NUL if the format ends first.
 */
static const char *format_parse(const char *p, struct format_spec *sp,
                                va_list *ap)
{
    sp->flags = 0;
    p = format_parse_flags(p, &sp->flags);
    p = format_parse_width(p, sp, ap);
    p = format_parse_length(p, &sp->length);
    sp->conv = *p;
    return p;
}

static uintmax_t format_arg_unsigned(enum format_length l, va_list *ap)
{
    switch (l) {
    case FORMAT_LEN_HH:
        return (unsigned char)va_arg(*ap, unsigned int);
    case FORMAT_LEN_H:
        return (unsigned short)va_arg(*ap, unsigned int);
    case FORMAT_LEN_L:
        return va_arg(*ap, unsigned long);
    case FORMAT_LEN_LL:
        return va_arg(*ap, unsigned long long);
    case FORMAT_LEN_Z:
    case FORMAT_LEN_T:
        return va_arg(*ap, size_t);
    case FORMAT_LEN_J:
        return va_arg(*ap, uintmax_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

static intmax_t format_arg_signed(enum format_length l, va_list *ap)
{
    switch (l) {
    case FORMAT_LEN_HH:
        return (signed char)va_arg(*ap, int);
    case FORMAT_LEN_H:
        return (short)va_arg(*ap, int);
    case FORMAT_LEN_L:
        return va_arg(*ap, long);
    case FORMAT_LEN_LL:
        return va_arg(*ap, long long);
    case FORMAT_LEN_Z:
    case FORMAT_LEN_T:
        return va_arg(*ap, ptrdiff_t);
    case FORMAT_LEN_J:
        return va_arg(*ap, intmax_t);
    default:
        return va_arg(*ap, int);
    }
}

/*
 * Print v as [padding][sign][prefix][zeros]digits[padding]. sign is '-', '+',
 * ' ' or 0 for none; it is decided by the caller, who knows the signedness.
 */
static void format_number(struct format_out *o, const struct format_spec *sp,
                          uintmax_t v, char sign)
{
    const char *xdigits =
        sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    unsigned base = sp->conv == 'o'                      ? 8
                    : sp->conv == 'x' || sp->conv == 'X' ? 16
                                                         : 10;
    char digits[24]; /* 22 octal digits hold 64 bits */
    size_t n = 0, zeros, prefix = 0, len;

    if (base == 16 && v && (sp->flags & FORMAT_ALT))
        prefix = 2;
    /* C: a zero value with precision 0 prints no digits at all. */
    for (; v || (n == 0 && sp->prec != 0); v /= base)
        digits[n++] = xdigits[v % base];
    zeros = sp->prec > 0 && (size_t)sp->prec > n ? (size_t)sp->prec - n : 0;
    /* '#' with octal: make sure the first digit printed is a 0. */
    if (base == 8 && (sp->flags & FORMAT_ALT) && !zeros &&
        (n == 0 || digits[n - 1] != '0'))
        zeros = 1;
    len = (sign != 0) + prefix + zeros + n;
    if (!(sp->flags & FORMAT_LEFT) && (sp->flags & FORMAT_ZERO) &&
        sp->prec < 0 && (size_t)sp->width > len) {
        zeros += (size_t)sp->width - len; /* zeros go after sign and 0x */
        len = (size_t)sp->width;
    }
    format_pad(o, sp, len, false);
    if (sign)
        format_putc(o, sign);
    format_write(o, sp->conv == 'X' ? "0X" : "0x", prefix);
    format_repeat(o, '0', zeros);
    while (n)
        format_putc(o, digits[--n]);
    format_pad(o, sp, len, true);
}

static void format_signed(struct format_out *o, const struct format_spec *sp,
                          intmax_t v)
{
    char sign = 0;
    uintmax_t mag = (uintmax_t)v;

    if (v < 0) {
        sign = '-';
        mag = -mag; /* unsigned negation: also right for INTMAX_MIN */
    } else if (sp->flags & FORMAT_PLUS) {
        sign = '+';
    } else if (sp->flags & FORMAT_SPACE) {
        sign = ' ';
    }
    format_number(o, sp, mag, sign);
}

/* %p: always "0x" and 16 digits, so that addresses line up in the log. */
static void format_pointer(struct format_out *o, const struct format_spec *sp,
                           const void *p)
{
    uintptr_t v = (uintptr_t)p;
    int shift;

    format_pad(o, sp, 18, false);
    format_write(o, "0x", 2);
    for (shift = 60; shift >= 0; shift -= 4)
        format_putc(o, "0123456789abcdef"[(v >> shift) & 0xf]);
    format_pad(o, sp, 18, true);
}

static void format_string(struct format_out *o, const struct format_spec *sp,
                          const char *s)
{
    size_t n;

    if (!s)
        s = "(null)";
    /* With a precision, s need not be terminated: read no further. */
    n = sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s);
    format_pad(o, sp, n, false);
    format_write(o, s, n);
    format_pad(o, sp, n, true);
}

/* Convert one argument; false if the conversion is not supported. */
static bool format_convert(struct format_out *o, const struct format_spec *sp,
                           va_list *ap)
{
    switch (sp->conv) {
    case 'd':
    case 'i':
        format_signed(o, sp, format_arg_signed(sp->length, ap));
        return true;
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        format_number(o, sp, format_arg_unsigned(sp->length, ap), 0);
        return true;
    case 'c':
        format_pad(o, sp, 1, false);
        format_putc(o, (char)va_arg(*ap, int));
        format_pad(o, sp, 1, true);
        return true;
    case 's':
        format_string(o, sp, va_arg(*ap, const char *));
        return true;
    case 'p':
        format_pointer(o, sp, va_arg(*ap, const void *));
        return true;
    case '%':
        format_putc(o, '%');
        return true;
    default:
        return false;
    }
}

int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct format_out o = {buf, size, 0};
    struct format_spec sp;
    const char *p, *start;
    va_list aq;

    /*
     * Helpers take a pointer to a va_list. The address of a va_list
     * parameter is not one where va_list is an array type (x86-64); the
     * address of a local copy is.
     */
    va_copy(aq, ap);
    for (p = fmt; *p; p++) {
        if (*p != '%') {
            format_putc(&o, *p);
            continue;
        }
        start = p;
        p = format_parse(p + 1, &sp, &aq);
        if (!format_convert(&o, &sp, &aq)) {
            /* Unsupported or cut short: show the specification as is. */
            format_write(&o, start, (size_t)(p - start) + (*p != '\0'));
            if (!*p)
                break;
        }
    }
    va_end(aq);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > FORMAT_INT_MAX ? -1 : (int)o.len;
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
