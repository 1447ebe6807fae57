/* SPDX-License-Identifier: BSD-2-Clause */
/* The subset of <stdlib.h> the hypervisor provides (common/string.c). */
#ifndef CARAPACE_LIBC_STDLIB_H
#define CARAPACE_LIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);

#endif /* CARAPACE_LIBC_STDLIB_H */
