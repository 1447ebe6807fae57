/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * printf-style formatting into a buffer (lib/format.c). Conversions:
 * %d %i %u %x %X %o %c %s %p %%, flags '-' '0', a width (or '*'), a
 * precision for %s, and the length modifiers l, ll, z. Always
 * NUL-terminates (when size > 0); returns the length the whole output
 * would have had.
 */
#ifndef GK_FORMAT_H
#define GK_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int format_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* GK_FORMAT_H */
