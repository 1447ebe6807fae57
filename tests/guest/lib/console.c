/* SPDX-License-Identifier: BSD-2-Clause */
/* A small printf for test guests: one formatter, two sinks (the console
 * through HC_console_write, and a buffer for snprintf). */
#include <string.h>

#include "guest.h"

struct sink {
    void (*put)(struct sink *s, char c);
    char *buf;
    size_t size, len; /* len counts every character, even dropped ones */
};

static void put_pad(struct sink *s, char c, int n)
{
    while (n-- > 0)
        s->put(s, c);
}

/* Print digits (already in reverse in tmp) with sign/prefix and padding. */
static void put_number(struct sink *s, uint64_t value, unsigned int base,
                       bool negative, bool upper, bool alt, bool zero,
                       bool left, int width)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, extra;
    const char *prefix = negative ? "-" : (alt && base == 16) ? "0x" : "";

    do {
        tmp[n++] = digits[value % base];
        value /= base;
    } while (value);
    extra = width - n - (int)strlen(prefix);
    if (!left && !zero)
        put_pad(s, ' ', extra);
    for (const char *p = prefix; *p; p++)
        s->put(s, *p);
    if (!left && zero)
        put_pad(s, '0', extra);
    while (n)
        s->put(s, tmp[--n]);
    if (left)
        put_pad(s, ' ', extra);
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        bool left = false, zero = false, alt = false;
        int width = 0, longs = 0;

        if (*fmt != '%') {
            s->put(s, *fmt);
            continue;
        }
        for (;; fmt++) {
            if (fmt[1] == '-')
                left = true;
            else if (fmt[1] == '0')
                zero = true;
            else if (fmt[1] == '#')
                alt = true;
            else
                break;
        }
        if (fmt[1] == '*') {
            width = va_arg(ap, int);
            fmt++;
        }
        while (fmt[1] >= '0' && fmt[1] <= '9')
            width = width * 10 + (*++fmt - '0');
        while (fmt[1] == 'l' || fmt[1] == 'z') {
            longs++;
            fmt++;
        }
        switch (*++fmt) {
        case 'd':
        case 'i': {
            int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;

            put_number(s, mag, 10, v < 0, false, false, zero, left, width);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v =
                longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);

            put_number(s, v, *fmt == 'u' ? 10 : 16, false, *fmt == 'X', alt,
                       zero, left, width);
            break;
        }
        case 'p':
            put_number(s, (uintptr_t)va_arg(ap, void *), 16, false, false, true,
                       true, false, 18);
            break;
        case 'c':
            put_pad(s, ' ', left ? 0 : width - 1);
            s->put(s, (char)va_arg(ap, int));
            put_pad(s, ' ', left ? width - 1 : 0);
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            int n;

            if (!str)
                str = "(null)";
            n = (int)strlen(str);
            put_pad(s, ' ', left ? 0 : width - n);
            while (*str)
                s->put(s, *str++);
            put_pad(s, ' ', left ? width - n : 0);
            break;
        }
        case '%':
            s->put(s, '%');
            break;
        case '\0':
            return;
        default: /* unknown: print it as it was */
            s->put(s, '%');
            s->put(s, *fmt);
            break;
        }
    }
}

/* --- Console sink: line-buffered --------------------------------------- */

static char line[256];
static size_t line_len;

void console_flush(void)
{
    if (line_len)
        hc_console_write(line, line_len);
    line_len = 0;
}

static void console_put(struct sink *s, char c)
{
    s->len++;
    line[line_len++] = c;
    if (c == '\n' || line_len == sizeof(line))
        console_flush();
}

int vprintf(const char *fmt, va_list ap)
{
    struct sink s = {.put = console_put};

    format(&s, fmt, ap);
    return (int)s.len;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

/* --- Buffer sink --------------------------------------------------------- */

static void buffer_put(struct sink *s, char c)
{
    if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    s->len++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = {.put = buffer_put, .buf = buf, .size = size};

    format(&s, fmt, ap);
    if (size)
        buf[s.len < size ? s.len : size - 1] = '\0';
    return (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

const char *errno_name(int64_t value)
{
    switch (value) {
    case -CARAPACE_EPERM:
        return "-EPERM";
    case -CARAPACE_ENOENT:
        return "-ENOENT";
    case -CARAPACE_ESRCH:
        return "-ESRCH";
    case -CARAPACE_E2BIG:
        return "-E2BIG";
    case -CARAPACE_EAGAIN:
        return "-EAGAIN";
    case -CARAPACE_ENOMEM:
        return "-ENOMEM";
    case -CARAPACE_EFAULT:
        return "-EFAULT";
    case -CARAPACE_EBUSY:
        return "-EBUSY";
    case -CARAPACE_EEXIST:
        return "-EEXIST";
    case -CARAPACE_EINVAL:
        return "-EINVAL";
    case -CARAPACE_ERANGE:
        return "-ERANGE";
    case -CARAPACE_ENOSYS:
        return "-ENOSYS";
    default:
        return NULL;
    }
}
