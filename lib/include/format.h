/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * printf-style formatting into a bounded buffer, with C99 snprintf semantics:
 * the output is always NUL-terminated when size > 0, and the return value is
 * the length the complete output would have had (so a result >= size means
 * it was truncated). A negative return means that length exceeds INT_MAX.
 *
 * Supported: %d %i %u %x %X %o %p %s %c %%, flags - 0 + space #, width and
 * precision (also as *), length modifiers hh h l ll z t j.
 * %p prints "0x" and 16 hex digits; %s of NULL prints "(null)".
 * Not supported: floating point (the hypervisor has no SSE), %n (writes
 * through an argument: never wanted), wide characters. An unsupported
 * conversion is copied to the output literally, e.g. "%f", and consumes no
 * argument.
 */
#ifndef CARAPACE_FORMAT_H
#define CARAPACE_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

__attribute__((format(printf, 3, 0))) int
format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

__attribute__((format(printf, 3, 4))) int
format_snprintf(char *buf, size_t size, const char *fmt, ...);

#endif /* CARAPACE_FORMAT_H */
