/* SPDX-License-Identifier: BSD-2-Clause */
/* The one stdlib function libfdt needs. */
#ifndef GUEST_LIBC_STDLIB_H
#define GUEST_LIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);

#endif /* GUEST_LIBC_STDLIB_H */
