/* SPDX-License-Identifier: BSD-2-Clause */
/* Kernel messages on the console, and panic (kernel/print.c). */
#ifndef GK_PRINT_H
#define GK_PRINT_H

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void print_write(const char *s, size_t len);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt,
                                                           ...);

#endif /* GK_PRINT_H */
