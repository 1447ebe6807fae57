/* SPDX-License-Identifier: BSD-2-Clause */
/* The one stdlib function libfdt needs (lib/string.c). */
#ifndef GK_LIBC_STDLIB_H
#define GK_LIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);

#endif /* GK_LIBC_STDLIB_H */
