/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The subset of <string.h> that lib/string.c provides to the hypervisor, the
 * guest kernel and the test guests. It is also what libfdt needs. Only
 * freestanding builds see this directory; host unit tests use the host C
 * library instead.
 */
#ifndef CARAPACE_LIBC_STRING_H
#define CARAPACE_LIBC_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif /* CARAPACE_LIBC_STRING_H */
