/* SPDX-License-Identifier: BSD-2-Clause */
/* The subset of <stdlib.h> lib/string.c provides (libfdt needs strtoul). */
#ifndef CARAPACE_LIBC_STDLIB_H
#define CARAPACE_LIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);

#endif /* CARAPACE_LIBC_STDLIB_H */
